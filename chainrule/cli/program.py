"""The ``chainrule`` command: a thin typer layer over the library.

Each command lives in its own module (``derive``, ``graph``, ``check``,
``worksheet``, ``plot``) and only reads options, calls the library and
shows the result through ``chainrule.cli.io``; the commands never import
each other. This module puts them together and is the console script.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Annotated

import typer

from chainrule import __version__
from chainrule.cli import check, derive, graph, jacobian, network, plot, worksheet

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


app.command(epilog=derive.EXAMPLES)(derive.derive)
app.command(epilog=graph.EXAMPLES)(graph.graph)
app.command(epilog=plot.EXAMPLES)(plot.plot)
app.command(epilog=check.EXAMPLES)(check.check)
app.command(epilog=worksheet.EXAMPLES)(worksheet.worksheet)
app.command(epilog=jacobian.EXAMPLES)(jacobian.jacobian)
app.command(epilog=network.EXAMPLES)(network.network)


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point: run the app; usage errors become one line, exit 2."""
    from typer import Abort
    from typer._click.exceptions import ClickException, NoSuchOption  # typer >= 0.28 bundles click

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
