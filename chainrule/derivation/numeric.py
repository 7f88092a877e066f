"""Numbers for the verifier: each function in floats and in mpmath, and stand-ins for undefined ones.

:mod:`chainrule.derivation.evaluate` compiles expressions into flat programs; this
module holds what those programs call:

- ``UNARY``: per SymPy class, the function in Python floats, in mpmath (at the
  current ``mp.prec``), and its condition number ``|u f'(u) / f(u)|``, with which
  the float pass bounds its own rounding error;
- ``float_n``/``mp_n``: the functions of several arguments (Max, Min, atan2,
  Heaviside with its value at 0, binomial, polygamma);
- stand-ins for undefined functions: ``f(a, b)`` becomes the fixed smooth function
  ``sin(w·a + s) + Σ w_i a_i²/3`` (weights seeded by the name), so a step about
  ``f`` can be checked with numbers; its derivatives have closed forms.

A value that is not real or not finite is an error here (``ValueError``,
``OverflowError``, ``ZeroDivisionError`` or :class:`NonReal`); the programs turn it
into NaN, which abandons the point. mpmath never gets an argument whose evaluation
would cost thousands of digits: ``sin(10**11262)`` and ``exp(10**6)`` are refused.

These are the verifier's own high-precision implementations (with error
estimates), not the computational graph's values, which live in the vocabulary.
"""

from __future__ import annotations

import math
import random
import zlib
from collections.abc import Callable
from typing import Any, NamedTuple

import mpmath
import sympy
from sympy.core.function import AppliedUndef

from chainrule.functions import relu, sigmoid

NAN = float("nan")
#: |value| beyond this is an overflow: the point is abandoned (floats and mpmath alike).
BIG = 1e300
BIG_MAG = 997  # mpmath.mag(1e300)
#: exp(u) for u above this overflows BIG.
EXP_LIMIT = 692
#: The unit roundoff of a float.
EPS = 2.0**-53


class NonReal(ArithmeticError):
    """A value that is not real (log of a negative number, a root of a negative base)."""


# -- floats ------------------------------------------------------------------------------------


def _f_acot(u: float) -> float:
    return math.atan(1.0 / u) if u else math.pi / 2


def _f_sign(u: float) -> float:
    return 1.0 if u > 0 else (-1.0 if u < 0 else 0.0)


def _f_sigmoid(u: float) -> float:
    if u >= 0:
        return 1.0 / (1.0 + math.exp(-u))
    e = math.exp(u)
    return e / (1.0 + e)


def _f_relu(u: float) -> float:
    return u if u > 0 else 0.0


def _f_digamma(u: float) -> float:
    return float(mpmath.digamma(u))


def _f_loggamma(u: float) -> float:
    if u <= 0:
        raise ValueError("loggamma of a number <= 0")
    return math.lgamma(u)


# -- mpmath ------------------------------------------------------------------------------------


def _m_guard(u: Any) -> Any:
    if mpmath.mag(u) > BIG_MAG:
        raise OverflowError("argument too large")
    return u


def _m_exp(u: Any) -> Any:
    if u > EXP_LIMIT:
        raise OverflowError("exp overflows")
    return mpmath.exp(u)


