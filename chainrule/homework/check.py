"""Check a student's derivative: right or wrong, where it differs, and which mistake.

``check(expr, answer)`` derives ``expr`` step by step, then compares the
answer with the derivative numerically (``chainrule.derivation.verify.compare``), so
any equivalent form is right: ``cos(x^2)*2x`` for ``sin(x^2)``, ``1 +
tan(x)^2`` for ``tan(x)``. A wrong answer gets a point where the two differ,
and, when it matches a classic mistake (``chainrule.homework.mistakes``), that
mistake's name and the step where it happens.

The module is ``checking`` so that ``chainrule.check`` stays the function.

>>> result = check("sin(x^2)", "cos(x^2)")
>>> result.correct
False
>>> print(result.mistake)
the chain rule without the inner derivative, in step 1 (chain rule on sin(x**2)): d/dx sin(x**2) \
needs the derivative of the inner function x**2 (its derivative is 2*x), which is missing.
>>> check("sin(x^2)", "2x cos(x^2)").correct
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import mpmath
import sympy

from chainrule.derivation.model import Binding, Derivation, Step
from chainrule.derivation.numbering import label_of
from chainrule.derivation.verify import compare
from chainrule.display import Displayable
from chainrule.homework.mistakes import Found, candidates
from chainrule.parsing.inputs import read_expr
from chainrule.printing import plain
from chainrule.recursion import run_deep


@dataclass(frozen=True, kw_only=True)
class Counterexample:
    """A point where the answer and the derivative differ, with both values.

    The values are complex (``mpmath.mpc``) only where the expression is real nowhere.
    """

    point: tuple[tuple[sympy.Symbol, sympy.Float], ...]
    expected_value: mpmath.mpf | mpmath.mpc
    got_value: mpmath.mpf | mpmath.mpc


@dataclass(frozen=True, kw_only=True)
class Mistake:
    """A classic mistake that reproduces a wrong answer.

    Args:
        name: the catalogue's identifier, e.g. ``chain_rule_without_inner_derivative``.
        title: what it is, e.g. "the chain rule without the inner derivative".
        step: the step of the correct derivation where it happens.
        label: that step's number as ``chainrule derive`` shows it (``1.2``).
        explanation: one sentence on what goes wrong there.
        wrong_result: the whole derivative as the mistake makes it.
        count: at how many steps it was made (more than 1: everywhere the rule is used).
        where: the intermediate variables the step uses (``u = x**2``).
    """

    name: str
    title: str
    step: Step
    label: str
    explanation: str
    wrong_result: sympy.Expr
    count: int = 1
    where: tuple[Binding, ...] = ()

    @property
    def location(self) -> str:
        """``step 1.2 (chain rule on exp(5*x))``, with the names it uses."""
        places = f"step {self.label}"
        if self.count > 1:
            places = f"{self.count} steps, the first {places}"
        defs = "".join(f", {n} = {plain(e)}" for n, e in self.where)
        return f"{places} ({self.step.rule.title} rule on {plain(self.step.expr)}{defs})"

    def __str__(self) -> str:
        return f"{self.title}, in {self.location}: {self.explanation}"


@dataclass(frozen=True, kw_only=True)
class CheckResult(Displayable):
    """The verdict on one answer.

    ``correct`` is ``True`` or ``False``, or ``None`` when there is no point
    where the expression, the derivative and the answer are all defined, so
    nothing can be compared. ``checked`` counts the points compared.
    """

    view_kind: ClassVar[str] = "check"

    expr: sympy.Expr
    answer: sympy.Expr
    wrt: sympy.Symbol
    correct: bool | None
    expected: sympy.Expr
    derivation: Derivation
    checked: int
    counterexample: Counterexample | None = None
    mistake: Mistake | None = None

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
        wrt: the variable; inferred when ``expr`` has exactly one.
    """
    return run_deep(_check, expr, answer, wrt)


def _check(expr: str | sympy.Expr, answer: str | sympy.Expr, wrt: str | sympy.Symbol | None) -> CheckResult:
    from chainrule.derivation.engine import derive

    derivation = derive(expr, wrt)
    answer_expr = _same_symbols(read_expr(answer, parameter="answer"), derivation)
    return _judge(derivation, answer_expr)


def _judge(derivation: Derivation, answer: sympy.Expr) -> CheckResult:
    domain = derivation.expr
    comparison = compare(derivation.result, answer, domain=domain)
    common: dict[str, Any] = {
        "expr": derivation.expr,
        "answer": answer,
        "wrt": derivation.wrt,
        "expected": derivation.result,
        "derivation": derivation,
        "checked": comparison.checked,
    }
    if comparison.difference is None:
        return CheckResult(correct=True if comparison.checked else None, **common)
    assert comparison.expected_value is not None and comparison.got_value is not None
    counter = Counterexample(
        point=tuple(comparison.difference.items()),
        expected_value=comparison.expected_value,
        got_value=comparison.got_value,
    )
    return CheckResult(
        correct=False, counterexample=counter, mistake=find_mistake(derivation, answer), **common
    )


def find_mistake(derivation: Derivation, answer: sympy.Expr) -> Mistake | None:
    """The first classic mistake whose wrong derivative equals ``answer``, if any."""
    for found in candidates(derivation.root):
        if compare(found.result, answer, domain=derivation.expr).equal:
            return _mistake(found, derivation)
    return None


def _mistake(found: Found, derivation: Derivation) -> Mistake:
    # The names bound above the step that its expression uses: "u = x**2".
    scope: dict[sympy.Symbol, sympy.Expr] = {}
    step = derivation.root
    for i in found.path:
        scope.update(step.bindings_dict)
        step = step.substeps[i]
    used = found.step.expr.free_symbols | {found.step.wrt}
    where = tuple((n, e) for n, e in scope.items() if n in used)
    return Mistake(
        name=found.mistake.name,
        title=found.mistake.title,
        step=found.step,
        label=label_of(derivation, found.step),
        explanation=found.wrong.why,
        wrong_result=found.result,
        count=found.count,
        where=where,
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
