"""Parametric curves: ``dy/dx = (dy/dt)/(dx/dt)`` and ``d²y/dx² = (d/dt (dy/dx))/(dx/dt)``.

For ``x = cos³t, y = sin³t`` each coordinate is derived by the parameter with
the ordinary rules (its own steps), then the chain rule ``dy/dt = dy/dx·dx/dt``
is solved for ``dy/dx``. A second derivative differentiates ``dy/dx`` (a
function of ``t``) by ``t`` and divides by ``dx/dt`` again.

The engine (``engine.derive(..., parametric=True)``) reads the curve and hands
over a function that derives one expression; this module builds the steps and
checks them: the coordinates' steps as every derivation's, each quotient
against SymPy's derivatives of the coordinates.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

import sympy

from chainrule.derivation.equations import AlgebraStep, OfParts, Ratio, Side, side_value
from chainrule.derivation.model import Binding, Derivation, Equals, Rule, Step, say
from chainrule.derivation.simplify import final_form
from chainrule.derivation.verify import compare
from chainrule.display import Displayable
from chainrule.errors import VerificationError
from chainrule.parsing.inputs import read_curve
from chainrule.printing import plain

__all__ = ["Parametric", "explain", "read"]

Derive = Callable[[sympy.Expr, sympy.Symbol], Step]


@dataclass(frozen=True, kw_only=True)
class Parametric(OfParts, Displayable):
    """A parametric curve's ``dy/dx`` (and higher derivatives), step by step.

    Args:
        input: the curve as typed.
        x, y: each coordinate's name and its expression in the parameter.
        wrt: the parameter (``t``).
        order: how many times ``y`` is differentiated by ``x``.
        parts: the top-level steps: one ``parametric`` step per order.
        answers: ``dy/dx``, ``d²y/dx²``, ... as functions of the parameter.
    """

    view_kind: ClassVar[str] = "parametric"

    input: str
    x: Binding
    y: Binding
    wrt: sympy.Symbol
    order: int
    parts: tuple[Step, ...]
    answers: tuple[sympy.Expr, ...]

    @property
    def result(self) -> sympy.Expr:
        return self.answers[-1]

    @property
    def functions(self) -> dict[sympy.Symbol, sympy.Expr]:
        """The coordinates as functions of the parameter, ``{x: x(t), y: y(t)}`` (how steps write them)."""
        return {name: sympy.Function(name.name)(self.wrt) for name, _ in (self.x, self.y)}

    def verify(self) -> Parametric:
        """Check every step; raise ``VerificationError`` naming a false one."""
        t = self.wrt
        coordinates = {f: expr for (_, expr), f in zip((self.x, self.y), self.functions.values())}
        dx = sympy.diff(self.x[1], t)
        expected = sympy.diff(self.y[1], t) / dx
        for part in self.parts:
            for sub in part.substeps:
                _derivation(self, sub).verify()
            if not isinstance(part, AlgebraStep):
                raise VerificationError(f"step {part.rule.value!r} is not a step of this kind", step=part)
            for side in (*part.lines[0][1:], part.result):
                value = side_value(side).xreplace(coordinates).doit()
                if not compare(expected, value, seed=part.order).equal:
                    raise VerificationError(
                        f"step {part.rule.value!r} is false: {plain(value)} is not "
                        f"d^{part.order}{self.y[0]}/d{self.x[0]}^{part.order} = {plain(expected)}",
                        step=part,
                    )
            expected = sympy.diff(expected, t) / dx
        return self


def _ended(sides: tuple[Side, ...], answer: sympy.Expr) -> tuple[Side, ...]:
    """The line's sides, then the answer unless it is the quotient just shown (``sin t/(1 - cos t)``)."""
    shown = sides[-1]
    if isinstance(shown, Ratio) and sympy.fraction(answer) == (shown.numerator, shown.denominator):
        return sides
    return (*sides, answer)


def _derivation(result: Parametric, step: Step) -> Derivation:
    return Derivation(
        input=result.input, expr=step.expr, wrt=step.wrt, order=1, root=step,
        raw_result=step.result, result=step.result,
    )


