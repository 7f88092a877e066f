"""What chainrule knows about each function, in one entry per function.

An :class:`Entry` says everything the package needs about one function: the
names the parser accepts, the SymPy callable that builds it, its derivative
as a textbook states it (and the rule family that names the step), how a
computational graph computes its value and local gradient, its NumPy
counterpart for plots, and how it is printed. Every other module reads these
entries; none keeps a table of its own.

How to add a function: add one ``Entry`` to ``_ENTRIES`` (or, at run time,
``register``). ``tests/test_vocabulary.py`` adds one and sees it parse,
differentiate, evaluate in a graph and a plot, and print in MathML.

>>> lookup("arcsin").name
'asin'
>>> by_class(sympy.tan).statement
'd/du tan(u) = sec(u)^2'
"""

# long: a table, one entry for each of about 45 functions, one keyword a line.

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy
from sympy.core.function import AppliedUndef

from chainrule.functions import relu, sigmoid

#: A number in a computational graph: exact where it can be, else a float.
Num = Fraction | float


class Deferred:
    """A local gradient computed only if an edge asks for it (``∂(a**b)/∂b`` needs ``log a``)."""

    def __init__(self, compute: Callable[[], Num]) -> None:
        self.compute = compute


ValueFunction = Callable[[Sequence[Num]], Num]
LocalGradients = Callable[[Sequence[Num], Num], Sequence["Num | Deferred"]]


@dataclass(frozen=True, kw_only=True)
class Entry:
    """One function and everything the package knows about it.

    Args:
        name: the canonical name (parser, graph operation, docs): ``sin``, ``log``.
        build: the SymPy callable that builds it from its arguments.
        cls: the SymPy class it builds, when it has one of its own (``None`` for a
            notation of another function: ``sqrt`` builds a ``Pow``).
        aliases: other names the parser accepts (``arcsin``, ``ln``).
        arity: the fewest and most arguments it takes.
        inverse: the function ``name^-1`` means (``sin^-1`` is ``asin``).
        family: the rule family naming a table step (``trig``, ``exp``...), when the
            derivative table has it.
        derivative: ``d/du f(u)`` as a function of the bare argument ``u``.
        statement: the table line a step quotes: ``d/du sin(u) = cos(u)``.
        general: the derivative for any ``u``, real or not, when ``derivative`` is the
            textbook form that holds for real ``u`` only (``|u|`` in it); a step whose
            ``u`` may leave the reals uses this one (``general_statement``).
        parity: ``odd`` or ``even`` (``f(-u) = ∓f(u)``), used when building deep trees.
        real_on_reals: real whenever its arguments are real.
        positive_on_reals: positive whenever its arguments are real.
        hyperbolic: SymPy's assumption queries on it grow with nesting depth.
        value: its value at numbers (a graph's forward pass): exact for exact
            arguments where it can be, else a float. Raises ``ValueError``,
            ``ZeroDivisionError`` or ``OverflowError`` outside its domain.
        local: its local gradients at numbers, one per argument, given the
            arguments and the value.
        numpy: its NumPy counterpart, given the ``numpy`` module (imported lazily).
        mathml: the name MathML shows, when it is not ``name``.
        parsed: whether the parser offers it (``floor`` is known to plots only).
        called: the parser reads the name as this function only when it is called,
            ``gamma(x)``, and the name is not a variable elsewhere in the input
            (``gamma*x`` is a variable): the forms derivatives and JSON output
            write (``Derivative``, ``polygamma``, ``Piecewise``, ``Lt``...).
    """

    name: str
    build: Callable[..., sympy.Expr]
    cls: type[sympy.Basic] | None = None
    aliases: tuple[str, ...] = ()
    arity: tuple[int, int] = (1, 1)
    inverse: str | None = None
    family: str | None = None
    derivative: Callable[[sympy.Expr], sympy.Expr] | None = None
    statement: str | None = None
    general: Callable[[sympy.Expr], sympy.Expr] | None = None
    general_statement: str | None = None
    parity: str | None = None
    real_on_reals: bool = False
    positive_on_reals: bool = False
    hyperbolic: bool = False
    value: ValueFunction | None = None
    local: LocalGradients | None = None
    numpy: Callable[[Any], Callable[..., Any]] | None = None
    mathml: str | None = None
    parsed: bool = True
    called: bool = False

    @property
    def prefix(self) -> bool:
        """Whether it may be applied without parentheses, as in ``sin x``."""
        return self.arity[0] == 1