def _m_periodic(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def apply(u: Any) -> Any:
        return fn(_m_guard(u))  # sin(10**11262) would cost 11,262 digits of pi

    return apply


def _m_hyperbolic(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def apply(u: Any) -> Any:
        if abs(u) > EXP_LIMIT:
            raise OverflowError("overflows")
        return fn(u)

    return apply


def _m_sign(u: Any) -> Any:
    return mpmath.mpf(1) if u > 0 else (mpmath.mpf(-1) if u < 0 else mpmath.mpf(0))


def _m_sigmoid(u: Any) -> Any:
    if u < -EXP_LIMIT:
        raise OverflowError("sigmoid underflows")
    return 1 / (1 + mpmath.exp(-u))


def _m_relu(u: Any) -> Any:
    return u if u > 0 else mpmath.mpf(0)


def _m_gamma(u: Any) -> Any:
    if u > 170:
        raise OverflowError("gamma overflows")
    return mpmath.gamma(u)


# -- condition numbers |u f'(u) / f(u)| --------------------------------------------------------


def _c_sin(u: float, fu: float) -> float:
    return abs(u * math.cos(u) / fu) if fu else math.inf


def _c_cos(u: float, fu: float) -> float:
    return abs(u * math.sin(u) / fu) if fu else math.inf


def _c_tan(u: float, fu: float) -> float:
    s = math.sin(2 * u)
    return abs(2 * u / s) if s else math.inf


def _c_tanh(u: float, fu: float) -> float:
    return abs(2 * u / math.sinh(2 * u)) if u and abs(u) < 350 else 1.0


def _c_atan(u: float, fu: float) -> float:
    return abs(u / (1 + u * u) / fu) if fu else math.inf


def condition(fn: Callable[[float], float], u: float, fu: float) -> float:
    """``|u f'(u) / f(u)|`` by a relative nudge, for a function without a formula here."""
    if fu == 0:
        return math.inf
    d = 1e-7 * (abs(u) or 1.0)
    try:
        return abs(u * (fn(u + d) - fn(u - d)) / (2 * d) / fu)
    except (ValueError, OverflowError, ZeroDivisionError):
        return 1e8


class Unary(NamedTuple):
    """One function of one argument: in floats, in mpmath, and its condition number (or None)."""

    in_floats: Callable[[float], float]
    in_mp: Callable[[Any], Any]
    condition: Callable[[float, float], float] | None = None


def _u(f: Callable[[float], float], m: Callable[[Any], Any], c: Any = None) -> Unary:
    return Unary(f, m, c)


UNARY: dict[type, Unary] = {
    sympy.exp: _u(math.exp, _m_exp, lambda u, fu: abs(u)),
    sympy.log: _u(math.log, mpmath.log, lambda u, fu: 1.0 / abs(fu) if fu else math.inf),
    sympy.sin: _u(math.sin, _m_periodic(mpmath.sin), _c_sin),
    sympy.cos: _u(math.cos, _m_periodic(mpmath.cos), _c_cos),
    sympy.tan: _u(math.tan, _m_periodic(mpmath.tan), _c_tan),
    sympy.sec: _u(lambda u: 1.0 / math.cos(u), _m_periodic(mpmath.sec), _c_cos),
    sympy.csc: _u(lambda u: 1.0 / math.sin(u), _m_periodic(mpmath.csc), _c_sin),
    sympy.cot: _u(lambda u: 1.0 / math.tan(u), _m_periodic(mpmath.cot), _c_tan),
    sympy.asin: _u(math.asin, mpmath.asin),
    sympy.acos: _u(math.acos, mpmath.acos),
    sympy.atan: _u(math.atan, mpmath.atan, _c_atan),
    sympy.acot: _u(_f_acot, lambda u: mpmath.atan(1 / u) if u else mpmath.pi / 2),
    sympy.asec: _u(lambda u: math.acos(1.0 / u), lambda u: mpmath.acos(1 / u)),
    sympy.acsc: _u(lambda u: math.asin(1.0 / u), lambda u: mpmath.asin(1 / u)),
    sympy.sinh: _u(math.sinh, _m_hyperbolic(mpmath.sinh)),
    sympy.cosh: _u(math.cosh, _m_hyperbolic(mpmath.cosh)),
    sympy.tanh: _u(math.tanh, mpmath.tanh, _c_tanh),
    sympy.coth: _u(lambda u: 1.0 / math.tanh(u), mpmath.coth),
    sympy.sech: _u(lambda u: 1.0 / math.cosh(u), mpmath.sech),
    sympy.csch: _u(lambda u: 1.0 / math.sinh(u), _m_hyperbolic(mpmath.csch)),
    sympy.asinh: _u(math.asinh, mpmath.asinh),
    sympy.acosh: _u(math.acosh, mpmath.acosh),
    sympy.atanh: _u(math.atanh, mpmath.atanh),
    sympy.acoth: _u(lambda u: math.atanh(1.0 / u), lambda u: mpmath.atanh(1 / u)),
    sympy.asech: _u(lambda u: math.acosh(1.0 / u), lambda u: mpmath.acosh(1 / u)),
    sympy.acsch: _u(lambda u: math.asinh(1.0 / u), lambda u: mpmath.asinh(1 / u)),
    sympy.Abs: _u(abs, abs, lambda u, fu: 1.0),
    sympy.sign: _u(_f_sign, _m_sign, lambda u, fu: 0.0),
    sympy.erf: _u(math.erf, mpmath.erf),
    sympy.erfc: _u(math.erfc, mpmath.erfc),
    sympy.gamma: _u(math.gamma, _m_gamma),
    sympy.loggamma: _u(_f_loggamma, mpmath.loggamma),
    sympy.factorial: _u(lambda u: math.gamma(u + 1.0), lambda u: _m_gamma(u + 1)),
    sympy.digamma: _u(_f_digamma, mpmath.digamma),
    sigmoid: _u(_f_sigmoid, _m_sigmoid),
    relu: _u(_f_relu, _m_relu),
}

#: Functions of several arguments, by kind: the SymPy classes the programs know natively.
SEVERAL: dict[type, str] = {
    sympy.Max: "max",
    sympy.Min: "min",
    sympy.atan2: "atan2",
    sympy.binomial: "binomial",
    sympy.polygamma: "polygamma",
    sympy.Heaviside: "heaviside",
}


def float_n(kind: str, at_zero: Any, xs: list[float]) -> float:
    """A function of several arguments in floats (``at_zero``: Heaviside's value at 0)."""
    if kind == "heaviside":
        u = xs[0]
        return 1.0 if u > 0 else (0.0 if u < 0 else float(at_zero))
    if kind == "max":
        return max(xs)
    if kind == "min":
        return min(xs)
    if kind == "atan2":
        return math.atan2(xs[0], xs[1])
    if kind == "binomial":
        n, k = xs
        return math.gamma(n + 1) / (math.gamma(k + 1) * math.gamma(n - k + 1))
    return float(mpmath.polygamma(xs[0], xs[1]))


def mp_n(kind: str, at_zero: Any, xs: list[Any]) -> Any:
    """A function of several arguments in mpmath."""
    if kind == "heaviside":
        u = xs[0]
        return mpmath.mpf(1) if u > 0 else (mpmath.mpf(0) if u < 0 else mpmath.mpf(at_zero.p) / at_zero.q)
    if kind == "max":
        return max(xs)
    if kind == "min":
        return min(xs)
    if kind == "atan2":
        return mpmath.atan2(xs[0], xs[1])
    if kind == "binomial":
        return mpmath.binomial(xs[0], xs[1])
    return mpmath.polygamma(xs[0], xs[1])


# -- stand-ins for undefined functions -----------------------------------------------------------


class StandIn(NamedTuple):
    """The fixed function an undefined ``f`` of ``arity`` arguments stands for, in checks."""

    weights: tuple[sympy.Rational, ...]
    shift: sympy.Rational
    float_weights: tuple[float, ...]
    float_shift: float


def stand_in(name: str, arity: int) -> StandIn:
    """``sin(w·a + s) + Σ w_i a_i²/3``: smooth, with generic and distinct derivatives in every argument."""
    rng = random.Random(zlib.crc32(f"{name}/{arity}".encode()))
    weights = tuple(sympy.Rational(rng.randint(3, 17), 10) for _ in range(arity))
    shift = sympy.Rational(rng.randint(1, 9), 10)
    return StandIn(weights, shift, tuple(float(w) for w in weights), float(shift))


def stand_in_lambda(name: str, arity: int) -> sympy.Lambda:
    """The stand-in as a SymPy ``Lambda`` (for SymPy's own evaluation)."""
    fixed = stand_in(name, arity)
    args = sympy.symbols(f"a_0:{arity}", real=True)
    linear = sum((w * a for w, a in zip(fixed.weights, args)), sympy.S.Zero)
    squares = sum((a**2 * w / 3 for w, a in zip(fixed.weights, args)), sympy.S.Zero)
    return sympy.Lambda(args, sympy.sin(linear + fixed.shift) + squares)


def stand_in_float(fixed: StandIn, alpha: tuple[int, ...], args: list[float]) -> float:
    """The stand-in differentiated ``alpha[i]`` times in its i-th argument, in floats."""
    w = fixed.float_weights
    k = sum(alpha)
    coefficient = 1.0
    for wi, ai in zip(w, alpha):
        coefficient *= wi**ai
    linear = fixed.float_shift + sum(wi * a for wi, a in zip(w, args))
    value = coefficient * math.sin(linear + k * math.pi / 2)
    return value + _square_part(w, alpha, args)


def stand_in_mp(fixed: StandIn, alpha: tuple[int, ...], args: list[Any]) -> Any:
    """The stand-in differentiated ``alpha[i]`` times in its i-th argument, in mpmath."""
    w = [mpmath.mpf(p.p) / p.q for p in fixed.weights]
    k = sum(alpha)
    coefficient = mpmath.mpf(1)
    for wi, ai in zip(w, alpha):
        coefficient *= wi**ai
    linear = mpmath.mpf(fixed.shift.p) / fixed.shift.q + mpmath.fsum(wi * a for wi, a in zip(w, args))
    return coefficient * mpmath.sin(linear + k * mpmath.pi / 2) + _square_part(w, alpha, args)


def _square_part(w: Any, alpha: tuple[int, ...], args: list[Any]) -> Any:
    """The derivative of ``Σ w_i a_i²/3`` by the multi-index ``alpha``."""
    k = sum(alpha)
    if k == 0:
        return sum(wi * a * a / 3 for wi, a in zip(w, args))
    if k == 1:
        i = alpha.index(1)
        return 2 * w[i] * args[i] / 3
    if k == 2 and 2 in alpha:
        return 2 * w[alpha.index(2)] / 3
    return 0


def undefined_derivative(
    node: sympy.Basic,
) -> tuple[AppliedUndef, tuple[int, ...], tuple[sympy.Expr, ...]] | None:
    """``(f(args), multi-index, arguments)`` for ``Derivative(f(a, b), a)`` or
    ``Subs(Derivative(f(t), t), t, g)``; ``None`` for any other derivative."""
    point: dict[sympy.Basic, sympy.Expr] = {}
    if isinstance(node, sympy.Subs):
        point = dict(zip(node.variables, node.point))
        node = node.expr
    if not (isinstance(node, sympy.Derivative) and isinstance(node.expr, AppliedUndef)):
        return None
    f = node.expr
    args = list(f.args)
    alpha = [0] * len(args)
    for var, count in node.variable_count:
        if args.count(var) != 1:
            return None
        i = args.index(var)
        # var must not hide inside another argument (then SymPy's partial is not positional)
        if any(var in a.free_symbols for j, a in enumerate(args) if j != i and not a.is_Symbol):
            return None
        alpha[i] += int(count)
    return f, tuple(alpha), tuple(point.get(a, a) for a in args)


def concrete(expr: sympy.Expr) -> sympy.Expr:
    """``expr`` with undefined functions (and their derivatives) replaced by their stand-ins."""
    if not expr.atoms(AppliedUndef):
        return expr
    expr = _derivatives_as_subs(expr)
    expr = expr.replace(
        lambda node: isinstance(node, AppliedUndef),
        lambda node: stand_in_lambda(node.func.__name__, len(node.args))(*node.args),
    )
    return expr.doit()


def exact(expr: sympy.Expr) -> sympy.Expr:
    """Floats as the exact binary fractions they hold, so evaluation can use more digits."""
    floats = expr.atoms(sympy.Float)
    if not floats:
        return expr
    return expr.xreplace({f: sympy.Rational(f) for f in floats})


def _derivatives_as_subs(expr: sympy.Expr) -> sympy.Expr:
    """``Derivative(g(h(x)), h(x))`` → ``Subs(Derivative(g(t), t), t, h(x))``, so h can be replaced."""

    def needs(node: sympy.Basic) -> bool:
        return isinstance(node, sympy.Derivative) and any(
            not isinstance(v, sympy.Symbol) for v in node.variables
        )

    def rewrite(node: sympy.Derivative) -> sympy.Expr:
        body = node.expr
        counts = []
        olds, news = [], []
        for k, (var, count) in enumerate(node.variable_count):
            if isinstance(var, sympy.Symbol):
                counts.append((var, count))
                continue
            t = sympy.Dummy(f"t{k}", real=True)
            body = body.xreplace({var: t})
            counts.append((t, count))
            olds.append(t)
            news.append(var)
        return sympy.Subs(sympy.Derivative(body, *counts), olds, news)

    return expr.replace(needs, rewrite)


def real_mp(value: Any) -> Any:
    """``value`` as a real mpf; :class:`NonReal` if it is complex."""
    if type(value) is not mpmath.mpf:
        if isinstance(value, mpmath.mpc) and value.imag == 0:
            return value.real
        if isinstance(value, mpmath.mpc):
            raise NonReal("complex value")
        return mpmath.mpf(value)
    return value
