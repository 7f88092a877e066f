"""Trigonometric answers as a textbook writes them, in linear passes (no ``trigsimp``).

- ``ratios``: in every product, the trigonometric factors of each argument
  rewritten with the fewest functions (``sin/cos`` → ``tan``, ``1/cos`` → ``sec``,
  ``cos/sin²`` → ``cot·csc``), and in every sum, two terms joined by a
  Pythagorean identity (``a sin²u + a cos²u`` → ``a``, ``a + a tan²u`` →
  ``a sec²u``, ``a tan²u − a sec²u`` → ``−a``, ``a − a tanh²u`` → ``a sech²u``, ...).
  One bottom-up walk with an explicit stack.
- ``pythagoras_reduce``: a small exact answer in sin u and cos u (tan, sec, ...
  rewritten) reduced modulo sin²u + cos²u = 1 by polynomial division, then
  cancelled: 3-6 ms where ``trigsimp`` takes 10-70 ms on homework answers.

Double angles are not formed: ``2 sin x cos x`` stays (a textbook prints both).
"""

from __future__ import annotations

from collections.abc import Callable

import sympy
from sympy import Add, Mul, S
from sympy.functions.elementary.trigonometric import TrigonometricFunction

from chainrule.walk import changed, rebuilt

#: sin, cos, tan, cot, sec, csc as powers (s, c) of sin and cos.
_SIN_COS: dict[type, tuple[int, int]] = {
    sympy.sin: (1, 0),
    sympy.cos: (0, 1),
    sympy.tan: (1, -1),
    sympy.cot: (-1, 1),
    sympy.sec: (0, -1),
    sympy.csc: (-1, 0),
}

#: Pythagorean identities between two terms ``k·X·f(u)²`` and a partner, as
#: ``f: [(partner function or None for k·X itself, partner's sign, replacement function or
#: None for 1, replacement's sign)]``: ``k X sin² + k X cos² = k X``.
_IDENTITIES: dict[type, list[tuple[type | None, int, type | None, int]]] = {
    sympy.sin: [(sympy.cos, 1, None, 1), (None, -1, sympy.cos, -1)],
    sympy.cos: [(None, -1, sympy.sin, -1)],
    sympy.tan: [(None, 1, sympy.sec, 1), (sympy.sec, -1, None, -1)],
    sympy.cot: [(None, 1, sympy.csc, 1), (sympy.csc, -1, None, -1)],
    sympy.sec: [(None, -1, sympy.tan, 1)],
    sympy.csc: [(None, -1, sympy.cot, 1)],
    sympy.tanh: [(None, -1, sympy.sech, -1)],
    sympy.cosh: [(sympy.sinh, -1, None, 1), (None, -1, sympy.sinh, 1)],
    sympy.sinh: [(None, 1, sympy.cosh, 1)],
}


def _products(node: sympy.Expr) -> sympy.Expr:
    """A product's trigonometric factors of each argument rewritten with the fewest functions."""
    by_arg: dict[sympy.Expr, list[int]] = {}
    rest = []
    for f in Mul.make_args(node):
        b, e = f.as_base_exp()
        if type(b) in _SIN_COS and e.is_Integer:
            s, c = _SIN_COS[type(b)]
            acc = by_arg.setdefault(b.args[0], [0, 0])
            acc[0] += s * int(e)
            acc[1] += c * int(e)
        else:
            rest.append(f)
    if not by_arg:
        return node
    out = list(rest)
    for u, (s, c) in by_arg.items():
        if s > 0 > c:
            k = min(s, -c)
            out.append(sympy.tan(u) ** k)
            s, c = s - k, c + k
        elif s < 0 < c:
            k = min(-s, c)
            out.append(sympy.cot(u) ** k)
            s, c = s + k, c - k
        if s:
            out.append(sympy.sin(u) ** s if s > 0 else sympy.csc(u) ** -s)
        if c:
            out.append(sympy.cos(u) ** c if c > 0 else sympy.sec(u) ** -c)
    return Mul(*out)


def _squares(factors: frozenset[sympy.Expr]) -> list[sympy.Expr]:
    """The factors ``g(u)**2`` of a product for the functions g of the identities."""
    return [f for f in factors if f.is_Pow and f.exp == 2 and type(f.base) in _IDENTITIES]


