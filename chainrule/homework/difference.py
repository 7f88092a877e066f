"""Where a wrong answer first leaves the right derivation, when no classic mistake explains it.

The answer and the right result are expanded along the steps. A sum, a
product and a quotient make their result from one part per substep (the
terms; ``f' g h``, ``f g' h``, ...; ``f'/g`` and ``-f g'/g^2``): the answer's
expanded terms are matched against each part's. When every part but one is
there, the answer's version of that part is what is left, divided by the
part's factor, and the search goes down into that substep. A chain is entered
at its innermost link when the answer is the outer factors times something
free of them. The search stops at a table rule, a constant multiple (its
factor may be the wrong part), or where more than one part differs; that step
is the first where the two differ, shown with its right result and, when it
is known, the answer's.

>>> from chainrule.derivation.entry import derive
>>> from chainrule.parsing import parse
>>> from chainrule.written import evaluated
>>> d = derive("x^2 + sin(x^2)")
>>> found = first_difference(d, evaluated(parse("2x + 3x cos(x^2)")))
>>> found.label, found.theirs
('1.2.2', 3*x)
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy

from chainrule.derivation.model import Derivation, Rule, Step
from chainrule.derivation.numbering import DEFAULT_DETAIL, labels_by_path, shown
from chainrule.derivation.rules import chain_factors

#: Past this size an expression is not expanded.
MAX_OPS = 300


@dataclass(frozen=True, kw_only=True)
class FirstDifference:
    """The first step where the answer and the right derivation differ.

    Args:
        step: that step of the right derivation.
        path: its position (child indices from the root).
        theirs: what the answer has in place of the step's result, when that is known.
        label: the step's number as ``chainrule derive`` shows it (``1.2``).
    """

    step: Step
    path: tuple[int, ...]
    theirs: sympy.Expr | None = None
    label: str = "1"


def first_difference(derivation: Derivation, answer: sympy.Expr) -> FirstDifference:
    """Follow the answer down the steps as far as its parts can be told apart.

    A step ``chainrule derive`` does not show (``d/dx x = 1``) is not blamed:
    the search stops at the deepest shown step on the way, so the label and
    the step named are the ones the student can read.
    """
    labels = labels_by_path(derivation.root)
    path: tuple[int, ...] = ()
    step, target = derivation.root, answer
    found = (path, step, target)
    while True:
        down = _down(step, target)
        if down is None:
            break
        i, target = down
        path, step = (*path, i), step.substeps[i]
        if shown(step, DEFAULT_DETAIL):
            found = (path, step, target)
    path, step, target = found
    theirs = target if sympy.count_ops(target) <= 2 * sympy.count_ops(step.result) + 12 else None
    return FirstDifference(step=step, path=path, theirs=theirs, label=labels[path])


def _down(step: Step, target: sympy.Expr) -> tuple[int, sympy.Expr] | None:
    """The one substep whose part of ``target`` differs, and the answer's version of it."""
    if not step.substeps or sympy.count_ops(target) > MAX_OPS:
        return None
    if step.rule is Rule.CHAIN:
        return _into_chain(step, target)
    parts = _parts(step)
    if parts is None:
        return None
    try:
        have = _terms(target)
        missing = [i for i, (part, _) in enumerate(parts) if not _contains(have, _terms(part))]
        if len(missing) != 1:
            return None
        i = missing[0]
        rest = sympy.Add(*(part for j, (part, _) in enumerate(parts) if j != i))
        return i, sympy.cancel((target - rest) / parts[i][1])
    except (sympy.PolynomialError, TypeError, ValueError, RecursionError):
        return None


def _parts(step: Step) -> list[tuple[sympy.Expr, sympy.Expr]] | None:
    """``(part, factor)`` per substep, the part being ``factor * substep result``."""
    values = [s.result for s in step.substeps]
    exprs = [s.expr for s in step.substeps]
    if step.rule is Rule.SUM:
        return [(v, sympy.S.One) for v in values]
    if step.rule is Rule.PRODUCT:
        factors = [sympy.Mul(*(f for j, f in enumerate(exprs) if j != i)) for i in range(len(exprs))]
        return [(v * k, k) for v, k in zip(values, factors)]
    if step.rule is Rule.QUOTIENT:
        f, g = exprs
        return [(values[0] / g, 1 / g), (-f * values[1] / g**2, -f / g**2)]
    return None


def _into_chain(step: Step, target: sympy.Expr) -> tuple[int, sympy.Expr] | None:
    """The innermost link, when ``target`` is the right outer factors times something free of them."""
    values = tuple(s.result for s in step.substeps)
    outer = sympy.Mul(*chain_factors(step, values))
    try:
        theirs = sympy.cancel(sympy.powsimp(target / outer))
    except (sympy.PolynomialError, TypeError, ValueError, RecursionError):
        return None
    inner = values[-1]
    foreign = theirs.atoms(sympy.Function) - inner.atoms(sympy.Function)
    if foreign or sympy.count_ops(theirs) > 3 * sympy.count_ops(inner) + 6:
        return None
    return len(values) - 1, theirs


def _terms(expr: sympy.Expr) -> dict[sympy.Expr, sympy.Expr]:
    return {t: c for t, c in sympy.expand(expr).as_coefficients_dict().items() if c != 0}


def _contains(have: dict[sympy.Expr, sympy.Expr], part: dict[sympy.Expr, sympy.Expr]) -> bool:
    return all(have.get(term) == coeff for term, coeff in part.items())
