"""Property tests: SymPy's own printing round-trips, and any text fails only cleanly."""

from __future__ import annotations

import time

import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from chainrule.errors import ChainruleError
from chainrule.functions import relu, sigmoid
from chainrule.parsing import parse
from chainrule.written import evaluated

# A guard against hangs and exponential blow-ups (an unguarded case takes minutes),
# not a speed test: speed is measured in benchmarks/, on a quiet machine.
HANG_GUARD = 5.0

SYMBOLS = [sympy.Symbol(name, real=True) for name in ("x", "y", "z", "t", "w_1", "theta")]
FUNCTIONS = [sympy.Function(name, real=True) for name in ("f", "g", "Dense_1")]
UNARY = [sympy.sin, sympy.cos, sympy.tan, sympy.exp, sympy.log, sympy.sqrt, sympy.Abs,
         sympy.asin, sympy.atan, sympy.sinh, sympy.tanh, sympy.acosh, sympy.sec, sympy.cot,
         sigmoid, relu, *FUNCTIONS]


def _max(a: sympy.Expr, b: sympy.Expr) -> sympy.Expr:
    try:
        return sympy.Max(a, b)
    except ValueError:  # SymPy: "The argument 'asin(2)' (or 'zoo') is not comparable"
        return a


def _min(a: sympy.Expr, b: sympy.Expr) -> sympy.Expr:
    try:
        return sympy.Min(a, b)
    except ValueError:
        return a


BINARY = [sympy.Add, sympy.Mul, lambda a, b: a - b, lambda a, b: a / b if b != 0 else a,
          _max, _min,
          lambda a, b: sympy.log(a, b) if b.is_positive and b != 1 else a]

leaves = st.one_of(
    st.sampled_from(SYMBOLS),
    st.integers(-20, 20).map(sympy.Integer),
    st.fractions(max_denominator=12).map(lambda q: sympy.Rational(q.numerator, q.denominator)),
    st.sampled_from([sympy.E, sympy.pi, sympy.Float("0.5"), sympy.Float("2.25")]),
)


def _extend(children: st.SearchStrategy[sympy.Expr]) -> st.SearchStrategy[sympy.Expr]:
    return st.one_of(
        st.tuples(st.sampled_from(UNARY), children).map(lambda p: p[0](p[1])),
        st.tuples(st.sampled_from(BINARY), children, children).map(lambda p: p[0](p[1], p[2])),
        st.tuples(children, st.integers(-3, 4)).map(
            lambda p: p[0] ** p[1] if p[0] != 0 or p[1] > 0 else p[0]),
        st.tuples(children, st.sampled_from(SYMBOLS)).map(lambda p: p[0] ** p[1]),
    )


def _printable(expr: sympy.Expr) -> bool:
    """Real, finite, every decimal prints exactly (str() of 0.778... drops digits), and every
    number fits the parser's literal limit (100 digits)."""
    return (
        not expr.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo, sympy.I)
        and all(sympy.Float(str(f)) == f for f in expr.atoms(sympy.Float))
        and all(len(str(abs(r.p))) <= 100 and r.q < 10**100 for r in expr.atoms(sympy.Rational))
    )


expressions = st.recursive(leaves, _extend, max_leaves=12).filter(_printable)


@settings(max_examples=300)
@given(expressions)
def test_sympy_str_round_trips(expr: sympy.Expr) -> None:
    parsed = evaluated(parse(str(expr)))
    # SymPy prints -(x + y)*sin(1) as (-x - y)*sin(1), which SymPy itself reads back as a
    # different (equal) tree; anything else must come back identical.
    assert parsed == expr or sympy.expand(parsed - expr) == 0, (str(expr), parsed)


@settings(max_examples=100)
@given(expressions)
def test_sympy_latex_round_trips_for_elementary_functions(expr: sympy.Expr) -> None:
    # SymPy's LaTeX for undefined functions, Max and relu is not the notation people type.
    if expr.has(*FUNCTIONS, sympy.Max, sympy.Min, sigmoid, relu, sympy.Float):
        return
    if expr.atoms(sympy.Symbol) - {sympy.Symbol("x", real=True), sympy.Symbol("y", real=True)}:
        return
    latex = sympy.latex(expr)
    assert evaluated(parse(latex, latex=True)) == expr, latex


ALPHABET = "xyzsincoeltaqrbf0123456789.+-*/^()|,! ²√π·_{}\\[]'=ea"


@settings(max_examples=400)
@given(st.text(alphabet=ALPHABET, max_size=40))
def test_random_text_only_raises_chainrule_errors(text: str) -> None:
    start = time.perf_counter()
    try:
        result = parse(text)
    except ChainruleError:
        pass
    else:
        assert isinstance(result, sympy.Expr)
    assert time.perf_counter() - start < HANG_GUARD


@settings(max_examples=200)
@given(st.text(max_size=30))
def test_random_unicode_only_raises_chainrule_errors(text: str) -> None:
    try:
        parse(text)
    except ChainruleError:
        pass


TOKENS = ["x", "y", "2", "0.5", "sin", "ln", "e", "pi", "f", "(", ")", "|", "+", "-", "*", "/",
          "^", "**", "!", ",", " ", "sqrt", "tanh", "max", "²", "\\frac", "{", "}", "\\left(",
          "\\right)", "1e5", "9"]


@settings(max_examples=400)
@given(st.lists(st.sampled_from(TOKENS), max_size=30))
def test_random_token_soup_only_raises_chainrule_errors(parts: list[str]) -> None:
    text = "".join(parts)
    start = time.perf_counter()
    try:
        parse(text)
    except ChainruleError:
        pass
    assert time.perf_counter() - start < HANG_GUARD, text
