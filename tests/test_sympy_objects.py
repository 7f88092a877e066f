"""The library takes SymPy's own objects: every kind of Symbol, Dummy and Function, in
``expr``, ``wrt`` and ``where``, with results in the caller's own symbols (issue #13)."""

from __future__ import annotations

import json
import random

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy.core.function import AppliedUndef

import chainrule
from chainrule import ChainruleError, VariableError
from chainrule.written import evaluated


def numerically_equal(a: sympy.Expr, b: sympy.Expr, symbols: list[sympy.Symbol], points: int = 4) -> bool:
    """``a == b`` at a few real points where both are finite and real (the caller's namespace)."""
    rng = random.Random(13)
    checked = 0
    for _ in range(60):
        point = {s: sympy.Rational(rng.randint(-250, 250), 100) or sympy.Rational(37, 100) for s in symbols}
        point = {s: abs(v) + sympy.Rational(1, 10) if s.is_positive else v for s, v in point.items()}
        point = {s: sympy.Integer(round(v)) if s.is_integer else v for s, v in point.items()}
        try:
            va = sympy.N(a.xreplace(point).doit(), 30)
            vb = sympy.N(b.xreplace(point).doit(), 30)
        except (ValueError, TypeError, ZeroDivisionError):
            continue
        if not (va.is_real and vb.is_real and va.is_finite and vb.is_finite):
            continue
        if abs(va - vb) > sympy.Float("1e-20") * (1 + abs(va) + abs(vb)):
            return False
        checked += 1
        if checked == points:
            return True
    return checked > 0


SYMBOL_KINDS = {
    "plain": sympy.Symbol("x"),
    "real": sympy.Symbol("x", real=True),
    "positive": sympy.Symbol("x", positive=True),
    "integer": sympy.Symbol("x", integer=True),
    "nonzero": sympy.Symbol("x", nonzero=True),
    "dummy": sympy.Dummy("x"),
    "dummy-real": sympy.Dummy("x", real=True),
}


@pytest.mark.parametrize("kind", sorted(SYMBOL_KINDS))
@pytest.mark.parametrize("as_string", [False, True], ids=["wrt=Symbol", "wrt=str"])
def test_derive_accepts_every_kind_of_symbol(kind: str, as_string: bool) -> None:
    x = SYMBOL_KINDS[kind]
    e = sympy.sin(x**2)
    d = chainrule.derive(e, x.name if as_string else x)
    assert d.result.free_symbols == {x}, "the result is in the caller's own symbols"
    assert d.wrt == x and d.expr == e
    assert sympy.simplify(d.result - sympy.diff(e, x)) == 0
    d.verify()


def test_every_step_is_in_the_callers_symbols() -> None:
    x = sympy.Symbol("x")
    d = chainrule.derive(sympy.exp(sympy.sin(x**2)), x)
    names = {n for step, _, _ in d.walk() for n, _ in step.bindings}
    for step, _, _ in d.walk():
        assert step.expr.free_symbols | step.result.free_symbols <= {x} | names
    assert d.internal is not None and d.internal.wrt == sympy.Symbol("x", real=True)


def test_check_and_where_accept_plain_symbols() -> None:
    x, u = sympy.Symbol("x"), sympy.Symbol("u")
    assert chainrule.check(sympy.sin(x**2), 2 * x * sympy.cos(x**2), wrt=x).correct is True
    d = chainrule.derive(u**2, x, where={u: 3 * x})
    assert sympy.simplify(d.result - 18 * x) == 0
    assert d.result.free_symbols <= {x}
    d = chainrule.derive(u**2, "x", where={"u": "3x"})
    assert d.result == 18 * d.wrt


def test_undefined_function_of_the_caller_is_kept() -> None:
    x, f = sympy.Symbol("x"), sympy.Function("f")
    d = chainrule.derive(f(x**2), x)
    assert {a.func for a in d.result.atoms(AppliedUndef)} == {f}
    t = sympy.Symbol("t")
    concrete = sympy.Lambda(t, sympy.sin(t) + t**3)
    got = d.result.replace(f, concrete).doit()
    want = sympy.diff(f(x**2), x).replace(f, concrete).doit()
    assert sympy.simplify(got - want) == 0


@pytest.mark.parametrize("expr, wrt", [("y**2", "x"), ("1/sqrt(a)", "x"), ("5", "x"), ("5", None)])
def test_a_missing_variable_gives_zero_by_the_constant_rule(expr: str, wrt: str | None) -> None:
    d = chainrule.derive(expr, wrt)
    assert d.result == 0
    assert d.root.rule.value == "constant"
    assert "does not depend on" in d.root.text
    d.verify()


def test_missing_variable_of_a_sympy_expression_gives_zero() -> None:
    y = sympy.Symbol("y")
    assert chainrule.derive(y**2, "x").result == 0
    assert chainrule.derive(y**2, sympy.Symbol("x")).result == 0


def test_two_symbols_with_one_name_stay_apart() -> None:
    x, xd = sympy.Symbol("x"), sympy.Dummy("x")
    d = chainrule.derive(x * sympy.sin(xd), xd)
    assert d.result == x * sympy.cos(xd)
    assert d.renamed == (("x_1", "x"),)
    with pytest.raises(VariableError, match="pass the SymPy Symbol itself"):
        chainrule.derive(x * xd, "x")


