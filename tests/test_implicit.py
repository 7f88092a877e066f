"""Implicit differentiation, related rates and parametric curves (issue 18).

The 65 textbook cases of ``tests/data/textbook/applications.toml`` are each
derived, verified step by step, and compared with the book: the answer (and its
form: no ``y(x)`` left, no longer than the book's), the value at the point, the
tangent line. The rest pins the parser's equations, the steps' shape, the
checks that catch a false step, and the CLI.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
import sympy
from sympy.core.function import AppliedUndef
from test_html import check_page
from test_textbook_data import NAMES, load, parse
from typer.testing import CliRunner

import chainrule
from chainrule.cli import app
from chainrule.derivation.curve_point import evaluate
from chainrule.derivation.equations import frozen
from chainrule.derivation.implicit import Implicit
from chainrule.derivation.model import Rule
from chainrule.derivation.verify import compare
from chainrule.errors import ParseError, UnsupportedError, UsageError, VerificationError
from chainrule.parsing.equations import is_equation, parse_definitions, parse_equation
from chainrule.parsing.inputs import read_point
from chainrule.views import formats, render
from chainrule.written import evaluated

CASES = load("applications.toml")
x, y, t = NAMES["x"], NAMES["y"], NAMES["t"]
runner = CliRunner()
ENV = {"NO_COLOR": "1", "COLUMNS": "100"}


def of_kind(kind: str) -> list[dict[str, Any]]:
    return [c for c in CASES if c["kind"] == kind]


def same(a: sympy.Expr, b: sympy.Expr, at: dict[sympy.Symbol, sympy.Expr] | None = None) -> bool:
    """``a == b`` symbolically, or else at the book's point (answers that hold on the curve only)."""
    if sympy.simplify(a - b) == 0:
        return True
    return at is not None and sympy.simplify((a - b).subs(at)) == 0


# ---------------------------------------------------------------------------- the parser


def test_equations_plain_and_latex() -> None:
    circle = parse_equation("x^2 + y^2 = 25")  # each side as written (chainrule.written)
    assert (evaluated(circle.lhs), circle.rhs) == (x**2 + y**2, 25)
    assert parse_equation(r"\frac{x}{y} = \sqrt{x}").rhs == sympy.sqrt(x)
    assert parse_equation("x = cos(y)").lhs == x  # not evaluated
    assert is_equation("x^2 + y^2 = 25") and not is_equation("f(x)") and not is_equation("x")
    assert parse_definitions("x = cos(t)^3, y = f(t, 2)")[1][0] == y


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ("x^2 + y^2", "expected an equation", 9),
        ("x == 2", "'==' compares", 2),
        ("x = y = 2", "one '='", 6),
        ("x <= 2", "comparisons are not equations", 2),
        ("x^2 + = 25", "the expression ends too early", 6),
        (" = 25", "left side of the equation is empty", 0),
        ("x^2 + y^2 = 25 +", "the expression ends too early", 16),
    ],
)
def test_equation_errors_point_at_their_column(text: str, message: str, column: int | None) -> None:
    with pytest.raises(ParseError) as caught:
        parse_equation(text)
    assert message in caught.value.message
    if column is not None:
        assert caught.value.column == column and caught.value.text == text


def test_points_take_commas_and_rates() -> None:
    assert read_point("x=3,y=4") == ((x, 3), (y, 4))
    r, rate = sympy.Symbol("r", real=True), sympy.Symbol("r'", real=True)
    assert read_point(["r=5", "r'=2"]) == read_point(["r=5", "dr/dt=2"]) == ((r, 5), (rate, 2))
    assert read_point({"x": "atan2(1, 2)"})[0][1] == sympy.atan2(1, 2)


# ---------------------------------------------------------------------------- related rates: d/dt


def test_related_rates_expression_is_the_ordinary_chain_rule() -> None:
    d = chainrule.derive("4/3 pi r^3", "t", where={"r": "r(t)"}).verify()
    r = sympy.Symbol("r", real=True)
    chain = next(s for s in d.steps if s.rule is Rule.CHAIN)
    ((name, value),) = chain.bindings  # the link is r itself, r = r(t)
    assert name == r and isinstance(value, AppliedUndef) and value.func.__name__ == "r" and value.args == (t,)
    assert [s.rule for s in chain.substeps] == [Rule.POWER, Rule.DEPENDENT]
    assert all(s.rule not in (Rule.MULTIVARIABLE_CHAIN, Rule.PARTIAL) for s in d.steps)
    text = d.to_text(at=["r=5", "r'=2"])
    assert text.startswith("d/dt (4π·r³/3)\nwhere r = r(t)\n\n")
    assert "Answer: d/dt (4π·r³/3) = 4π·r²·dr/dt" in text
    assert "d/dt (4π·r³/3) = 200π" in text and "At r = 5, dr/dt = 2:" in text
    assert "Leibniz:  d/dt r³ = d/dr r³ · dr/dt = 3r² · dr/dt" in text


