"""chainrule's answers have the form a textbook prints (docs/answers.md), not only its value.

Every exercise of ``tests/data/textbook/answers.toml`` is derived, and its answer is
compared with the book's answer:

- equal in value (at the entry's sample points);
- no ``Piecewise``, and no family of functions the exercise and the book's answer do
  not use (trigonometric, hyperbolic, their inverses, exp and log, abs and sign);
- no more compound fractions (a fraction inside a fraction) than the book's;
- no more untidy sums than the book's: a factor whose terms share a number or a power
  (``5(4x³ + 6x)`` for ``10x(2x² + 3)``), a sum left to multiply out (``−x + (x + 1)²``);
- no more operations (``count_ops``) than the book's, except the few entries in
  ``LONGER`` where the book prints a form chainrule does not aim for, each with its reason
  (strict: an entry that no longer needs its exception fails, and is removed).
"""

from __future__ import annotations

from typing import Any

import pytest
import sympy
from test_textbook_data import ANSWERS, equal, parse, var_of

import chainrule
from chainrule.derivation.simplify import compound_fractions, untidy_sums

#: Families of functions: sec x in an answer to an exercise about sin x is no new family.
FAMILIES = {
    "trigonometric": (sympy.sin, sympy.cos, sympy.tan, sympy.cot, sympy.sec, sympy.csc),
    "hyperbolic": (sympy.sinh, sympy.cosh, sympy.tanh, sympy.coth, sympy.sech, sympy.csch),
    "inverse trigonometric": (sympy.asin, sympy.acos, sympy.atan, sympy.acot, sympy.asec, sympy.acsc),
    "exponential": (sympy.exp, sympy.log),
    "absolute value": (sympy.Abs, sympy.sign),
}

#: Book answers in a form shorter than chainrule's, and why chainrule's differs.
LONGER: dict[str, str] = {
    "os1-3.9-335": "tanh written with exponentials: the book keeps e^x + e^-x in the denominator, "
    "chainrule clears the negative exponent (4e^(2x)/(e^(2x) + 1)^2, 8 operations against 6)",
    "os1-3.9-example-logdiff-2": "logarithmic differentiation: the book leaves y times the sum of the "
    "logarithmic derivatives; chainrule writes one fraction",
}


def _families(expr: sympy.Expr) -> set[str]:
    """The families of the functions of ``expr`` (constants such as log(2) left out)."""
    found = set()
    for f in expr.atoms(sympy.Function, sympy.Piecewise):
        if f.free_symbols:
            found.add(next((name for name, fs in FAMILIES.items() if isinstance(f, fs)), type(f).__name__))
    return found


def _answer(case: dict[str, Any]) -> sympy.Expr:
    return chainrule.derive(case["expr"], case.get("var", "x"), order=case.get("order", 1)).result


def test_the_answer_key_is_large_enough() -> None:
    assert len(ANSWERS) >= 40
    topics = {c["topic"] for c in ANSWERS}
    assert {"chain", "product", "quotient", "logarithmic", "inverse_trig"} <= topics


@pytest.mark.parametrize("case", ANSWERS, ids=[c["id"] for c in ANSWERS])
def test_answer_has_the_textbook_form(case: dict[str, Any]) -> None:
    ours, book, exercise = _answer(case), parse(case["answer"]), parse(case["expr"])
    x = var_of(case)
    ours = ours.xreplace({s: x for s in ours.free_symbols if s.name == x.name})
    assert equal(ours, book, x, case), f"{case['id']}: {ours} is not {book}"
    allowed = _families(exercise) | _families(book)
    assert not ours.has(sympy.Piecewise), case["id"]
    assert _families(ours) <= allowed, f"{case['id']}: {ours} uses {_families(ours) - allowed}"
    assert compound_fractions(ours) <= compound_fractions(book), f"{case['id']}: {ours}"
    if case["id"] not in LONGER:
        assert untidy_sums(ours) <= untidy_sums(book), f"{case['id']}: {ours} is less tidy than {book}"
    longer = sympy.count_ops(ours) > sympy.count_ops(book)
    if case["id"] in LONGER:
        assert longer, f"{case['id']} is no longer longer than the book's answer: remove it from LONGER"
    else:
        ops = sympy.count_ops(ours)
        assert not longer, f"{case['id']}: {ours} ({ops} operations) against the book's {book}"
