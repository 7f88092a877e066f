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

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import mpmath
import sympy

from chainrule.derivation.model import Binding, Derivation, Step
from chainrule.derivation.verify import compare
from chainrule.errors import UsageError
from chainrule.homework.mistakes import Found, candidates, d_dx, step_label
from chainrule.printing import plain

SCHEMA = "chainrule/check@1"


@dataclass(frozen=True, kw_only=True)
class Counterexample:
    """A point where the answer and the derivative differ, with both values.

    The values are complex (``mpmath.mpc``) only where the expression is real nowhere.
    """

    point: tuple[tuple[sympy.Symbol, sympy.Float], ...]
    expected_value: mpmath.mpf | mpmath.mpc
    got_value: mpmath.mpf | mpmath.mpc

    @property
    def point_text(self) -> str:
        return ", ".join(f"{s} = {_number(v)}" for s, v in self.point)

    def __str__(self) -> str:
        return (
            f"at {self.point_text} the derivative is {_number(self.expected_value)} "
            f"but the answer is {_number(self.got_value)}"
        )


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

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "step": {
                "label": self.label,
                "rule": self.step.rule.value,
                "expr": sympy.sstr(self.step.expr),
                "wrt": str(self.step.wrt),
                "result": sympy.sstr(self.step.result),
            },
            "where": {str(n): sympy.sstr(e) for n, e in self.where},
            "count": self.count,
            "explanation": self.explanation,
            "wrong_result": sympy.sstr(self.wrong_result),
        }


@dataclass(frozen=True, kw_only=True)
class CheckResult:
    """The verdict on one answer.

    ``correct`` is ``True`` or ``False``, or ``None`` when there is no point
    where the expression, the derivative and the answer are all defined, so
    nothing can be compared. ``checked`` counts the points compared.
    """

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

    def to_text(self) -> str:
        """The verdict in a few plain lines."""
        d = d_dx(self.expr, self.wrt)
        if self.correct:
            same = plain(self.answer) == plain(self.expected)
            extra = "" if same else f" (the same as {plain(self.expected)})"
            return f"Correct: {plain(self.answer)} is {d}{extra}.\n"
        if self.correct is None:
            return (
                f"Cannot tell: there is no point where {plain(self.expr)}, its derivative "
                f"{plain(self.expected)} and the answer {plain(self.answer)} are all defined, "
                "so they cannot be compared.\n"
            )
        lines = [
            f"Wrong: {plain(self.answer)} is not {d}.",
            f"The derivative is {plain(self.expected)}.",
        ]
        if self.counterexample is not None:
            lines.append(f"They differ: {self.counterexample}.")
        if self.mistake is not None:
            lines.append(f"Mistake: {self.mistake}")
        else:
            lines.append("It does not match a classic mistake; compare with the steps of chainrule derive.")
        return "\n".join(lines) + "\n"

    def __str__(self) -> str:
        return self.to_text().rstrip("\n")

    def to_dict(self) -> dict[str, Any]:
        """A ``chainrule/check@1`` object."""
        counter = None
        if self.counterexample is not None:
            c = self.counterexample
            counter = {
                "point": {str(s): _number(v) for s, v in c.point},
                "expected": _number(c.expected_value),
                "answer": _number(c.got_value),
            }
        return {
            "schema": SCHEMA,
            "expr": sympy.sstr(self.expr),
            "answer": sympy.sstr(self.answer),
            "wrt": str(self.wrt),
            "correct": self.correct,
            "expected": sympy.sstr(self.expected),
            "checked_points": self.checked,
            "counterexample": counter,
            "mistake": self.mistake.to_dict() if self.mistake is not None else None,
        }

    def to_json(self, *, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False) + "\n"

    def __rich__(self) -> Any:
        from rich.panel import Panel
        from rich.text import Text

        if self.correct:
            style, title = "green", "correct"
        elif self.correct is None:
            style, title = "yellow", "cannot tell"
        else:
            style, title = "red", "wrong"
        body = Text(self.to_text().rstrip("\n"))
        body.highlight_words(["Correct:", "Wrong:", "Cannot tell:"], style=f"bold {style}")
        body.highlight_words(["Mistake:"], style="bold")
        return Panel(body, title=title, title_align="left", border_style=style, expand=False)

    # Jupyter: a cell ending in a check shows the verdict (and the steps, folded).
    def _repr_html_(self) -> str:
        from chainrule.views.jupyter import check_html

        return check_html(self)

    def _repr_latex_(self) -> str:
        from chainrule.views.jupyter import check_latex

        return check_latex(self)

    def _repr_markdown_(self) -> str:
        from chainrule.views.jupyter import check_markdown

        return check_markdown(self)


def check(
    expr: str | sympy.Expr, answer: str | sympy.Expr, wrt: str | sympy.Symbol | None = None
) -> CheckResult:
    """Say whether ``answer`` is the derivative of ``expr``, and if not, why.

    Args:
        expr: what is differentiated, as text (the safe parser reads it) or SymPy.
        answer: the proposed derivative, likewise.
        wrt: the variable; inferred when ``expr`` has exactly one.
    """
    from chainrule.derivation.engine import deep_recursion, derive

    with deep_recursion():
        derivation = derive(expr, wrt)
        answer_expr = _same_symbols(_read_answer(answer), derivation)
        return _judge(derivation, answer_expr)


def _read_answer(answer: str | sympy.Expr) -> sympy.Expr:
    """Text through the safe parser (never ``sympify``); SymPy objects as they are."""
    if isinstance(answer, str):
        from chainrule.parsing import parse

        return parse(answer)
    if not isinstance(answer, sympy.Expr):
        raise UsageError(f"expected a string or a SymPy expression, not {type(answer).__name__}")
    return answer


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
        label=step_label(found.path),
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


def _number(value: Any) -> str:
    """Six significant digits; a complex value (where the expression is real nowhere) as ``(a + bj)``."""
    if not isinstance(value, (mpmath.mpf, mpmath.mpc)):
        value = mpmath.mpf(value)
    return str(mpmath.nstr(value, 6))
