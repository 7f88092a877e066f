"""Sums and products as the student wrote them.

SymPy sorts the terms of a sum and the factors of a product (``3x^4 - 2/x +
sqrt(x)`` prints as ``sqrt(x) + 3*x**4 - 2/x``) and rewrites some on the way
(``(3x)^4`` becomes ``81*x**4``). An explanation solves the exercise the
student wrote, so the parser builds these two classes instead: a ``WrittenSum`` and
a ``WrittenProduct`` keep their arguments in the order written, and chainrule's
printers print them in that order. They are ordinary SymPy sums and products
in every other way; rebuilding one (``expr.func(*args)``, as ``xreplace``,
``subs`` and ``diff`` do) gives SymPy's own evaluated form.

>>> import sympy
>>> x = sympy.Symbol("x")
>>> s = WrittenSum(x, 1, evaluate=False)
>>> s.args, s.func(*s.args).args
((x, 1), (1, x))
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sympy


class WrittenSum(sympy.Add):
    """A sum kept in the order written (built with ``evaluate=False``)."""

    def __new__(cls, *args: Any, evaluate: bool | None = None, **options: Any) -> Any:
        if evaluate is False:
            return sympy.Add.__new__(cls, *args, evaluate=False, **options)
        return sympy.Add(*args, evaluate=evaluate, **options)


class WrittenProduct(sympy.Mul):
    """A product kept in the order written (built with ``evaluate=False``)."""

    def __new__(cls, *args: Any, evaluate: bool | None = None, **options: Any) -> Any:
        if evaluate is False:
            return sympy.Mul.__new__(cls, *args, evaluate=False, **options)
        return sympy.Mul(*args, evaluate=evaluate, **options)


def product(factors: Sequence[sympy.Expr]) -> sympy.Expr:
    """Factors multiplied as written: nested products flattened, numbers multiplied into one
    coefficient in front, a lone factor returned as it is."""
    coefficient: sympy.Expr = sympy.S.One
    others: list[sympy.Expr] = []
    for factor in factors:
        for part in factor.args if isinstance(factor, sympy.Mul) else (factor,):
            if part.is_Number:
                coefficient = coefficient * part
            else:
                others.append(part)
    if coefficient.is_zero or not others:
        return coefficient
    args = others if coefficient == 1 else [coefficient, *others]
    return args[0] if len(args) == 1 else WrittenProduct(*args, evaluate=False)


def is_written(expr: sympy.Basic) -> bool:
    """Whether ``expr`` is a sum or product kept as written."""
    return isinstance(expr, (WrittenSum, WrittenProduct))


def evaluated(expr: sympy.Basic) -> sympy.Basic:
    """``expr`` in SymPy's own form: every node rebuilt with SymPy's evaluation, so sums and
    products as written, and powers kept unevaluated (``(3x)^4``), become what SymPy makes of
    them. Results are always in this form: a written sum inside ``cos`` would otherwise be a
    different object from SymPy's sum, and never cancel with it."""
    if not expr.args:
        return expr
    done: dict[int, sympy.Basic] = {}
    shape: dict[int, tuple[int, int]] = {}  # height, nested hyperbolic functions of non-atoms
    stack: list[tuple[sympy.Basic, bool]] = [(expr, False)]
    while stack:
        node, ready = stack.pop()
        if id(node) in done:
            continue
        if not node.args:
            done[id(node)] = node
            shape[id(node)] = (0, 0)
            continue
        if not ready:
            stack.append((node, True))
            stack.extend((a, False) for a in node.args if id(a) not in done)
            continue
        args = [done[id(a)] for a in node.args]
        height = 1 + max(shape[id(a)][0] for a in node.args)
        layers = max(shape[id(a)][1] for a in node.args) + int(
            isinstance(node, _HYPERBOLIC) and not node.args[0].is_Atom
        )
        shape[id(node)] = (height, layers)
        rebuild = is_written(node) or isinstance(node, (sympy.Pow, sympy.Add, sympy.Mul))
        changed = rebuild or any(a is not b for a, b in zip(args, node.args))
        if changed and isinstance(node, sympy.Function) and (height > DEEP or layers > RISKY):
            # SymPy's evaluation of tanh(u) asks whether u is real, in time exponential in the
            # nesting of such functions (tanh(0.5*tanh(...log(x)))): as the parser does, build it
            # unevaluated there
            done[id(node)] = node.func(*args, evaluate=False)
        else:
            done[id(node)] = node.func(*args) if changed else node
    return done[id(expr)]


#: As in the parser (``parsing/build.py``): beyond this height, or this many nested hyperbolic
#: functions of expressions, functions are rebuilt unevaluated.
DEEP = 24
RISKY = 3
_HYPERBOLIC = (sympy.sinh, sympy.cosh, sympy.tanh, sympy.coth, sympy.sech, sympy.csch)