def test_where_with_other_definitions_keeps_the_multivariable_rule() -> None:
    d = chainrule.derive("x**2*y", "m", where={"x": "m*n", "y": "m + n"}).verify()
    assert d.root.rule is Rule.MULTIVARIABLE_CHAIN


# ---------------------------------------------------------------------------- implicit: the book's cases


@pytest.mark.parametrize("case", of_kind("implicit"), ids=lambda c: c["id"])
def test_implicit_textbook_answers_and_forms(case: dict[str, Any]) -> None:
    d = chainrule.derive(case["equation"], case["independent"], implicit=case["dependent"],
                         order=case.get("order", 1)).verify()
    constants = {NAMES[k]: parse(v) for k, v in case.get("constants", {}).items()}
    book = parse(case["answer"]).subs(constants)
    point = {x: parse(case["point"][0]), y: parse(case["point"][1])} if "point" in case else None
    assert same(d.result.subs(constants), book, point), (d.result, book)
    # The textbook's form: y, not y(x); no dy/dx left; not longer than the book's answer.
    assert not d.result.has(AppliedUndef, sympy.Derivative)
    assert sympy.count_ops(d.result) <= sympy.count_ops(book) + 2, d.result
    assert [p.rule for p in d.parts][:2] == [Rule.IMPLICIT, Rule.SOLVE]
    if "point" in case and not constants:
        _check_point(case, d)


def _check_point(case: dict[str, Any], d: Implicit) -> None:
    at = evaluate(d, read_point([f"x={case['point'][0]}", f"y={case['point'][1]}"]))
    assert at is not None and at.curve is not None  # on the curve
    if "value" in case:
        assert abs(float(at.values[0][1]) - float(parse(case["value"]))) <= case.get("value_tolerance", 1e-9)
    if "tangent" in case:
        lhs, rhs = (parse(side) for side in case["tangent"].split("="))
        assert at.tangent is not None
        assert sympy.simplify((lhs - rhs).subs(y, at.tangent)) == 0, (at.tangent, case["tangent"])


def test_implicit_steps_read_as_stewart_writes_them() -> None:
    d = chainrule.derive("x^2 + y^2 = 25", implicit="y").verify()
    out = d.to_text(at="x=3,y=4")
    for line in (
        "Implicit differentiation: x² + y² = 25\nwhere y = y(x)\nFind dy/dx.\n",
        "    d/dx (x² + y²) = d/dx 25\n    2x + 2y·dy/dx = 0\n",
        "[chain] Chain rule with outer function y² and inner function y = y(x).",
        "Leibniz:  d/dx y² = d/dy y² · dy/dx = 2y · dy/dx",
        "    2y · dy/dx = -2x\n    dy/dx = -x/y\n",
        "Answer: dy/dx = -x/y\n",
        "  on the curve: x² + y² = 25\n  slope: dy/dx = -3/4\n",
    ):
        assert line in out, line
    assert "y(x)" not in out.replace("y = y(x)", "")
    assert "Lagrange: (y²)′ = 2y · y′" in out
    assert "2x + 2y·y′ = 0" in d.to_text(notation="lagrange")


def test_stewart_example_3_in_the_books_form() -> None:
    d = chainrule.derive("sin(x+y) = y^2 cos x", implicit="y").verify()
    assert d.result == (y**2 * sympy.sin(x) + sympy.cos(x + y)) / (2 * y * sympy.cos(x) - sympy.cos(x + y))


