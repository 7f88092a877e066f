"""Rules stated for real arguments are used only where the argument is real (issue #13).

The table's ``d/du acsch(u) = -1/(|u| sqrt(1 + u^2))`` holds for real u; in
``-acsch(sqrt(2)*x/sqrt(b))/sqrt(b)`` the link ``u = sqrt(2)*x/sqrt(b)`` is imaginary
for b < 0, and the |u| form gave a real answer where the derivative is imaginary.

Over the reals, chainrule's domain, that old step was true wherever the expression is
defined (b > 0), so ``verify()`` rightly accepts it; what is tested is that the engine
no longer writes a real-only form where the caller's symbols may leave the reals.
"""

from __future__ import annotations

import pytest
import sympy

import chainrule
from chainrule.derivation.model import Rule

EXPR = "-acsch(sqrt(2)*x/sqrt(b))/sqrt(b)"


def test_the_general_form_is_used_where_the_argument_can_leave_the_reals() -> None:
    d = chainrule.derive(EXPR, "x").verify()
    x, b = d.wrt, next(s for s in d.expr.free_symbols if s.name == "b")
    table = next(step for step, _, _ in d.walk() if step.rule is Rule.INVERSE_HYPERBOLIC)
    assert "in the form for any argument" in str(table.text)
    for value in (-2, 2):
        point = {x: sympy.Rational(3, 10), b: value}
        got = complex(sympy.N(d.result.xreplace(point)))
        want = complex(sympy.N(sympy.diff(d.expr, x).xreplace(point)))
        assert abs(got - want) < 1e-9 * (1 + abs(want)), (value, got, want)


@pytest.mark.parametrize("text", ["acsch(x^2)", "asec(2x)", "acsc(x + 1)"])
def test_a_real_argument_keeps_the_textbook_form(text: str) -> None:
    d = chainrule.derive(text).verify()
    assert any(step.result.has(sympy.Abs) for step, _, _ in d.walk())
