"""Renderers on small hand-built true derivations: every rule, every format."""

from __future__ import annotations

import json
import sys

import pytest
import sympy
from render_examples import deep_chain, example, u, x
from sympy.core.function import AppliedUndef

import chainrule
from chainrule.derivation.equations import function_form
from chainrule.derivation.model import Rule
from chainrule.errors import UsageError
from chainrule.printing import dependent_form, machine
from chainrule.recursion import deep_recursion as recursion_limit
from chainrule.views import formats, render
from chainrule.views.latex import LINE_BUDGET, LineBreaker, escape_text, latex_width
from chainrule.views.markdown import escape
from chainrule.views.notation import (
    LatexMathPrinter,
    OnelineMathPrinter,
    PlainMathPrinter,
    StepNotation,
    dependents_of,
)

FORMATS = formats("derivation")
ALL_RULES = list(Rule)


@pytest.mark.parametrize("rule", ALL_RULES, ids=[r.value for r in ALL_RULES])
def test_every_rule_has_a_true_example(rule: Rule) -> None:
    d = example(rule).verify()
    assert rule in {step.rule for step in d.steps}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("rule", ALL_RULES, ids=[r.value for r in ALL_RULES])
def test_every_rule_renders_in_every_format(rule: Rule, fmt: str) -> None:
    d = example(rule).verify()
    out = render(d, fmt)
    step = next(s for s in d.steps if s.rule is rule)
    if fmt == "json":
        data = json.loads(out)
        entry = next(e for e in data["steps"] if e["rule"] == rule.value)
        back = chainrule.parse(entry["result"])  # JSON reads back with parse, never sympify
        # A quantity that changes with the variable is y(x) in the steps (y beside y(x) reads y*x).
        expected = function_form(step.result, dict(getattr(d, "functions", None) or dependents_of(d)))
        assert back == expected or machine(back) == entry["result"] == machine(expected)
        # A step of algebra (solve for dy/dx) starts with its first equation, not a derivative.
        assert entry["latex"].startswith("\\frac{") or entry.get("lines")
    elif fmt == "text":
        assert f"[{rule.value}]" in out
        full = render(d, fmt, detail="full")
        # Quantities that change with the variable (y = y(x)) are shown as y, dy/dx.
        functions = [f for _, f in getattr(d, "where", ()) if isinstance(f, AppliedUndef)]
        shown = dependent_form(step.result, functions)
        assert OnelineMathPrinter().expr(shown) in full or rule is Rule.DEPENDENT
    elif fmt == "latex":
        assert escape_text(rule.title) in out
        assert out.startswith("\\begin{align*}") and out.rstrip().endswith("\\end{align*}")
    elif fmt == "markdown":
        assert rule.title.capitalize() in out
        assert "$$" in out
    else:
        assert f" {rule.title} " in out


def test_chain_notation_sin_x2() -> None:
    d = example(Rule.CHAIN).verify()
    math = StepNotation().doprint(d.root)
    plain = PlainMathPrinter()
    # ASCII, for output that cannot show Unicode:
    assert plain.doprint(math.equation) == "d/dx sin(x**2) = 2*x*cos(x**2)"
    assert plain.doprint(math.leibniz) == "d/dx sin(x**2) = d/du sin(u) * du/dx = cos(u) * 2*x"
    assert plain.doprint(math.lagrange) == "(sin(x**2))' = cos(x**2) * 2*x"
    assert [plain.doprint(b) for b in math.bindings] == ["u = x**2"]
    latex = LatexMathPrinter()
    assert latex.doprint(math.leibniz) == (
        r"\frac{d}{d x} \sin{\left(x^{2} \right)} = \frac{d}{d u} \sin{\left(u \right)}"
        r" \cdot \frac{d u}{d x} = \cos{\left(u \right)} \cdot 2 x"
    )
    assert OnelineMathPrinter().doprint(math.equation) == "d/dx sin(x²) = 2x·cos(x²)"


