"""The document of an implicit differentiation, related rates or a parametric curve.

What every format shows, assembled once: a heading, the equation(s) given,
which quantities change with the variable (``y = y(x)``), what is asked
(``dy/dx``), the numbered steps with their equations, the answers, and the
point (on the curve, the value, the tangent line). Quantities that change are
written as a textbook writes them: ``y`` and ``dy/dx`` (``y′`` with the
Lagrange notation).
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from chainrule.derivation.curve_point import CurvePoint, evaluate
from chainrule.derivation.implicit import Implicit
from chainrule.derivation.parametric import Parametric
from chainrule.printing import rate
from chainrule.views.document import NumberedStep, number_steps
from chainrule.views.notation import (
    Equation,
    Math,
    Node,
    Product,
    shown_equation,
    shown_rate,
    with_dependents,
)
from chainrule.views.settings import Settings

Result = Implicit | Parametric


@dataclass(frozen=True, kw_only=True)
class PointLines:
    """The result at a point: the values given, then labelled equations and notes."""

    value: CurvePoint
    point: tuple[Equation, ...]
    lines: tuple[tuple[str, Equation], ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class AppDocument:
    """Everything a format shows for an ``Implicit`` or ``Parametric`` result, in reading order.

    Args:
        heading: ``Implicit differentiation``, ``Related rates`` or ``Parametric curve``.
        given: the equation, or the curve's two equations.
        functions: the quantities that change with the variable, ``y = y(x)``.
        asked: what is found, ``dy/dx`` (and ``d²y/dx²``...).
        task: the exercise in words, for titles and worksheets.
    """

    result: Result
    heading: str
    given: tuple[Equation, ...]
    functions: tuple[Equation, ...]
    asked: tuple[Node, ...]
    task: str
    steps: tuple[NumberedStep, ...]
    answers: tuple[Equation, ...]
    point: PointLines | None


def leibniz(settings: Settings) -> bool:
    """Derivatives of quantities that change are written ``dy/dx`` unless only Lagrange is asked for."""
    return settings.notation != "lagrange"


def shown_functions(result: Result) -> tuple[sympy.Expr, ...]:
    """Every function the steps write (``y(x)``; ``x(t)``, ``y(t)`` and ``y(x)`` for a curve)."""
    if isinstance(result, Implicit):
        return tuple(result.functions.values())
    y = result.y[0]
    return (*result.functions.values(), sympy.Function(y.name)(result.x[0]))


def asked(result: Result, order: int, *, prime: bool = False) -> sympy.Expr:
    """``d^n y/dx^n`` as it prints (``y′`` when ``prime``)."""
    if isinstance(result, Implicit):
        name, var = result.unknown.name, result.wrt.name
    else:
        name, var = result.y[0].name, result.x[0].name
    return rate(name, var, order, leibniz=not prime)


def application_document(result: Result, settings: Settings, *, detail: str | None = None) -> AppDocument:
    """The document of ``result`` (with the point of ``settings.at``, if any), its steps at
    ``detail`` (by default the settings' level)."""
    functions = shown_functions(result)
    lb = leibniz(settings)
    answers = tuple(
        shown_equation(Equation((Math(asked(result, k, prime=not lb)), Math(a))), functions, leibniz=lb)
        for k, a in enumerate(result.answers, start=1)
    )
    dependents = result.functions if isinstance(result, Implicit) else {}
    steps = number_steps(result.parts, dependents, detail=detail or settings.detail, leibniz=lb)
    if isinstance(result, Parametric):  # the coordinates' steps are in t alone; the quotients name x(t), y(t)
        # Rates by the parameter stay dx/dt, dy/dt: primes would not say which variable they are by.
        by_t, by_x = functions[:2], functions[2:]
        steps = [_shown_step(_shown_step(item, by_t, True), by_x, lb) for item in steps]
    return AppDocument(
        result=result,
        heading=_heading(result),
        given=_given(result),
        functions=tuple(Equation((Math(name), Math(f))) for name, f in _declared(result)),
        asked=(Math(asked(result, result.order, prime=not lb)),),
        task=_task(result),
        steps=tuple(steps),
        answers=answers,
        point=_point(result, settings, lb),
    )


def _shown_step(item: NumberedStep, functions: tuple[sympy.Expr, ...], lb: bool) -> NumberedStep:
    return NumberedStep(item.index, item.label, item.step, item.parent, item.depth,
                        with_dependents(item.math, functions, leibniz=lb))


def _heading(result: Result) -> str:
    if isinstance(result, Parametric):
        return "Parametric curve"
    return "Related rates" if result.related_rates else "Implicit differentiation"


def _given(result: Result) -> tuple[Equation, ...]:
    if isinstance(result, Parametric):
        return tuple(Equation((Math(name), Math(expr))) for name, expr in (result.x, result.y))
    return (Equation((Math(result.equation.lhs), Math(result.equation.rhs))),)


def _declared(result: Result) -> tuple[tuple[sympy.Symbol, sympy.Expr], ...]:
    if isinstance(result, Parametric):
        return ()
    return result.where


def _task(result: Result) -> str:
    if isinstance(result, Parametric):
        y, x = result.y[0], result.x[0]
        found = f"d{y}/d{x}" + (f" up to d^{result.order}{y}/d{x}^{result.order}" if result.order > 1 else "")
        return f"find {found} for the curve {x} = {x}({result.wrt}), {y} = {y}({result.wrt})"
    y, x = result.unknown, result.wrt
    found = f"d{y}/d{x}" if result.order == 1 else f"d^{result.order}{y}/d{x}^{result.order}"
    return f"find {found}"


# ---------------------------------------------------------------------------
# At a point.


def _point(result: Result, settings: Settings, lb: bool) -> PointLines | None:
    value = evaluate(result, settings.at)
    if value is None:
        return None
    point = tuple(Equation((Math(shown_rate(s, result.wrt, leibniz=lb)), Math(v))) for s, v in value.point)
    lines: list[tuple[str, Equation]] = []
    notes: list[str] = []
    if value.curve is not None and isinstance(result, Implicit):
        lhs, rhs = result.equation.lhs, result.equation.rhs
        sides = [Math(lhs), Math(value.curve[0])] + ([] if rhs.is_number else [Math(rhs)])
        lines.append(("on the curve", Equation(tuple(sides))))
    if isinstance(result, Parametric) and value.coordinates is not None:
        (x, _), (y, _) = result.x, result.y
        coordinates = Equation((Math(sympy.Tuple(x, y)), Math(sympy.Tuple(*value.coordinates))))
        lines.append(("the point", coordinates))
    for order, number in value.values:
        if number is None:
            continue
        sides = [Math(asked(result, order, prime=not lb)), Math(number)]
        if not number.is_Rational:
            sides.append(Math(sympy.N(number, 6)))
        lines.append(("slope" if order == 1 and not _rates(result) else "", Equation(tuple(sides))))
    lines.extend(_tangent(result, value))
    if value.singular:
        notes.append("dy/dx is 0/0 there: the derivative does not give the slope at this point")
    return PointLines(value=value, point=point, lines=tuple(lines), notes=tuple(notes))


def _rates(result: Result) -> bool:
    return isinstance(result, Implicit) and result.related_rates


def _tangent(result: Result, value: CurvePoint) -> list[tuple[str, Equation]]:
    if value.coordinates is None:
        return []
    x0, y0 = value.coordinates
    x, y = (result.wrt, result.unknown) if isinstance(result, Implicit) else (result.x[0], result.y[0])
    if value.vertical:
        return [("tangent line (vertical)", Equation((Math(x), Math(x0))))]
    if value.tangent is None or not value.values or value.values[0][1] is None:
        return []
    slope = value.values[0][1]
    right = Math(slope * (x - x0)) if slope in (1, -1) else Product((Math(slope), Math(x - x0)))
    point_slope = Equation((Math(y - y0), right))
    if slope == 0:
        point_slope = Equation((Math(y), Math(y0)))
    lines = [("tangent line", point_slope)]
    if slope != 0:
        lines.append(("", Equation((Math(y), Math(sympy.expand(value.tangent))))))
    return lines
