"""Check a student's derivative: right, wrong or undecided; where it differs; which mistake.

``check(expr, answer)`` derives ``expr`` step by step, then decides whether
the answer equals the derivative (``chainrule.homework.equality``: exactly
where algebra can, at chosen points where it must, and "could not decide"
rather than a guess), so any equivalent form is right: ``cos(x^2)*2x`` for
``sin(x^2)``, ``1 + tan(x)^2`` for ``tan(x)``. A wrong answer gets a point
where the two differ and a diagnosis (``chainrule.homework.mistakes``): the
classic mistake that gives it, with the step number of ``chainrule derive``,
both when two do, two made together, or else the first step where it leaves
the right derivation.

>>> result = check("sin(x^2)", "cos(x^2)")
>>> result.correct
False
>>> print(result.mistake)
In step 1 you wrote cos(x²) for d/dx sin(x²), leaving out the derivative of the inner \
function x²; the chain rule multiplies by it: d/dx sin(x²) = 2x·cos(x²).
>>> check("sin(x^2)", "2x cos(x^2)").correct
True
>>> check("5", "1").mistake.name
'constant_derivative_one'
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

import mpmath
import sympy

from chainrule.derivation.model import Derivation
from chainrule.display import Displayable
from chainrule.homework.equality import decide
from chainrule.homework.mistakes import Diagnosis, Misstep, diagnose
from chainrule.homework.points import show_point, simple_point
from chainrule.parsing.inputs import read_expr
from chainrule.recursion import run_deep
from chainrule.written import evaluated

#: The variable of an exercise that has none (``check 5 1``): a constant's derivative is 0 by any.
DEFAULT_VARIABLE = "x"

Mistake = Misstep
"""The name this library gave a misstep before; the same class."""


@dataclass(frozen=True, kw_only=True)
class Counterexample:
    """A point where the answer and the derivative differ, with both values.

    The values are complex (``mpmath.mpc``) where the expression is real nowhere, or
    where the answer is not real although the derivative is.
    """

    point: tuple[tuple[sympy.Symbol, sympy.Expr], ...]
    expected_value: mpmath.mpf | mpmath.mpc
    got_value: mpmath.mpf | mpmath.mpc
    difference: mpmath.mpf | mpmath.mpc | None = None


@dataclass(frozen=True, kw_only=True)
class CheckResult(Displayable):
    """The verdict on one answer.

    Args:
        correct: ``True``, ``False``, or ``None`` when it could not be decided.
        decided_by: ``"exact"`` (algebra), ``"numeric"`` (agreement or a difference at
            points) or ``"undecided"``.
        reason: one sentence: how it was decided, or why it could not be.
        checked: the points compared (before the first difference, for a wrong answer).
        counterexample: a point where they differ, when one was found.
        diagnosis: for a wrong answer, the classic mistakes that give it, or the first
            step where it differs.
    """

    view_kind: ClassVar[str] = "check"

    expr: sympy.Expr
    answer: sympy.Expr
    wrt: sympy.Symbol
    correct: bool | None
    expected: sympy.Expr
    derivation: Derivation
    checked: int
    decided_by: str = "exact"
    reason: str = ""
    counterexample: Counterexample | None = None
    diagnosis: Diagnosis | None = None

    @property
    def mistake(self) -> Misstep | None:
        """The first mistake named (the only one, unless two are named), or ``None``."""
        if self.diagnosis is None or not self.diagnosis.explanations:
            return None
        return self.diagnosis.explanations[0].missteps[0]

    @property
    def exit_code(self) -> int:
        """What ``chainrule check`` exits with: 0 right, 1 wrong or undecided."""
        return 0 if self.correct else 1


def check(
    expr: str | sympy.Expr, answer: str | sympy.Expr, wrt: str | sympy.Symbol | None = None
) -> CheckResult:
    """Say whether ``answer`` is the derivative of ``expr``, and if not, why.

    Args:
        expr: what is differentiated, as text (the safe parser reads it) or SymPy.
        answer: the proposed derivative, likewise.
        wrt: the variable; inferred when ``expr`` has exactly one (when it has none,
            the answer's only variable, else ``x``: the derivative is 0 either way).
    """
    return run_deep(_check, expr, answer, wrt)


def _check(expr: str | sympy.Expr, answer: str | sympy.Expr, wrt: str | sympy.Symbol | None) -> CheckResult:
    from chainrule.derivation.entry import derive

    proposed = read_expr(answer, parameter="answer")
    if wrt is None and not read_expr(expr).free_symbols:
        names = sorted(s.name for s in proposed.free_symbols if isinstance(s, sympy.Symbol))
        wrt = names[0] if len(names) == 1 else DEFAULT_VARIABLE
    derivation = derive(expr, wrt)
    return judge(derivation, _same_symbols(proposed, derivation))


def judge(derivation: Derivation, answer: sympy.Expr) -> CheckResult:
    """The verdict on ``answer`` as the derivative that ``derivation`` explains."""
    as_sympy = evaluated(answer)  # the answer as typed is kept for display; SymPy's form is compared
    decision = decide(derivation.result, as_sympy, domain=derivation.expr)
    counter, reason = None, decision.reason
    at, want, have = decision.point, decision.expected_value, decision.answer_value
    if at is not None and want is not None and have is not None:
        counter = Counterexample(
            point=at,
            expected_value=want,
            got_value=have,
            difference=decision.difference,
        )
        simpler = _simpler(counter, derivation, as_sympy)
        if simpler is not counter:
            counter, reason = simpler, f"they differ at {show_point(simpler.point)}"
    return CheckResult(
        expr=derivation.expr,
        answer=answer,
        wrt=derivation.wrt,
        correct=decision.equal,
        expected=derivation.result,
        derivation=derivation,
        checked=decision.checked,
        decided_by=decision.by,
        reason=reason,
        counterexample=counter,
        diagnosis=diagnose(derivation, as_sympy) if decision.equal is False else None,
    )


def _simpler(counter: Counterexample, derivation: Derivation, answer: sympy.Expr) -> Counterexample:
    """The same verdict shown at a point a student can check by hand (x = 1, 2, 1/2, ...), when
    one shows the difference as clearly; an impulse's or a complex value's point is kept."""
    if not (isinstance(counter.expected_value, mpmath.mpf) and isinstance(counter.got_value, mpmath.mpf)):
        return counter
    variables = [s for s, _ in counter.point]
    found = simple_point(variables, derivation.expr, derivation.result, answer)
    if found is None:
        return counter
    point, want, have = found
    return Counterexample(
        point=tuple((v, point[v]) for v in variables),
        expected_value=want,
        got_value=have,
        difference=want - have,
    )


def _same_symbols(answer: sympy.Expr, derivation: Derivation) -> sympy.Expr:
    """The answer's symbols replaced by the derivation's of the same name (real ones)."""
    by_name: Mapping[str, sympy.Symbol] = {
        s.name: s for s in derivation.expr.free_symbols | {derivation.wrt} if isinstance(s, sympy.Symbol)
    }
    swap = {
        s: by_name[s.name]
        for s in answer.free_symbols
        if isinstance(s, sympy.Symbol) and s.name in by_name and s != by_name[s.name]
    }
    return answer.xreplace(swap) if swap else answer
