"""Is the answer the derivative? Decided exactly where it can be, by evidence where it must be.

A checker that says "Correct" to a wrong answer does more harm than none, so
``decide`` says ``equal=None`` ("could not decide") rather than guess. It looks
at the difference ``D = expected - answer`` (decimals read as the decimals
they show, ``0.1`` as ``1/10``):

1. **Exactly.** ``D`` is 0 as SymPy builds it, after ``expand`` or after
   ``cancel`` (functions taken as unknowns): equal. ``D`` a nonzero number, or
   a nonzero rational function of the variables: different. Impulses
   (``DiracDelta(g)``, the derivative of a step) are weighed at the roots of
   ``g``, where sampling never lands.
2. **At points** (``points.py``). Otherwise ``D`` is evaluated with 80 digits at
   ordinary points, at the scales of the numbers in the exercise and the answer
   (``10**6`` in ``max(x - 10**6, 0)``) and around every point where a
   piecewise or non-smooth part switches (``Heaviside``, ``Abs``, ``sign``,
   ``Max``, ``Min``, ``Piecewise``, ``relu``). ``D`` counts as zero at a point
   only when it is below ``10**-60`` of its largest term there: terms that
   cancel. So ``10**-100*x`` is not zero, and ``10**100*x + 1`` differs from
   ``10**100*x``. Agreement everywhere is "equal, by points", made "exact" when
   a (bounded) ``simplify`` then reduces ``D`` to 0.
3. **Undecided** when too few points can be compared or the switch points of a
   part cannot all be found (``floor``, a step of ``sin(x)``).

Answers with undefined functions (``f(x**2)``) are compared by
``chainrule.derivation.verify.compare``, which replaces them by fixed concrete
functions; that is numeric evidence, and is labelled so.

>>> import sympy
>>> x = sympy.Symbol("x", real=True)
>>> decide(2 * x, 2 * x + sympy.Heaviside(x - 50)).equal
False
>>> decide(sympy.tan(x) ** 2 + 1, sympy.sec(x) ** 2).by
'exact'
>>> decide(sympy.sign(x), x / sympy.Abs(x)).by
'numeric'
>>> decide(x / 5, sympy.Float(0.2) * x).by
'exact'
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import mpmath
import sympy
from sympy.core.function import AppliedUndef

from chainrule.derivation.simplify import final_form
from chainrule.derivation.verify import compare
from chainrule.homework.points import (
    CANCELLED,
    DIGITS,
    Sampled,
    Sampler,
    decimal_number,
    real_roots,
    show_number,
    show_point,
    small,
    value_at,
)
from chainrule.printing import plain

#: Points that must be compared before sampling alone may say "equal".
MIN_POINTS = 4

@dataclass(frozen=True, kw_only=True)
class Decision:
    """Whether two expressions are equal, and how that was decided.

    Args:
        equal: ``True``, ``False``, or ``None`` when it could not be decided.
        by: ``"exact"`` (algebra), ``"numeric"`` (points) or ``"undecided"``.
        reason: one sentence: how it was decided, or why it could not be.
        checked: the points where both were compared (before a difference).
        point: a point where they differ, when one was found.
        expected_value: the first expression's value there.
        answer_value: the second's.
        difference: the first minus the second there, with all the digits it needs.
    """

    equal: bool | None
    by: str
    reason: str
    checked: int = 0
    point: tuple[tuple[sympy.Symbol, sympy.Expr], ...] | None = None
    expected_value: mpmath.mpf | mpmath.mpc | None = None
    answer_value: mpmath.mpf | mpmath.mpc | None = None
    difference: mpmath.mpf | mpmath.mpc | None = None


def decide(
    expected: sympy.Expr | int | float,
    answer: sympy.Expr | int | float,
    *,
    domain: sympy.Expr | None = None,
    seed: int = 0,
) -> Decision:
    """Whether ``answer`` equals ``expected`` wherever ``domain`` (the exercise) is defined and real.

    Args:
        expected: the right derivative.
        answer: the proposed one.
        domain: the expression differentiated: points where it is undefined or not real
            are not compared (unless it is real nowhere; then values may be complex).
        seed: the seed of the ordinary points, so a decision is the same every time.
    """
    expected, answer = _as_expr(expected), _as_expr(answer)
    if _has_undefined(expected, answer, domain):
        return _by_compare(expected, answer, domain, seed)
    decimals = bool(expected.atoms(sympy.Float) or answer.atoms(sympy.Float))
    difference = _as_decimals(expected) - _as_decimals(answer)
    if difference == 0:
        return Decision(equal=True, by="exact", reason="the difference is 0")
    impulse, difference = _impulses(difference, expected, answer)
    if impulse is not None and impulse.equal is False:
        return impulse
    if difference == 0 and impulse is None:
        return Decision(equal=True, by="exact", reason="the difference simplifies to 0")
    proof = _zero_by_algebra(difference)
    if proof is not None and impulse is None:
        return Decision(equal=True, by="exact", reason=f"the difference is 0 by {proof}")
    # Decimals computed in floating point (0.1/3) need not cancel exactly: no proof of a difference.
    nonzero = None if decimals else _nonzero_by_algebra(difference)
    sampled = Sampler(expected, answer, difference, domain, seed, decimals).run()
    if sampled.point is not None:
        if nonzero is None and not difference.free_symbols and not decimals:
            nonzero = f"the difference is the number {plain(difference)}, which is not 0"
        return Decision(
            equal=False,
            by="exact" if nonzero else "numeric",
            reason=nonzero or f"they differ at {show_point(sampled.point)}",
            checked=sampled.checked,
            point=sampled.point,
            expected_value=sampled.expected_value,
            answer_value=sampled.answer_value,
            difference=sampled.difference,
        )
    if nonzero:
        return Decision(equal=False, by="exact", reason=nonzero, checked=sampled.checked)
    return impulse or _agreed(difference, domain, sampled, decimals)


def _agreed(difference: sympy.Expr, domain: sympy.Expr | None, sampled: Sampled, decimals: bool) -> Decision:
    """The decision when every point agreed: equal, unless too few or the points prove nothing."""
    checked = sampled.checked
    if sampled.unsure:
        return Decision(equal=None, by="undecided", reason=sampled.unsure, checked=checked)
    variables = difference.free_symbols | (domain.free_symbols if domain is not None else set())
    if checked < (MIN_POINTS if variables else 1):
        reason = (
            "there is no point where the expression, the derivative and the answer are all defined"
            if checked == 0
            else f"only {checked} points could be compared"
        )
        return Decision(equal=None, by="undecided", reason=reason, checked=checked)
    simplified = _simplified(difference)
    if simplified is not None and simplified != 0 and not simplified.free_symbols and not decimals:
        reason = f"the difference simplifies to the number {plain(simplified)}, which is not 0"
        return Decision(equal=False, by="exact", reason=reason, checked=checked)
    if simplified == 0:
        return Decision(equal=True, by="exact", reason="the difference simplifies to 0", checked=checked)
    switching = " (among them both sides of every point where a part switches)" if sampled.switches else ""
    return Decision(
        equal=True,
        by="numeric",
        reason=f"they agree to {DIGITS - 20} digits at {checked} points{switching}",
        checked=checked,
    )


# ---------------------------------------------------------------------------- exact


def _as_expr(value: sympy.Expr | int | float) -> sympy.Expr:
    """A number given as Python's is SymPy's (never text: nothing here parses)."""
    if isinstance(value, sympy.Basic):
        return value
    return sympy.Integer(value) if isinstance(value, int) else sympy.Float(value)


def _as_decimals(expr: sympy.Expr) -> sympy.Expr:
    """Floats as the decimals they show (15 significant digits): ``0.1`` is ``1/10``."""
    floats = expr.atoms(sympy.Float)
    if not floats:
        return expr
    return expr.xreplace({f: sympy.Rational(f"{float(f):.15g}") for f in floats if math.isfinite(float(f))})


def _has_undefined(*exprs: sympy.Expr | None) -> bool:
    return any(
        e is not None and (e.atoms(AppliedUndef) or e.has(sympy.Derivative, sympy.Subs)) for e in exprs
    )


def _zero_by_algebra(difference: sympy.Expr) -> str | None:
    """How the difference is seen to be 0 by polynomial algebra (reliable), or ``None``."""
    if not small(difference):
        return None
    try:
        if sympy.expand(difference) == 0:
            return "expanding"
        if sympy.cancel(sympy.together(difference)) == 0:
            return "putting it over a common denominator"
    except (sympy.PolynomialError, sympy.CoercionFailed, TypeError, ValueError, RecursionError):
        return None
    return None


def _simplified(difference: sympy.Expr) -> sympy.Expr | None:
    """SymPy's (bounded) ``simplify`` of a small difference; trusted only after the points agreed."""
    if sympy.count_ops(difference) > 60:
        return None
    try:
        return final_form(difference)
    except (TypeError, ValueError, RecursionError, sympy.PolynomialError):
        return None


