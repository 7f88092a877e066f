"""``chainrule derive``: differentiate an expression and explain every step."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated, Any

import typer

from chainrule.cli.io import (
    NoVerify,
    Standalone,
    choose_format,
    chosen,
    format_choices,
    format_option,
    handle_errors,
    output_option,
    show,
    verified,
)
from chainrule.errors import UsageError

EXAMPLES = """\
Examples:

  chainrule derive "sin(x**2)"

  chainrule derive "g(h(i(x)))" --names y,z --notation leibniz

  chainrule derive "x**2*y" --wrt y

  chainrule derive "exp(2*x)" --order 2 --format latex --standalone -o exp.tex

  chainrule derive "x**3" --at x=2

  chainrule derive "3x^4 - 2/x + sqrt(x)" --detail full

  chainrule derive "x**2*y" --wrt m --where x=m*n --where y=m+n --format json

  chainrule derive "x^2 + y^2 = 25" --implicit y --at x=3,y=4

  chainrule derive "x^4 + y^4 = 16" --implicit y --order 2

  chainrule derive "4/3 pi r^3" --wrt t --where "r=r(t)" --at r=5 --at "r'=2"

  chainrule derive "x^2 + y^2 = 100" --wrt t --where "x=x(t)" --implicit y --at x=6,y=8 --at "x'=1"

  chainrule derive --parametric "x = cos(t)^3, y = sin(t)^3" --order 2
"""

DeriveFormat = format_choices("derivation")


class Detail(str, enum.Enum):
    brief = "brief"
    normal = "normal"
    full = "full"


Expression = Annotated[
    str,
    typer.Argument(
        help='The expression, e.g. "sin(x**2)" or "3x^2 sin x"; an equation with --implicit '
        '("x^2 + y^2 = 25"); a curve with --parametric ("x = cos(t), y = sin(t)").'
    ),
]
Implicit = Annotated[
    str | None,
    typer.Option(
        "--implicit",
        metavar="NAME",
        help="EXPR is an equation and NAME a function of the variable (y = y(x)): find dNAME/dx.",
    ),
]
ParametricFlag = Annotated[
    bool,
    typer.Option("--parametric", help='EXPR is a curve "x = f(t), y = g(t)": find dy/dx.'),
]


class Notation(str, enum.Enum):
    leibniz = "leibniz"
    lagrange = "lagrange"
    both = "both"


def derive(  # long: typer declares every option in the signature
    expr: Expression,
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
    format: Annotated[DeriveFormat | None, format_option()] = None,  # type: ignore[valid-type]  # noqa: A002
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
    implicit: Implicit = None,
    parametric: ParametricFlag = False,
    standalone: Standalone = False,
    output: Annotated[
        Path | None,
        output_option("Write to FILE (atomically); the suffix picks the format if --format is not given."),
    ] = None,
    detail: Annotated[
        Detail,
        typer.Option(
            "--detail",
            case_sensitive=False,
            help="Which steps to show: brief (only the rules that combine others), normal "
            "(without dx/dx = 1 and d/dx c = 0) or full. JSON always has every step.",
        ),
    ] = Detail.normal,
    no_verify: NoVerify = False,
) -> None:
    """Differentiate EXPR and explain every step."""
    with handle_errors():
        from chainrule.derivation.entry import derive as derive_expr
        from chainrule.derivation.model import Derivation, Gradient

        fmt = choose_format("derivation", chosen(format), output)
        variables = list(dict.fromkeys(wrt)) if wrt else [None]
        if (implicit is not None or parametric) and len(variables) > 1:
            raise UsageError("--implicit and --parametric take one --wrt")
        derivations = tuple(
            derive_expr(
                expr,
                variable,
                order=order,
                names=names,
                simplify=not no_simplify,
                where=where,
                implicit=implicit,
                parametric=parametric,
            )
            for variable in variables
        )
        gradient = tuple(d for d in derivations if isinstance(d, Derivation))
        result: Any = derivations[0] if len(derivations) == 1 else Gradient(derivations=gradient)
        verified(result, not no_verify)
        settings: dict[str, Any] = {
            "notation": notation.value,
            "at": at or None,
            "standalone": standalone,
            "detail": detail.value,
        }
        show(result, fmt, output, **settings)
