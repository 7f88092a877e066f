"""``chainrule check``: is ANSWER the derivative of EXPR, and if not, which mistake?

Exit code 0 when the answer is right, 1 when it is wrong or cannot be decided.
"""

from __future__ import annotations

from typing import Annotated

import typer

from chainrule.cli.io import (
    NoVerify,
    choose_format,
    chosen,
    format_choices,
    format_option,
    handle_errors,
    show,
    verified,
)

CheckFormat = format_choices("check")

EXAMPLES = """\
Examples:

  chainrule check "sin(x^2)" "2x cos(x^2)"

  chainrule check "x + exp(5x)" "1 + exp(5x)"

  chainrule check "x^2 y" "x^2" --wrt y --format json
"""


def check(
    expr: Annotated[str, typer.Argument(help='The exercise, e.g. "sin(x^2)".')],
    answer: Annotated[str, typer.Argument(help='The proposed derivative, e.g. "2x cos(x^2)".')],
    wrt: Annotated[
        str | None,
        typer.Option("--wrt", "-x", help="Differentiate by VAR (needed when there are several)."),
    ] = None,
    format: Annotated[  # noqa: A002
        CheckFormat | None,  # type: ignore[valid-type]
        format_option("Output format (default: rich on a terminal, text otherwise)."),
    ] = None,
    no_verify: NoVerify = False,
) -> None:
    """Check ANSWER as the derivative of EXPR: exit 0 if right, 1 if wrong (with the mistake)."""
    with handle_errors():
        from chainrule.homework.check import check as check_answer

        result = check_answer(expr, answer, wrt)
        verified(result.derivation, not no_verify)
        show(result, choose_format("check", chosen(format), None), None)
    raise typer.Exit(result.exit_code)