def _nonzero_by_algebra(difference: sympy.Expr) -> str | None:
    """Why the difference is certainly not 0, when algebra alone shows it, else ``None``.

    A rational function of the variables (no function, no decimal) that does not
    cancel to 0 is nonzero except at finitely many points.
    """
    if difference.atoms(sympy.Float) or not small(difference):
        return None
    symbols = sorted(difference.free_symbols, key=lambda s: s.name)
    if not symbols or len(symbols) > 4 or not difference.is_rational_function(*symbols):
        return None
    try:
        reduced = sympy.cancel(sympy.together(difference))
    except (sympy.PolynomialError, TypeError, ValueError, RecursionError):
        return None
    if reduced == 0:
        return None
    return f"the difference is the rational function {plain(reduced)}, which is not 0"


# ---------------------------------------------------------------------------- impulses


def _impulses(
    difference: sympy.Expr, expected: sympy.Expr, answer: sympy.Expr
) -> tuple[Decision | None, sympy.Expr]:
    """Weigh the ``DiracDelta`` terms of the difference at their roots; return what is left.

    ``c(x)·DiracDelta(g(x))`` is zero exactly when ``c`` vanishes at every root of
    ``g`` (``x·DiracDelta(x) = 0``). A nonzero weight is a difference; a delta that
    cannot be weighed leaves the decision open.
    """
    if not difference.has(sympy.DiracDelta):
        return None, difference
    undecided = Decision(equal=None, by="undecided", reason="an impulse (DiracDelta) could not be weighed")
    terms = sympy.Add.make_args(sympy.expand(difference) if small(difference) else difference)
    weights: dict[sympy.Expr, sympy.Expr] = {}
    rest: list[sympy.Expr] = []
    for term in terms:
        deltas = [f for f in sympy.Mul.make_args(term) if isinstance(f, sympy.DiracDelta)]
        if not deltas:
            if term.has(sympy.DiracDelta):
                return undecided, difference
            rest.append(term)
            continue
        if len(deltas) != 1 or (len(deltas[0].args) > 1 and deltas[0].args[1] != 0):
            return undecided, difference
        weight = term / deltas[0]
        if weight.has(sympy.DiracDelta):
            return undecided, difference
        g = deltas[0].args[0]
        weights[g] = weights.get(g, sympy.S.Zero) + weight
    for g, weight in weights.items():
        verdict = _weigh(g, weight, expected, answer)
        if verdict is not None:
            return verdict, sympy.Add(*rest)
    return None, sympy.Add(*rest)


