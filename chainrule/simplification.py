"""A bounded simplification of the final answer.

SymPy's ``simplify()`` can take seconds or worse on large expressions, so it
is tried only on small ones; larger answers get cheap passes that never grow
the expression. The shortest candidate wins; ties keep the earlier one.
"""

from __future__ import annotations

from collections.abc import Callable

import sympy

FULL_SIMPLIFY_MAX_OPS = 40
CHEAP_PASSES_MAX_OPS = 400


def _size(expr: sympy.Expr) -> tuple[int, int]:
    return (sympy.count_ops(expr), len(sympy.sstr(expr)))


def bounded_simplify(expr: sympy.Expr) -> sympy.Expr:
    """``expr`` in a shorter equal form when one is cheap to find, else ``expr``.

    >>> import sympy
    >>> x = sympy.Symbol("x")
    >>> bounded_simplify(sympy.sin(x)**2 + sympy.cos(x)**2)
    1
    """
    if expr.is_Atom:
        return expr
    ops = sympy.count_ops(expr)
    if ops > CHEAP_PASSES_MAX_OPS:
        return expr
    passes: list[Callable[[sympy.Expr], sympy.Expr]] = [sympy.factor_terms, sympy.together, sympy.powsimp]
    if expr.has(sympy.Derivative, sympy.Subs):
        passes = [sympy.factor_terms]
    elif ops <= FULL_SIMPLIFY_MAX_OPS:
        passes.append(sympy.simplify)
    best, best_size = expr, _size(expr)
    for simplify_pass in passes:
        candidate = simplify_pass(expr)
        size = _size(candidate)
        if size < best_size:
            best, best_size = candidate, size
    return best