# -- numeric helpers (a graph's forward and backward pass) ----------------------


def _unary(fn: Callable[[float], float]) -> ValueFunction:
    return lambda args: fn(float(args[0]))


def _heaviside(a: Num, at_zero: Num = Fraction(1, 2)) -> Num:
    return Fraction(1) if a > 0 else Fraction(0) if a < 0 else at_zero


def _sign(a: Num) -> Num:
    return Fraction(1) if a > 0 else Fraction(-1) if a < 0 else Fraction(0)


def _log(a: Num) -> float:
    if a <= 0:
        raise ValueError("log of a number <= 0")
    return math.log(a)


def _sigmoid(a: Num) -> float:
    x = float(a)
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _acosh_local(a: Num) -> float:
    if a <= 1:
        raise ValueError("acosh' is undefined for arguments <= 1")
    return 1 / (math.sqrt(float(a) - 1) * math.sqrt(float(a) + 1))


def _inverse_sqrt(value: float, why: str) -> float:
    if value <= 0:
        raise ValueError(why)
    return 1 / math.sqrt(value)


def _gate(args: Sequence[Num], *, larger: bool) -> list[Num]:
    """Local gradients of Max (``larger``) or Min, as SymPy defines them.

    ``∂Max(a, b)/∂a = Heaviside(a - b)`` and, for more arguments,
    ``Heaviside(a - Max(others))``, with Heaviside(0) = 1/2: the gate routes the
    gradient to the winning input and splits it on a tie.
    """
    out: list[Num] = []
    for i, a in enumerate(args):
        others = [b for j, b in enumerate(args) if j != i]
        best = max(others) if larger else min(others)
        out.append(_heaviside(a - best if larger else best - a))
    return out


def _np_heaviside(np: Any) -> Callable[..., Any]:
    def heaviside(x: Any, at_zero: Any = 0.5) -> Any:
        return np.where(x > 0, 1.0, np.where(x < 0, 0.0, at_zero))

    return heaviside


# -- builders for notations of other functions ----------------------------------


def _derivative(expr: sympy.Expr, variable: sympy.Expr, count: sympy.Expr = sympy.S.One) -> sympy.Expr:
    """``Derivative(f, x, n)``: as derivatives of undefined functions are written."""
    if not isinstance(variable, (sympy.Symbol, AppliedUndef)):
        raise ValueError("Derivative(f, x, n) differentiates by a variable x (or a function g(x))")
    if not (count.is_Integer and 1 <= count <= 20):
        raise ValueError("Derivative(f, x, n) takes a whole number n from 1 to 20")
    return sympy.Derivative(expr, variable, int(count))


def _subs(expr: sympy.Expr, variable: sympy.Expr, point: sympy.Expr) -> sympy.Expr:
    """``Subs(e, u, v)``: ``e`` with ``u`` replaced by ``v``, kept unevaluated (``f'(x**2)``)."""
    if not isinstance(variable, sympy.Symbol):
        raise ValueError("Subs(e, u, v) replaces a variable u")
    return sympy.Subs(expr, variable, point)


def _piecewise(*args: sympy.Basic) -> sympy.Expr:
    """``Piecewise(e1, c1, e2, c2, ..., e_n)``: ``e_i`` where ``c_i``; a last ``e_n`` otherwise."""
    pairs = [(args[i], args[i + 1]) for i in range(0, len(args) - 1, 2)]
    if len(args) % 2:
        pairs.append((args[-1], sympy.true))
    for piece, condition in pairs:
        if not isinstance(piece, sympy.Expr) or not isinstance(condition, sympy.logic.boolalg.Boolean) or (
            isinstance(condition, sympy.Symbol)
        ):
            raise ValueError("Piecewise(e1, c1, e2, ...) alternates pieces and conditions such as Lt(x, 0)")
    return sympy.Piecewise(*pairs)


def _logic(function: Callable[..., Any]) -> Callable[..., Any]:
    """``And``, ``Or``, ``Not`` of conditions only (never of variables)."""

    def build(*args: sympy.Basic) -> Any:
        for arg in args:
            if isinstance(arg, sympy.Expr) or not isinstance(arg, sympy.logic.boolalg.Boolean):
                raise ValueError(f"{function.__name__} combines conditions such as Lt(x, 0)")
        return function(*args)

    return build