def _identity(terms: list[sympy.Expr]) -> list[sympy.Expr] | None:
    """``terms`` with one pair joined by a Pythagorean identity, or None.

    Terms are matched by their factors (hashes), so nothing is built until a pair is found:
    building ``g(u)`` anew costs SymPy a walk of a deep ``u``.
    """
    split = [t.as_coeff_Mul() for t in terms]
    factors = [frozenset(Mul.make_args(rest)) - {S.One} for _, rest in split]
    plain: dict[frozenset[sympy.Expr], list[int]] = {}  # the factors of k·X -> indices
    squared: dict[tuple[frozenset[sympy.Expr], type, sympy.Expr], list[int]] = {}  # X, g, u of k·X·g(u)²
    for j, fs in enumerate(factors):
        plain.setdefault(fs, []).append(j)
        for f in _squares(fs):
            squared.setdefault((fs - {f}, type(f.base), f.base.args[0]), []).append(j)
    for i, fs in enumerate(factors):
        coeff = split[i][0]
        for f in _squares(fs):
            u, others = f.base.args[0], fs - {f}
            for partner_f, partner_sign, new_f, new_sign in _IDENTITIES[type(f.base)]:
                found = squared.get((others, partner_f, u), []) if partner_f else plain.get(others, [])
                match = next((j for j in found if j != i and split[j][0] == partner_sign * coeff), None)
                if match is not None:
                    joined = new_sign * coeff * Mul(*others) * (new_f(u) ** 2 if new_f else S.One)
                    return [x for k, x in enumerate(terms) if k not in (i, match)] + [joined]
    return None


def _sums(node: sympy.Expr) -> sympy.Expr:
    terms = list(node.args)
    changed = False
    while (joined := _identity(terms)) is not None:
        terms, changed = joined, True
    return Add(*terms) if changed else node


def ratios(expr: sympy.Expr) -> sympy.Expr:
    """Products and sums of trigonometric and hyperbolic functions tidied, bottom-up, in one walk."""
    if not expr.has(TrigonometricFunction, sympy.tanh, sympy.sinh, sympy.cosh):
        return expr
    return bottom_up(expr, _tidied)


def _tidied(node: sympy.Expr) -> sympy.Expr:
    if node.is_Mul:
        return _products(node)
    if node.is_Pow and node.exp.is_Integer and node.exp < 0 and type(node.base) in _SIN_COS:
        return _products(node)
    if node.is_Add:
        return _sums(node)
    return node


def bottom_up(expr: sympy.Expr, rewrite: Callable[[sympy.Expr], sympy.Expr]) -> sympy.Expr:
    """``rewrite`` applied to every node, children first (``walk.rebuilt``)."""

    def combine(node: sympy.Basic, args: list[sympy.Basic]) -> sympy.Basic:
        return rewrite(node.func(*args) if changed(node, args) else node)

    return rebuilt(expr, lambda node: node if node.is_Atom else None, combine)


def _degree(term: sympy.Expr) -> int:
    degree = 0
    for f in Mul.make_args(term):
        b, e = f.as_base_exp()
        if isinstance(b, TrigonometricFunction) and e.is_Integer:
            degree += abs(int(e))
    return degree


def has_identity_terms(expr: sympy.Expr) -> bool:
    """A sum with two or more terms of trigonometric degree ≥ 2, where Pythagoras may apply."""
    stack = [expr]
    while stack:
        node = stack.pop()
        if node.is_Add and sum(1 for t in node.args if _degree(t) >= 2) >= 2:
            return True
        stack.extend(node.args)
    return False


def pythagoras_reduce(expr: sympy.Expr, u: sympy.Expr) -> sympy.Expr | None:
    """A rational function of sin u and cos u reduced modulo sin²u + cos²u = 1, or None.

    Numerator and denominator are divided by s² + c² − 1 as polynomials in s (every
    sin² becomes 1 − cos²), then cancelled.
    """
    s, c = sympy.Dummy("s"), sympy.Dummy("c")
    e = expr.xreplace({sympy.sin(u): s, sympy.cos(u): c, sympy.tan(u): s / c, sympy.cot(u): c / s,
                       sympy.sec(u): 1 / c, sympy.csc(u): 1 / s})
    if e.has(u):
        return None
    try:
        num, den = sympy.fraction(sympy.together(e))
        relation = s**2 + c**2 - 1
        num = sympy.rem(sympy.expand(num), relation, s)
        den = sympy.rem(sympy.expand(den), relation, s)
        n, d = sympy.fraction(sympy.cancel(num / den))
    except (sympy.PolynomialError, ZeroDivisionError):
        return None
    back = (sympy.factor_terms(n) / sympy.factor_terms(d)).xreplace({s: sympy.sin(u), c: sympy.cos(u)})
    # n and d are polynomials in s and c (numbers as coefficients): no function argument to protect
    return ratios(back)
