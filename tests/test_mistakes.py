"""The catalogue of classic mistakes: each recognised alone and inside larger expressions.

The wrong answers are written the way a student writes them, by hand; the
test checks that re-deriving with the mutated rule reproduces them, names the
mistake, and points at the right step.
"""

from __future__ import annotations

import pytest
import sympy

from chainrule.derivation.engine import derive
from chainrule.derivation.rules import SPECS, combine
from chainrule.derivation.verify import compare
from chainrule.homework.check import CheckResult, check
from chainrule.homework.mistakes import BY_NAME, CATALOGUE, propagate, searchable_steps
from chainrule.views.document import numbered_steps

X = sympy.Symbol("x", real=True)

# (mistake, exercise, wrong answer, the expression of the step where it happens)
ALONE = [
    ("chain_rule_without_inner_derivative", "sin(x^2)", "cos(x^2)", "sin(x**2)"),
    ("product_of_derivatives", "x^2 sin(x)", "2x cos(x)", "x**2*sin(x)"),
    ("quotient_rule_numerator_swapped", "sin(x)/x", "(sin(x) - x cos(x))/x^2", "sin(x)/x"),
    ("quotient_rule_denominator_not_squared", "sin(x)/x", "(x cos(x) - sin(x))/x", "sin(x)/x"),
    ("power_rule_exponent_not_lowered", "x^3", "3x^3", "x**3"),
    ("cos_derivative_sign", "cos(x)", "sin(x)", "cos(x)"),
    ("exponential_as_power", "2^x", "x*2^(x-1)", "2**x"),
    ("exp_as_power", "e^(x^2)", "x^2*e^(x^2 - 1)", "exp(x**2)"),
    ("sign_slip", "sin(x)", "-cos(x)", "sin(x)"),
]

INSIDE = [
    ("chain_rule_without_inner_derivative", "x + exp(5x)", "1 + exp(5x)", "exp(5*x)"),
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
    ("exponential_as_power", "2^(3x)", "3x*2^(3x - 1)", "2**(3*x)"),
    ("exp_as_power", "sin(x) e^(x^2)", "cos(x) e^(x^2) + sin(x) x^2 e^(x^2 - 1)", "exp(x**2)"),
    ("exp_as_power", "e^(5x)", "5x*e^(5x - 1)*5", "exp(u)"),
    ("sign_slip", "x^3 + sin(2x)", "3x^2 - 2cos(2x)", "sin(2*x)"),
    ("sign_slip", "x^2 - sin(x)", "2x + cos(x)", "-sin(x)"),
]


def _check(expr: str, answer: str) -> CheckResult:
    result = check(expr, answer)
    result.derivation.verify()
    return result


@pytest.mark.parametrize(("name", "expr", "answer", "at"), ALONE + INSIDE)
def test_mistake_is_named_with_its_step(name: str, expr: str, answer: str, at: str) -> None:
    result = _check(expr, answer)
    assert result.correct is False
    assert result.mistake is not None, f"{answer!r} for {expr!r} should be {name}"
    assert result.mistake.name == name
    assert sympy.sstr(result.mistake.step.expr) == at
    # The mistaken derivative really is the student's answer.
    assert compare(result.mistake.wrong_result, result.answer, domain=result.expr).equal


def test_every_mistake_in_the_catalogue_is_tested_alone_and_inside() -> None:
    names = {m.name for m in CATALOGUE}
    assert {case[0] for case in ALONE} == names
    assert {case[0] for case in INSIDE} == names


@pytest.mark.parametrize("mistake", CATALOGUE, ids=lambda m: m.name)
def test_catalogue_examples_show_their_mistake(mistake: object) -> None:
    expr, answer = mistake.example  # type: ignore[attr-defined]
    result = _check(expr, answer)
    assert result.mistake is not None and result.mistake.name == mistake.name  # type: ignore[attr-defined]


def test_mistake_label_is_the_step_number_derive_shows() -> None:
    result = _check("x + exp(5x)", "1 + exp(5x)")
    assert result.mistake is not None
    labels = {id(item.step): item.label for item in numbered_steps(result.derivation)}
    assert result.mistake.label == labels[id(result.mistake.step)] == "1.1"
    assert str(result.mistake) == (
        "the chain rule without the inner derivative, in step 1.1 (chain rule on exp(5*x)): "
        "d/dx exp(5*x) needs the derivative of the inner function 5*x (its derivative is 5), "
        "which is missing."
    )


def test_step_inside_a_chain_names_its_intermediate_variable() -> None:
    result = _check("sin(cos(x^2))", "2x cos(cos(x^2)) sin(x^2)")
    assert result.mistake is not None
    assert dict(result.mistake.where) == {sympy.Symbol("u", real=True): X**2}
    assert "u = x**2" in str(result.mistake)


def test_the_same_mistake_made_everywhere() -> None:
    result = _check("sin(x^2) + cos(x^3)", "cos(x^2) - sin(x^3)")
    assert result.mistake is not None
    assert result.mistake.name == "chain_rule_without_inner_derivative"
    assert result.mistake.count == 2
    assert "2 steps" in str(result.mistake)


def test_product_rule_misremembered_in_every_product() -> None:
    # (x sin x)(cos x) has one product of three factors; two separate products:
    result = _check("x^2 sin(x) + x^3 cos(x)", "2x cos(x) - 3x^2 sin(x)")
    assert result.mistake is not None
    assert (result.mistake.name, result.mistake.count) == ("product_of_derivatives", 2)


def test_a_wrong_answer_that_is_no_classic_mistake() -> None:
    result = _check("x^2 sin(x)", "7x")
    assert result.correct is False
    assert result.mistake is None
    assert "does not match a classic mistake" in result.to_text()


def test_a_mistake_that_changes_nothing_is_not_reported_for_a_right_answer() -> None:
    # Dropping the inner derivative of sin(x + 1) changes nothing: the answer is right.
    result = _check("sin(x + 1)", "cos(x + 1)")
    assert result.correct is True
    assert result.mistake is None


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


def test_catalogue_entries_have_unique_names_and_explanations() -> None:
    assert len(BY_NAME) == len(CATALOGUE)
    for mistake in CATALOGUE:
        assert mistake.title and mistake.rules
        assert mistake.wrong.__doc__, mistake.name
