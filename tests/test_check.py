"""chainrule.check and `chainrule check`: right answers in any form, never "Correct" for a wrong one.

The verdict is decided exactly where algebra can, at points where it must (every scale in the
exercise, both sides of every switch), and "could not decide" otherwise (issue #13).
"""

from __future__ import annotations

import json

import mpmath
import pytest
import sympy
from typer.testing import CliRunner

from chainrule.cli import app
from chainrule.errors import ParseError, VariableError
from chainrule.homework.check import CheckResult, check
from chainrule.homework.equality import decide
from chainrule.views.check import counterexample_text

X = sympy.Symbol("x", real=True)
Y = sympy.Symbol("y", real=True)


def _check(expr: str | sympy.Expr, answer: str | sympy.Expr, wrt: str | None = None) -> CheckResult:
    result = check(expr, answer, wrt)
    result.derivation.verify()
    return result


@pytest.mark.parametrize(
    ("expr", "answer"),
    [
        ("sin(x**2)", "2*x*cos(x**2)"),
        ("sin(x**2)", "cos(x^2)*2x"),
        ("sin(x**2)", "2x cos(x^2)"),
        ("tan(x)", "1 + tan(x)^2"),
        ("tan(x)", "sec(x)^2"),
        ("tan(x)", "1/cos(x)^2"),
        ("ln(x^2 + 1)", "2x/(x^2 + 1)"),
        ("x^x", "x^x (ln(x) + 1)"),
        ("x^x", "exp(x ln(x)) (1 + ln(x))"),
        ("sqrt(x)", "1/(2 sqrt(x))"),
        ("sqrt(x)", "x^(-1/2)/2"),
        ("sin(x) cos(x)", "cos(2x)"),
        ("e^(2x)", "2e^(2x)"),
        ("Abs(x)", "x/Abs(x)"),
        ("max(x, 0)", "Heaviside(x)"),
        ("x Heaviside(x)", "Heaviside(x)"),  # x DiracDelta(x) is 0
        ("ln(Abs(sec(x) + tan(x)))", "sec(x)"),
        ("0.1 x^3", "0.3x^2"),
        ("x^3/30", "0.1 x^2"),
        ("10^100 x^2", "2*10^100 x"),
        ("10^-100 x^2", "2*10^-100 x"),
        ("(x^2 + 1)^3", "6x (x^2 + 1)^2"),
    ],
)
def test_right_answers_in_equivalent_forms(expr: str, answer: str) -> None:
    result = _check(expr, answer)
    assert result.correct is True, result.reason
    assert result.exit_code == 0
    assert result.decided_by in ("exact", "numeric")
    assert result.counterexample is None and result.mistake is None and result.diagnosis is None


def test_a_right_answer_decided_by_algebra_says_so() -> None:
    assert _check("x^3 + x", "3x^2 + 1").decided_by == "exact"
    assert _check("(x^2 + 1)/(x - 1)", "(x^2 - 2x - 1)/(x - 1)^2").decided_by == "exact"
    numeric = _check("Abs(x)", "x/Abs(x)")
    assert numeric.decided_by == "numeric" and "switches" in numeric.reason


# -- issue #13: never "Correct" for a wrong answer ---------------------------------------


@pytest.mark.parametrize(
    ("expr", "answer", "by", "why", "beyond"),
    [
        ("x^2", "2x + Heaviside(x - 50)", "numeric", "they differ at x = ", 50),  # only past x = 50
        ("10^-100*x^2", "0", "exact", "the rational function", None),  # below any absolute tolerance
        ("10^100*x^2", "10^100*2x + 1", "exact", "the number -1", None),  # below any relative one
        ("sin(x^2)", "2x cos(x^2) + max(x - 10^6, 0)", "numeric", "they differ at x = ", 10**6),
        ("Heaviside(x)", "0", "exact", "impulse DiracDelta(x) at x = 0", None),  # 0 at every point but 0
    ],
)
def test_issue_13_wrong_answers_are_wrong(
    expr: str, answer: str, by: str, why: str, beyond: int | None
) -> None:
    result = _check(expr, answer)
    assert result.correct is False and result.exit_code == 1
    assert result.decided_by == by
    assert why in result.reason
    if beyond is not None:
        assert result.counterexample is not None
        assert dict(result.counterexample.point)[X] > beyond


