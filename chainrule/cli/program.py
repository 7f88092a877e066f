"""The ``chainrule`` command: a thin typer layer over the library.

Each command lives in its own module (``derive``, ``graph``, ``check``,
``worksheet``, ``plot``) and only reads options, calls the library and
shows the result through ``chainrule.cli.io``; the commands never import
each other. This module puts them together and is the console script.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Sequence
from typing import Annotated, Any

import typer

from chainrule import __version__
from chainrule.cli import check, derive, graph, jacobian, network, plot, worksheet
from chainrule.cli.io import discard_stdout, error_line, handle_errors, shown

#: Every command: its name, its function and the examples its help ends with.
COMMANDS: dict[str, tuple[Callable[..., Any], str]] = {
    "derive": (derive.derive, derive.EXAMPLES),
    "graph": (graph.graph, graph.EXAMPLES),
    "plot": (plot.plot, plot.EXAMPLES),
    "check": (check.check, check.EXAMPLES),
    "worksheet": (worksheet.worksheet, worksheet.EXAMPLES),
    "jacobian": (jacobian.jacobian, jacobian.EXAMPLES),
    "network": (network.network, network.EXAMPLES),
}


def _typer() -> typer.Typer:
    return typer.Typer(
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


app = _typer()


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"chainrule {__version__}\n")
        raise typer.Exit(0)


@app.callback()
def root(
    ctx: typer.Context,
    version: Annotated[
        bool,
        typer.Option("--version", help="Show the version and exit.", callback=_version, is_eager=True),
    ] = False,
    budget: Annotated[
        float | None,
        typer.Option(
            "--budget",
            envvar="CHAINRULE_BUDGET",
            metavar="SECONDS",
            help=(
                "Time the whole command may take (a worksheet: each line); past it the command "
                "stops with a clear error (default: 60)."
            ),
            show_default=False,
        ),
    ] = None,
) -> None:
    """Derivatives explained step by step.

    Example: chainrule derive "sin(x**2)"
    """
    from chainrule.recursion import command_budget

    with handle_errors():  # a worksheet gives each line the budget; any other command has it once
        # Held until the command ends, then put back (a test's CliRunner calls leave no budget behind).
        ctx.with_resource(command_budget(seconds=budget, whole=ctx.invoked_subcommand != "worksheet"))


for _function, _examples in COMMANDS.values():
    app.command(epilog=_examples)(_function)


def _app_for(args: Sequence[str]) -> typer.Typer:
    """The app, or for ``chainrule COMMAND ...`` the same app with that command alone.

    Typer turns every command's signature into options on each run (about 10 ms for the
    seven, a twentieth of a whole ``chainrule derive``); a command line that names its
    command first needs only that one. Help, errors and output are the same.
    """
    if not args or args[0] not in COMMANDS:
        return app
    one = _typer()
    one.callback()(root)
    function, examples = COMMANDS[args[0]]
    one.command(epilog=examples)(function)
    return one


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point: run the app; every failure is one line and an exit code.

    Usage errors exit 2; a closed or full standard output, a closed stdin or
    stderr, or an output encoding that cannot show a character never end in
    a traceback (characters it cannot show are written as ``\\u03b8``).
    """
    from typer import Abort
    from typer._click.exceptions import ClickException, NoSuchOption  # typer >= 0.28 bundles click

    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError, OSError):
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    args = list(argv) if argv is not None else sys.argv[1:]
    try:
        code = _app_for(args)(args=args, prog_name="chainrule", standalone_mode=False)
    except ClickException as err:  # a usage error: one line, not typer's panel
        command = next((a for a in args if not a.startswith("-")), "")
        hint = f"see: chainrule {command} --help" if command in COMMANDS else "see: chainrule --help"
        if isinstance(err, NoSuchOption):
            hint = 'an expression starting with - goes after --, as in chainrule check "cos(x)" -- "-sin(x)"'
        error_line(shown(f"error: {err.format_message()} ({hint})"))
        code = err.exit_code
    except Abort:
        error_line("error: aborted")
        code = 1
    except SystemExit as exit:
        code = exit.code if isinstance(exit.code, int) else 0 if exit.code is None else 1
    except OSError as err:  # click writing help or a message to a closed or full stdout
        error_line(f"error: cannot write to standard output: {err.strerror or err}")
        discard_stdout()
        code = 1
    except Exception as err:  # noqa: BLE001 - never a traceback
        error_line(shown(f"error: internal error: {type(err).__name__}: {err}"))
        code = 1
    sys.exit(_flushed(code if isinstance(code, int) else 0))


def _flushed(code: int) -> int:
    """Flush stdout now, so a full disk is one clean error rather than Python's at exit."""
    if sys.stdout is None:
        return code
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # the reader has gone (| head): quietly
        discard_stdout()
        return code or 1
    except (OSError, ValueError) as err:
        error_line(f"error: cannot write to standard output: {getattr(err, 'strerror', None) or err}")
        discard_stdout()
        return code or 1
    return code


if __name__ == "__main__":
    main()
