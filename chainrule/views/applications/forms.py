"""How the expressions of an implicit or parametric result are written: as a textbook writes them.

- A sum that chainrule wrote (not the student) begins with a positive term:
  ``2y − x²``, not SymPy's ``−x² + 2y``; a sum the student typed keeps its order.
- A sentence's mathematics names the quantities that change as the steps do:
  ``dy/dx`` (``y′`` in the Lagrange notation), not ``y′(x)``.
- A tangent line reads ``y − 4 = −(3/4)(x − 3)``, then ``y = −(3/4)x + 25/4`` and,
  for rational lines, ``3x + 4y = 25``.

Display only: the results keep SymPy's own forms (``written.evaluated``); these
forms are ``WrittenSum`` and ``WrittenProduct`` objects, which the printers print
in their order.
"""

from __future__ import annotations

from collections.abc import Iterable

import sympy

from chainrule.derivation.model import Equals, Part, Sentence
from chainrule.printing import dependent_form
from chainrule.views.notation import Equation, Math, shown_node
from chainrule.walk import changed, rebuilt
from chainrule.written import WrittenProduct, WrittenSum, is_written

__all__ = ["positive_first", "shown_sentence", "tangent_forms", "textbook_equation"]


def _negative(term: sympy.Basic) -> bool:
    return bool(term.as_coeff_Mul()[0].is_negative) if isinstance(term, sympy.Expr) else False


def _rebuilt(node: sympy.Basic, args: list[sympy.Basic]) -> sympy.Basic:
    """``node`` with new arguments, not evaluated again (that would sort the sums back)."""
    if isinstance(node, sympy.Tuple):
        return sympy.Tuple(*args)
    try:
        return node.func(*args, evaluate=False)
    except TypeError:
        return node.func(*args)


def positive_first(expr: sympy.Basic) -> sympy.Basic:
    """``expr`` with each sum chainrule wrote led by its first positive term.

    >>> x, y = sympy.symbols("x y")
    >>> from chainrule.printing import line
    >>> line(positive_first((-x**2 + 2*y)/(-2*x + y**2)))
    '(2y - x²)/(y² - 2x)'
    >>> line(positive_first(-x - y))
    '-x - y'
    """

    def combine(node: sympy.Basic, args: list[sympy.Basic]) -> sympy.Basic:
        new = _rebuilt(node, args) if changed(node, args) else node
        if isinstance(new, sympy.Mul) and not is_written(node):
            new = _rate_last(new)
        if isinstance(new, sympy.Add) and not is_written(node):
            terms = list(new.as_ordered_terms())
            lead = next((t for t in terms if not _negative(t)), None)
            if lead is not None and _negative(terms[0]):
                terms.remove(lead)
                new = WrittenSum(lead, *terms, evaluate=False)
        return new

    return rebuilt(expr, lambda node: None if isinstance(node, (sympy.Expr, sympy.Tuple)) else node, combine)


def _is_rate(factor: sympy.Basic) -> bool:
    """A derivative as the steps print it (``dx/dt``, ``y′``): a name ending in primes."""
    return isinstance(factor, sympy.Symbol) and factor.name.endswith("'")


def _rate_last(product: sympy.Mul) -> sympy.Expr:
    """A rate over a denominator written after its coefficient: ``−(x/y)·dx/dt``, ``(4/(πh²))·dV/dt``,
    not ``−x·dx/dt/y``."""
    rates = [f for f in product.args if _is_rate(f)]
    if len(rates) != 1 or sympy.fraction(product)[1] == 1:
        return product
    coefficient = sympy.Mul(*(f for f in product.args if f is not rates[0]))
    if coefficient.could_extract_minus_sign():
        return WrittenProduct(-1, sympy.UnevaluatedExpr(-coefficient), rates[0], evaluate=False)
    return WrittenProduct(sympy.UnevaluatedExpr(coefficient), rates[0], evaluate=False)


def textbook_equation(equation: Equation) -> Equation:
    """Every expression of ``equation`` with its sums led by a positive term."""
    return Equation(tuple(shown_node(side, positive_first) for side in equation.sides))