def test_a_symbol_declared_non_real_is_refused_clearly() -> None:
    z = sympy.Symbol("z", imaginary=True)
    with pytest.raises(VariableError, match="not real"):
        chainrule.derive(z**2, z)


def test_several_variables_and_no_wrt_is_still_an_error() -> None:
    with pytest.raises(VariableError, match="several variables"):
        chainrule.derive("x*y")


def test_names_the_parser_cannot_read_back_are_renamed_in_json() -> None:
    weird = sympy.Symbol("lambda")
    d = chainrule.derive(weird * sympy.Symbol("x") ** 2, "x")
    data = json.loads(d.to_json())
    assert data["renamed"] == {"lamda": "lambda"}
    assert evaluated(chainrule.parse(data["expr"])) == d.internal.expr  # type: ignore[union-attr]
    assert str(d.result) == "2*lambda*x"


@pytest.mark.parametrize("kind", ["plain", "real"])
def test_piecewise_is_differentiated_piece_by_piece(kind: str) -> None:
    x = SYMBOL_KINDS[kind]
    e = sympy.Piecewise((x**2, x < 0), (sympy.sin(x), True))
    d = chainrule.derive(e, x)
    assert isinstance(d.result, sympy.Piecewise), "the conditions are kept"
    assert [c for _, c in d.result.args] == [c for _, c in e.args]
    assert sympy.simplify(d.result - sympy.diff(e, x)) == 0
    assert d.root.rule is chainrule.Rule.PIECEWISE and d.root.rule.title == "piecewise"
    assert "otherwise" in d.root.text and "both sides agree" in d.root.text
    d.verify()


def test_piecewise_inside_a_chain() -> None:
    x = sympy.Symbol("x", real=True)
    e = sympy.sin(sympy.Piecewise((x**2, x < 0), (x, True)))
    d = chainrule.derive(e, x).verify()
    assert sympy.simplify(d.result - sympy.diff(e, x)) == 0


# -- Hypothesis: SymPy objects made with every kind of symbol ----------------------------

KINDS = st.sampled_from(["plain", "real", "positive", "integer", "nonzero", "dummy"])
UNARY = [
    sympy.sin, sympy.cos, sympy.exp, sympy.atan, sympy.tanh, sympy.asinh,
    lambda a: sympy.sqrt(a**2 + 1), lambda a: sympy.log(a**2 + 1), lambda a: a**3, lambda a: 1 / (a**2 + 2),
]


def _symbol_of_kind(kind: str, name: str) -> sympy.Symbol:
    if kind == "dummy":
        return sympy.Dummy(name)
    assumptions = {"plain": {}, "real": {"real": True}, "positive": {"positive": True},
                   "integer": {"integer": True}, "nonzero": {"nonzero": True}}[kind]
    return sympy.Symbol(name, **assumptions)


@st.composite
def expressions(draw):  # type: ignore[no-untyped-def]
    kinds = draw(st.lists(KINDS, min_size=1, max_size=3))
    symbols = [_symbol_of_kind(k, n) for k, n in zip(kinds, ["x", "y", "z"])]
    f = sympy.Function("f")
    use_function = draw(st.booleans())
    leaves = [*symbols, *[sympy.Integer(draw(st.integers(-3, 3))) for _ in range(2)]]
    expr = draw(st.sampled_from(symbols))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.integers(0, 3))
        other = draw(st.sampled_from(leaves))
        if op == 0:
            expr = draw(st.sampled_from(UNARY))(expr)
        elif op == 1:
            expr = expr + other
        elif op == 2:
            expr = expr * (other if other != 0 else symbols[0])
        else:
            expr = f(expr) if use_function else sympy.sin(expr) * other
    return expr, draw(st.sampled_from(symbols)), symbols, f


@settings(max_examples=40)
@given(expressions())
def test_derive_agrees_with_sympy_diff_in_the_callers_namespace(case) -> None:  # type: ignore[no-untyped-def]
    expr, wrt, symbols, f = case
    try:
        d = chainrule.derive(expr, wrt)
    except ChainruleError as err:  # only a limit may stop it
        assert isinstance(err, chainrule.LimitError), err
        return
    assert d.result.free_symbols <= set(symbols), (d.result.free_symbols, symbols)
    funcs = {a.func for a in d.result.atoms(AppliedUndef)}
    assert funcs <= {f}, funcs
    expected = sympy.diff(expr, wrt)
    t = sympy.Symbol("t")
    concrete = sympy.Lambda(t, sympy.sin(t) + t**3 / 5)
    try:
        got = d.result.replace(f, concrete).doit() if funcs else d.result
        want = expected.replace(f, concrete).doit() if expected.has(f) else expected
    except ValueError:  # f(f(x)): SymPy cannot put a concrete f into Derivative(f(f(x)), f(x))
        assert sympy.simplify(d.result - expected) == 0
        return
    assert numerically_equal(got, want, symbols), (expr, wrt, d.result, expected)
    json.loads(d.to_json())  # every kind of symbol prints
