"""The ``chainrule`` command: a thin typer layer over the library.

Every command body is: read options, call the library, render, write.
The helpers here are shared by all commands:

- ``handle_errors()`` turns a ``ChainruleError`` into one ``error: ...`` line
  on stderr and its exit code (2 bad input, 1 otherwise), and any other
  exception into ``error: internal error: ...`` with exit code 1; never a
  traceback.
- ``write_output(text, path)`` writes stdout, or a file atomically (a
  temporary file in the same directory, then a rename), so a failed run never
  leaves a partial or clobbered file.
- ``choose_format(...)`` picks the output format: the one asked for, else the
  output file's suffix, else ``rich`` on a terminal and ``text`` otherwise.
- ``parse_assignments(...)`` reads ``NAME=VALUE`` options.
"""

from __future__ import annotations

import contextlib
import enum
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from chainrule import __version__
from chainrule.derivation.model import Binding
from chainrule.errors import ChainruleError, UsageError


class Format(str, enum.Enum):
    """Output formats of ``chainrule derive``."""

    rich = "rich"
    text = "text"
    latex = "latex"
    markdown = "markdown"
    json = "json"
    html = "html"


class Notation(str, enum.Enum):
    leibniz = "leibniz"
    lagrange = "lagrange"
    both = "both"


#: Output file suffixes and the format each implies when ``--format`` is not given.
SUFFIX_FORMATS = {
    ".tex": "latex",
    ".md": "markdown",
    ".json": "json",
    ".txt": "text",
    ".html": "html",
    ".htm": "html",
}

app = typer.Typer(
    name="chainrule",
    help=(
        "Derivatives explained step by step: every rule named, the chain rule in "
        "Leibniz and Lagrange notation, every step machine-checked."
    ),
    epilog='Example: chainrule derive "sin(x**2)"',
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


# ---------------------------------------------------------------------------
# Shared helpers (other commands use them too).


def fail(message: str, code: int) -> typer.Exit:
    """Print ``error: message`` on stderr and return the ``Exit`` to raise."""
    sys.stderr.write(f"error: {message}\n")
    sys.stderr.flush()
    return typer.Exit(code)


@contextlib.contextmanager
def handle_errors() -> Iterator[None]:
    """Turn every failure into one ``error: ...`` line and an exit code."""
    try:
        yield
    except (typer.Exit, typer.Abort, typer.exceptions.TyperException):
        # typer's own control flow and usage errors (typer bundles its click).
        raise
    except ChainruleError as err:
        raise fail(str(err), err.exit_code) from None
    except RecursionError:
        raise fail("internal error: the expression is nested too deeply to handle", 1) from None
    except MemoryError:
        raise fail("internal error: out of memory", 1) from None
    except Exception as err:  # noqa: BLE001 - the CLI must never show a traceback
        raise fail(f"internal error: {type(err).__name__}: {err}", 1) from None


def write_output(text: str, path: Path | None) -> None:
    """Write ``text`` to stdout, or to ``path`` whole or not at all."""
    if path is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    from chainrule.files import write_atomically

    try:
        write_atomically(text.encode("utf-8"), path)
    except ChainruleError as err:
        raise fail(str(err), err.exit_code) from None


def choose_format(
    asked: str | None, output: Path | None, *, suffixes: dict[str, str] = SUFFIX_FORMATS
) -> str:
    """The format asked for, else the output file's suffix, else rich/text by terminal."""
    if asked is not None:
        return asked
    if output is not None:
        fmt = suffixes.get(output.suffix.lower())
        if fmt is None:
            known = ", ".join(sorted(suffixes))
            raise UsageError(
                f"cannot tell the format from {output.name!r} (known suffixes: {known}); give --format"
            )
        return fmt
    return "rich" if sys.stdout.isatty() else "text"


def parse_assignments(
    values: Sequence[str] | None, option: str, *, shape: str = "NAME=VALUE"
) -> tuple[Binding, ...]:
    """``NAME=VALUE`` options as ``(Symbol, Expr)`` pairs, read by the safe parser."""
    from chainrule.parsing import parse_assignment

    pairs: list[Binding] = []
    for value in values or ():
        if "=" not in value:
            raise UsageError(f"{option} expects {shape}, not {value!r}")
        pairs.append(parse_assignment(value))
    names = [name.name for name, _ in pairs]
    if len(set(names)) != len(names):
        raise UsageError(f"{option} gives the same name twice")
    return tuple(pairs)


def print_rich(renderable: Any) -> None:
    """Print a rich renderable on stdout (colour only on a terminal; ``NO_COLOR`` honoured)."""
    from rich.console import Console

    Console(highlight=False, soft_wrap=False).print(renderable)


# ---------------------------------------------------------------------------
# Commands.


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"chainrule {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option("--version", help="Show the version and exit.", callback=_version, is_eager=True),
    ] = False,
) -> None:
    """Derivatives explained step by step.

    Example: chainrule derive "sin(x**2)"
    """


