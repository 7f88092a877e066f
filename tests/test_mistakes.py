"""The catalogue of classic mistakes and the diagnosis: the right entry, at the right step, in one sentence.

- every catalogue entry is named on an exercise of its own;
- every classic wrong answer of ``tests/data/textbook/mistakes.toml`` gets the diagnosis written
  below (several entries where several give the same answer, two where two are needed);
- a property: on random exercises, one rule's combination perturbed the catalogue's way is
  diagnosed as that entry, never as another one alone.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
import sympy
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from chainrule.derivation.entry import derive
from chainrule.derivation.model import Rule
from chainrule.derivation.rules import SPECS, combine
from chainrule.derivation.verify import compare
from chainrule.errors import ChainruleError
from chainrule.homework.catalogue import BY_NAME, CATALOGUE
from chainrule.homework.check import CheckResult, check, judge
from chainrule.homework.equality import decide
from chainrule.homework.mistakes import METHOD_RULES, candidates, propagate, searchable_steps
from chainrule.views.document import numbered_steps

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = pytest.importorskip("tomli")

X = sympy.Symbol("x", real=True)
DATA = Path(__file__).parent / "data" / "textbook" / "mistakes.toml"


def _check(expr: str, answer: str, wrt: str | None = None) -> CheckResult:
    result = check(expr, answer, wrt)
    result.derivation.verify()
    return result


def _names(result: CheckResult) -> tuple[str, ...]:
    assert result.correct is False, result.reason
    assert result.diagnosis is not None
    return result.diagnosis.names


# -- the catalogue ---------------------------------------------------------------------


def test_the_catalogue_has_the_classics_of_a_first_course() -> None:
    assert len(CATALOGUE) >= 30
    assert len(BY_NAME) == len(CATALOGUE)
    for mistake in CATALOGUE:
        assert re.fullmatch(r"[a-z][a-z0-9_]+", mistake.name), mistake.name
        assert mistake.title and mistake.title == mistake.title.strip() and mistake.title[0].islower()
        assert mistake.says.endswith(".") and not mistake.says[0].isupper(), mistake.name
        assert mistake.rule in SPECS
    rules = {m.rule for m in CATALOGUE}
    assert {Rule.CHAIN, Rule.PRODUCT, Rule.QUOTIENT, Rule.POWER, Rule.TRIG, Rule.INVERSE_TRIG} <= rules
    assert {Rule.EXP, Rule.LOG, Rule.EXPONENTIAL_BASE, Rule.GENERAL_POWER, Rule.CONSTANT} <= rules


@pytest.mark.parametrize("mistake", CATALOGUE, ids=lambda m: m.name)
def test_each_entry_is_named_on_its_own_exercise(mistake: Any) -> None:
    expr, answer = mistake.example
    result = _check(expr, answer)
    assert mistake.name in _names(result)
    labels = {id(item.step): item.label for item in numbered_steps(result.derivation)}
    assert result.diagnosis is not None
    for explanation in result.diagnosis.explanations:
        assert decide(explanation.result, result.answer, domain=result.expr).equal is True
        for misstep in explanation.missteps:
            # One sentence a student reads, with the step number `chainrule derive` shows.
            sentence = misstep.explanation
            assert misstep.label == labels[id(misstep.step)]
            assert sentence.startswith(f"In step {misstep.label}")
            assert sentence.endswith(".") and "{" not in sentence and ". " not in sentence[:-1]


# -- the textbook's classic wrong answers ------------------------------------------------

# Each case of mistakes.toml: the kind of diagnosis and the entries named, in order. Where the
# file's name is a second example of an entry, the entry's name; where two entries give the
# same answer, both ("either"); where two mistakes are needed, both ("together").
EXPECTED: dict[str, tuple[str, tuple[str, ...]]] = {
    "chain_rule_without_inner_derivative": ("one", ("chain_rule_without_inner_derivative",)),
    "chain_rule_without_inner_derivative_power": ("one", ("chain_rule_without_inner_derivative",)),
    # e^(5x) -> e^(5x): the factor 5 dropped is also (5x)' taken as 1, the constant dropped.
    "chain_rule_without_inner_derivative_exp": (
        "either", ("chain_rule_without_inner_derivative", "constant_multiple_dropped"),
    ),
    "chain_rule_without_inner_derivative_log": ("one", ("chain_rule_without_inner_derivative",)),
    "inner_differentiated_in_place": ("one", ("inner_differentiated_in_place",)),
    "outer_derivative_at_wrong_argument": ("one", ("outer_derivative_at_wrong_argument",)),
    "outer_derivative_at_wrong_argument_power": ("one", ("outer_derivative_at_wrong_argument",)),
    "chain_rule_times_inner_function": ("one", ("chain_rule_times_inner_function",)),
    "chain_rule_inner_derivative_added": ("one", ("chain_rule_inner_derivative_added",)),
    "exp_as_power_composite": ("one", ("exp_as_power_composite",)),
    "product_of_derivatives": ("one", ("product_of_derivatives",)),
    # x^2 sin x -> 2x sin x - x^2 cos x: a minus in the product rule, or on the derivative of sin.
    "product_rule_with_minus": ("either", ("product_rule_with_minus", "sin_derivative_sign")),
    "product_rule_term_missing": ("one", ("product_rule_term_missing",)),
    "product_rule_first_term_missing": ("one", ("product_rule_term_missing",)),
    "constant_factor_product_rule_zero": ("one", ("constant_factor_product_rule_zero",)),
    "constant_multiple_dropped": ("one", ("constant_multiple_dropped",)),
    "quotient_rule_numerator_swapped": ("one", ("quotient_rule_numerator_swapped",)),
    "quotient_rule_denominator_not_squared": ("one", ("quotient_rule_denominator_not_squared",)),
    "quotient_of_derivatives": ("one", ("quotient_of_derivatives",)),
    "quotient_rule_with_plus": ("one", ("quotient_rule_with_plus",)),
    "power_rule_exponent_not_lowered": ("one", ("power_rule_exponent_not_lowered",)),
    "power_rule_coefficient_dropped": ("one", ("power_rule_coefficient_dropped",)),
    "power_rule_coefficient_dropped_integer": ("one", ("power_rule_coefficient_dropped",)),
    "power_rule_negative_exponent_raised": ("one", ("power_rule_negative_exponent_raised",)),
    "power_rule_on_variable_exponent": ("one", ("power_rule_on_variable_exponent",)),
    "exponential_as_power": ("one", ("exponential_as_power",)),
    "exp_as_power": ("one", ("exp_as_power",)),
    "exp_rule_on_log": ("one", ("exp_rule_on_log",)),
    "log_as_power": ("one", ("log_as_power",)),
    # ln(5x) -> 5/x: 1/u evaluated at x instead of at 5x, times (5x)' = 5.
    "log_inner_constant_kept": ("one", ("outer_derivative_at_wrong_argument",)),
    "log_of_product_split_wrongly": (
        "either", ("chain_rule_without_inner_derivative", "log_of_product_split_wrongly"),
    ),
    "cos_derivative_sign": ("either", ("cos_derivative_sign", "antiderivative_of_cos")),
    "sin_derivative_sign": ("one", ("sin_derivative_sign",)),
    "tan_derivative_not_squared": ("one", ("tan_derivative_not_squared",)),
    "sec_derivative_as_tan_squared": ("one", ("sec_derivative_as_tan_squared",)),
    "cot_derivative_sign": ("one", ("cot_derivative_sign",)),
    "sec_derivative_sign": ("one", ("sec_derivative_sign",)),
    "acos_derivative_sign": ("one", ("acos_derivative_sign",)),
    "asin_derivative_without_root": ("one", ("asin_derivative_without_root",)),
    "atan_derivative_with_root": ("one", ("atan_derivative_with_root",)),
    "inverse_as_reciprocal": ("one", ("inverse_as_reciprocal",)),
    "constant_derivative_one": ("one", ("constant_derivative_one",)),
    "constant_pi_squared_power_rule": ("one", ("power_rule_on_constant",)),
    "constant_e_squared_as_exp": ("one", ("constant_exponential_as_exp",)),
    "constant_log_as_log_rule": ("one", ("log_rule_on_constant",)),
    "antiderivative_of_reciprocal": ("one", ("antiderivative_of_reciprocal",)),
    "antiderivative_of_cos": ("either", ("cos_derivative_sign", "antiderivative_of_cos")),
    "antiderivative_of_power": ("one", ("antiderivative_of_power",)),
    # x^2 - sin x -> 2x + cos x: the minus in front of sin lost, or sin' taken as -cos.
    "sign_slip": ("either", ("sign_slip", "sin_derivative_sign")),
    # sin^2 x -> 2 cos x: the catalogue's "differentiated in place" is itself both slips.
    "sin_squared_inner_and_outer": ("one", ("inner_differentiated_in_place",)),
    "cos_of_square_inner_and_sign": (
        "together", ("chain_rule_without_inner_derivative", "cos_derivative_sign"),
    ),
    "sqrt_chain_coefficient_and_inner": (
        "together", ("chain_rule_without_inner_derivative", "power_rule_coefficient_dropped"),
    ),
    "product_of_derivatives_with_cos_sign": ("together", ("product_of_derivatives", "cos_derivative_sign")),
    "tan_chain_not_squared_no_inner": (
        "together", ("chain_rule_without_inner_derivative", "tan_derivative_not_squared"),
    ),
    "quotient_swapped_and_not_squared": (
        "together", ("quotient_rule_numerator_swapped", "quotient_rule_denominator_not_squared"),
    ),
}  # fmt: skip

with open(DATA, "rb") as _file:
    TEXTBOOK = tomllib.load(_file)["case"]


# The file's further examples of an entry, and its cases the catalogue names otherwise.
ENTRY_OF = {
    "chain_rule_without_inner_derivative_power": "chain_rule_without_inner_derivative",
    "chain_rule_without_inner_derivative_exp": "chain_rule_without_inner_derivative",
    "chain_rule_without_inner_derivative_log": "chain_rule_without_inner_derivative",
    "outer_derivative_at_wrong_argument_power": "outer_derivative_at_wrong_argument",
    "product_rule_first_term_missing": "product_rule_term_missing",
    "power_rule_coefficient_dropped_integer": "power_rule_coefficient_dropped",
    "log_inner_constant_kept": "outer_derivative_at_wrong_argument",
    "constant_pi_squared_power_rule": "power_rule_on_constant",
    "constant_e_squared_as_exp": "constant_exponential_as_exp",
    "constant_log_as_log_rule": "log_rule_on_constant",
}


def test_every_textbook_mistake_has_an_expected_diagnosis() -> None:
    assert {c["name"] for c in TEXTBOOK} == set(EXPECTED)
    for case in TEXTBOOK:
        kind, names = EXPECTED[case["name"]]
        assert set(names) <= set(BY_NAME), case["name"]
        if "combines" in case:  # two mistakes: both named, or one entry that is both
            assert set(names) <= set(case["combines"]), case["name"]
        else:
            assert ENTRY_OF.get(case["name"], case["name"]) in names, case["name"]


@pytest.mark.parametrize("case", TEXTBOOK, ids=[c["name"] for c in TEXTBOOK])
def test_textbook_mistake_is_diagnosed(case: dict[str, Any]) -> None:
    result = _check(case["expr"], case["wrong"], case.get("var"))
    assert result.diagnosis is not None and result.correct is False
    kind, names = EXPECTED[case["name"]]
    assert (result.diagnosis.kind, result.diagnosis.names) == (kind, names)
    for explanation in result.diagnosis.explanations:
        assert decide(explanation.result, result.answer, domain=result.expr).equal is True


# -- the issue's cases -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "answer", "name", "label"),
    [
        ("x^x", "x*x^(x-1)", "power_rule_on_variable_exponent", "1"),
        ("x/(x+1)", "1", "quotient_of_derivatives", "1"),
        ("1/x", "ln(x)", "antiderivative_of_reciprocal", "1"),
        ("sqrt(x)", "1/sqrt(x)", "power_rule_coefficient_dropped", "1"),
        ("sin(x)^2", "2cos(x)", "inner_differentiated_in_place", "1"),
        ("x^2 exp(x)", "2x exp(x) - x^2 exp(x)", "product_rule_with_minus", "1"),
    ],
)
def test_the_issues_unrecognised_mistakes(expr: str, answer: str, name: str, label: str) -> None:
    result = _check(expr, answer)
    assert result.diagnosis is not None and result.diagnosis.kind == "one"
    assert result.mistake is not None and (result.mistake.name, result.mistake.label) == (name, label)


def test_a_minus_in_the_product_rule_is_not_blamed_on_sin_alone() -> None:
    result = _check("x^2 sin(x)", "2x sin(x) - x^2 cos(x)")
    assert result.diagnosis is not None and result.diagnosis.kind == "either"
    first, second = result.diagnosis.explanations
    assert (first.missteps[0].name, first.missteps[0].label) == ("product_rule_with_minus", "1")
    assert (second.missteps[0].name, second.missteps[0].label) == ("sin_derivative_sign", "1.2")
    text = result.to_text()
    assert "Two classic mistakes give this answer, each one alone:" in text
    assert "- the product rule with a minus sign. In step 1 you subtracted the term x²·cos(x)" in text


# -- anywhere inside a larger expression ----------------------------------------------

# (mistake, exercise, wrong answer, the expression of the step where it happens)
INSIDE = [
    ("chain_rule_without_inner_derivative", "x + exp(5x^2)", "1 + exp(5x^2)", "exp(5*x**2)"),
    ("chain_rule_without_inner_derivative", "x sin(x^2)", "sin(x^2) + x cos(x^2)", "sin(x**2)"),
    ("product_of_derivatives", "exp(x sin(x))", "exp(x sin(x)) cos(x)", "x*sin(x)"),
    ("quotient_rule_numerator_swapped", "x^2 + sin(x)/x", "2x + (sin(x) - x cos(x))/x^2", "sin(x)/x"),
    (
        "quotient_rule_denominator_not_squared",
        "3 sin(x)/(x + 1)",
        "3 (cos(x) (x + 1) - sin(x))/(x + 1)",
        "sin(x)/(x + 1)",
    ),
    ("power_rule_exponent_not_lowered", "sin(x^3)", "3x^3 cos(x^3)", "x**3"),
    ("power_rule_exponent_not_lowered", "(x^2 + 1)^3", "3(x^2 + 1)^3 * 2x", "u**3"),
    ("cos_derivative_sign", "x cos(x)", "cos(x) + x sin(x)", "cos(x)"),
    ("cos_derivative_sign", "sin(cos(x^2))", "2x cos(cos(x^2)) sin(x^2)", "cos(u)"),
    ("exponential_as_power", "x^2 + 3^x", "2x + x*3^(x-1)", "3**x"),
    ("exp_as_power_composite", "2^(3x)", "3x*2^(3x - 1)", "2**(3*x)"),
    ("exp_as_power_composite", "sin(x) e^(x^2)", "cos(x) e^(x^2) + sin(x) x^2 e^(x^2 - 1)", "exp(x**2)"),
    ("exp_as_power", "e^(5x)", "5x*e^(5x - 1)*5", "exp(u)"),
    ("sin_derivative_sign", "x^3 + sin(2x)", "3x^2 - 2cos(2x)", "sin(u)"),
    ("tan_derivative_not_squared", "x tan(x)", "tan(x) + x sec(x)", "tan(x)"),
    ("atan_derivative_with_root", "atan(x^2)", "2x/sqrt(1 + x^4)", "atan(u)"),
]


@pytest.mark.parametrize(("name", "expr", "answer", "at"), INSIDE)
def test_mistake_is_named_with_its_step(name: str, expr: str, answer: str, at: str) -> None:
    result = _check(expr, answer)
    assert name in _names(result), f"{answer!r} for {expr!r} should be {name}"
    misstep = next(m for e in result.diagnosis.explanations for m in e.missteps if m.name == name)  # type: ignore[union-attr]
    assert sympy.sstr(misstep.step.expr) == at


def test_step_inside_a_chain_names_its_intermediate_variable() -> None:
    result = _check("sin(cos(x^2))", "2x cos(cos(x^2)) sin(x^2)")
    assert result.diagnosis is not None
    sin_sign, cos_sign, _ = (e.missteps[0] for e in result.diagnosis.explanations)
    assert dict(cos_sign.where) == {sympy.Symbol("u", real=True): X**2}
    assert cos_sign.explanation.startswith("In step 1.2 (u = x²) you differentiated cos(u) to sin(u);")
    assert sin_sign.explanation.startswith("In step 1.1 (v = cos(x²)) you differentiated sin(v) to -cos(v)")


def test_the_same_mistake_made_everywhere() -> None:
    result = _check("sin(x^2) + cos(x^3)", "cos(x^2) - sin(x^3)")
    assert result.mistake is not None
    assert result.mistake.name == "chain_rule_without_inner_derivative"
    assert result.mistake.count == 2
    assert "(and the same way in 1 more step)" in str(result.mistake)


def test_product_rule_misremembered_in_every_product() -> None:
    result = _check("x^2 sin(x) + x^3 exp(x)", "2x cos(x) + 3x^2 exp(x)")
    assert result.mistake is not None
    assert (result.mistake.name, result.mistake.count) == ("product_of_derivatives", 2)


# -- no classic mistake: where the answer first differs ------------------------------


@pytest.mark.parametrize(
    ("expr", "answer", "label", "theirs"),  # theirs: the answer's version of that step
    [
        ("x^2 + sin(x^2)", "2x + 3x cos(x^2)", "1.2.2", "3*x"),
        ("x^2 sin(x)", "2x sin(x) + x^2 sin(x)", "1.2", "sin(x)"),
        # d/dx x = 1 is not shown by derive, so its parent, the quotient rule, is blamed.
        ("x^3 + exp(x)/x", "3x^2 + (x exp(x) - 2 exp(x))/x^2", "1.2", "(x*exp(x) - 2*exp(x))/x**2"),
        ("x^2 sin(x)", "7x", "1", "7*x"),
    ],
)
def test_the_first_step_where_the_answer_differs(
    expr: str, answer: str, label: str, theirs: str | None
) -> None:
    result = _check(expr, answer)
    assert result.diagnosis is not None and result.diagnosis.kind == "none"
    found = result.diagnosis.first_difference
    assert found is not None and found.label == label
    assert (sympy.sstr(found.theirs) if found.theirs is not None else None) == theirs
    assert "It does not match a classic mistake." in result.to_text()


def test_first_difference_is_said_in_one_sentence() -> None:
    result = _check("x^2 + sin(x^2)", "2x + 3x cos(x^2)")
    assert result.to_text().splitlines()[-1] == (
        "It does not match a classic mistake. It first differs from the right one in step 1.2.2 "
        "(power rule on x²): the right result there is 2x, the answer has 3x."
    )


def test_a_mistake_that_changes_nothing_is_not_reported_for_a_right_answer() -> None:
    # Dropping the inner derivative of sin(x + 1) changes nothing: the answer is right.
    result = _check("sin(x + 1)", "cos(x + 1)")
    assert result.correct is True
    assert result.mistake is None


# -- re-deriving -----------------------------------------------------------------------

EXPRESSIONS = [
    "x + exp(5x)",
    "sin(x)/x",
    "3x^2 sin x",
    "(x^2+1)^3",
    "2^(3x)",
    "exp(sin(x^2))",
    "x^2 - sin(x)",
    "log(x, 2)",
    "x^x",
    "sin(x) cos(x) tan(x)",
    "atan(x^2 + 1)/sqrt(x)",
    "f(g(x))",
]


@pytest.mark.parametrize("expr", EXPRESSIONS)
def test_rebuilding_every_step_without_mistakes_gives_the_right_result(expr: str) -> None:
    derivation = derive(expr).verify()
    for path, step in searchable_steps(derivation.root):
        if step.substeps:
            assert SPECS[step.rule].combine is not None
            rebuilt = combine(step, tuple(s.result for s in step.substeps))
            assert rebuilt is not None and compare(step.result, rebuilt).equal, (expr, path)
        whole = propagate(derivation.root, {path: lambda s, v: combine(s, v)})
        assert whole is not None and compare(derivation.root.result, whole).equal, (expr, path)


def test_multivariable_chain_steps_are_rebuilt() -> None:
    derivation = derive("f(x^2, sin(x))").verify()
    assert derivation.root.rule.value == "multivariable_chain"
    rebuilt = combine(derivation.root, tuple(s.result for s in derivation.root.substeps))
    assert rebuilt is not None and compare(derivation.root.result, rebuilt).equal


# -- the property ------------------------------------------------------------------------

UNARY = [
    sympy.sin, sympy.cos, sympy.tan, sympy.sec, sympy.csc, sympy.cot,
    sympy.asin, sympy.acos, sympy.atan, sympy.exp, sympy.log, sympy.sqrt,
]  # fmt: skip
leaves = st.one_of(
    st.just(X), st.just(X), st.sampled_from([2, 3, 5, -1]).map(sympy.Integer), st.just(sympy.pi)
)


def _extend(children: st.SearchStrategy[sympy.Expr]) -> st.SearchStrategy[sympy.Expr]:
    exponents = st.sampled_from([2, 3, -1, -2, sympy.Rational(1, 2)])
    return st.one_of(
        st.builds(lambda fn, a: fn(a), st.sampled_from(UNARY), children),
        st.builds(lambda a, b: a + b, children, children),
        st.builds(lambda a, b: a - b, children, children),
        st.builds(lambda a, b: a * b, children, children),
        st.builds(lambda a, b: a / b, children, children),
        st.builds(lambda a, k: a**k, children, exponents),
        st.builds(lambda a: 2**a, children),
        st.builds(lambda a, b: a**b, children, children),
    )


exercises = st.recursive(leaves, _extend, max_leaves=6)
EXAMPLES = 120 if os.environ.get("CI") else 50


@settings(max_examples=EXAMPLES)
@given(exercises, st.data())
def test_one_rule_perturbed_is_diagnosed_as_that_entry(expr: sympy.Expr, data: st.DataObject) -> None:
    assume(X in expr.free_symbols and not expr.has(sympy.zoo, sympy.nan, sympy.I, sympy.oo))
    try:
        derivation = derive(expr)
    except ChainruleError:
        assume(False)
        return
    found = list(candidates(derivation.root))
    assume(found)
    perturbed = data.draw(st.sampled_from(found))
    wrong = propagate(derivation.root, {perturbed.path: perturbed.override()})
    assume(wrong is not None)
    result = judge(derivation, wrong)
    assume(result.correct is not True)  # the entry changed nothing here (sin(x + 1) without inner)
    assert result.correct is False, result.reason
    assert result.diagnosis is not None
    explanations = result.diagnosis.explanations
    assert explanations, f"{perturbed.mistake.name} at {perturbed.path} not recognised in {wrong}"
    for explanation in explanations:  # every entry named gives exactly the answer
        assert decide(explanation.result, wrong, domain=derivation.expr).equal is True
    named = [m for e in explanations for m in e.missteps]
    # Logarithmic differentiation is chainrule's method, not the student's: an entry of the
    # general power step itself may stand for the same answer (see mistakes.METHOD_RULES).
    method = [m for m in named if m.step.rule in METHOD_RULES and perturbed.path[: len(m.path)] == m.path]
    assert perturbed.mistake.name in [m.name for m in named] or method
    if len(named) == 1 and not method:
        assert named[0].name == perturbed.mistake.name  # never another entry alone