@pytest.mark.parametrize(
    ("expr", "answer"),
    [
        ("x^2", "2x + Heaviside(x - 50) - Heaviside(x - 50.0000001)"),  # a switch 10^-7 wide
        ("x^2", "2x + sign(x - 10^-30) - sign(x)"),
        ("x^2", "2x + 10^-100"),
        ("cos(x)", "-sin(x) + 10^-30 cos(x)"),  # the difference is all of one term
        ("x^2", "2.0000000000001 x"),  # a decimal is the number it shows
        ("x^3", "3x^2 + exp(-(x - 10^6)^2)"),  # tiny at every ordinary point
        ("x^2", "2x + relu(x - 10^8)"),
        ("x^2", "2y"),  # another variable
        ("sin(x)", "cos(x) + Heaviside(x^2 - 10^4)/10^6"),
    ],
)
def test_differences_hidden_far_away_or_below_tolerances_are_found(expr: str, answer: str) -> None:
    result = _check(expr, answer)
    assert result.correct is False, result.reason


def test_a_difference_too_small_to_print_is_still_shown() -> None:
    result = _check("10^100*x^2", "10^100*2x + 1")
    assert result.counterexample is not None
    assert "(they differ by 1.0)" in counterexample_text(result)


def test_what_cannot_be_decided_is_not_called_correct() -> None:
    frac = sympy.frac(X) + sympy.floor(X) - X  # 0, but floor switches at every integer
    result = _check("x^2", 2 * X + frac)
    assert result.correct is None and result.decided_by == "undecided" and result.exit_code == 1
    assert "floor" in result.reason
    assert result.to_text().startswith("Could not decide whether ")


def test_no_point_to_compare_at_says_so() -> None:
    result = _check("x^2", sympy.nan)  # an answer defined nowhere
    assert result.correct is None
    assert result.exit_code == 1
    assert result.checked == 0 and result.counterexample is None
    assert result.to_text() == (
        "Could not decide whether nan is d/dx x²: there is no point where the expression, "
        "the derivative and the answer are all defined.\nThe derivative is 2x.\n"
    )


def test_decide_on_its_own() -> None:
    assert decide(sympy.DiracDelta(X), 0).equal is False
    assert decide(X * sympy.DiracDelta(X) + 1, 1).equal is True
    assert decide(sympy.DiracDelta(X - 2) * (X - 2), 0).by == "exact"
    assert decide(sympy.Heaviside(sympy.sin(X)) * 0 + 1, 1).equal is True
    stepped = decide(2 * X, 2 * X + sympy.Heaviside(sympy.sin(X)) - sympy.Heaviside(sympy.sin(X) - 10**-9))
    assert stepped.equal is not True  # switches at every multiple of pi: false or undecided, never true


# -- the verdict ------------------------------------------------------------------------


def test_right_answer_by_another_variable() -> None:
    result = _check("x^2 y + sin(y)", "x^2 + cos(y)", wrt="y")
    assert result.correct is True
    assert result.wrt == Y


def test_wrong_answer_has_the_derivative_and_a_point_where_they_differ() -> None:
    result = _check("sin(x^2)", "cos(x^2)")
    assert result.correct is False and result.exit_code == 1
    assert result.expected == 2 * X * sympy.cos(X**2)
    counter = result.counterexample
    assert counter is not None
    point = dict(counter.point)
    assert set(point) == {X}
    at = point[X]
    assert abs(counter.expected_value - mpmath.mpf(sympy.N(2 * at * sympy.cos(at**2), 30))) < 1e-12
    assert abs(counter.got_value - mpmath.mpf(sympy.N(sympy.cos(at**2), 30))) < 1e-12
    assert at == 1  # a point a student can check by hand
    assert counterexample_text(result).startswith("at x = 1 the derivative is ")


def test_sympy_input_with_plain_symbols() -> None:
    x = sympy.Symbol("x")  # not real: matched to the derivation's x by name
    result = _check(sympy.sin(x**2), 2 * x * sympy.cos(x**2))
    assert result.correct is True