DERIVE_EXAMPLES = """\
Examples:

  chainrule derive "sin(x**2)"

  chainrule derive "g(h(i(x)))" --names y,z --notation leibniz

  chainrule derive "x**2*y" --wrt y

  chainrule derive "exp(2*x)" --order 2 --format latex --standalone -o exp.tex

  chainrule derive "x**3" --at x=2

  chainrule derive "x**2*y" --wrt m --where x=m*n --where y=m+n --format json
"""


@app.command(epilog=DERIVE_EXAMPLES)
def derive(
    expr: Annotated[str, typer.Argument(help='The expression, e.g. "sin(x**2)" or "3x^2 sin x".')],
    wrt: Annotated[
        list[str] | None,
        typer.Option(
            "--wrt",
            "-x",
            help="Differentiate by VAR (needed when there are several); repeat it for a gradient.",
        ),
    ] = None,
    order: Annotated[
        int, typer.Option("--order", "-n", min=1, max=20, help="How many times to differentiate.")
    ] = 1,
    format: Annotated[  # noqa: A002 - the option is called --format
        Format | None,
        typer.Option(
            "--format",
            "-f",
            case_sensitive=False,
            help="Output format [default: rich on a terminal, text otherwise, or from the --output suffix].",
            show_default=False,
        ),
    ] = None,
    notation: Annotated[
        Notation,
        typer.Option(case_sensitive=False, help="Chain-rule notation to show."),
    ] = Notation.both,
    names: Annotated[
        str | None,
        typer.Option("--names", help="Names for intermediate variables, e.g. u,v,w."),
    ] = None,
    no_simplify: Annotated[
        bool, typer.Option("--no-simplify", help="Keep the answer as the rules produce it.")
    ] = False,
    at: Annotated[
        list[str] | None,
        typer.Option("--at", metavar="VAR=VALUE", help="Evaluate the derivative (and tangent line) there."),
    ] = None,
    where: Annotated[
        list[str] | None,
        typer.Option("--where", metavar="NAME=EXPR", help="Define an intermediate variable (repeatable)."),
    ] = None,
    standalone: Annotated[
        bool,
        typer.Option("--standalone", help="LaTeX: a complete document that compiles."),
    ] = False,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            dir_okay=False,
            help="Write to FILE (atomically); the suffix picks the format if --format is not given.",
        ),
    ] = None,
) -> None:
    """Differentiate EXPR and explain every step."""
    with handle_errors():
        from chainrule.derivation.engine import derive as derive_expr
        from chainrule.views import render_many

        fmt = choose_format(format.value if format else None, output)
        if standalone and fmt != "latex":
            raise UsageError("--standalone applies only to --format latex")
        points = parse_assignments(at, "--at", shape="VAR=VALUE")
        definitions = parse_assignments(where, "--where", shape="NAME=EXPR")
        variables = list(dict.fromkeys(wrt)) if wrt else [None]
        derivations = [
            derive_expr(
                expr,
                variable,
                order=order,
                names=names,
                simplify=not no_simplify,
                where=definitions or None,
            )
            for variable in variables
        ]
        settings: dict[str, Any] = {"notation": notation.value, "at": points}
        if fmt == "latex":
            settings["standalone"] = standalone
        if fmt == "rich" and output is None:
            from chainrule.views.base import make_settings
            from chainrule.views.gradient import gradient_renderable
            from chainrule.views.rich import derivation_renderable

            options = make_settings(**settings)
            if len(derivations) == 1:
                print_rich(derivation_renderable(derivations[0], options))
            else:
                print_rich(gradient_renderable(derivations, options))
            return
        write_output(render_many(derivations, fmt, **settings), output)


