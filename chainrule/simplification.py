"""A bounded simplification of the final answer.

SymPy's ``simplify()`` can take seconds or worse on large expressions, so it
is tried only on small ones; larger answers get cheap passes that never grow
the expression. The shortest candidate wins; ties keep the earlier one.

Size is not the only trap: ``simplify`` splits trigonometric and hyperbolic
functions of sums (``sinh(a + b*x)``) into parts and recombines them, which
took 2 to 30 s on 20- to 30-operation answers from an integration test
suite. Such answers, and answers in more than two variables, get the cheap
passes only.
"""

from __future__ import annotations

from collections.abc import Callable

import sympy
from sympy.functions.elementary.hyperbolic import HyperbolicFunction
from sympy.functions.elementary.trigonometric import TrigonometricFunction

FULL_SIMPLIFY_MAX_OPS = 40
CHEAP_PASSES_MAX_OPS = 400


def _size(expr: sympy.Expr) -> tuple[int, int]:
    return (sympy.count_ops(expr), len(sympy.sstr(expr)))


def _simplify_is_cheap(expr: sympy.Expr) -> bool:
    """No trig or hyperbolic function of a sum, and at most two variables."""
    if len(expr.free_symbols) > 2:
        return False
    periodic = (TrigonometricFunction, HyperbolicFunction)
    return not any(isinstance(f, periodic) and f.args[0].is_Add for f in expr.atoms(sympy.Function))


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
    elif ops <= FULL_SIMPLIFY_MAX_OPS and _simplify_is_cheap(expr):
        passes.append(sympy.simplify)
    best, best_size = expr, _size(expr)
    for simplify_pass in passes:
        candidate = simplify_pass(expr)
        size = _size(candidate)
        if size < best_size:
            best, best_size = candidate, size
    return best
