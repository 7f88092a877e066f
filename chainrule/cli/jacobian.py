"""``chainrule jacobian``: a Jacobian matrix, each entry derived, and the matrix chain rule."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from chainrule.cli.io import choose_format, chosen, format_choices, handle_errors, show

EXAMPLES = """\
Examples:

  chainrule jacobian "r*cos(t), r*sin(t)" --wrt r,t

  chainrule jacobian "u**2 + v, u*v" --where u=x*y --where v=x-y --wrt x,y

  chainrule jacobian "x**2*y" --where x=m*n --where y=m+n --wrt m,n -f latex --standalone -o j.tex
"""

JacobianFormat = format_choices("jacobian")


def jacobian(
    components: Annotated[
        str, typer.Argument(help='The functions, separated by commas: "r*cos(t), r*sin(t)".')
    ],
    wrt: Annotated[
        str | None,
        typer.Option("--wrt", "-x", help="The variables, e.g. r,t (default: all, alphabetically)."),
    ] = None,
    where: Annotated[
        list[str] | None,
        typer.Option("--where", metavar="NAME=EXPR", help="An inner function (repeatable): the chain rule."),
    ] = None,
    steps: Annotated[bool, typer.Option("--steps/--no-steps", help="Show each entry's steps.")] = True,
    format: Annotated[  # noqa: A002 - the option is called --format
        JacobianFormat | None,  # type: ignore[valid-type]
        typer.Option(
            "--format",
            "-f",
            case_sensitive=False,
            help="Output format [default: rich on a terminal, text otherwise, or from the --output suffix].",
            show_default=False,
        ),
    ] = None,
    standalone: Annotated[bool, typer.Option("--standalone", help="LaTeX: a complete document.")] = False,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", dir_okay=False, help="Write to FILE (atomically).")
    ] = None,
) -> None:
    """The Jacobian of COMPONENTS, every entry explained; with --where, J = J_f(g) · J_g."""
    with handle_errors():
        from chainrule.derivation.jacobian import jacobian as build_jacobian

        fmt = choose_format("jacobian", chosen(format), output)
        result = build_jacobian(components, wrt, where=where or None)
        show(result, fmt, output, steps=steps, standalone=standalone)