def _weigh(g: sympy.Expr, weight: sympy.Expr, expected: sympy.Expr, answer: sympy.Expr) -> Decision | None:
    undecided = Decision(
        equal=None, by="undecided", reason=f"the impulse DiracDelta({plain(g)}) could not be weighed"
    )
    symbols = sorted(g.free_symbols, key=lambda s: s.name)
    if len(symbols) != 1:
        return undecided
    (v,) = symbols
    roots, complete = real_roots(g, v)
    if not complete:
        return undecided
    rng = random.Random(7)
    for root in roots:
        others = {s: decimal_number(rng.uniform(0.3, 2.5)) for s in weight.free_symbols - {v}}
        value = value_at(weight, {**others, v: root}, DIGITS)
        if value is None:
            return undecided
        if abs(value) > CANCELLED:
            delta = sympy.DiracDelta(g)
            who = "the derivative has" if expected.has(delta) else "the answer has"
            lacks = "the answer does not" if expected.has(delta) else "the derivative does not"
            at = f"{v} = {show_number(root)}"
            return Decision(
                equal=False,
                by="exact",
                reason=f"{who} an impulse DiracDelta({plain(g)}) at {at}, and {lacks}",
            )
    return None


# ---------------------------------------------------------------------------- undefined functions


def _by_compare(
    expected: sympy.Expr, answer: sympy.Expr, domain: sympy.Expr | None, seed: int
) -> Decision:
    if sympy.expand(expected - answer) == 0:
        return Decision(equal=True, by="exact", reason="the difference is 0 by expanding")
    comparison = compare(expected, answer, domain=domain, seed=seed, points=MIN_POINTS)
    if comparison.difference is not None:
        point = tuple(comparison.difference.items())
        return Decision(
            equal=False,
            by="numeric",
            reason=f"they differ at {show_point(point)}, with the undefined functions replaced by fixed ones",
            checked=comparison.checked,
            point=point,
            expected_value=comparison.expected_value,
            answer_value=comparison.got_value,
        )
    if comparison.checked < MIN_POINTS:
        return Decision(
            equal=None,
            by="undecided",
            reason=f"only {comparison.checked} points could be compared",
            checked=comparison.checked,
        )
    return Decision(
        equal=True,
        by="numeric",
        reason=f"they agree at {comparison.checked} points, with the undefined functions replaced by "
        "fixed ones",
        checked=comparison.checked,
    )