class GraphFormat(str, enum.Enum):
    """Output formats of ``chainrule graph``."""

    rich = "rich"
    text = "text"
    latex = "latex"
    json = "json"
    dot = "dot"
    html = "html"


GRAPH_EXAMPLES = """\
Examples:

  chainrule graph "(x + y)*z" --at x=-2 --at y=5 --at z=-4

  chainrule graph "1/(1 + exp(-(w0*x0 + w1*x1 + w2)))" --at w0=2 --at x0=-1 --at w1=-3 --at x1=-2 --at w2=-3

  chainrule graph "Dense_3(Dense_2(Dense_1(x)))"

  chainrule graph "x*x + x" --at x=3 -o graph.svg
"""


@app.command(epilog=GRAPH_EXAMPLES)
def graph(
    expr: Annotated[str, typer.Argument(help='The expression, e.g. "(x + y)*z".')],
    at: Annotated[
        list[str] | None,
        typer.Option(
            "--at",
            metavar="VAR=VALUE",
            help="A value for a variable (repeatable); without values the graph is symbolic.",
        ),
    ] = None,
    format: Annotated[  # noqa: A002 - the option is called --format
        GraphFormat | None,
        typer.Option(
            "--format",
            "-f",
            case_sensitive=False,
            help="Output format (default: rich on a terminal, text otherwise, or from the --output suffix).",
            show_default=False,
        ),
    ] = None,
    standalone: Annotated[
        bool,
        typer.Option("--standalone", help="LaTeX: a complete document that compiles."),
    ] = False,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            dir_okay=False,
            help="Write to FILE (atomically); .svg, .png or .pdf draws the graph with Graphviz.",
        ),
    ] = None,
) -> None:
    """Show EXPR's computational graph: forward values, then backward gradients."""
    with handle_errors():
        from chainrule.cli.graph import run_graph

        run_graph(expr, at or [], format.value if format else None, output, standalone=standalone)


PLOT_EXAMPLES = """\
Examples:

  chainrule plot "sin(x^2)" -o plot.png

  chainrule plot "1/(x - 1)" --from -3 --to 5 --at 2 -o pole.svg

  chainrule plot "exp(-t^2)" --wrt t --from -3 --to 3 -o bell.pdf
"""


@app.command(epilog=PLOT_EXAMPLES)
def plot(
    expr: Annotated[str, typer.Argument(help='The function, e.g. "sin(x^2)".')],
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", dir_okay=False, help="The image to write (atomically): .png, .svg or .pdf."
        ),
    ],
    wrt: Annotated[
        str | None,
        typer.Option("--wrt", "-x", help="The variable (needed when there are several names)."),
    ] = None,
    start: Annotated[
        str | None,
        typer.Option("--from", metavar="A", help="Left end of the x-range (default: -5, or --at minus 5)."),
    ] = None,
    stop: Annotated[
        str | None,
        typer.Option("--to", metavar="B", help="Right end of the x-range (default: 5, or --at plus 5)."),
    ] = None,
    at: Annotated[
        str | None,
        typer.Option("--at", metavar="A", help="Draw the tangent line at x = A."),
    ] = None,
) -> None:
    """Plot EXPR and its derivative on the same axes, with a tangent line (needs matplotlib,
    from the plot extra of the chainrule package)."""
    with handle_errors():
        from chainrule.views.plot import plot as draw_plot

        draw_plot(expr, wrt, output=output, start=start, stop=stop, at=at)


class CheckFormat(str, enum.Enum):
    """Output formats of ``chainrule check``."""

    rich = "rich"
    text = "text"
    json = "json"