def test_second_derivative_substitutes_then_uses_the_equation() -> None:
    d = chainrule.derive("x^4 + y^4 = 16", implicit="y", order=2).verify()
    assert [p.rule for p in d.parts] == [
        Rule.IMPLICIT, Rule.SOLVE, Rule.IMPLICIT, Rule.SUBSTITUTE, Rule.USE_EQUATION,
    ]  # fmt: skip
    assert d.answers == (-(x**3) / y**3, -48 * x**2 / y**7)
    out = d.to_text()
    assert "d²y/dx² = -(3x⁶/y + 3x²·y³)/y⁶ = -3x²·(x⁴ + y⁴)/y⁷" in out
    assert "d²y/dx² = -3x²·(x⁴ + y⁴)/y⁷ = -3x²·16/y⁷ = -48x²/y⁷" in out
    circle = chainrule.derive("x^2 + y^2 = 25", implicit="y", order=2).verify()
    assert circle.result == -25 / y**3


def test_point_off_the_curve_and_vertical_tangents() -> None:
    d = chainrule.derive("x^2 + y^2 = 25", implicit="y")
    with pytest.raises(UsageError, match=r"x = 3, y = 5 is not on the curve x\*\*2 \+ y\*\*2 = 25: "
                                         r"there x\*\*2 \+ y\*\*2 = 34, not 25"):
        d.to_text(at="x=3,y=5")
    vertical = evaluate(d, read_point("x=5,y=0"))
    assert vertical is not None and vertical.vertical and vertical.tangent is None
    assert "tangent line (vertical): x = 5" in d.to_text(at="x=5,y=0")
    with pytest.raises(UsageError, match="needs a value for y"):
        d.to_text(at="x=3")


def test_implicit_errors() -> None:
    with pytest.raises(UsageError, match="is an equation: name the quantity"):
        chainrule.derive("x^2 + y^2 = 25")
    with pytest.raises(chainrule.VariableError, match="z"):
        chainrule.derive("x^2 + y^2 = 25", implicit="z")
    with pytest.raises(UsageError, match="quantities that change"):
        chainrule.derive("x^2 + y^2 = 25", "m", implicit="y", where={"x": "m*n"})
    with pytest.raises(UnsupportedError, match="dy/dx does not appear"):
        chainrule.derive("sin(y)^2 + cos(y)^2 = x", "x", implicit="y")


# ---------------------------------------------------------------------------- related rates: the book's cases


def _rates_case(case: dict[str, Any]) -> tuple[Implicit, dict[str, str]]:
    lhs, rhs = case["formula"].split("=")
    unknown = case["unknown"][1:].split("/")[0]
    names = sorted({s.name for s in (parse(lhs) - parse(rhs)).free_symbols} - {unknown})
    d = chainrule.derive(case["formula"], "t", implicit=unknown, where={n: f"{n}({'t'})" for n in names})
    point = dict(case["values"]) | {k: v for k, v in case["rates"].items()}
    return d.verify(), point


@pytest.mark.parametrize("case", of_kind("related_rates"), ids=lambda c: c["id"])
def test_related_rates_textbook_answers(case: dict[str, Any]) -> None:
    d, point = _rates_case(case)
    assert d.related_rates == (len(d.where) > 1)
    at = evaluate(d, read_point(point))
    assert at is not None and at.values[0][1] is not None
    assert sympy.simplify(at.values[0][1] - parse(case["answer"])) == 0, (at.values, case["answer"])
    assert at.curve is not None  # every quantity given: the instant is checked against the formula
    # The answer is the unknown rate in terms of the others, as a book writes it before numbers go in.
    unknown = sympy.Symbol(case["unknown"][1:].split("/")[0] + "'", real=True)
    assert unknown not in frozen(d.result, d.functions).free_symbols


def test_ladder_reads_as_a_textbook() -> None:
    d = chainrule.derive("x^2 + y^2 = 100", "t", implicit="y", where={"x": "x(t)"}).verify()
    out = d.to_text(at=["x=6", "y=8", "x'=1"])
    assert out.startswith("Related rates: x² + y² = 100\nwhere x = x(t), y = y(t)\nFind dy/dt.\n")
    assert "    2x·dx/dt + 2y·dy/dt = 0\n" in out and "    dy/dt = -x·dx/dt/y\n" in out
    assert "so wherever x or y appears, the chain rule gives a factor dx/dt or dy/dt." in out
    assert "At x = 6, y = 8, dx/dt = 1:\n  on the curve: x² + y² = 100\n  dy/dt = -3/4\n" in out


# ---------------------------------------------------------------------------- parametric curves