def test_undefined_functions_are_compared_through_concrete_ones() -> None:
    f = sympy.Function("f")
    x = sympy.Symbol("x", real=True)
    assert _check(f(x**2), 2 * x * sympy.Subs(sympy.Derivative(f(X), X), X, x**2)).correct is True
    wrong = _check(f(x**2), sympy.Subs(sympy.Derivative(f(X), X), X, x**2))
    assert wrong.correct is False and wrong.decided_by == "numeric"


def test_an_answer_with_a_stray_variable_is_wrong() -> None:
    result = _check("x^2", "2y")
    assert result.correct is False
    assert result.counterexample is not None
    assert {s.name for s, _ in result.counterexample.point} == {"x", "y"}


def test_an_expression_real_nowhere_is_compared_as_complex() -> None:
    right = _check("sqrt(-x^2 - 1)", "-x/sqrt(-x^2 - 1)")
    assert right.correct is True
    wrong = _check("sqrt(-x^2 - 1)", "0")
    assert wrong.correct is False and wrong.counterexample is not None
    assert "j)" in counterexample_text(wrong)  # the derivative's value there is complex


def test_an_answer_not_real_where_the_derivative_is_is_wrong() -> None:
    result = _check("sqrt(x)", "1/(2 sqrt(x)) + sqrt(-x)")
    assert result.correct is False
    assert result.counterexample is not None and isinstance(result.counterexample.got_value, mpmath.mpc)


def test_a_constant_has_derivative_0() -> None:
    result = _check("5", "1")
    assert result.correct is False and result.expected == 0
    assert result.mistake is not None and result.mistake.name == "constant_derivative_one"
    assert result.to_text() == (
        "Wrong: 1 is not d/dx 5.\n"
        "The derivative is 0.\n"
        "They differ: the derivative is 0 but the answer is 1.\n"
        "Mistake: the derivative of a constant taken as 1. In step 1 you took the derivative of the "
        "constant 5 as 1; a constant does not change, so its derivative is 0 (only x itself has "
        "derivative 1).\n"
    )
    assert _check("5", "0").correct is True
    assert _check("pi^2", "0").wrt == X
    assert _check("3", "t").wrt.name == "t"  # the answer's own variable


def test_bad_input_raises() -> None:
    with pytest.raises(ParseError):
        check("sin(x^2)", "2x cos(x^")
    with pytest.raises(VariableError):
        check("x^2 y", "2xy")


def test_check_is_the_function_even_after_importing_the_module() -> None:
    import chainrule
    import chainrule.homework.check  # noqa: F401

    assert getattr(chainrule, "check") is check  # noqa: B009 - the lazy attribute, not the module
    assert "check" in chainrule.__all__


def test_text_report_of_a_wrong_answer() -> None:
    result = _check("x^3", "3x^3")
    assert result.to_text() == (
        "Wrong: 3x³ is not d/dx x³.\n"
        "The derivative is 3x².\n"
        "They differ: at x = 2 the derivative is 12 but the answer is 24.\n"  # x = 1 does not tell them apart
        "Mistake: the power rule without lowering the exponent. In step 1 you brought the exponent 3 "
        "down but did not lower it; the power rule is d/du u^n = n u^(n-1): d/dx x³ = 3x², "
        "not 3x³.\n"
    )


def test_json_report() -> None:
    result = _check("x + exp(5x^2)", "1 + exp(5x^2)")
    data = json.loads(result.to_json())
    assert data["schema"] == "chainrule/check@1"
    assert data["correct"] is False
    assert data["decided_by"] == "numeric" and data["reason"] == "they differ at x = 1"
    assert data["expected"] == "10*x*exp(5*x**2) + 1"
    assert set(data["counterexample"]["point"]) == {"x"}
    mistake = data["mistake"]
    assert mistake["name"] == "chain_rule_without_inner_derivative"
    assert mistake["step"] == {
        "label": "1.1",  # derive does not show d/dx x = 1 at its default detail
        "rule": "chain",
        "expr": "exp(5*x**2)",
        "wrt": "x",
        "result": "10*x*exp(5*x**2)",
    }
    assert mistake["wrong_result"] == "exp(5*x**2) + 1"
    assert mistake["wrong_step_result"] == "exp(5*x**2)"
    assert mistake["explanation"].startswith("In step 1.1 you wrote exp(5x²) for d/dx exp(5x²)")
    diagnosis = data["diagnosis"]
    assert diagnosis["kind"] == "one" and diagnosis["first_difference"] is None
    assert diagnosis["explanations"] == [{"mistakes": [mistake], "wrong_result": "exp(5*x**2) + 1"}]