CHECK_EXAMPLES = """\
Examples:

  chainrule check "sin(x^2)" "2x cos(x^2)"

  chainrule check "x + exp(5x)" "1 + exp(5x)"

  chainrule check "x^2 y" "x^2" --wrt y --format json
"""


@app.command(epilog=CHECK_EXAMPLES)
def check(
    expr: Annotated[str, typer.Argument(help='The exercise, e.g. "sin(x^2)".')],
    answer: Annotated[str, typer.Argument(help='The proposed derivative, e.g. "2x cos(x^2)".')],
    wrt: Annotated[
        str | None,
        typer.Option("--wrt", "-x", help="Differentiate by VAR (needed when there are several)."),
    ] = None,
    format: Annotated[  # noqa: A002 - the option is called --format
        CheckFormat | None,
        typer.Option(
            "--format",
            "-f",
            case_sensitive=False,
            help="Output format (default: rich on a terminal, text otherwise).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Check ANSWER as the derivative of EXPR: exit 0 if right, 1 if wrong (with the mistake)."""
    with handle_errors():
        from chainrule.cli.homework import run_check

        code = run_check(expr, answer, wrt, format.value if format else None)
    raise typer.Exit(code)


class WorksheetFormat(str, enum.Enum):
    """Document formats of ``chainrule worksheet``."""

    latex = "latex"
    markdown = "markdown"


WORKSHEET_EXAMPLES = """\
Examples:

  chainrule worksheet exercises.txt -o sheet.tex

  chainrule worksheet exercises.txt --answers-only -o key.md

  chainrule worksheet exercises.txt --jobs 4 -o sheet.pdf

  printf 'sin(x^2)\\nx^2 y ; wrt=y\\n' | chainrule worksheet - --format markdown
"""


@app.command(epilog=WORKSHEET_EXAMPLES)
def worksheet(
    file: Annotated[
        str, typer.Argument(help="Exercises, one per line ('x^2 y ; wrt=y', '# comments'); - for stdin.")
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            dir_okay=False,
            help="Write to FILE (atomically): .tex, .md, or .pdf (compiled with pdflatex).",
        ),
    ] = None,
    format: Annotated[  # noqa: A002 - the option is called --format
        WorksheetFormat | None,
        typer.Option(
            "--format",
            "-f",
            case_sensitive=False,
            help="Document format (default: from the --output suffix, else latex).",
            show_default=False,
        ),
    ] = None,
    solutions: Annotated[
        bool,
        typer.Option("--solutions/--answers-only", help="Worked solutions, or only an answer key."),
    ] = True,
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", min=1, max=256, help="Worker processes (same output for any N).")
    ] = 1,
) -> None:
    """Turn a file of exercises into a worksheet with worked solutions (LaTeX, Markdown or PDF)."""
    with handle_errors():
        from chainrule.cli.homework import run_worksheet

        code = run_worksheet(file, output, format.value if format else None, solutions=solutions, jobs=jobs)
    raise typer.Exit(code)


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point: run the app; usage errors become one line, exit 2."""
    from typer import Abort
    from typer._click.exceptions import ClickException, NoSuchOption  # typer >= 0.29 bundles click

    args = list(argv) if argv is not None else sys.argv[1:]
    try:
        code = app(args=args, prog_name="chainrule", standalone_mode=False)
    except ClickException as err:  # a usage error: one line, not typer's panel
        command = next((a for a in args if not a.startswith("-")), "")
        known = {c.name or getattr(c.callback, "__name__", "") for c in app.registered_commands}
        hint = f"see: chainrule {command} --help" if command in known else "see: chainrule --help"
        if isinstance(err, NoSuchOption):
            hint = 'an expression starting with - goes after --, as in chainrule check "cos(x)" -- "-sin(x)"'
        sys.stderr.write(f"error: {err.format_message()} ({hint})\n")
        sys.exit(err.exit_code)
    except Abort:
        sys.stderr.write("error: aborted\n")
        sys.exit(1)
    except SystemExit:
        raise
    except Exception as err:  # noqa: BLE001 - never a traceback
        sys.stderr.write(f"error: internal error: {type(err).__name__}: {err}\n")
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