@pytest.mark.parametrize("case", of_kind("parametric"), ids=lambda c: c["id"])
def test_parametric_textbook_answers(case: dict[str, Any]) -> None:
    order = 2 if "d2ydx2" in case else 1
    curve = f"x = {case['x']}, y = {case['y']}"
    p = chainrule.derive(curve, case["parameter"], parametric=True, order=order).verify()
    assert sympy.simplify(p.answers[0] - parse(case["dydx"])) == 0
    if order == 2:
        assert sympy.simplify(p.answers[1] - parse(case["d2ydx2"])) == 0
    assert all(step.rule is Rule.PARAMETRIC for step in p.parts)
    if "at" not in case:
        return
    at = evaluate(p, read_point({case["parameter"]: case["at"]}))
    assert at is not None
    for key, order_at in (("dydx_at", 1), ("d2ydx2_at", 2)):
        if key in case:
            assert sympy.simplify(at.values[order_at - 1][1] - parse(case[key])) == 0
    if "tangent" in case:
        lhs, rhs = (parse(side) for side in case["tangent"].split("="))
        if at.vertical:
            assert sympy.simplify(lhs - rhs - (x - at.coordinates[0])) == 0  # x = 2
        else:
            assert sympy.simplify((lhs - rhs).subs(y, at.tangent)) == 0


def test_parametric_steps() -> None:
    p = chainrule.derive("x = cos(t)^3, y = sin(t)^3", parametric=True, order=2).verify()
    out = p.to_text(at="t=pi/6")
    assert "    dy/dx = (dy/dt)/(dx/dt) = (3sin(t)²·cos(t))/(-3sin(t)·cos(t)²) = -tan(t)\n" in out
    assert "  1.1. [chain]" in out and "  1.2. [chain]" in out and "  2.1. [constant_multiple]" in out
    assert "  the point: (x, y) = (3√3/8, 1/8)\n" in out
    assert "  d²y/dx² = 32/27\n" in out


# ---------------------------------------------------------------------------- multivariable (the where rule)


@pytest.mark.parametrize("case", of_kind("multivariable"), ids=lambda c: c["id"])
def test_multivariable_textbook_answers(case: dict[str, Any]) -> None:
    d = chainrule.derive(case["z"], case["wrt"], where=case["where"]).verify()
    where = {NAMES[k]: parse(v) for k, v in case["where"].items()}
    book = parse(case["answer"])
    for _ in where:
        book = book.subs(where)
    result = d.result.subs({s: sympy.Symbol(s.name, real=True) for s in d.result.free_symbols})
    assert compare(book, result).equal, (result, book)
    if "value" in case:
        at = {NAMES[k]: parse(v) for k, v in case["at"].items()}
        assert sympy.simplify(result.subs(at) - parse(case["value"])) == 0


# ---------------------------------------------------------------------------- the checks catch false steps


def test_verify_catches_a_false_solution() -> None:
    d = chainrule.derive("x^2 + y^2 = 25", implicit="y")
    solve = d.parts[1]
    wrong = dataclasses.replace(d, parts=(d.parts[0], dataclasses.replace(solve, result=x / y)))
    with pytest.raises(VerificationError, match="solve"):
        wrong.verify()


def test_verify_catches_a_false_use_of_the_equation() -> None:
    d = chainrule.derive("x^4 + y^4 = 16", implicit="y", order=2)
    use = d.parts[-1]
    line = (*use.lines[0][:-1], -47 * x**2 / y**7)
    wrong = dataclasses.replace(d, parts=(*d.parts[:-1], dataclasses.replace(use, lines=(line,))))
    with pytest.raises(VerificationError, match="use_equation"):
        wrong.verify()


def test_verify_catches_a_false_parametric_quotient() -> None:
    p = chainrule.derive("x = t^2, y = t^3", parametric=True)
    wrong = dataclasses.replace(p, parts=(dataclasses.replace(p.parts[0], result=3 * t),))
    with pytest.raises(VerificationError, match="parametric"):
        wrong.verify()


# ---------------------------------------------------------------------------- every format, the CLI


