"""``chainrule jacobian``: a Jacobian matrix, each entry derived, and the matrix chain rule."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from chainrule.cli.io import (
    Standalone,
    choose_format,
    chosen,
    format_choices,
    format_option,
    handle_errors,
    output_option,
    show,
)

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
    format: Annotated[JacobianFormat | None, format_option()] = None,  # type: ignore[valid-type]  # noqa: A002
    standalone: Standalone = False,
    output: Annotated[Path | None, output_option()] = None,
) -> None:
    """The Jacobian of COMPONENTS, every entry explained; with --where, J = J_f(g) · J_g."""
    with handle_errors():
        from chainrule.derivation.jacobian import jacobian as build_jacobian

        fmt = choose_format("jacobian", chosen(format), output)
        result = build_jacobian(components, wrt, where=where or None)
        show(result, fmt, output, steps=steps, standalone=standalone)
