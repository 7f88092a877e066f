"""Adding a function is one vocabulary entry: the parser, the engine, graphs, plots and
MathML all read it (docs/architecture.md, "How to add")."""

from __future__ import annotations

import math

import pytest
import sympy

import chainrule
from chainrule import vocabulary
from chainrule.vocabulary import Entry
from chainrule.written import evaluated


class softplus(sympy.Function):  # noqa: N801 - named as users type it
    """log(1 + e^x), a smooth relu."""

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        return 1 / (1 + sympy.exp(-self.args[0]))

    def _eval_evalf(self, prec: int) -> sympy.Expr | None:
        return sympy.log(1 + sympy.exp(self.args[0]))._eval_evalf(prec)


SOFTPLUS = Entry(
    name="softplus",
    build=softplus,
    cls=softplus,
    aliases=("smoothrelu",),
    real_on_reals=True,
    family="known",
    derivative=lambda u: 1 / (1 + sympy.exp(-u)),
    statement="d/du softplus(u) = 1/(1 + e^(-u))",
    value=lambda a: math.log1p(math.exp(float(a[0]))),
    local=lambda a, v: [1 / (1 + math.exp(-float(a[0])))],
    numpy=lambda np: lambda x: np.log1p(np.exp(x)),
    mathml="softplus",
)


@pytest.fixture
def softplus_known() -> object:
    with vocabulary.registered(SOFTPLUS):
        yield SOFTPLUS


def test_a_new_entry_is_parsed_by_its_names(softplus_known: Entry) -> None:
    x = sympy.Symbol("x", real=True)
    assert evaluated(chainrule.parse("softplus(2x)")) == softplus(2 * x)
    assert evaluated(chainrule.parse("smoothrelu x")) == softplus(x)


def test_a_new_entry_is_differentiated_by_its_table_line(softplus_known: Entry) -> None:
    d = chainrule.derive("softplus(x**2)").verify()
    assert d.root.rule.value == "chain"
    leaf = d.root.substeps[0]
    assert leaf.expr.func is softplus and "softplus(u) = 1/(1 + e^(-u))" in leaf.text
    x = sympy.Symbol("x", real=True)
    assert sympy.simplify(d.result - 2 * x / (1 + sympy.exp(-(x**2)))) == 0


def test_a_new_entry_evaluates_in_a_graph(softplus_known: Entry) -> None:
    graph = chainrule.backprop("softplus(w*x)", at={"w": 2, "x": 0.5})
    assert float(graph.value) == pytest.approx(math.log1p(math.e))
    assert float(graph.gradients["x"]) == pytest.approx(2 / (1 + math.exp(-1)))


def test_a_new_entry_evaluates_in_a_plot(softplus_known: Entry) -> None:
    np = pytest.importorskip("numpy", reason="plots need NumPy: pip install 'chainrule[plot]'")
    from chainrule.views.plot import evaluate

    x = sympy.Symbol("x", real=True)
    values = evaluate(softplus(x), x, np.array([0.0, 1.0]))
    assert values == pytest.approx([math.log(2), math.log1p(math.e)])


def test_a_new_entry_prints_in_mathml(softplus_known: Entry) -> None:
    html = chainrule.derive("softplus(x)").to_html()
    assert "<mi>softplus</mi>" in html


def test_an_entry_leaves_when_its_block_ends() -> None:
    with vocabulary.registered(SOFTPLUS):
        assert vocabulary.lookup("softplus") is SOFTPLUS
    assert vocabulary.lookup("softplus") is None
    assert vocabulary.by_class(softplus) is None


def test_names_cannot_be_taken_twice() -> None:
    clash = Entry(name="sine", build=sympy.sin, aliases=("sin",))
    with pytest.raises(ValueError, match="already belongs to sin"):
        vocabulary.registered(clash).__enter__()
    assert vocabulary.lookup("sine") is None