def shown_sentence(sentence: Sentence, functions: Iterable[sympy.Basic], *, leibniz: bool) -> Sentence:
    """A step's sentence with ``dy/dx`` (or ``y′``) for the derivatives of ``functions``, and
    sums led by a positive term. ``y = y(x)`` itself is left as it is."""
    found = tuple(functions)

    def show(expr: sympy.Basic) -> sympy.Basic:
        if is_written(expr):  # dy/dx·dx/dt in its order
            return type(expr)(*map(show, expr.args), evaluate=False)
        if expr.has(sympy.Derivative):
            expr = dependent_form(expr, found, leibniz=leibniz)
        return positive_first(expr)

    parts: list[Part] = []
    for part in sentence.parts:
        if isinstance(part, Equals):
            parts.append(Equals(show(part.lhs), show(part.rhs)))
        elif isinstance(part, sympy.Basic):
            parts.append(show(part))
        else:
            parts.append(part)
    return Sentence(tuple(parts))


def _times(slope: sympy.Expr, factor: sympy.Expr) -> sympy.Expr:
    """``slope·factor`` as a textbook writes it: ``x − 3``, ``−(x − 3)``, ``2(x − 3)``,
    ``−(3/4)(x − 3)``."""
    size = -slope if slope.could_extract_minus_sign() else slope
    sign = [sympy.S.NegativeOne] if size is not slope else []
    if size == 1:
        factors = [*sign, factor]
    elif size.is_Integer:
        factors = [slope, factor]
        sign = []
    else:
        factors = [*sign, sympy.UnevaluatedExpr(size), factor]
    return factors[0] if len(factors) == 1 else WrittenProduct(*factors, evaluate=False)


def _minus(name: sympy.Symbol, value: sympy.Expr) -> sympy.Expr:
    """``x − x0`` as written: ``x``, ``x − 3``, ``x + 3``, ``x − (π/3 − √3/2)``."""
    if value == 0:
        return name
    if isinstance(value, sympy.Add):
        return WrittenSum(name, WrittenProduct(-1, positive_first(value), evaluate=False), evaluate=False)
    return WrittenSum(name, -value, evaluate=False)


def tangent_forms(x: sympy.Symbol, y: sympy.Symbol, x0: sympy.Expr, y0: sympy.Expr, slope: sympy.Expr
                  ) -> list[Equation]:
    """The tangent line through ``(x0, y0)``: point-slope, slope-intercept and, when its
    coefficients are rational and not all whole, ``ax + by = c`` with whole numbers.

    >>> x, y = sympy.symbols("x y")
    >>> from chainrule.views.notation import OnelineMathPrinter
    >>> [OnelineMathPrinter().doprint(eq) for eq in tangent_forms(x, y, 3, 4, sympy.Rational(-3, 4))]
    ['y - 4 = -(3/4)(x - 3)', 'y = -(3/4) x + 25/4', '3x + 4y = 25']
    """
    if slope == 0:
        return [Equation((Math(y), Math(y0)))]
    left, shift = _minus(y, y0), _minus(x, x0)
    forms = [Equation((Math(left), Math(_times(slope, shift))))]
    intercept = sympy.radsimp(sympy.expand(y0 - slope * x0))
    run = _times(slope, x)
    if x0 != 0:  # y = mx + b, unless that is the line just written
        terms = positive_first(intercept)
        right = run if intercept == 0 else WrittenSum(run, *sympy.Add.make_args(terms), evaluate=False)
        forms.append(Equation((Math(y), Math(right))))
    whole = slope.is_Integer and intercept.is_Integer
    if slope.is_Rational and intercept.is_Rational and intercept != 0 and not whole:
        scale = sympy.ilcm(slope.q, intercept.q)
        a, b, c = -slope * scale, sympy.Integer(scale), intercept * scale
        if a < 0:
            a, b, c = -a, -b, -c
        terms = [WrittenProduct(a, x, evaluate=False) if a != 1 else x,
                 WrittenProduct(b, y, evaluate=False) if abs(b) != 1 else b * y]
        forms.append(Equation((Math(WrittenSum(*terms, evaluate=False)), Math(c))))
    return forms