ChooseWrt = Callable[
    [sympy.Expr, "str | sympy.Symbol | None", Mapping[sympy.Symbol, sympy.Expr]], sympy.Symbol
]
MakeEngine = Callable[[Sequence[sympy.Expr], sympy.Symbol], Derive]


def read(
    expr: object,
    wrt: str | sympy.Symbol | None,
    *,
    order: int,
    simplify: bool,
    choose_wrt: ChooseWrt,
    make_engine: MakeEngine,
) -> Parametric:
    """Read the curve ``x = f(t), y = g(t)`` and its parameter, then explain (helpers from the engine)."""
    text = expr if isinstance(expr, str) else str(expr)
    (x_name, x_expr), (y_name, y_expr) = read_curve(expr)
    variable = choose_wrt(x_expr + y_expr, wrt, {x_name: sympy.S.Zero, y_name: sympy.S.Zero})
    derive = make_engine([x_expr, y_expr], variable)
    return explain(
        input=text, x=(x_name, x_expr), y=(y_name, y_expr), wrt=variable, order=order, derive=derive,
        simplify=simplify,
    )


def explain(
    *,
    input: str,  # noqa: A002 - what the user typed
    x: Binding,
    y: Binding,
    wrt: sympy.Symbol,
    order: int,
    derive: Derive,
    simplify: bool = True,
) -> Parametric:
    """The steps of ``d^n y/dx^n`` for the curve ``x``, ``y`` (each ``(name, expression)``)."""
    (x_name, x_expr), (y_name, y_expr) = x, y
    t = wrt
    x_t, y_t = sympy.Function(x_name.name)(t), sympy.Function(y_name.name)(t)
    dx, dy = derive(x_expr, t), derive(y_expr, t)
    raw = dy.result / dx.result
    answer = final_form(raw, t) if simplify else raw
    label = sympy.Derivative(sympy.Function(y_name.name)(x_name), x_name)
    sides: tuple[Side, ...] = (
        label,
        Ratio(sympy.Derivative(y_t, t), sympy.Derivative(x_t, t)),
        Ratio(dy.result, dx.result),
    )
    first = AlgebraStep(
        rule=Rule.PARAMETRIC,
        expr=y_name,
        wrt=x_name,
        result=answer,
        text=say(
            "Parametric curve ", Equals(x_name, x_expr), ", ", Equals(y_name, y_expr), ": by the chain rule "
            f"d{y_name}/d{t} = d{y_name}/d{x_name}*d{x_name}/d{t}, so d{y_name}/d{x_name} = "
            f"(d{y_name}/d{t})/(d{x_name}/d{t}) where d{x_name}/d{t} is not 0. "
            f"Differentiate each coordinate with respect to {t}, then divide.",
        ),
        substeps=(dx, dy),
        lines=(_ended(sides, answer),),
    )
    parts: list[Step] = [first]
    answers = [answer]
    for n in range(2, order + 1):
        again = derive(answers[-1], t)
        raw = again.result / dx.result
        answer = final_form(raw, t) if simplify else raw
        label = sympy.Derivative(sympy.Function(y_name.name)(x_name), (x_name, n))
        sides = (label, Ratio(again.result, dx.result))
        previous = f"d{y_name}/d{x_name}" if n == 2 else f"d^{n - 1}{y_name}/d{x_name}^{n - 1}"
        parts.append(
            AlgebraStep(
                rule=Rule.PARAMETRIC,
                expr=y_name,
                wrt=x_name,
                order=n,
                result=answer,
                text=say(
                    f"The next derivative is again a derivative by {x_name}: d/d{x_name} = "
                    f"(d/d{t})/(d{x_name}/d{t}). Differentiate {previous} = ", answers[-1],
                    f" with respect to {t}, then divide by d{x_name}/d{t} = ", dx.result, ".",
                ),
                substeps=(again,),
                lines=(_ended(sides, answer),),
            )
        )
        answers.append(answer)
    return Parametric(
        input=input, x=x, y=y, wrt=wrt, order=order, parts=tuple(parts), answers=tuple(answers)
    )
