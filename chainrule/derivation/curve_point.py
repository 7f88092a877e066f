"""An implicit curve, related rates or a parametric curve at a point: values, slope, tangent line.

Computed once from the result and the point (``--at x=3,y=4``; ``--at r=5
--at "r'=2"``; ``--at t=pi/6``); the views print it. A point that is not on
the curve is a ``UsageError`` that says by how much it misses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import sympy

from chainrule.derivation.equations import frozen, rate_name
from chainrule.derivation.implicit import Implicit
from chainrule.derivation.model import Binding
from chainrule.derivation.parametric import Parametric
from chainrule.derivation.simplify import final_form
from chainrule.errors import UsageError
from chainrule.printing import plain

__all__ = ["CurvePoint", "evaluate"]


@dataclass(frozen=True, kw_only=True)
class CurvePoint:
    """A result at a point.

    Args:
        point: the values given, in order (names, and rates such as ``r'``).
        curve: the equation's sides' values at the point (equal), when every name of the
            equation is given.
        coordinates: ``(x, y)`` of the point (a parametric curve: at the parameter's value).
        values: ``(order, value)`` of each derivative asked for; ``None`` where undefined.
        vertical: the tangent is vertical (``dx/dt = 0`` or the slope's denominator is 0).
        singular: the slope is ``0/0`` there: not determined by the derivative.
        tangent: the tangent line's ``y = …`` right-hand side (a curve in the plane, one slope).
    """

    point: tuple[Binding, ...]
    curve: tuple[sympy.Expr, sympy.Expr] | None = None
    coordinates: tuple[sympy.Expr, sympy.Expr] | None = None
    values: tuple[tuple[int, sympy.Expr | None], ...] = ()
    vertical: bool = False
    singular: bool = False
    tangent: sympy.Expr | None = None


def evaluate(result: Implicit | Parametric, at: tuple[Binding, ...]) -> CurvePoint | None:
    """``result`` at the point ``at``; ``None`` when no point is given."""
    if not at:
        return None
    if isinstance(result, Parametric):
        return _parametric(result, at)
    return _implicit(result, at)


def _number(expr: sympy.Expr) -> sympy.Expr | None:
    value = final_form(expr)
    if value.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo) or not value.is_number:
        return None
    return value


def _by_name(at: tuple[Binding, ...], known: set[sympy.Symbol], what: str) -> dict[sympy.Symbol, sympy.Expr]:
    names = {s.name: s for s in known}
    unknown = [s.name for s, _ in at if s.name not in names]
    if unknown:
        listed = ", ".join(sorted(names)) or "none"
        raise UsageError(
            f"{{at}} names {', '.join(unknown)}, which {what} does not use (it uses {listed})",
            parameters=("at",),
        )
    return {names[s.name]: value for s, value in at}


def _implicit(result: Implicit, at: tuple[Binding, ...]) -> CurvePoint:
    functions = result.functions
    lhs, rhs = result.equation.lhs, result.equation.rhs
    answers = [frozen(a, functions) for a in result.answers]
    used = lhs.free_symbols | rhs.free_symbols | {result.wrt}
    for answer in answers:
        used |= answer.free_symbols
    rates = {rate_name(name) for name in functions if name != result.unknown}
    point = _by_name(at, used | rates, "the equation")
    needed = set().union(*(a.free_symbols for a in answers))
    missing = sorted(s.name for s in needed if s not in point)
    if missing:
        shown = ", ".join(f"{n} (or d{n[:-1]}/d{result.wrt})" if n.endswith("'") else n for n in missing)
        raise UsageError(f"{{at}} needs a value for {shown}", parameters=("at",))
    curve = None
    if (lhs.free_symbols | rhs.free_symbols) <= point.keys():
        curve = _on_curve(result, point)
    values = tuple((k, _number(a.xreplace(point))) for k, a in enumerate(answers, start=1))
    vertical = singular = False
    tangent = coordinates = None
    if not result.related_rates and {result.wrt, result.unknown} <= point.keys():
        x0, y0 = point[result.wrt], point[result.unknown]
        coordinates = (x0, y0)
        numerator, denominator = sympy.fraction(sympy.together(answers[0]))
        if _number(denominator.xreplace(point)) == 0:
            singular = _number(numerator.xreplace(point)) == 0
            vertical = not singular
        elif values[0][1] is not None:
            tangent = y0 + values[0][1] * (result.wrt - x0)
    return CurvePoint(
        point=tuple(point.items()), curve=curve, coordinates=coordinates, values=values,
        vertical=vertical, singular=singular, tangent=tangent,
    )


def _on_curve(result: Implicit, point: Mapping[sympy.Symbol, sympy.Expr]) -> tuple[sympy.Expr, sympy.Expr]:
    """The equation's sides' values at the point; a ``UsageError`` if they differ."""
    lhs, rhs = result.equation.lhs, result.equation.rhs
    left, right = lhs.xreplace(dict(point)), rhs.xreplace(dict(point))
    difference = _number(left - right)
    tolerance = 1e-9 * (1 + abs(sympy.N(left)))
    if difference is None or (difference != 0 and not abs(sympy.N(difference)) <= tolerance):
        names = lhs.free_symbols | rhs.free_symbols
        shown = ", ".join(f"{s} = {plain(v)}" for s, v in point.items() if s in names)
        raise UsageError(
            f"the point {shown} is not on the curve {plain(lhs)} = {plain(rhs)}: there "
            f"{plain(lhs)} = {plain(_number(left) if _number(left) is not None else left)}, "
            f"not {plain(_number(right) if _number(right) is not None else right)} ({{at}})",
            parameters=("at",),
        )
    return _number(left) or left, _number(right) or right


def _parametric(result: Parametric, at: tuple[Binding, ...]) -> CurvePoint:
    t = result.wrt
    point = _by_name(at, {t}, "the curve")
    if t not in point:
        raise UsageError(f"{{at}} needs a value for the parameter {t}", parameters=("at",))
    value = {t: point[t]}
    (x_name, x_expr), (_, y_expr) = result.x, result.y
    x0, y0 = _number(x_expr.xreplace(value)), _number(y_expr.xreplace(value))
    if x0 is None or y0 is None:
        raise UsageError(f"the curve is not defined at {t} = {plain(point[t])} ({{at}})", parameters=("at",))
    dx = _number(sympy.diff(x_expr, t).xreplace(value))
    dy = _number(sympy.diff(y_expr, t).xreplace(value))
    values = tuple((k, _number(a.xreplace(value)) if dx != 0 else None)
                   for k, a in enumerate(result.answers, start=1))
    singular = dx == 0 and dy == 0
    vertical = dx == 0 and not singular
    tangent = None
    if not (vertical or singular) and values[0][1] is not None:
        tangent = y0 + values[0][1] * (x_name - x0)
    return CurvePoint(
        point=tuple(value.items()), coordinates=(x0, y0), values=values, vertical=vertical,
        singular=singular, tangent=tangent,
    )
