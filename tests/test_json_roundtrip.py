"""Every expression string in the JSON output reads back exactly with ``chainrule.parse``
(which never evaluates code, unlike ``sympy.sympify``), for every kind of result (issue #13)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import sympy
from render_examples import example

import chainrule
from chainrule import ChainruleError
from chainrule.derivation.equations import function_form
from chainrule.derivation.model import Rule
from chainrule.printing import machine
from chainrule.views.notation import dependents_of
from chainrule.written import evaluated

JSON_INPUTS = [
    r"\lambda x^2", "gamma*x^2", "S*x^2", "N*x^2", "Q*x^2", "I*x^2", "beta*x",
    "input(x)", "exec(x)", "open(x)", "eval(x^2)", "f(g(x))", "f(x, y)", "x!", "relu(x)",
    "Heaviside(x)", "|x|", "sign(x)", "max(x, 0)", "log(x, 2)", "binomial(x, 2)", "sigmoid(x)",
    "x^y", "erf(x)", "atan2(y, x)", "f(x^2) g(x)", "gamma(x)", "polygamma(1, x)", "DiracDelta(x)",
    "acsch(x/b)",
]


def _expression_strings(data: dict[str, Any]) -> list[str]:
    out = [data["expr"], data["wrt"], data["result"], data["raw_result"],
           *data["where"].keys(), *data["where"].values()]
    for step in data["steps"]:
        out += [step["expr"], step["wrt"], step["result"], *step["bindings"].keys(),
                *step["bindings"].values()]
    return out


def _same(back: sympy.Basic, original: sympy.Basic) -> bool:
    """The same expression in SymPy's own form (``parse`` keeps sums and products as the string
    writes them), once symbols are matched by name (a hand-built example's may not be real)."""
    by_name = {s.name: s for s in original.free_symbols if isinstance(s, sympy.Symbol)}
    back = evaluated(back).xreplace({s: by_name.get(s.name, s) for s in back.free_symbols})
    return sympy.srepr(back) == sympy.srepr(evaluated(original))


@pytest.mark.parametrize("text", JSON_INPUTS)
def test_derivation_strings_read_back_exactly(text: str) -> None:
    d = chainrule.derive(text, "x")
    data = json.loads(d.to_json())
    for s, original in zip(_expression_strings(data), [d.expr, d.wrt, d.result, d.raw_result]):
        assert _same(chainrule.parse(s), original), (s, original)
    steps = [step for step, _, _ in d.walk()]
    for entry, step in zip(data["steps"], steps):
        assert _same(chainrule.parse(entry["result"]), step.result), entry["result"]
        assert _same(chainrule.parse(entry["expr"]), step.expr), entry["expr"]
    for s in _expression_strings(data):
        chainrule.parse(s)


@pytest.mark.parametrize("rule", list(Rule), ids=[r.value for r in Rule])
def test_every_rule_reads_back(rule: Rule) -> None:
    d = example(rule)
    data = json.loads(d.to_json())
    # A quantity that changes with the variable is written y(x) in the steps (y beside y(x) is y*x).
    functions = dict(getattr(d, "functions", None) or dependents_of(d))
    for entry, (step, _, _) in zip(data["steps"], d.walk(), strict=True):
        back = chainrule.parse(entry["result"])
        assert machine(back) == entry["result"] == machine(function_form(step.result, functions))


def test_sympy_objects_of_every_kind_read_back() -> None:
    x, xd, f = sympy.Symbol("x"), sympy.Dummy("x"), sympy.Function("f")
    d = chainrule.derive(x * f(sympy.sin(xd)) + sympy.Piecewise((xd**2, xd < 0), (xd, True)), xd)
    data = json.loads(d.to_json())
    assert data["renamed"] == {"x_1": "x"}
    for s in _expression_strings(data):
        chainrule.parse(s)
    assert _same(chainrule.parse(data["result"]), d.internal.result)  # type: ignore[union-attr]


def test_the_value_at_a_point_reads_back() -> None:
    d = chainrule.derive("f(x)")
    data = json.loads(d.to_json(at={"x": 1}))
    assert data["at"]["value"] == "Subs(Derivative(f(x), x), x, 1)" and data["at"]["numeric"] is None
    assert machine(chainrule.parse(data["at"]["value"])) == data["at"]["value"]
    assert machine(chainrule.parse(data["at"]["tangent"])) == data["at"]["tangent"]


@pytest.mark.parametrize(
    "make, fields",
    [
        (lambda: chainrule.backprop("max(x, y)*sin(x)"), ("expr", "grad", "local", "upstream", "downstream")),
        (lambda: chainrule.backprop("x*exp(y)", at={"x": 2, "y": "1/3"}), ("expr", "value", "grad")),
        (lambda: chainrule.check("sin(x^2)", "cos(x^2)"), ("expr", "answer", "expected", "result")),
        (lambda: chainrule.jacobian("r*cos(t), r*sin(t)"), ("result", "expr")),
    ],
    ids=["graph", "graph-at", "check", "jacobian"],
)
def test_other_kinds_read_back(make: Any, fields: tuple[str, ...]) -> None:
    data = make().to_dict()
    found: list[str] = []
    stack: list[Any] = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if key in fields and isinstance(value, str):
                    found.append(value)
                else:
                    stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)
    assert found
    for s in found:
        back = chainrule.parse(s)
        if isinstance(back, sympy.Float):  # a decimal shown to 6 digits (a counterexample's value)
            assert float(back) == float(s)
        else:
            assert machine(back) == s, s


def test_names_parse_cannot_read_are_refused_or_renamed() -> None:
    with pytest.raises(ChainruleError):
        chainrule.parse(r"\operatorname{lambda}(x)")
    assert str(chainrule.parse(r"\lambda x")) == "lamda*x"