def test_chain_notation_three_links() -> None:
    from chainrule.derivation.model import Derivation, Step

    y, z = sympy.symbols("y z", real=True)
    g, h, i = sympy.Function("g"), sympy.Function("h"), sympy.Function("i")
    expr = g(h(i(x)))

    def link(f: sympy.FunctionClass, var: sympy.Symbol) -> Step:
        return Step(
            rule=Rule.UNDEFINED_FUNCTION,
            expr=f(var),
            wrt=var,
            result=sympy.Derivative(f(var), var),
            text="An undefined function.",
        )

    root = Step(
        rule=Rule.CHAIN,
        expr=expr,
        wrt=x,
        result=sympy.diff(expr, x),
        text="Chain rule.",
        bindings=((y, i(x)), (z, h(y))),
        substeps=(link(g, z), link(h, y), link(i, x)),
    )
    d = Derivation(
        input="g(h(i(x)))",
        expr=expr,
        wrt=x,
        order=1,
        root=root,
        raw_result=root.result,
        result=root.result,
    ).verify()
    math = StepNotation().doprint(d.root)
    plain = PlainMathPrinter()
    assert plain.doprint(math.leibniz) == (
        "d/dx g(h(i(x))) = d/dz g(z) * dz/dy * dy/dx = g'(z) * h'(y) * i'(x)"
    )
    assert plain.doprint(math.lagrange) == "(g(h(i(x))))' = g'(h(i(x))) * h'(i(x)) * i'(x)"
    text = render(d, "text", notation="lagrange")
    assert "Lagrange:" in text and "Leibniz:" not in text
    text = render(d, "text", notation="leibniz")
    assert "Leibniz:" in text and "Lagrange:" not in text


def test_partial_and_multivariable_use_partial_symbol() -> None:
    d = example(Rule.MULTIVARIABLE_CHAIN).verify()
    latex = render(d, "latex")
    assert r"\frac{\partial}{\partial m}" in latex
    assert r"\frac{\partial x}{\partial m}" in latex
    math = StepNotation().doprint(d.root)
    assert OnelineMathPrinter().doprint(math.lagrange) == "∂f/∂m = f_x · x_m + f_y · y_m"
    partial = example(Rule.PARTIAL).verify()
    assert r"\frac{\partial}{\partial y}" in render(partial, "latex")
    assert render(partial, "rich").splitlines()[0] == "∂/∂y (x²·y)"


def test_higher_order_shows_the_order() -> None:
    d = example(Rule.HIGHER_ORDER).verify()
    assert r"\frac{d^{2}}{d x^{2}} x^{4} = 12 x^{2}" in render(d, "latex")
    assert "d²/dx² x⁴ = 12x²" in render(d, "text")
    assert "d^2/dx^2 x**4 = 12*x**2" in render(d, "text", unicode=False)
    data = json.loads(render(d, "json"))
    assert data["steps"][0]["order"] == 2 and data["order"] == 2


def test_json_object_shape() -> None:
    d = example(Rule.CHAIN).verify()
    data = json.loads(d.to_json())
    assert list(data) == [
        "schema",
        "input",
        "expr",
        "wrt",
        "order",
        "where",
        "result",
        "result_latex",
        "raw_result",
        "steps",
    ]
    assert data["schema"] == "chainrule/derivation@1"
    assert [(s["id"], s["parent"], s["depth"], s["rule"]) for s in data["steps"]] == [
        (0, None, 0, "chain"),
        (1, 0, 1, "trig"),
        (2, 0, 1, "power"),
    ]
    assert data["steps"][0]["bindings"] == {"u": "x**2"}
    for step in data["steps"]:
        for key in ("expr", "result", "wrt"):
            sympy.sympify(step[key])
    assert sympy.sympify(data["result"]) == sympy.sympify("2*x*cos(x**2)")
    assert d.to_dict() == data


def test_json_is_one_object_on_one_line_without_indent() -> None:
    out = render(example(Rule.PRODUCT).verify(), "json", indent=None)
    assert out.count("\n") == 1
    json.loads(out)


def test_at_point_value_and_tangent() -> None:
    d = example(Rule.CHAIN).verify()
    text = render(d, "text", at={x: sympy.Integer(2)})
    assert "f(2) = sin(4)" in text
    assert "f′(2) = 4cos(4) ≈ -2.61457" in text
    assert "tangent line: y - sin(4) = 4cos(4)·(x - 2), i.e. y = 4cos(4)·x - 8cos(4) + sin(4)" in text
    data = json.loads(render(d, "json", at={x: sympy.Integer(2)}))
    assert data["at"]["value"] == "4*cos(4)"
    assert data["at"]["numeric"] == pytest.approx(4 * __import__("math").cos(4))
    tangent = sympy.sympify(data["at"]["tangent"]) - sympy.sympify("sin(4) + 4*cos(4)*(x - 2)")
    assert sympy.expand(tangent) == 0


def test_at_point_errors() -> None:
    d = example(Rule.PARTIAL).verify()
    with pytest.raises(UsageError, match="missing: x"):
        render(d, "text", at={sympy.Symbol("y"): 1})
    with pytest.raises(UsageError, match="not a free symbol"):
        render(d, "text", at={sympy.Symbol("q"): 1, sympy.Symbol("x"): 1, sympy.Symbol("y"): 1})


