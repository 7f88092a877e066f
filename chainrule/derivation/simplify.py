"""A bounded simplification of the final answer.

SymPy's ``simplify()`` can take seconds or worse on large expressions, so it
is tried only on small ones; larger answers get cheap passes that never grow
the expression. The shortest candidate wins; ties keep the earlier one.

Size is not the only trap: ``simplify`` splits trigonometric and hyperbolic
functions of sums (``sinh(a + b*x)``) into parts and recombines them, which
took 2 to 30 s on 20- to 30-operation answers from an integration test
suite. Such answers, and answers in more than two variables, get the cheap
passes only. So do answers with large or symbolic exponents (``x**y``,
``(1 + x)**9``) or huge coefficients, where ``simplify``'s polynomial gcd
can run for minutes.

As a last resort against a case no rule foresaw, ``simplify`` runs under a
deadline (``SIMPLIFY_DEADLINE`` seconds, by an interval timer, in the main
thread only); past it, the cheap passes' answer stands. The rules above keep
that from happening in practice, so the answer does not depend on the
machine's speed.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable

import sympy
from sympy.functions.elementary.hyperbolic import HyperbolicFunction
from sympy.functions.elementary.trigonometric import TrigonometricFunction

FULL_SIMPLIFY_MAX_OPS = 40
CHEAP_PASSES_MAX_OPS = 400
MAX_EXPONENT = 6
MAX_COEFFICIENT = 10**6
SIMPLIFY_DEADLINE = 5.0


class _Deadline(Exception):
    """Raised by the interval timer inside a too-long ``simplify``."""


def _with_deadline(function: Callable[[sympy.Expr], sympy.Expr], expr: sympy.Expr) -> sympy.Expr | None:
    """``function(expr)``, or ``None`` if it runs past ``SIMPLIFY_DEADLINE`` (main thread only)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        return function(expr)

    def expire(signum: int, frame: object) -> None:
        raise _Deadline

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, SIMPLIFY_DEADLINE)
    try:
        return function(expr)
    except _Deadline:
        return None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _size(expr: sympy.Expr) -> tuple[int, int]:
    return (sympy.count_ops(expr), len(sympy.sstr(expr)))


def _simplify_is_cheap(expr: sympy.Expr) -> bool:
    """At most two variables, no trig or hyperbolic function of a sum, small exponents and numbers."""
    if len(expr.free_symbols) > 2:
        return False
    periodic = (TrigonometricFunction, HyperbolicFunction)
    if any(isinstance(f, periodic) and f.args[0].is_Add for f in expr.atoms(sympy.Function)):
        return False
    for power in expr.atoms(sympy.Pow):
        exponent = power.exp
        if not exponent.is_Rational or abs(exponent.p) > MAX_EXPONENT or exponent.q > 3:
            return False
    return all(abs(r.p) <= MAX_COEFFICIENT and r.q <= MAX_COEFFICIENT for r in expr.atoms(sympy.Rational))


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
        if simplify_pass is sympy.simplify:
            candidate = _with_deadline(simplify_pass, expr)
        else:
            candidate = simplify_pass(expr)
        if candidate is None:
            continue
        size = _size(candidate)
        if size < best_size:
            best, best_size = candidate, size
    return best