def _polygamma(order: sympy.Expr, arg: sympy.Expr) -> sympy.Expr:
    if order.is_number and not (order.is_Integer and 0 <= order <= 50):
        raise ValueError("polygamma(k, x) takes a whole number k from 0 to 50")
    if arg.is_Number and abs(arg) > 10**4:  # exact values there take a sum of that many terms
        return sympy.polygamma(order, arg, evaluate=False)
    return sympy.polygamma(order, arg)


def _gamma(arg: sympy.Expr) -> sympy.Expr:
    if arg.is_Number and abs(arg) > 170:  # exact values there have hundreds of digits and more
        return sympy.gamma(arg, evaluate=False)
    return sympy.gamma(arg)


def _dirac(arg: sympy.Expr, order: sympy.Expr = sympy.S.Zero) -> sympy.Expr:
    if not (order.is_Integer and 0 <= order <= 20):
        raise ValueError("DiracDelta(x, k) takes a whole number k from 0 to 20")
    return sympy.DiracDelta(arg, order) if order else sympy.DiracDelta(arg)


def _log_builder(arg: sympy.Expr, base: sympy.Expr | None = None, **kw: Any) -> sympy.Expr:
    return sympy.log(arg, **kw) if base is None else sympy.log(arg, base, **kw)


def _root(arg: sympy.Expr, n: sympy.Expr, **kw: Any) -> sympy.Expr:
    return sympy.Pow(arg, 1 / n, **kw)


def _power_of(exponent: sympy.Expr) -> Callable[..., sympy.Expr]:
    def build(arg: sympy.Expr, **kw: Any) -> sympy.Expr:
        return sympy.Pow(arg, exponent, **kw)

    return build


def _log_to(base: int) -> Callable[..., sympy.Expr]:
    def build(arg: sympy.Expr, **kw: Any) -> sympy.Expr:
        return sympy.log(arg, sympy.Integer(base), **kw)

    return build