def test_json_of_a_right_and_an_undecided_answer() -> None:
    right = json.loads(_check("x^2", "2x").to_json())
    assert (right["correct"], right["decided_by"], right["mistake"], right["diagnosis"]) == (
        True, "exact", None, None,
    )  # fmt: skip
    undecided = json.loads(_check("x^2", sympy.nan).to_json())
    assert undecided["correct"] is None and undecided["decided_by"] == "undecided"


def test_rich_report_renders() -> None:
    from rich.console import Console

    console = Console(record=True, width=100, color_system=None)
    console.print(_check("cos(x)", "-cos(x)"))
    text = console.export_text()
    assert "wrong" in text and "It does not match a classic mistake" in text


# -- the command ------------------------------------------------------------------


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["check", *args])
    return result.exit_code, result.stdout, result.stderr


def test_cli_right_answer_exits_0() -> None:
    code, out, err = _run("sin(x^2)", "cos(x^2)*2x", "--format", "text")
    assert (code, err) == (0, "")
    assert out == "Correct: 2cos(x²)·x is d/dx sin(x²).\n"  # as typed, coefficient first


def test_cli_equivalent_form_is_shown_with_the_derivative() -> None:
    code, out, _ = _run("tan(x)", "1 + tan(x)^2", "-f", "text")
    assert code == 0
    assert out == "Correct: 1 + tan(x)² is d/dx tan(x) (the same as sec(x)²).\n"


def test_cli_wrong_answer_exits_1_with_the_mistake() -> None:
    code, out, err = _run("x + exp(5x^2)", "1 + exp(5x^2)", "-f", "text")
    assert code == 1 and err == ""
    assert out.splitlines()[0] == "Wrong: 1 + exp(5x²) is not d/dx (x + exp(5x²))."
    assert "Mistake: the chain rule without the inner derivative. In step 1.1 you" in out


def test_cli_constant_exercise_needs_no_variable() -> None:
    code, out, err = _run("5", "1", "-f", "text")
    assert (code, err) == (1, "")
    assert "a constant does not change, so its derivative is 0" in out


@pytest.mark.parametrize(
    ("expr", "answer"),
    [
        ("x^2", "2x + Heaviside(x - 50)"),
        ("10^-100*x^2", "0"),
        ("10^100*x^2", "10^100*2x + 1"),
        ("sin(x^2)", "2x cos(x^2) + max(x - 10^6, 0)"),
        ("Heaviside(x)", "0"),
    ],
)
def test_cli_never_prints_correct_for_issue_13s_answers(expr: str, answer: str) -> None:
    code, out, _ = _run(expr, answer, "-f", "text")
    assert code == 1 and out.startswith("Wrong: ")


def test_cli_json_and_wrt() -> None:
    code, out, _ = _run("x^2 y", "x^2", "--wrt", "y", "--format", "json")
    assert code == 0
    assert json.loads(out)["correct"] is True


def test_cli_bad_input_exits_2_with_one_error() -> None:
    code, out, err = _run("sin(x^2)", "2x cos(x^")
    assert code == 2 and out == ""
    assert err.startswith("error: ")
    assert "Traceback" not in err
    code, out, err = _run("x^2 y", "2x")
    assert code == 2 and "--wrt" in err


def test_cli_wrong_where_the_expression_is_real_nowhere_exits_1() -> None:
    code, out, _ = _run("sqrt(-x^2 - 1)", "0", "-f", "text")
    assert code == 1
    assert out.startswith("Wrong: 0 is not d/dx √(-x² - 1).")
