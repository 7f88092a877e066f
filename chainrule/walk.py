"""One post-order rebuild of a SymPy tree, with an explicit stack (no recursion).

Deep expressions (1,000 nested functions) are everyday input here, so no module
walks a tree recursively. The rewrites that rebuild a tree from its leaves up
(putting a name back unevaluated, the final form's expansion, the trigonometric
tidying, a view's positive-first sums) differ only in where they stop and how a
node is rebuilt from its new arguments; this is the walk they share.

>>> import sympy
>>> x = sympy.Symbol("x")
>>> rebuilt(sympy.sin(x) + x**2, lambda n: 2 * n if n == x else None,
...         lambda n, args: n.func(*args))
4*x**2 + sin(2*x)
"""

from __future__ import annotations

from collections.abc import Callable

import sympy

Leaf = Callable[[sympy.Basic], "sympy.Basic | None"]
Combine = Callable[[sympy.Basic, list[sympy.Basic]], sympy.Basic]


def rebuilt(expr: sympy.Basic, leaf: Leaf, combine: Combine) -> sympy.Basic:
    """``expr`` rebuilt from its leaves up.

    Args:
        leaf: the replacement of a node where the walk stops (returned as it is), or
            ``None`` to go into its arguments; a node without arguments always stops.
        combine: the new node from the old one and its new arguments, children first.
    """
    done: dict[int, sympy.Basic] = {}
    stack: list[tuple[sympy.Basic, bool]] = [(expr, False)]
    while stack:
        node, ready = stack.pop()
        if id(node) in done:
            continue
        if not ready:
            stop = leaf(node)
            if stop is not None or not node.args:
                done[id(node)] = node if stop is None else stop
                continue
            stack.append((node, True))
            stack.extend((a, False) for a in node.args if id(a) not in done)
            continue
        done[id(node)] = combine(node, [done[id(a)] for a in node.args])
    return done[id(expr)]


def changed(node: sympy.Basic, args: list[sympy.Basic]) -> bool:
    """Whether any new argument is not the old one (so the node must be rebuilt)."""
    return any(a is not b for a, b in zip(args, node.args))
