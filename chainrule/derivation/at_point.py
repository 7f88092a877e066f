"""The derivative at a point: its value, the function's value, and the tangent line.

Computed once from a derivation and a point; the views print it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

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


@dataclass(frozen=True, kw_only=True)
class PointValue:
    """The derivative at ``point`` and, for a first derivative in one variable, the tangent line.

    Args:
        point: each free symbol (the derivation's own) and its value.
        value: the derivative there.
        numeric: a decimal approximation, when ``value`` is not a rational number.
        function_value: the function's value there (functions of one variable).
        tangent: the tangent line's right-hand side ``f(a) + f'(a)(x - a)`` (first
            derivatives of one variable).
    """

    point: tuple[Binding, ...]
    value: sympy.Expr
    numeric: sympy.Expr | None = None
    function_value: sympy.Expr | None = None
    tangent: sympy.Expr | None = None

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
    value, exact = value_at(result, subs)
    numeric = numeric_value(value) if not value.is_Rational else None
    function_value = tangent = None
    if functions:
        return PointValue(point=tuple(subs.items()), value=value, numeric=numeric,
                          function_value=expr.subs(subs))
    if len(free) == 1:
        function_value, exact_f = value_at(expr, subs)
        if derivation.order == 1:
            (variable,) = ordered
            with sympy.evaluate(exact and exact_f):
                tangent = function_value + value * (variable - subs[variable])
    return PointValue(
        point=tuple(subs.items()),
        value=value,
        numeric=numeric,
        function_value=function_value,
        tangent=tangent,
    )


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
    evaluated = sympy.N(value, 6)
    return evaluated if evaluated.is_Number else None
