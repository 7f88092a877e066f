"""Implicit differentiation and related rates: differentiate an equation, then solve.

``x² + y² = 25`` with ``y = y(x)``: differentiate both sides with respect to
``x`` (each side by the ordinary rules; wherever ``y`` appears the chain rule
gives a factor ``dy/dx``: ``d/dx y² = 2y·dy/dx``), then collect the terms with
``dy/dx``, factor it out and divide::

    2x + 2y·dy/dx = 0   →   2y·dy/dx = -2x   →   dy/dx = -x/y

A higher order differentiates the answer again (``y`` still a function of
``x``), substitutes ``dy/dx``, simplifies, and uses the equation itself where
that shortens the answer (``x⁴ + y⁴ = 16`` gives ``y'' = -48x²/y⁷``).

Related rates are the same with ``t``: quantities that change with time are
declared ``r = r(t)`` (``where``), the equation is differentiated by ``t``,
and the unknown rate is solved for (``2x·dx/dt + 2y·dy/dt = 0``).

The engine (``engine.derive(..., implicit=...)``) reads the input and hands
over a function that derives one expression; this module builds the steps and
the result, and checks them: the engine's steps as every derivation's, the
algebra by ``chainrule.derivation.equations`` (the equation's derivative holds
identically once ``dy/dx`` is the answer).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

import sympy

from chainrule.derivation.equations import (
    MAX_EXPAND_OPS,
    AlgebraStep,
    OfParts,
    Side,
    dependent_functions,
    function_form,
    holds_identically,
    holds_on_curve,
    plain_form,
    rate_name,
    side_value,
    textbook_signs,
    use_equation,
)
from chainrule.derivation.model import Binding, Derivation, Equals, Part, Rule, Step, listing, say
from chainrule.derivation.simplify import final_form
from chainrule.display import Displayable
from chainrule.errors import UnsupportedError, UsageError, VariableError, VerificationError
from chainrule.parsing.inputs import read_equation, read_symbol
from chainrule.printing import plain
from chainrule.written import evaluated

__all__ = ["Implicit", "explain", "read"]

Derive = Callable[[sympy.Expr, sympy.Symbol], Step]


@dataclass(frozen=True, kw_only=True)
class Implicit(OfParts, Displayable):
    """An equation differentiated implicitly (or related rates), step by step.

    Args:
        input: the equation as typed.
        equation: the equation, ``Eq(lhs, rhs)``, in plain names (``y``, not ``y(x)``).
        wrt: the variable (``x``; ``t`` for related rates).
        unknown: the quantity whose derivative is found (``y``).
        order: how many times it is differentiated.
        where: every quantity that changes with ``wrt``, as ``(y, y(x))`` pairs.
        parts: the top-level steps, in reading order.
        answers: ``dy/dx``, ``d²y/dx²``, ... up to ``order``: plain names, derivatives of
            the other quantities as ``Derivative(r(t), t)``.
    """

    view_kind: ClassVar[str] = "implicit"

    input: str
    equation: sympy.Eq
    wrt: sympy.Symbol
    unknown: sympy.Symbol
    order: int
    where: tuple[Binding, ...]
    parts: tuple[Step, ...]
    answers: tuple[sympy.Expr, ...]

    @property
    def result(self) -> sympy.Expr:
        """The answer: the ``order``-th derivative of ``unknown``."""
        return self.answers[-1]

    @property
    def functions(self) -> dict[sympy.Symbol, sympy.Expr]:
        """Each quantity that changes with ``wrt`` and its function: ``{y: y(x)}``."""
        return dict(self.where)

    @property
    def related_rates(self) -> bool:
        """Several quantities change with the variable: a related-rates problem."""
        return len(self.where) > 1

    def verify(self) -> Implicit:
        """Check every step; raise ``VerificationError`` naming a false one."""
        functions = self.functions
        known: dict[sympy.Symbol, sympy.Expr] = {}
        order = 1
        for part in self.parts:
            if not isinstance(part, AlgebraStep):
                raise VerificationError(f"step {part.rule.value!r} is not a step of this kind", step=part)
            if part.rule is Rule.IMPLICIT:
                _as_derivation(self, part).verify()
                continue
            order = part.order
            answer = {**known, rate_name(self.unknown, order): part.result}
            if part.rule is Rule.USE_EQUATION:
                _check_on_curve(self, part)
            else:
                holds_identically(part, answer, functions)
            if part.rule is Rule.SOLVE:
                _check_solves(self, part, functions)
            known[rate_name(self.unknown, order)] = part.result
        return self


def _as_derivation(result: Implicit, step: Step) -> Derivation:
    """An ``implicit`` step (both sides differentiated) as a derivation of ``lhs - rhs``."""
    return Derivation(
        input=result.input,
        expr=step.expr,
        wrt=step.wrt,
        order=1,
        root=step,
        raw_result=step.result,
        result=step.result,
        where=result.where,
    )


def _check_solves(result: Implicit, step: AlgebraStep, functions: Mapping[sympy.Symbol, sympy.Expr]) -> None:
    """The answer makes the differentiated equation hold identically (``y`` and ``x`` independent)."""
    differentiated = next(p for p in result.parts if p.rule is Rule.IMPLICIT)
    check = AlgebraStep(
        rule=Rule.SOLVE, expr=step.expr, wrt=step.wrt, result=step.result, text=step.text,
        lines=((differentiated.result, sympy.S.Zero),),
    )
    holds_identically(check, {rate_name(result.unknown): step.result}, functions)


def _check_on_curve(result: Implicit, step: AlgebraStep) -> None:
    """Each side after the first equals the one before the equation was used, on the curve."""
    (_, before, *after) = step.lines[0]
    curve = evaluated(result.equation.lhs - result.equation.rhs)
    for side in after:
        holds_on_curve(side_value(before), side_value(side).doit(), curve, result.unknown, step=step)


# ---------------------------------------------------------------------------
# Reading what is asked (the engine passes its helpers: this module does not import it).

ChooseWrt = Callable[
    [sympy.Expr, "str | sympy.Symbol | None", Mapping[sympy.Symbol, sympy.Expr]], sympy.Symbol
]
MakeEngine = Callable[[Sequence[sympy.Expr], sympy.Symbol, dict[sympy.Symbol, sympy.Expr]], Derive]


def read(
    expr: str | sympy.Basic,
    wrt: str | sympy.Symbol | None,
    *,
    implicit: str | sympy.Symbol,
    order: int,
    where: dict[sympy.Symbol, sympy.Expr],
    simplify: bool,
    choose_wrt: ChooseWrt,
    make_engine: MakeEngine,
) -> Implicit:
    """Read the equation, the unknown and the quantities that change (``where``), then explain."""
    text = expr if isinstance(expr, str) else sympy.sstr(expr)
    equation = read_equation(expr)
    unknown = read_symbol(implicit, parameter="implicit")
    sides = equation.lhs - equation.rhs
    if unknown not in sides.free_symbols:
        raise VariableError(
            f"{unknown} ({{implicit}}) does not appear in {plain(equation.lhs)} = {plain(equation.rhs)}",
            parameters=("implicit",),
        )
    variable = choose_wrt(sides, wrt, {**where, unknown: sympy.S.Zero})
    where = {**where}
    where.setdefault(unknown, sympy.Function(unknown.name)(variable))
    functions = dependent_functions(where.items(), variable)
    odd = [name for name in where if name not in functions]
    if odd:
        raise UsageError(
            f"with {{implicit}}, {{where}} names quantities that change with {variable}, as "
            f"{odd[0]}={odd[0]}({variable}); not {odd[0]} = {plain(where[odd[0]])}",
            parameters=("implicit", "where"),
        )
    derive = make_engine([equation.lhs, equation.rhs], variable, where)
    return explain(
        input=text, equation=equation, wrt=variable, unknown=unknown, order=order, where=functions,
        derive=derive, simplify=simplify,
    )


# ---------------------------------------------------------------------------
# Building the steps.


def explain(
    *,
    input: str,  # noqa: A002 - what the user typed
    equation: sympy.Eq,
    wrt: sympy.Symbol,
    unknown: sympy.Symbol,
    order: int,
    where: Mapping[sympy.Symbol, sympy.Expr],
    derive: Derive,
    simplify: bool = True,
) -> Implicit:
    """The steps of differentiating ``equation`` implicitly; ``derive`` is the engine's.

    Args:
        where: the quantities that change with ``wrt``, ``{y: y(x)}``, the unknown among them.
        derive: derives one expression by ``wrt`` (with ``where`` known to it).
    """
    functions = dict(where)
    if order > 1 and len(functions) > 1:
        raise UnsupportedError(
            "a second derivative is explained for one quantity that depends on the variable "
            f"(here {', '.join(s.name for s in functions)} do)"
        )
    lhs, rhs = equation.lhs, equation.rhs
    both = _both_sides(lhs, rhs, wrt, functions, derive)
    solve = _solve(both, unknown, wrt, functions, simplify)
    parts: list[Step] = [both, solve]
    answers = [solve.result]
    for n in range(2, order + 1):
        again = derive(answers[-1], wrt)
        parts.append(_again(again, answers[-1], unknown, wrt, n, functions))
        substituted = _substitute(again, answers[0], unknown, wrt, n, functions, simplify)
        parts.append(substituted)
        final = substituted.result
        variables = sorted(lhs.free_symbols | rhs.free_symbols, key=lambda s: s.name)
        used = use_equation(final, evaluated(lhs), evaluated(rhs), variables)
        if used is not None and simplify:
            parts.append(_use(equation, final, used, unknown, wrt, n))
            final = used[1]
        answers.append(final)
    return Implicit(
        input=input,
        equation=equation,
        wrt=wrt,
        unknown=unknown,
        order=order,
        where=tuple(functions.items()),
        parts=tuple(parts),
        answers=tuple(answers),
    )


def _names(functions: Mapping[sympy.Symbol, sympy.Expr]) -> list[Part]:
    return listing([Equals(name, f) for name, f in functions.items()])


def _both_sides(
    lhs: sympy.Expr, rhs: sympy.Expr, wrt: sympy.Symbol, functions: Mapping[sympy.Symbol, sympy.Expr],
    derive: Derive,
) -> AlgebraStep:
    left, right = derive(lhs, wrt), derive(rhs, wrt)
    quantities = " and ".join(s.name for s in functions)
    verb = "is a function" if len(functions) == 1 else "are functions"
    anywhere = " or ".join(s.name for s in functions)
    factors = " or ".join(f"d{s.name}/d{wrt}" for s in functions)
    return AlgebraStep(
        rule=Rule.IMPLICIT,
        expr=lhs - rhs,
        wrt=wrt,
        result=left.result - right.result,
        text=say(
            "Differentiate both sides of ", Equals(lhs, rhs), f" with respect to {wrt}. ",
            f"{quantities} {verb} of {wrt} (", *_names(functions), f"), so wherever {anywhere} appears, "
            f"the chain rule gives a factor {factors}.",
        ),
        substeps=(left, right),
        sides=(lhs, rhs),
        lines=((left.result, right.result),),
    )


def _solve(
    both: AlgebraStep,
    unknown: sympy.Symbol,
    wrt: sympy.Symbol,
    functions: Mapping[sympy.Symbol, sympy.Expr],
    simplify: bool,
) -> AlgebraStep:
    """Collect the terms with ``dy/dx``, factor it out, divide: ``dy/dx = -A/B``."""
    rate = sympy.Derivative(functions[unknown], wrt)
    p = sympy.Dummy("p")
    equation = function_form(both.result, functions).xreplace({rate: p})
    a, b = equation.subs(p, 0), equation.diff(p)
    if sympy.expand(b) == 0:
        raise UnsupportedError(
            f"d{unknown}/d{wrt} does not appear once both sides are differentiated: "
            f"{unknown} cannot be solved for"
        )
    if sympy.expand(equation.diff(p, 2)) != 0:  # pragma: no cover - the chain rule is linear in dy/dx
        raise UnsupportedError(f"the differentiated equation is not linear in d{unknown}/d{wrt}")
    shown_a = sympy.factor_terms(plain_form(-a, functions))
    shown_b = sympy.factor_terms(plain_form(b, functions))
    lines: list[tuple[Side, ...]] = []
    expanded = sympy.expand(equation) if sympy.count_ops(equation) <= MAX_EXPAND_OPS else None
    with_rate = [t for t in sympy.Add.make_args(expanded) if t.has(p)] if expanded is not None else []
    if len(with_rate) > 1:
        rest = -sympy.Add(*(t for t in sympy.Add.make_args(expanded) if not t.has(p)))
        lines.append((plain_form(sympy.Add(*with_rate).xreplace({p: rate}), functions),
                      plain_form(rest, functions)))
    lines.append(((shown_b, rate), shown_a))
    raw = shown_a / shown_b
    answer = _final(raw, wrt) if simplify else raw
    lines.append((rate, raw, answer) if answer != raw else (rate, raw))
    return AlgebraStep(
        rule=Rule.SOLVE,
        expr=unknown,
        wrt=wrt,
        result=answer,
        text=say(
            f"Solve for d{unknown}/d{wrt}: collect the terms with d{unknown}/d{wrt} on one side, "
            "factor it out, and divide by ", shown_b, ".",
        ),
        lines=tuple(lines),
    )


def _final(raw: sympy.Expr, wrt: sympy.Symbol) -> sympy.Expr:
    """``-A/B`` in textbook form: ``simplify.final_form`` of the quotient, or of it with the outer
    product multiplied out (``(2x - 1/B)·B`` is ``2x·B - 1``), whichever is shorter."""
    forms = [final_form(raw, wrt)]
    if isinstance(raw, sympy.Mul):
        for factor in raw.args:
            if isinstance(factor, sympy.Add):
                rest = sympy.Mul(*(f for f in raw.args if f is not factor))
                forms.append(final_form(sympy.Add(*(term * rest for term in factor.args)), wrt))
    return textbook_signs(min(forms, key=sympy.count_ops))


def _again(
    again: Step, previous: sympy.Expr, unknown: sympy.Symbol, wrt: sympy.Symbol, n: int,
    functions: Mapping[sympy.Symbol, sympy.Expr],
) -> AlgebraStep:
    """Differentiate ``d^(n-1)y/dx^(n-1) = previous`` once more: one side, the ordinary rules."""
    f = functions[unknown]
    return AlgebraStep(
        rule=Rule.IMPLICIT,
        expr=previous,
        wrt=wrt,
        result=again.result,
        text=say(
            f"Differentiate d{'^' + str(n - 1) if n > 2 else ''}{unknown}/d{wrt}"
            f"{'^' + str(n - 1) if n > 2 else ''} = ", previous, f" with respect to {wrt}; "
            f"{unknown} is still a function of {wrt}, so the chain rule gives d{unknown}/d{wrt} again.",
        ),
        substeps=(again,),
        sides=(sympy.Derivative(f, (wrt, n - 1)), previous),
        lines=((sympy.Derivative(f, (wrt, n)), again.result),),
    )


def _substitute(
    again: Step, first: sympy.Expr, unknown: sympy.Symbol, wrt: sympy.Symbol, n: int,
    functions: Mapping[sympy.Symbol, sympy.Expr], simplify: bool,
) -> AlgebraStep:
    f = functions[unknown]
    rate = sympy.Derivative(f, wrt)
    replaced = function_form(again.result, functions).xreplace({rate: function_form(first, functions)})
    substituted = plain_form(replaced, functions)
    simplified = final_form(substituted, wrt) if simplify else substituted
    factored = sympy.factor(simplified) if simplify else simplified
    if sympy.count_ops(factored) <= sympy.count_ops(simplified):
        simplified = factored
    sides: tuple[Side, ...] = (sympy.Derivative(f, (wrt, n)), substituted)
    if simplified != substituted:
        sides = (*sides, simplified)
    return AlgebraStep(
        rule=Rule.SUBSTITUTE,
        expr=unknown,
        wrt=wrt,
        order=n,
        result=simplified,
        text=say(f"Substitute d{unknown}/d{wrt} = ", first, " and simplify."),
        lines=(sides,),
    )


def _use(
    equation: sympy.Eq, before: sympy.Expr, used: tuple[sympy.Expr, sympy.Expr], unknown: sympy.Symbol,
    wrt: sympy.Symbol, n: int,
) -> AlgebraStep:
    shown, after = used
    sides: tuple[Side, ...] = (sympy.Derivative(sympy.Function(unknown.name)(wrt), (wrt, n)), before, shown)
    if shown != after:
        sides = (*sides, after)
    return AlgebraStep(
        rule=Rule.USE_EQUATION,
        expr=unknown,
        wrt=wrt,
        order=n,
        result=after,
        text=say(
            "At the points of the curve ", Equals(equation.lhs, equation.rhs), ": use the equation "
            "to simplify (the answer holds on the curve).",
        ),
        lines=(sides,),
        equation=(equation.lhs, equation.rhs),
    )
