"""The derivative at a point: its value, the function's value, and the tangent line.

Computed once from a derivation and a point; the views print it. What is said
there is what a textbook says (docs/answers.md, "At a point"):

- a point outside the (real) domain has no value (``ln x`` at 0, ``√x`` at −1);
- a formula that is 0/0 there is evaluated as a limit (``sin(x)/x`` at 0);
- where the derivative's formula is undefined or jumps, the one-sided derivatives
  decide: equal and finite, that is the derivative; both +∞ (or both −∞) with f
  continuous, a vertical tangent line ``x = a``; otherwise f is not
  differentiable there (``|x|`` at 0: −1 from the left, 1 from the right);
- odd roots of negative numbers are real (``∛(−8) = −2``), as in a textbook;
- a decimal is rounded to 6 digits with its floating-point noise dropped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Literal

import sympy
from sympy.core.function import AppliedUndef

from chainrule.derivation.bindings import resolve
from chainrule.derivation.equations import dependent_functions, frozen
from chainrule.derivation.model import Binding, Derivation
from chainrule.errors import UsageError

#: Digits an exact value at a point may have; larger ones are kept unevaluated, as
#: written (``(9**81)**(9**81)``), with their decimal approximation.
MAX_EXACT_DIGITS = 1_000

#: What has no numeric value at a point: derivatives of undefined functions.
_SYMBOLIC = (sympy.Derivative, sympy.Subs, sympy.Integral, AppliedUndef)

#: Functions whose value jumps: a formula holding one may be wrong exactly at the
#: jump (SymPy's ``sign(0) = 0`` is not the derivative of ``|x|`` at 0).
_JUMPS = (
    sympy.sign,
    sympy.Heaviside,
    sympy.Piecewise,
    sympy.floor,
    sympy.ceiling,
    sympy.frac,
    sympy.DiracDelta,
)

#: What is true at the point:
#: ``differentiable`` (the value, and the tangent line of a first derivative);
#: ``limit`` (the formula is 0/0 there; the values are limits, of f's continuous extension);
#: ``outside_domain`` (f has no real value there); ``not_differentiable`` (f has a value
#: but no derivative; ``one_sided`` holds what each side gives); ``vertical_tangent``
#: (the derivative is +∞ or −∞ from both sides and f continuous: the line ``x = a``).
Kind = Literal["differentiable", "limit", "outside_domain", "not_differentiable", "vertical_tangent"]


@dataclass(frozen=True, kw_only=True)
class PointValue:
    """The derivative at ``point`` and, for a first derivative in one variable, the tangent line.

    Args:
        point: each free symbol (the derivation's own) and its value.
        value: the derivative there (``None`` where there is none: see ``kind``).
        numeric: a decimal approximation, when ``value`` is not a rational number.
        function_value: the function's value there (functions of one variable); its
            limit when ``kind`` is ``limit``; ``None`` outside the domain.
        tangent: the tangent line's right-hand side in slope-intercept form,
            ``f'(a)·x + (f(a) − a·f'(a))`` (first derivatives of one variable).
        kind: what is true there (see :data:`Kind`).
        one_sided: where the derivative was decided side by side, its limit from the
            left and from the right (``None`` for a side outside the domain).
        vertical: ``a`` when the tangent line is the vertical line ``x = a``.
        not_real: outside the domain because the value is not a real number (``√−1``),
            rather than undefined (``ln 0``, ``1/0``).
        exact: ``False`` when the values are too large to evaluate and are kept as written
            (``tangent`` is then ``f(a) + f'(a)(x - a)`` as written, and nothing is decided).
    """

    point: tuple[Binding, ...]
    value: sympy.Expr | None
    numeric: sympy.Expr | None = None
    function_value: sympy.Expr | None = None
    tangent: sympy.Expr | None = None
    kind: Kind = "differentiable"
    one_sided: tuple[sympy.Expr | None, sympy.Expr | None] | None = None
    vertical: sympy.Expr | None = None
    not_real: bool = False
    exact: bool = True

    @property
    def variables(self) -> tuple[sympy.Symbol, ...]:
        return tuple(symbol for symbol, _ in self.point)


def evaluate_at(derivation: Derivation, at: tuple[Binding, ...]) -> PointValue | None:
    """The value of the derivative at ``at`` (and the tangent line when it has one)."""
    if not at:
        return None
    where = derivation.where_dict
    functions = dependent_functions(derivation.where, derivation.wrt)
    if functions:
        # Related rates: the values of the quantities (r) and of their rates (r', dr/dt).
        expr = resolve(derivation.expr, {k: v for k, v in where.items() if k not in functions})
        result = frozen(resolve(derivation.result, {k: v for k, v in where.items() if k not in functions}),
                        functions)
    else:
        expr = resolve(derivation.expr, where)
        result = resolve(derivation.result, where)
    free = expr.free_symbols | result.free_symbols
    names = {s.name for s in free}
    given = dict(at)
    unknown = [s.name for s in given if s.name not in names]
    if functions and unknown:
        names |= {f"{name}'" for name in functions}  # a rate the answer does not need is still a rate
        unknown = [s.name for s in given if s.name not in names]
    if unknown:
        raise UsageError(
            f"{{at}} names {', '.join(unknown)}, which is not a free symbol of the expression "
            f"(free symbols: {', '.join(sorted(names)) or 'none'})",
            parameters=("at",),
        )
    # Match by name: the engine's symbols are real, the point's may not be.
    by_name = {s.name: v for s, v in given.items()}
    ordered = sorted(free, key=lambda s: s.name)
    missing = [s.name for s in ordered if s.name not in by_name]
    if missing:
        raise UsageError(
            f"{{at}} needs a value for every free symbol; missing: {', '.join(missing)}", parameters=("at",)
        )
    subs = {s: by_name[s.name] for s in ordered}
    if functions:  # related rates: the rates' values, nothing to decide about a curve
        value = value_at(result, subs)[0]
        return PointValue(
            point=tuple(subs.items()), value=value, numeric=_numeric(value), function_value=expr.subs(subs)
        )
    expr, result = real_roots(expr), real_roots(result)
    value, exact = value_at(result, subs)
    if len(free) != 1:
        if not _real_number(value):
            return PointValue(
                point=tuple(subs.items()), value=None, kind="outside_domain", not_real=_not_real(value)
            )
        return PointValue(point=tuple(subs.items()), value=value, numeric=_numeric(value))
    (variable,) = ordered
    function_value, exact_f = value_at(expr, subs)
    if not (exact and exact_f):  # too large to evaluate: kept as written
        point = PointValue(
            point=tuple(subs.items()),
            value=value,
            numeric=_numeric(value),
            function_value=function_value,
            exact=False,
        )
        if derivation.order == 1:
            with sympy.evaluate(False):
                point = replace(point, tangent=function_value + value * (variable - subs[variable]))
        return point
    lower = expr if derivation.order == 1 else sympy.diff(expr, variable, derivation.order - 1)
    point = classify(lower, result, variable, subs[variable])
    point = replace(point, point=tuple(subs.items()), numeric=_numeric(point.value))
    if derivation.order != 1:  # f itself, and no tangent line
        f_value = value_at(expr, subs)[0] if point.kind != "outside_domain" else None
        return replace(point, function_value=f_value if _real_number(f_value) else None, vertical=None)
    return with_tangent(point, variable)


def classify(f: sympy.Expr, derivative: sympy.Expr, x: sympy.Symbol, a: sympy.Expr) -> PointValue:
    """What is true of ``f`` and its derivative at ``x = a`` (``point`` left empty)."""
    fa, da = f.subs(x, a), derivative.subs(x, a)
    if _has_symbolic(fa) or _has_symbolic(da):
        return PointValue(point=(), value=da, function_value=fa)
    kind: Kind = "differentiable"
    if not _real_number(fa):
        limit = _two_sided(f, x, a) if fa is sympy.nan else None
        if limit is None:
            return PointValue(point=(), value=None, kind="outside_domain", not_real=_not_real(fa))
        fa, kind = limit, "limit"
    elif _real_number(da) and not f.has(*_JUMPS) and not derivative.has(*_JUMPS):
        return PointValue(point=(), value=da, function_value=fa)
    elif not _continuous(f, x, a, fa):  # sign(x) at 0: the formula's 0 is no derivative
        return PointValue(point=(), value=None, function_value=fa, kind="not_differentiable")
    sides = (_limit(derivative, x, a, "-"), _limit(derivative, x, a, "+"))
    left, right = sides
    if left == right and _real_number(left):
        return PointValue(point=(), value=left, function_value=fa, kind=kind)
    if kind == "differentiable" and left == right and left in (sympy.oo, -sympy.oo):
        return PointValue(
            point=(), value=None, function_value=fa, kind="vertical_tangent", one_sided=sides, vertical=a
        )
    shown = tuple(s if s is not None and (s.is_extended_real or s == sympy.zoo) else None for s in sides)
    return PointValue(
        point=(), value=None, function_value=fa, kind="not_differentiable", one_sided=(shown[0], shown[1])
    )


def with_tangent(point: PointValue, x: sympy.Symbol) -> PointValue:
    """``point`` with its tangent line ``y = m·x + b`` (for a derivative that exists)."""
    if point.value is None or point.function_value is None:
        return point
    ((_, a),) = point.point
    m, fa = point.value, point.function_value
    return replace(point, tangent=m * x + sympy.expand(fa - m * a))


def real_roots(expr: sympy.Expr) -> sympy.Expr:
    """``expr`` with each odd root real for negative numbers too, as a textbook reads it:
    ``x^(p/q)`` (``q`` odd) is ``sign(x)·|x|^(p/q)`` for odd ``p``, ``|x|^(p/q)`` for even."""

    def odd_root(node: sympy.Basic) -> bool:
        e = node.exp if isinstance(node, sympy.Pow) else None
        return (
            e is not None
            and e.is_Rational
            and not e.is_Integer
            and e.q % 2 == 1
            and node.base.is_extended_real
            and not node.base.is_nonnegative
        )

    def real(node: sympy.Pow) -> sympy.Expr:
        root = sympy.Abs(node.base) ** node.exp
        return root if node.exp.p % 2 == 0 else sympy.sign(node.base) * root

    return expr.replace(odd_root, real) if expr.has(sympy.Pow) else expr


def _real_number(value: sympy.Expr | None) -> bool:
    return value is not None and bool(value.is_extended_real) and bool(value.is_finite)


def _not_real(value: sympy.Expr) -> bool:
    """A finite number off the real line (``I``, ``log(−1)``), as opposed to undefined."""
    return value.is_finite is True and value.is_extended_real is False


def _has_symbolic(value: sympy.Expr) -> bool:
    return value.has(*_SYMBOLIC)


def _limit(expr: sympy.Expr, x: sympy.Symbol, a: sympy.Expr, side: str) -> sympy.Expr | None:
    """The one-sided limit, or ``None`` where SymPy cannot find one (or it is not a number)."""
    try:
        value = sympy.limit(expr, x, a, side)
    except (NotImplementedError, ValueError, TypeError, ArithmeticError, RecursionError):
        return None
    if not value.is_number or value.has(sympy.Limit, sympy.AccumBounds):
        return None
    return value


def _two_sided(expr: sympy.Expr, x: sympy.Symbol, a: sympy.Expr) -> sympy.Expr | None:
    """The limit at ``a`` when both sides agree on a real number (a removable 0/0)."""
    left, right = _limit(expr, x, a, "-"), _limit(expr, x, a, "+")
    return left if left == right and _real_number(left) else None


def _continuous(f: sympy.Expr, x: sympy.Symbol, a: sympy.Expr, fa: sympy.Expr) -> bool:
    """Whether ``f`` tends to ``fa`` from each side on which it is defined near ``a``."""
    sides = [_limit(f, x, a, side) for side in "-+"]
    real = [s for s in sides if s is not None and s.is_extended_real]
    return bool(real) and all(s == fa for s in real)


def _numeric(value: sympy.Expr | None) -> sympy.Expr | None:
    return numeric_value(value) if value is not None and not value.is_Rational else None


def value_at(expr: sympy.Expr, point: dict[sympy.Symbol, sympy.Expr]) -> tuple[sympy.Expr, bool]:
    """``expr`` at ``point``, exactly when the numbers stay under ``MAX_EXACT_DIGITS`` digits.

    Otherwise (``x^x`` at ``9^81``, ``x!`` at ``10^100``) the value is kept as
    written, unevaluated: computing it would take longer than the universe has.
    The flag says whether the value is exact (evaluated).
    """
    with sympy.evaluate(False):
        held = expr.subs(point)
    if exact_digits(held) > MAX_EXACT_DIGITS:
        return held, False
    return expr.subs(point), True


def exact_digits(expr: sympy.Expr) -> float:
    """An upper estimate of the digits evaluating ``expr`` exactly would produce.

    Only what SymPy computes exactly grows: integer and rational powers,
    factorials, binomials and gamma of whole numbers, and products and sums
    of those. Other functions of numbers stay symbolic (``sin(9**81)``).
    """
    digits: dict[int, float] = {}
    stack = [expr]
    while stack:
        node = stack[-1]
        if id(node) in digits:
            stack.pop()
            continue
        pending = [a for a in node.args if id(a) not in digits]
        if pending:
            stack.extend(pending)
            continue
        stack.pop()
        digits[id(node)] = _node_digits(node, [digits[id(a)] for a in node.args])
    return digits[id(expr)]


def _node_digits(node: sympy.Basic, args: list[float]) -> float:
    if isinstance(node, sympy.Rational):
        return math.log10(max(abs(int(node.p)), int(node.q), 1)) + 1
    if isinstance(node, sympy.Pow) and node.exp.is_Rational:
        return args[0] * max(1.0, abs(float(node.exp)))
    if isinstance(node, (sympy.factorial, sympy.gamma, sympy.binomial)) and node.args[0].is_number:
        try:
            n = abs(float(sympy.N(node.args[0], 15)))
        except (TypeError, ValueError, OverflowError):
            return math.inf
        return math.inf if not math.isfinite(n) else max(args[0], math.lgamma(n + 2) / math.log(10))
    return float(sum(args))


def numeric_value(value: sympy.Expr) -> sympy.Expr | None:
    """A 6-digit decimal of a number, or ``None`` where there is none (``f'(1)``).

    A derivative of an undefined function at a point has no value, and
    SymPy's ``Subs.evalf`` would recurse forever on it.
    """
    if value.has(*_SYMBOLIC):
        return None
    evaluated = sympy.N(value, 6, chop=True)  # cos(π/2) evaluated is 6.1e−17: noise, not a value
    return evaluated if evaluated.is_Number else None
