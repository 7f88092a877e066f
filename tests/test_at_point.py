"""``--at``: what a textbook says at a point, in every format (issue 15).

Outside the (real) domain there is no value; where the derivative's formula is
undefined or jumps, the one-sided derivatives decide (not differentiable, or a
vertical tangent line); a formula that is 0/0 is evaluated as a limit; floating
noise is not a value; the tangent line reads ``y − f(a) = f′(a)(x − a)``, i.e.
``y = mx + b``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import sympy

import chainrule
from chainrule.derivation.at_point import evaluate_at
from chainrule.parsing.inputs import read_point
from chainrule.views import formats, render

FORMATS = formats("derivation")


def at(expr: str, point: str, order: int = 1) -> Any:
    derivation = chainrule.derive(expr, order=order).verify()
    return evaluate_at(derivation, read_point([point]))


def shown(expr: str, point: str, fmt: str, order: int = 1) -> str:
    return render(chainrule.derive(expr, order=order).verify(), fmt, at=read_point([point]))


# (expression, point, kind, f(a), f'(a), the one-sided derivatives, words every format shows)
CASES = [
    ("abs(x)", "x=0", "not_differentiable", 0, None, (-1, 1), "not differentiable"),
    ("abs(x - 1) + x", "x=1", "not_differentiable", 1, None, (0, 2), "not differentiable"),
    ("ln(x)", "x=0", "outside_domain", None, None, None, "outside the domain"),
    ("1/x", "x=0", "outside_domain", None, None, None, "outside the domain"),
    ("sqrt(x)", "x=-1", "outside_domain", None, None, None, "not a real number"),
    ("ln(x)", "x=-1", "outside_domain", None, None, None, "not a real number"),
    ("x**(1/3)", "x=0", "vertical_tangent", 0, None, (sympy.oo, sympy.oo), "vertical"),
    ("x**(2/3)", "x=0", "not_differentiable", 0, None, (-sympy.oo, sympy.oo), "not differentiable"),
    ("sqrt(x)", "x=0", "not_differentiable", 0, None, (None, sympy.oo), "not defined to the left"),
    ("sign(x)", "x=0", "not_differentiable", 0, None, None, "not continuous"),
    ("sin(x)/x", "x=0", "limit", 1, 0, None, "0/0"),
    ("(x**2 - 1)/(x - 1)", "x=1", "limit", 2, 1, None, "0/0"),
    ("x**3", "x=2", "differentiable", 8, 12, None, "y = 12x - 16"),
    ("x*abs(x)", "x=0", "differentiable", 0, 0, None, "y = 0"),
    ("x**(1/3)", "x=-8", "differentiable", -2, sympy.Rational(1, 12), None, "y = x/12 - 4/3"),
    ("cos(x)", "x=pi/2", "differentiable", 0, -1, None, "y = -x + π/2"),
]


@pytest.mark.parametrize(("expr", "point", "kind", "f_a", "value", "sides", "words"), CASES)
def test_what_is_true_at_the_point(
    expr: str, point: str, kind: str, f_a: Any, value: Any, sides: Any, words: str
) -> None:
    result = at(expr, point)
    assert result.kind == kind
    assert result.function_value == f_a
    assert result.value == value
    assert result.one_sided == sides
    assert words in shown(expr, point, "text")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize(("expr", "point"), [(c[0], c[1]) for c in CASES])
def test_every_format_prints_every_kind(expr: str, point: str, fmt: str) -> None:
    out = shown(expr, point, fmt)
    assert "zoo" not in out and "nan" not in out.replace("nano", "")
    assert "I/2" not in out and "= I" not in out
    if fmt == "json":
        data = json.loads(out)["at"]
        assert data["kind"] == at(expr, point).kind
        assert isinstance(data["notes"], list)


def test_no_false_statement_at_a_kink() -> None:
    """|x| at 0: no f′(0) = 0 and no tangent line, in any format."""
    for fmt in set(FORMATS) - {"json"}:
        out = shown("abs(x)", "x=0", fmt)
        assert "tangent" not in out.lower(), fmt
    data = json.loads(shown("abs(x)", "x=0", "json"))["at"]
    assert data["value"] is None and data["tangent"] is None
    assert data["one_sided"] == {"left": "-1", "right": "1"}


def test_vertical_tangent_line() -> None:
    assert "tangent line: x = 0" in shown("x**(1/3)", "x=0", "text")
    data = json.loads(shown("x**(1/3)", "x=0", "json"))["at"]
    assert data["vertical_tangent"] == "0" and data["tangent"] is None
    assert data["tangent_latex"] == "x = 0"


def test_tangent_line_point_slope_then_slope_intercept() -> None:
    assert "tangent line: y - 8 = 12(x - 2), i.e. y = 12x - 16" in shown("x**3", "x=2", "text")
    assert "tangent line: y = x\n" in shown("sin(x)", "x=0", "text")  # one form when they agree
    data = json.loads(shown("x**3", "x=2", "json"))["at"]
    assert data["tangent"] == "12*x - 16"
    assert data["tangent_point_slope_latex"] == r"y - 8 = 12 \left(x - 2\right)"
    assert data["tangent_latex"] == "y = 12 x - 16"
    latex = shown("x**3", "x=2", "latex")
    assert r"y - 8 = 12 \left(x - 2\right) && \text{tangent line}" in latex


def test_second_derivative_where_the_first_jumps() -> None:
    result = at("abs(x)", "x=0", order=2)
    assert result.kind == "not_differentiable" and result.value is None
    assert "does not exist" in shown("abs(x)", "x=0", "text", order=2)
    data = json.loads(shown("abs(x)", "x=0", "json", order=2))["at"]
    assert data["value"] is None and "DiracDelta" not in json.dumps(data)


def test_floating_noise_is_not_a_value() -> None:
    """cos(π/2) is 0: exactly in derive, and in the graph's floats."""
    assert at("cos(x)", "x=pi/2").function_value == 0
    graph = chainrule.backprop("cos(x)*x", at={"x": sympy.pi / 2})
    assert graph.value is not None and graph.value.is_zero
    text = render(graph, "text")
    assert "e-17" not in text and "e-16" not in text


def test_graph_at_a_pole_and_a_vertical_tangent() -> None:
    with pytest.raises(chainrule.ChainruleError, match="pole"):
        chainrule.backprop("tan(x)", at={"x": sympy.pi / 2})
    with pytest.raises(chainrule.ChainruleError, match="not differentiable"):
        chainrule.backprop("x**(1/3)", at={"x": 0})


def test_multivariable_outside_the_domain() -> None:
    derivation = chainrule.derive("ln(x*y)", "x")
    result = evaluate_at(derivation, read_point(["x=0", "y=1"]))
    assert result.kind == "outside_domain" and result.value is None


def test_an_undefined_function_at_a_point_says_no_tautology_and_no_clash() -> None:
    # f(1) = f(1) said nothing, and "f(1) = f(1)²" named two functions f.
    alone = chainrule.derive("f(x)").verify().to_text(at="x=1")
    assert "f(1) = f(1)" not in alone and "f′(1) = f′(1)" not in alone
    assert "tangent line: y - f(1) = (x - 1) f′(1)" in alone
    squared = chainrule.derive("f(x)^2").verify().to_text(at="x=1")
    assert "z(1) = f(1)²" in squared and "z′(1) = 2 f(1) f′(1)" in squared
