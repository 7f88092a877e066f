"""``chainrule plot``: f and f' on the same axes, with a tangent line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from chainrule.cli.io import NoVerify, handle_errors

EXAMPLES = """\
Examples:

  chainrule plot "sin(x^2)" -o plot.png

  chainrule plot "1/(x - 1)" --from -3 --to 5 --at 2 -o pole.svg

  chainrule plot "exp(-t^2)" --wrt t --from -3 --to 3 -o bell.pdf
"""


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
    no_verify: NoVerify = False,
) -> None:
    """Plot EXPR and its derivative on the same axes, with a tangent line (needs matplotlib,
    from the plot extra of the chainrule package)."""
    with handle_errors():
        from chainrule.views.plot import plot as draw_plot

        draw_plot(expr, wrt, output=output, start=start, stop=stop, at=at, verify=not no_verify)
