"""The derivative at a point: its value, the function's value, and the tangent line.

Computed once from a derivation and a point; the views print it.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from chainrule.derivation.bindings import resolve
from chainrule.derivation.equations import dependent_functions, frozen
from chainrule.derivation.model import Binding, Derivation
from chainrule.errors import UsageError


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
    value = result.subs(subs)
    numeric = None
    if not value.is_Rational:
        evaluated = sympy.N(value, 6)
        numeric = evaluated if evaluated.is_Number else None
    function_value = tangent = None
    if functions:
        return PointValue(point=tuple(subs.items()), value=value, numeric=numeric,
                          function_value=expr.subs(subs))
    if len(free) == 1:
        function_value = expr.subs(subs)
        if derivation.order == 1:
            (variable,) = ordered
            tangent = function_value + value * (variable - subs[variable])
    return PointValue(
        point=tuple(subs.items()),
        value=value,
        numeric=numeric,
        function_value=function_value,
        tangent=tangent,
    )