@pytest.mark.parametrize("fmt", formats("implicit"))
@pytest.mark.parametrize(
    "result",
    [
        pytest.param(lambda: chainrule.derive("x^3 + y^3 = 6 x y", implicit="y"), id="folium"),
        pytest.param(lambda: chainrule.derive("x = t - sin(t), y = 1 - cos(t)", parametric=True, order=2),
                     id="cycloid"),
    ],
)
def test_every_format(result: Any, fmt: str) -> None:
    found = result().verify()
    at = "x=3,y=3" if isinstance(found, Implicit) else "t=pi/3"
    out = render(found, fmt, at=at)
    if fmt == "json":
        data = json.loads(out)
        assert data["schema"] in ("chainrule/implicit@1", "chainrule/parametric@1")
        assert sympy.sympify(data["result"]) == found.result.subs({s: sympy.Symbol(s.name)
                                                                   for s in found.result.free_symbols})
        assert data["at"]["values"][0]["value"] in ("-1", "sqrt(3)")
        assert any("lines" in step for step in data["steps"]) == isinstance(found, Implicit)
        return  # machine fields write y(x) and Derivative(y(x), x), which sympify reads back
    elif fmt == "html":
        check_page(out)
    elif fmt == "latex":
        assert out.startswith("\\begin{align*}") and "\\frac{dy}{dx}" in out
    assert "y(x)" not in out.replace("y = y(x)", "").replace("y{\\left(x \\right)}", "")


def run(*args: str) -> Any:
    return runner.invoke(app, list(args), env=ENV)


def test_cli_implicit_at_a_point() -> None:
    result = run("derive", "x^2 + y^2 = 25", "--implicit", "y", "--at", "x=3,y=4")
    assert result.exit_code == 0, result.output
    assert result.stdout == chainrule.derive("x^2 + y^2 = 25", implicit="y").verify().to_text(at="x=3,y=4")
    off = run("derive", "x^2 + y^2 = 25", "--implicit", "y", "--at", "x=3,y=5")
    assert off.exit_code == 2 and off.stderr.startswith("error: the point x = 3, y = 5 is not on the curve")
    assert "(--at)" in off.stderr
    plain = run("derive", "x^2 + y^2 = 25")
    assert plain.exit_code == 2 and "with --implicit (y, for y = y(x)), or use --parametric" in plain.stderr


def test_cli_related_rates_and_parametric() -> None:
    balloon = run("derive", "4/3 pi r^3", "--wrt", "t", "--where", "r=r(t)", "--at", "r=5", "--at", "r'=2")
    assert balloon.exit_code == 0 and "d/dt (4π·r³/3) = 200π" in balloon.stdout
    curve = run("derive", "--parametric", "x = cos(t)^3, y = sin(t)^3", "-f", "json")
    assert curve.exit_code == 0 and json.loads(curve.stdout)["result"] == "-tan(t)"
    both = run("derive", "x = t, y = t", "--parametric", "--implicit", "y")
    assert both.exit_code == 2 and "--implicit and --parametric cannot go together" in both.stderr


def test_worksheet_lines() -> None:
    from chainrule.views.worksheet import build

    sheet = build(
        "x^2 + y^2 = 25 ; implicit=y\n"
        "x^2 + y^2 = 100 ; wrt=t ; implicit=y ; where=x=x(t)\n"
        "x = cos(t)^3, y = sin(t)^3 ; parametric\n",
        format="latex",
        solutions=False,
    )
    assert sheet.errors == () and sheet.exercises == 3
    assert r"\frac{dy}{dx} \quad \text{if } x^{2} + y^{2} = 25" in sheet.document
    assert r"& \frac{dy}{dt} = - \frac{x \frac{dx}{dt}}{y}" in sheet.document
    assert r"& \frac{dy}{dx} = - \tan{\left(t \right)}" in sheet.document


def test_derive_infers_the_variable_and_types() -> None:
    d = chainrule.derive(sympy.Eq(x**2 + y**2, 25), implicit=sympy.Symbol("y"))
    assert isinstance(d, chainrule.Implicit) and d.wrt == x
    assert isinstance(chainrule.derive("x = t^2, y = t", parametric=True), chainrule.Parametric)
    assert d.steps[0] is d.parts[0] and len(d.steps) == len(list(d.walk()))


def test_a_glued_product_is_named_in_the_error() -> None:
    # "6xy" is 6 times the variable xy (docs/input.md); the error says how to write the product.
    with pytest.raises(chainrule.VariableError, match=r"xy is one name: write x\*y or x y for the product"):
        chainrule.derive("x^3 + y^3 = 6xy", implicit="y")
    folium = chainrule.derive("x^3 + y^3 = 6x y", implicit="y").verify()
    assert sympy.simplify(folium.result - (2 * y - x**2) / (y**2 - 2 * x)) == 0
