"""Which variable depends on which: the tree a multivariable chain rule walks.

For ``f = x**2*y`` with ``x = m*n`` and ``y = m + n`` the tree is
``f → x, y`` and ``x → m, n``, ``y → m, n``: one branch per path from f to a
variable, which is one term of the chain rule per path. For
``f(x(m, n), y(m, n))`` the undefined inner functions give the same tree.

>>> import chainrule
>>> d = chainrule.derive("x**2*y", wrt="m", where={"x": "m*n", "y": "m + n"})
>>> print("\\n".join("  " * depth + label for depth, label in outline(dependency_tree(d))))
f = x²·y
  x = m·n
    m
    n
  y = m + n
    m
    n
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import sympy
from sympy.core.function import AppliedUndef

from chainrule.derivation.bindings import is_dependent
from chainrule.derivation.model import Derivation, Rule
from chainrule.printing import line

#: A tree with more nodes than this is cut, with a last line saying so.
MAX_NODES = 200


@dataclass(frozen=True, kw_only=True)
class DependencyNode:
    """A variable (or the function ``f``), its definition if it has one, and what it depends on."""

    name: str
    definition: sympy.Expr | None
    children: tuple[DependencyNode, ...] = ()


def dependency_tree(derivation: Derivation) -> DependencyNode | None:
    """The dependency tree of a multivariable derivation, else ``None``."""
    if not derivation.where and derivation.root.rule is not Rule.MULTIVARIABLE_CHAIN:
        return None
    if derivation.where and all(is_dependent(value, derivation.wrt) for _, value in derivation.where):
        return None  # quantities that change with the variable (r = r(t)): no tree to walk
    where = derivation.where_dict
    remaining = MAX_NODES
    # Built iteratively (a chain of definitions can be long): each entry records the list
    # its finished node goes into; nodes are assembled bottom-up at the end.
    Pending = tuple[str, "sympy.Expr | None", list[DependencyNode], list[DependencyNode]]
    top: list[DependencyNode] = []
    pending: list[Pending] = []
    name = (
        derivation.expr.func.__name__
        if isinstance(derivation.expr, AppliedUndef)
        else function_name(derivation.expr, *derivation.where_dict.values(), *derivation.where_dict)
    )
    stack: list[tuple[str, sympy.Expr | None, list[DependencyNode]]] = [(name, derivation.expr, top)]
    while stack:
        name, definition, siblings = stack.pop()
        kids: list[DependencyNode] = []
        pending.append((name, definition, kids, siblings))
        if definition is None or remaining <= 0:
            continue
        inner = _dependencies(definition, where)
        remaining -= len(inner)
        stack.extend((child, child_definition, kids) for child, child_definition in reversed(inner))
    for name, definition, kids, siblings in reversed(pending):
        siblings.insert(0, DependencyNode(name=name, definition=definition, children=tuple(kids)))
    return top[0]


def _dependencies(
    expr: sympy.Expr, where: Mapping[sympy.Symbol, sympy.Expr]
) -> list[tuple[str, sympy.Expr | None]]:
    """What ``expr`` depends on directly: inner undefined functions, defined names, then variables."""
    if not where and isinstance(expr, AppliedUndef):
        named = [a for a in expr.args if isinstance(a, AppliedUndef)]
        if named:
            return [(a.func.__name__, a) for a in named]
    found: list[tuple[str, sympy.Expr | None]] = [(n.name, where[n]) for n in where if n in expr.free_symbols]
    variables = sorted((s for s in expr.free_symbols if s not in where), key=lambda s: s.name)
    found.extend((s.name, None) for s in variables)
    return found


def reachable(where: Mapping[sympy.Symbol, sympy.Expr]) -> dict[sympy.Symbol, frozenset[sympy.Symbol]]:
    """For each defined name, every symbol it depends on, directly or through other names."""
    reach: dict[sympy.Symbol, frozenset[sympy.Symbol]] = {}
    for name in where:
        seen: set[sympy.Symbol] = set()
        stack = list(where[name].free_symbols)
        while stack:
            s = stack.pop()
            if s in seen:
                continue
            seen.add(s)
            stack.extend(where.get(s, sympy.S.Zero).free_symbols)
        reach[name] = frozenset(seen)
    return reach


class Dependence:
    """Which variables an expression really depends on, through the user's definitions.

    ``x**2*y`` with ``x = sin(2t)``, ``y = cos(t)`` depends on ``t`` alone, so its derivative
    by ``t`` is a total derivative (``dz/dt``); by ``x`` (holding ``y``) it is a partial one.
    """

    def __init__(self, where: Mapping[sympy.Symbol, sympy.Expr] | None = None) -> None:
        self.where = dict(where or {})
        self._reach = reachable(self.where)

    def variables(self, expr: sympy.Basic) -> set[sympy.Symbol]:
        """The variables ``expr`` depends on, defined names replaced by what they depend on."""
        found: set[sympy.Symbol] = set()
        for symbol in expr.free_symbols:
            if symbol in self.where:
                found |= {s for s in self._reach[symbol] if s not in self.where}
            else:
                found.add(symbol)
        return found

    def partial(self, expr: sympy.Basic, wrt: sympy.Symbol) -> bool:
        """Whether ``d expr / d wrt`` is a partial derivative (other variables held fixed)."""
        if wrt in self.where:  # differentiating by a defined name: the other names are held
            return bool(expr.free_symbols - {wrt})
        return bool(self.variables(expr) - {wrt})


#: Names for the function being differentiated, in order of preference.
FUNCTION_NAMES = ("f", "z", "w", "F", "g", "h", "y")


def function_name(*exprs: sympy.Basic) -> str:
    """A name for the function, used by none of ``exprs`` (a variable or a function's name)."""
    used = {s.name for e in exprs for s in e.free_symbols if isinstance(s, sympy.Symbol)}
    used |= {f.func.__name__ for e in exprs for f in e.atoms(AppliedUndef)}
    return next((n for n in FUNCTION_NAMES if n not in used), "F_0")


def outline(tree: DependencyNode | None) -> Iterator[tuple[int, str]]:
    """``(depth, "x = m*n")`` lines in reading order."""
    if tree is None:
        return
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        yield depth, label(node)
        stack.extend((child, depth + 1) for child in reversed(node.children))


def label(node: DependencyNode) -> str:
    """``x = m*n`` for a defined variable, ``x(m, n)`` for an undefined function, ``m`` for a leaf."""
    if node.definition is None:
        return node.name
    if isinstance(node.definition, AppliedUndef) and node.definition.func.__name__ == node.name:
        return line(node.definition)
    return f"{node.name} = {line(node.definition)}"


def edges(tree: DependencyNode | None) -> dict[str, list[str]]:
    """Each variable's direct dependencies, as names (the JSON form)."""
    out: dict[str, list[str]] = {}
    if tree is None:
        return out
    stack = [tree]
    while stack:
        node = stack.pop()
        if node.children:
            names = out.setdefault(node.name, [])
            for child in node.children:
                if child.name not in names:
                    names.append(child.name)
        stack.extend(reversed(node.children))
    return out
