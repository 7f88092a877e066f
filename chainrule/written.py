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
    stack: list[tuple[sympy.Basic, bool]] = [(expr, False)]
    while stack:
        node, ready = stack.pop()
        if id(node) in done:
            continue
        if not node.args:
            done[id(node)] = node
            continue
        if not ready:
            stack.append((node, True))
            stack.extend((a, False) for a in node.args if id(a) not in done)
            continue
        args = [done[id(a)] for a in node.args]
        rebuild = is_written(node) or isinstance(node, (sympy.Pow, sympy.Add, sympy.Mul))
        changed = rebuild or any(a is not b for a, b in zip(args, node.args))
        done[id(node)] = node.func(*args) if changed else node
    return done[id(expr)]