_ENTRIES: tuple[Entry, ...] = (
    # Exponential and logarithm.
    Entry(
        name="exp",
        build=sympy.exp,
        cls=sympy.exp,
        real_on_reals=True,
        positive_on_reals=True,
        family="exp",
        derivative=sympy.exp,
        statement="d/du e^u = e^u",
        value=_unary(math.exp),
        local=lambda a, v: [v],
        numpy=lambda np: np.exp,
    ),
    Entry(
        name="log",
        build=_log_builder,
        cls=sympy.log,
        arity=(1, 2),
        family="log",
        derivative=lambda u: 1 / u,
        statement="d/du ln(u) = 1/u",
        value=lambda a: _log(a[0]),
        local=lambda a, v: [1 / a[0]],
        numpy=lambda np: np.log,
    ),
    Entry(name="ln", build=sympy.log),
    Entry(name="log10", build=_log_to(10)),
    Entry(name="log2", build=_log_to(2)),
    Entry(name="sqrt", build=_power_of(sympy.S.Half)),
    Entry(name="cbrt", build=_power_of(sympy.Rational(1, 3))),
    Entry(name="root", build=_root, arity=(2, 2)),
    # Trigonometric functions.
    Entry(
        name="sin",
        build=sympy.sin,
        cls=sympy.sin,
        inverse="asin",
        parity="odd",
        real_on_reals=True,
        family="trig",
        derivative=sympy.cos,
        statement="d/du sin(u) = cos(u)",
        value=_unary(math.sin),
        local=lambda a, v: [math.cos(a[0])],
        numpy=lambda np: np.sin,
    ),
    Entry(
        name="cos",
        build=sympy.cos,
        cls=sympy.cos,
        inverse="acos",
        parity="even",
        real_on_reals=True,
        family="trig",
        derivative=lambda u: -sympy.sin(u),
        statement="d/du cos(u) = -sin(u)",
        value=_unary(math.cos),
        local=lambda a, v: [-math.sin(a[0])],
        numpy=lambda np: np.cos,
    ),
    Entry(
        name="tan",
        build=sympy.tan,
        cls=sympy.tan,
        aliases=("tg",),
        inverse="atan",
        parity="odd",
        real_on_reals=True,
        family="trig",
        derivative=lambda u: sympy.sec(u) ** 2,
        statement="d/du tan(u) = sec(u)^2",
        value=_unary(math.tan),
        local=lambda a, v: [1 + v * v],
        numpy=lambda np: np.tan,
    ),
    Entry(
        name="sec",
        build=sympy.sec,
        cls=sympy.sec,
        inverse="asec",
        parity="even",
        real_on_reals=True,
        family="trig",
        derivative=lambda u: sympy.sec(u) * sympy.tan(u),
        statement="d/du sec(u) = sec(u) tan(u)",
        numpy=lambda np: lambda x: 1 / np.cos(x),
    ),
    Entry(
        name="csc",
        build=sympy.csc,
        cls=sympy.csc,
        aliases=("cosec",),
        inverse="acsc",
        parity="odd",
        real_on_reals=True,
        family="trig",
        derivative=lambda u: -sympy.csc(u) * sympy.cot(u),
        statement="d/du csc(u) = -csc(u) cot(u)",
        numpy=lambda np: lambda x: 1 / np.sin(x),
    ),
    Entry(
        name="cot",
        build=sympy.cot,
        cls=sympy.cot,
        aliases=("ctg",),
        inverse="acot",
        parity="odd",
        real_on_reals=True,
        family="trig",
        derivative=lambda u: -(sympy.csc(u) ** 2),
        statement="d/du cot(u) = -csc(u)^2",
        numpy=lambda np: lambda x: np.cos(x) / np.sin(x),
    ),
    # Inverse trigonometric functions.
    Entry(
        name="asin",
        build=sympy.asin,
        cls=sympy.asin,
        aliases=("arcsin",),
        parity="odd",
        family="inverse_trig",
        derivative=lambda u: 1 / sympy.sqrt(1 - u**2),
        statement="d/du asin(u) = 1/sqrt(1 - u^2)",
        value=_unary(math.asin),
        numpy=lambda np: np.arcsin,
        local=lambda a, v: [_inverse_sqrt(1 - float(a[0]) ** 2, "asin' needs |x| < 1")],
    ),
    Entry(
        name="acos",
        build=sympy.acos,
        cls=sympy.acos,
        aliases=("arccos",),
        family="inverse_trig",
        derivative=lambda u: -1 / sympy.sqrt(1 - u**2),
        statement="d/du acos(u) = -1/sqrt(1 - u^2)",
        value=_unary(math.acos),
        numpy=lambda np: np.arccos,
        local=lambda a, v: [-_inverse_sqrt(1 - float(a[0]) ** 2, "acos' needs |x| < 1")],
    ),
    Entry(
        name="atan",
        build=sympy.atan,
        cls=sympy.atan,
        aliases=("arctan", "arctg"),
        parity="odd",
        real_on_reals=True,
        family="inverse_trig",
        derivative=lambda u: 1 / (1 + u**2),
        statement="d/du atan(u) = 1/(1 + u^2)",
        value=_unary(math.atan),
        local=lambda a, v: [1 / (1 + float(a[0]) ** 2)],
        numpy=lambda np: np.arctan,
    ),
    Entry(
        name="acot",
        build=sympy.acot,
        cls=sympy.acot,
        aliases=("arccot",),
        real_on_reals=True,
        family="inverse_trig",
        derivative=lambda u: -1 / (1 + u**2),
        statement="d/du acot(u) = -1/(1 + u^2)",
        numpy=lambda np: lambda x: np.arctan(1 / x),
    ),
    Entry(
        name="asec",
        build=sympy.asec,
        cls=sympy.asec,
        aliases=("arcsec",),
        family="inverse_trig",
        derivative=lambda u: 1 / (sympy.Abs(u) * sympy.sqrt(u**2 - 1)),
        statement="d/du asec(u) = 1/(|u| sqrt(u^2 - 1))",
        general=lambda u: 1 / (u**2 * sympy.sqrt(1 - 1 / u**2)),
        general_statement="d/du asec(u) = 1/(u^2 sqrt(1 - 1/u^2))",
        numpy=lambda np: lambda x: np.arccos(1 / x),
    ),
    Entry(
        name="acsc",
        build=sympy.acsc,
        cls=sympy.acsc,
        aliases=("arccsc",),
        parity="odd",
        family="inverse_trig",
        derivative=lambda u: -1 / (sympy.Abs(u) * sympy.sqrt(u**2 - 1)),
        statement="d/du acsc(u) = -1/(|u| sqrt(u^2 - 1))",
        general=lambda u: -1 / (u**2 * sympy.sqrt(1 - 1 / u**2)),
        general_statement="d/du acsc(u) = -1/(u^2 sqrt(1 - 1/u^2))",
        numpy=lambda np: lambda x: np.arcsin(1 / x),
    ),
    # Hyperbolic functions.
    Entry(
        name="sinh",
        build=sympy.sinh,
        cls=sympy.sinh,
        inverse="asinh",
        parity="odd",
        hyperbolic=True,
        real_on_reals=True,
        family="hyperbolic",
        derivative=sympy.cosh,
        statement="d/du sinh(u) = cosh(u)",
        value=_unary(math.sinh),
        local=lambda a, v: [math.cosh(a[0])],
        numpy=lambda np: np.sinh,
    ),
    Entry(
        name="cosh",
        build=sympy.cosh,
        cls=sympy.cosh,
        inverse="acosh",
        parity="even",
        hyperbolic=True,
        real_on_reals=True,
        positive_on_reals=True,
        family="hyperbolic",
        derivative=sympy.sinh,
        statement="d/du cosh(u) = sinh(u)",
        value=_unary(math.cosh),
        local=lambda a, v: [math.sinh(a[0])],
        numpy=lambda np: np.cosh,
    ),
    Entry(
        name="tanh",
        build=sympy.tanh,
        cls=sympy.tanh,
        inverse="atanh",
        parity="odd",
        hyperbolic=True,
        real_on_reals=True,
        family="hyperbolic",
        derivative=lambda u: 1 - sympy.tanh(u) ** 2,
        statement="d/du tanh(u) = 1 - tanh(u)^2",
        value=_unary(math.tanh),
        local=lambda a, v: [1 - v * v],
        numpy=lambda np: np.tanh,
    ),
    Entry(
        name="coth",
        build=sympy.coth,
        cls=sympy.coth,
        inverse="acoth",
        parity="odd",
        hyperbolic=True,
        real_on_reals=True,
        family="hyperbolic",
        derivative=lambda u: 1 - sympy.coth(u) ** 2,
        statement="d/du coth(u) = 1 - coth(u)^2",
        numpy=lambda np: lambda x: 1 / np.tanh(x),
    ),
    Entry(
        name="sech",
        build=sympy.sech,
        cls=sympy.sech,
        inverse="asech",
        parity="even",
        hyperbolic=True,
        real_on_reals=True,
        family="hyperbolic",
        derivative=lambda u: -sympy.sech(u) * sympy.tanh(u),
        statement="d/du sech(u) = -sech(u) tanh(u)",
        numpy=lambda np: lambda x: 1 / np.cosh(x),
    ),
    Entry(
        name="csch",
        build=sympy.csch,
        cls=sympy.csch,
        inverse="acsch",
        parity="odd",
        hyperbolic=True,
        real_on_reals=True,
        family="hyperbolic",
        derivative=lambda u: -sympy.csch(u) * sympy.coth(u),
        statement="d/du csch(u) = -csch(u) coth(u)",
        numpy=lambda np: lambda x: 1 / np.sinh(x),
    ),
    # Inverse hyperbolic functions.
    Entry(
        name="asinh",
        build=sympy.asinh,
        cls=sympy.asinh,
        aliases=("arsinh", "arcsinh"),
        parity="odd",
        real_on_reals=True,
        family="inverse_hyperbolic",
        derivative=lambda u: 1 / sympy.sqrt(u**2 + 1),
        statement="d/du asinh(u) = 1/sqrt(u^2 + 1)",
        value=_unary(math.asinh),
        local=lambda a, v: [1 / math.sqrt(float(a[0]) ** 2 + 1)],
        numpy=lambda np: np.arcsinh,
    ),
    Entry(
        name="acosh",
        build=sympy.acosh,
        cls=sympy.acosh,
        aliases=("arcosh", "arccosh"),
        family="inverse_hyperbolic",
        derivative=lambda u: 1 / sympy.sqrt(u**2 - 1),
        statement="d/du acosh(u) = 1/sqrt(u^2 - 1)",
        value=_unary(math.acosh),
        local=lambda a, v: [_acosh_local(a[0])],
        numpy=lambda np: np.arccosh,
    ),
    Entry(
        name="atanh",
        build=sympy.atanh,
        cls=sympy.atanh,
        aliases=("artanh", "arctanh"),
        parity="odd",
        family="inverse_hyperbolic",
        derivative=lambda u: 1 / (1 - u**2),
        statement="d/du atanh(u) = 1/(1 - u^2)",
        value=_unary(math.atanh),
        local=lambda a, v: [1 / (1 - float(a[0]) ** 2)],
        numpy=lambda np: np.arctanh,
    ),
    Entry(
        name="acoth",
        build=sympy.acoth,
        cls=sympy.acoth,
        aliases=("arcoth", "arccoth"),
        family="inverse_hyperbolic",
        derivative=lambda u: 1 / (1 - u**2),
        statement="d/du acoth(u) = 1/(1 - u^2)",
        numpy=lambda np: lambda x: np.arctanh(1 / x),
    ),
    Entry(
        name="asech",
        build=sympy.asech,
        cls=sympy.asech,
        aliases=("arsech", "arcsech"),
        family="inverse_hyperbolic",
        derivative=lambda u: -1 / (u * sympy.sqrt(1 - u**2)),
        statement="d/du asech(u) = -1/(u sqrt(1 - u^2))",
    ),
    Entry(
        name="acsch",
        build=sympy.acsch,
        cls=sympy.acsch,
        aliases=("arcsch", "arccsch"),
        parity="odd",
        family="inverse_hyperbolic",
        derivative=lambda u: -1 / (sympy.Abs(u) * sympy.sqrt(1 + u**2)),
        statement="d/du acsch(u) = -1/(|u| sqrt(1 + u^2))",
        general=lambda u: -1 / (u**2 * sympy.sqrt(1 + 1 / u**2)),
        general_statement="d/du acsch(u) = -1/(u^2 sqrt(1 + 1/u^2))",
    ),
    # Non-smooth functions and gates.
    Entry(
        name="Abs",
        build=sympy.Abs,
        cls=sympy.Abs,
        aliases=("abs",),
        parity="even",
        real_on_reals=True,
        family="abs",
        derivative=sympy.sign,
        statement="d/du |u| = u/|u| = sign(u)",
        value=lambda a: a[0] if a[0] >= 0 else -a[0],
        local=lambda a, v: [_sign(a[0])],
        numpy=lambda np: np.abs,
    ),
    Entry(
        name="sign",
        build=sympy.sign,
        cls=sympy.sign,
        aliases=("sgn",),
        parity="odd",
        real_on_reals=True,
        numpy=lambda np: np.sign,
    ),
    Entry(
        name="Heaviside",
        build=sympy.Heaviside,
        cls=sympy.Heaviside,
        arity=(1, 2),
        real_on_reals=True,
        numpy=_np_heaviside,
    ),
    Entry(
        name="Max",
        build=sympy.Max,
        cls=sympy.Max,
        aliases=("max",),
        arity=(1, 64),
        real_on_reals=True,
        value=lambda a: max(a, key=float),
        local=lambda a, v: _gate(a, larger=True),
        numpy=lambda np: lambda *a: np.maximum.reduce(np.broadcast_arrays(*a)),
    ),
    Entry(
        name="Min",
        build=sympy.Min,
        cls=sympy.Min,
        aliases=("min",),
        arity=(1, 64),
        real_on_reals=True,
        value=lambda a: min(a, key=float),
        local=lambda a, v: _gate(a, larger=False),
        numpy=lambda np: lambda *a: np.minimum.reduce(np.broadcast_arrays(*a)),
    ),
    # Machine learning's activations.
    Entry(
        name="sigmoid",
        build=sigmoid,
        cls=sigmoid,
        real_on_reals=True,
        positive_on_reals=True,
        family="sigmoid",
        derivative=lambda u: sigmoid(u) * (1 - sigmoid(u)),
        statement="d/du sigmoid(u) = sigmoid(u) (1 - sigmoid(u))",
        value=lambda a: _sigmoid(a[0]),
        local=lambda a, v: [v * (1 - v)],
        mathml="σ",
        numpy=lambda np: lambda x: 1 / (1 + np.exp(-x)),
    ),
    Entry(
        name="relu",
        build=relu,
        cls=relu,
        real_on_reals=True,
        family="relu",
        derivative=lambda u: sympy.Heaviside(u, 0),
        statement="d/du relu(u) = H(u), 1 for u > 0 and 0 for u < 0",
        value=lambda a: a[0] if a[0] > 0 else a[0] * 0,
        local=lambda a, v: [_heaviside(a[0], Fraction(0))],
        numpy=lambda np: lambda x: np.maximum(x, 0),
    ),
    # Special functions.
    Entry(name="erf", build=sympy.erf, cls=sympy.erf, parity="odd", real_on_reals=True),
    Entry(name="factorial", build=sympy.factorial, cls=sympy.factorial),
    Entry(name="atan2", build=sympy.atan2, cls=sympy.atan2, arity=(2, 2), real_on_reals=True),
    Entry(name="binomial", build=sympy.binomial, cls=sympy.binomial, arity=(2, 2)),
    # What derivatives of special functions contain; read only when called (gamma*x is a variable).
    Entry(name="gamma", build=_gamma, cls=sympy.gamma, called=True),
    Entry(name="polygamma", build=_polygamma, cls=sympy.polygamma, arity=(2, 2), called=True),
    Entry(name="DiracDelta", build=_dirac, cls=sympy.DiracDelta, arity=(1, 2), called=True),
    # The forms JSON output writes, so that chainrule.parse reads every expression string back.
    Entry(name="Derivative", build=_derivative, cls=sympy.Derivative, arity=(2, 3), called=True),
    Entry(name="Subs", build=_subs, cls=sympy.Subs, arity=(3, 3), called=True),
    Entry(name="Piecewise", build=_piecewise, cls=sympy.Piecewise, arity=(1, 63), called=True),
    *(
        Entry(name=name, build=build, arity=(2, 2), called=True)
        for name, build in (("Lt", sympy.Lt), ("Le", sympy.Le), ("Gt", sympy.Gt), ("Ge", sympy.Ge),
                            ("Eq", sympy.Eq), ("Ne", sympy.Ne))
    ),
    Entry(name="And", build=_logic(sympy.And), arity=(2, 63), called=True),
    Entry(name="Or", build=_logic(sympy.Or), arity=(2, 63), called=True),
    Entry(name="Not", build=_logic(sympy.Not), called=True),
    Entry(name="floor", build=sympy.floor, cls=sympy.floor, numpy=lambda np: np.floor, parsed=False),
    Entry(name="ceiling", build=sympy.ceiling, cls=sympy.ceiling, numpy=lambda np: np.ceil, parsed=False),
)