def test_unknown_settings_and_formats_are_errors() -> None:
    d = example(Rule.POWER).verify()
    with pytest.raises(UsageError, match="unknown render setting"):
        render(d, "text", colour=True)
    with pytest.raises(UsageError, match="unknown notation"):
        render(d, "text", notation="newton")
    with pytest.raises(UsageError, match="unknown format"):
        render(d, "html5")
    with pytest.raises(UsageError, match="standalone"):
        render(d, "markdown", standalone=True)


def test_markdown_escapes_explanations() -> None:
    assert escape("u = x**2 and a_b") == r"u = x\*\*2 and a\_b"
    d = example(Rule.CHAIN).verify()
    out = render(d, "markdown")
    assert r"u = x\*\*2" in out
    assert out.startswith("# $\\frac{d}{d x} \\sin{\\left(x^{2} \\right)}$\n")


def test_latex_is_not_rich_markup() -> None:
    # rich markup would eat "[...]"; LaTeX brackets must survive untouched.
    d = example(Rule.ABS).verify()
    out = render(d, "latex")
    assert r"\left|{x}\right|" in out


@pytest.fixture(scope="module")
def deep_300() -> chainrule.Derivation:
    return deep_chain(300).verify()


@pytest.mark.slow
@pytest.mark.parametrize("fmt", FORMATS)
def test_deep_nest_renders_in_every_format(fmt: str, deep_300: chainrule.Derivation) -> None:
    before = sys.getrecursionlimit()
    out = render(deep_300, fmt)
    assert "sin" in out
    assert sys.getrecursionlimit() == before
    if fmt == "json":
        assert len(json.loads(out)["steps"]) == 301


def test_recursion_limit_is_restored() -> None:
    before = sys.getrecursionlimit()
    with recursion_limit(before + 500):  # outside a worker: raised as far as the stack holds
        assert sys.getrecursionlimit() == before + 500
    assert sys.getrecursionlimit() == before
    with pytest.raises(ValueError), recursion_limit(before + 10):
        raise ValueError
    assert sys.getrecursionlimit() == before


def test_latex_breaks_long_lines() -> None:
    expr = sympy.expand((x + 1) ** 12) * sympy.sin(x)
    from render_examples import leaf

    d = example(Rule.POWER)
    long_step = leaf(Rule.PRODUCT, expr)
    from dataclasses import replace

    d = replace(d, expr=expr, root=long_step, raw_result=long_step.result, result=long_step.result)
    d.verify()
    out = render(d, "latex")
    rows = out.split("\\\\\n")
    assert len(rows) > 4
    for row in rows:
        equation = row.split("&&")[0]
        assert latex_width(equation) <= LINE_BUDGET + 12, row
    assert out.count(r"\left(") == out.count(r"\right)")


def test_line_breaker_keeps_short_equations_whole() -> None:
    d = example(Rule.CHAIN).verify()
    math = StepNotation().doprint(d.root)
    assert LineBreaker(LatexMathPrinter()).lines(math.equation) == [LatexMathPrinter().doprint(math.equation)]


def test_rich_view_has_title_badges_and_answer_panel() -> None:
    d = example(Rule.CHAIN).verify()
    out = render(d, "rich")
    assert out.splitlines()[0] == "d/dx sin(x²)"
    assert " chain " in out and " trig " in out and " power " in out
    assert "Answer" in out
    assert "where u = x" in out
    assert "Leibniz:" in out and "Lagrange:" in out


def test_rich_falls_back_to_one_line_when_narrow() -> None:
    import io

    from rich.console import Console

    from chainrule.views.rich import derivation_renderable

    d = example(Rule.QUOTIENT).verify()
    buffer = io.StringIO()
    Console(file=buffer, width=30, color_system=None).print(derivation_renderable(d))
    assert "d/dx sin(x)/x" in buffer.getvalue().replace("\n", "") or "sin(x)/x" in buffer.getvalue()


def test_derivation_str_and_rich_protocol() -> None:
    d = example(Rule.CHAIN).verify()
    assert str(d) == render(d, "text")
    assert d.to_text() == render(d, "text")
    assert d.to_latex(standalone=True).startswith("\\documentclass")
    assert d.to_markdown() == render(d, "markdown")
    assert d.__rich__() is not None


def test_bindings_printed_with_u() -> None:
    d = example(Rule.CHAIN).verify()
    assert "\\quad u = x^{2} && \\text{where}" in render(d, "latex")
    assert u in d.root.bindings_dict
