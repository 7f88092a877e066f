"""chainrule.check and `chainrule check`: right answers in any equivalent form, wrong ones explained."""

from __future__ import annotations

import json

import mpmath
import pytest
import sympy
from typer.testing import CliRunner

from chainrule.cli import app
from chainrule.errors import ParseError, VariableError
from chainrule.homework.check import CheckResult, check
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
    ],
)
def test_right_answers_in_equivalent_forms(expr: str, answer: str) -> None:
    result = _check(expr, answer)
    assert result.correct is True
    assert result.exit_code == 0
    assert result.counterexample is None and result.mistake is None
    assert result.checked >= 3


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
    assert abs(counter.expected_value - mpmath.mpf(sympy.N(2 * at * sympy.cos(at**2), 30))) < 1e-20
    assert abs(counter.got_value - mpmath.mpf(sympy.N(sympy.cos(at**2), 30))) < 1e-20
    shown = f"at x = {mpmath.nstr(mpmath.mpf(at), 6)} the derivative is "
    assert counterexample_text(result).startswith(shown)


def test_sympy_input_with_plain_symbols() -> None:
    x = sympy.Symbol("x")  # not real: matched to the derivation's x by name
    result = _check(sympy.sin(x**2), 2 * x * sympy.cos(x**2))
    assert result.correct is True


def test_an_answer_with_a_stray_variable_is_wrong() -> None:
    result = _check("x^2", "2y")
    assert result.correct is False
    assert result.counterexample is not None
    assert {s.name for s, _ in result.counterexample.point} == {"x", "y"}


def test_no_point_to_compare_at_says_so() -> None:
    result = _check("x^2", sympy.nan)  # an answer defined nowhere
    assert result.correct is None
    assert result.exit_code == 1
    assert result.checked == 0 and result.counterexample is None
    assert result.to_text().startswith("Cannot tell: there is no point where x**2, its derivative 2*x")


def test_an_expression_real_nowhere_is_compared_as_complex() -> None:
    right = _check("sqrt(-x^2 - 1)", "-x/sqrt(-x^2 - 1)")
    assert right.correct is True
    wrong = _check("sqrt(-x^2 - 1)", "0")
    assert wrong.correct is False and wrong.counterexample is not None
    assert "j)" in counterexample_text(wrong)  # the derivative's value there is complex


def test_bad_input_raises() -> None:
    with pytest.raises(ParseError):
        check("sin(x^2)", "2x cos(x^")
    with pytest.raises(VariableError):
        check("x^2 y", "2xy")


def test_check_is_the_function_even_after_importing_the_module() -> None:
    import chainrule.homework.check  # noqa: F401

    assert getattr(chainrule, "check") is check  # noqa: B009 - the lazy attribute, not the module
    assert "check" in chainrule.__all__


def test_text_report_of_a_wrong_answer() -> None:
    result = _check("x^3", "3x^3")
    assert result.to_text() == (
        "Wrong: 3*x**3 is not d/dx x**3.\n"
        "The derivative is 3*x**2.\n"
        "They differ: at x = 1.72211 the derivative is 8.89698 but the answer is 15.3216.\n"
        "Mistake: the power rule without lowering the exponent, in step 1 (power rule on x**3): "
        "the power rule lowers the exponent by one: d/dx x**3 = 3*x**2, not 3*x**3.\n"
    )


def test_json_report() -> None:
    result = _check("x + exp(5x)", "1 + exp(5x)")
    data = json.loads(result.to_json())
    assert data["schema"] == "chainrule/check@1"
    assert data["correct"] is False
    assert data["expected"] == "5*exp(5*x) + 1"
    assert sympy.sympify(data["expected"]) == sympy.sympify("5*exp(5*x) + 1")
    assert set(data["counterexample"]["point"]) == {"x"}
    mistake = data["mistake"]
    assert mistake["name"] == "chain_rule_without_inner_derivative"
    assert mistake["step"] == {
        "label": "1.2",
        "rule": "chain",
        "expr": "exp(5*x)",
        "wrt": "x",
        "result": "5*exp(5*x)",
    }
    assert mistake["wrong_result"] == "exp(5*x) + 1"


def test_rich_report_renders() -> None:
    from rich.console import Console

    console = Console(record=True, width=100, color_system=None)
    console.print(_check("cos(x)", "sin(x)"))
    text = console.export_text()
    assert "wrong" in text and "sign error on the derivative of cos" in text


# -- the command ------------------------------------------------------------------


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["check", *args])
    return result.exit_code, result.stdout, result.stderr


def test_cli_right_answer_exits_0() -> None:
    _check("sin(x^2)", "2x cos(x^2)")
    code, out, err = _run("sin(x^2)", "cos(x^2)*2x", "--format", "text")
    assert (code, err) == (0, "")
    assert out == "Correct: 2*cos(x**2)*x is d/dx sin(x**2) (the same as 2*x*cos(x**2)).\n"


def test_cli_equivalent_form_is_shown_with_the_derivative() -> None:
    _check("tan(x)", "1 + tan(x)^2")
    code, out, _ = _run("tan(x)", "1 + tan(x)^2", "-f", "text")
    assert code == 0
    assert out == "Correct: 1 + tan(x)**2 is d/dx tan(x) (the same as sec(x)**2).\n"


def test_cli_wrong_answer_exits_1_with_the_mistake() -> None:
    _check("x + exp(5x)", "1 + exp(5x)")
    code, out, err = _run("x + exp(5x)", "1 + exp(5x)", "-f", "text")
    assert code == 1 and err == ""
    assert out.splitlines()[0] == "Wrong: 1 + exp(5*x) is not d/dx (x + exp(5*x))."
    assert "Mistake: the chain rule without the inner derivative, in step 1.2" in out


def test_cli_json_and_wrt() -> None:
    _check("x^2 y", "x^2", "y")
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
    assert out.startswith("Wrong: 0 is not d/dx sqrt(-x**2 - 1).")
