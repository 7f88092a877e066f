"""chainrule solves each exercise the way a textbook does (tests/data/textbook/methods.toml):
the same first rule, the same outer and inner functions, the terms in the order typed,
the same factors, numerator and denominator; every derivation verified step by step."""

from __future__ import annotations

from pathlib import Path

import pytest
import sympy
import tomllib

import chainrule
from chainrule.derivation.bindings import full_values
from chainrule.written import evaluated

DATA = Path(__file__).parent / "data" / "textbook" / "methods.toml"
CASES = tomllib.loads(DATA.read_text(encoding="utf-8"))["case"]


def _expr(text: str, var: str) -> sympy.Expr:
    """A field of the data file, read by chainrule's parser, in SymPy's own form."""
    return sympy.simplify(evaluated(chainrule.parse(text)))


def _same(a: sympy.Expr, b: sympy.Expr) -> bool:
    return sympy.simplify(evaluated(a) - evaluated(b)) == 0


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_the_first_rule_is_the_textbooks(case: dict[str, object]) -> None:
    var = str(case.get("var", "x"))
    d = chainrule.derive(str(case["expr"]), var).verify()
    root = d.root
    expected = case["first_rule"]
    if root.rule.value in case.get("also", ()):  # type: ignore[operator]
        return  # an equally textbook first step (the constant multiple rule first)
    assert root.rule.value == expected, (case["id"], root.rule.value, str(root.text))
    if expected == "chain":
        (name, inner), *_ = root.bindings[::-1] if len(root.bindings) > 1 else root.bindings
        outermost = root.substeps[0].expr
        u = sympy.Symbol("u", real=True)
        outer = outermost.xreplace({root.substeps[0].wrt: u})
        assert _same(outer, _expr(str(case["outer"]), var)), case["id"]
        innermost = full_values(root.bindings)[root.substeps[0].wrt]
        assert _same(innermost, _expr(str(case["inner"]), var)), case["id"]
    if expected == "sum":
        terms = [step.expr for step in root.substeps]
        wanted = [_expr(str(t), var) for t in case["term_order"]]  # type: ignore[union-attr]
        assert len(terms) == len(wanted) and all(_same(a, b) for a, b in zip(terms, wanted)), case["id"]
    if expected == "quotient" and "numerator" in case:
        num, den = (step.expr for step in root.substeps)
        assert _same(num, _expr(str(case["numerator"]), var)), case["id"]
        assert _same(den, _expr(str(case["denominator"]), var)), case["id"]


def test_the_text_never_shows_python_syntax() -> None:
    for case in CASES:
        d = chainrule.derive(str(case["expr"]), str(case.get("var", "x")))
        for step in d.steps:
            text = str(step.text)
            assert "**" not in text and "Abs(" not in text and "SymPy" not in text, (case["id"], text)