class _Vocabulary:
    """The entries, indexed by every name and by SymPy class."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        self.entries: dict[str, Entry] = {}
        self.names: dict[str, Entry] = {}
        self.classes: dict[type, Entry] = {}
        for entry in entries:
            self.add(entry)

    def add(self, entry: Entry) -> None:
        for name in (entry.name, *entry.aliases):
            if name in self.names and self.names[name].name != entry.name:
                raise ValueError(f"the name {name!r} already belongs to {self.names[name].name}")
        self.entries[entry.name] = entry
        for name in (entry.name, *entry.aliases):
            self.names[name] = entry
        if entry.cls is not None:
            self.classes[entry.cls] = entry

    def remove(self, entry: Entry) -> None:
        del self.entries[entry.name]
        for name in (entry.name, *entry.aliases):
            self.names.pop(name, None)
        if entry.cls is not None:
            self.classes.pop(entry.cls, None)


_VOCABULARY = _Vocabulary(_ENTRIES)


def lookup(name: str) -> Entry | None:
    """The entry of a function the parser reads by this name (canonical or alias), or ``None``."""
    entry = _VOCABULARY.names.get(name)
    return entry if entry is not None and entry.parsed else None


def by_class(cls: type) -> Entry | None:
    """The entry of a SymPy class (``sympy.sin``), or ``None``."""
    return _VOCABULARY.classes.get(cls)


def entries() -> tuple[Entry, ...]:
    """Every entry, in the order they were added."""
    return tuple(_VOCABULARY.entries.values())


def parsed_names() -> tuple[str, ...]:
    """Every name the parser reads as a known function (canonical names and aliases)."""
    return tuple(n for n, e in _VOCABULARY.names.items() if e.parsed)


@contextlib.contextmanager
def registered(entry: Entry) -> Iterator[Entry]:
    """Add ``entry`` for the duration of the block (tests, experiments)."""
    _VOCABULARY.add(entry)
    try:
        yield entry
    finally:
        _VOCABULARY.remove(entry)


__all__ = ["Deferred", "Entry", "Num", "by_class", "entries", "lookup", "parsed_names", "registered"]
