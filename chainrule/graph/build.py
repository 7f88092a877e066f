"""From a SymPy expression to the nodes of its computational graph.

The expression tree is walked with an explicit stack (never by recursion:
networks are thousands of operations deep). Equal subexpressions become one
node with several outgoing edges (hash-consing on the operation and its
inputs); constants do not: the ``1`` of a numerator and the ``1`` of
``1 + exp(...)`` are two nodes, each drawn beside the gate that reads it.

What the user wrote, where SymPy's canonical form hides it:

- SymPy stores ``x - y`` as ``x + (-1)*y``. A sum with negative terms is a
  ``sub`` of the positive terms and the negated ones (``2*x - 3``,
  ``a + b - c``), and a sum of negative terms only is one ``neg`` of their sum:
  SymPy turns ``-(w0*x0 + w1*x1 + w2)`` into ``-w0*x0 - w1*x1 - w2``, and the
  graph shows one ×(−1) gate again.
- ``-1*a`` is ``neg``; ``a*b**-1`` (or a rational coefficient ``p/q``) is
  ``div`` (``x/2``, ``1/(1 + exp(-s))``); a lone ``b**-k`` is ``1/b**k``.
- A subexpression without variables (``pi``, ``exp(2)``) is one constant.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sympy
from sympy.core.function import AppliedUndef

from chainrule.errors import LimitError, UnsupportedError, UsageError, VariableError
from chainrule.graph import ops
from chainrule.graph.ops import Constant, Op, Slots
from chainrule.graph.values import DomainError, Num, TooLarge, to_number

__all__ = ["Built", "BuiltNode", "build", "short"]


@dataclass(frozen=True, kw_only=True)
class BuiltNode:
    """A node as built: what it computes and from which nodes, before any value.

    Attributes:
        kind: ``input``, ``constant`` or ``op``.
        expr: the subexpression it computes (the symbol or number of a leaf).
        name: ``x``, ``1``, ``n1``, ..., ``f``.
        op: the operation (``None`` for a leaf).
        children: the indices of its edge inputs, in argument order.
        value: a constant's value (``None`` otherwise, or if it has none).
        depth: longest path from a leaf.
    """

    kind: str
    expr: sympy.Expr
    name: str = ""
    op: Op | None = None
    children: tuple[int, ...] = ()
    value: Num | None = None
    depth: int = 0


@dataclass(frozen=True, kw_only=True)
class Built:
    """The nodes in a topological order a lecture would use, the output last.

    ``inputs`` are the indices of the input nodes in the order the text first
    mentions them (else by name).
    """

    nodes: tuple[BuiltNode, ...]
    inputs: tuple[int, ...]


@dataclass(frozen=True)
class _Head:
    """The operation at the top of a subexpression, before its arguments are known.

    ``bakes`` says that constants among the arguments belong to the operation
    (``x**2``, ``Max(x, 0)``) instead of being nodes of their own.
    """

    make: Callable[[Slots], Op]
    bakes: bool = False


_INPUT, _CONSTANT = "input", "constant"
_ADD, _SUB, _NEG = _Head(lambda s: ops.Add()), _Head(lambda s: ops.Sub()), _Head(lambda s: ops.Neg())
_MUL, _DIV = _Head(lambda s: ops.Mul()), _Head(lambda s: ops.Div())
_POW = _Head(lambda s: ops.Pow(s), bakes=True)


def build(expr: sympy.Basic, text: str | None = None) -> Built:
    """The graph's nodes, numbered and named.

    Raises:
        UnsupportedError: a part is not an operation on numbers (a Derivative,
            an Integral, a Piecewise, a complex constant...).
        VariableError: two variables share a name with different assumptions.
        UsageError: a constant is undefined (``log(0)``).
    """
    builder = _Builder()
    root = builder.walk(expr)
    nodes = builder.nodes
    if isinstance(root, Constant):
        nodes.append(BuiltNode(kind=_CONSTANT, expr=root.expr, value=root.value))
        root = len(nodes) - 1
    rank = _input_ranks([n.expr.name for n in nodes if n.kind == _INPUT], text)
    order = _lecture_order(nodes, root, rank)
    renumber = {old: new for new, old in enumerate(order)}
    taken = set(rank) | builder.functions
    names = iter(_fresh_names(sum(nodes[i].kind == "op" for i in order), taken))
    ordered = tuple(
        BuiltNode(
            kind=node.kind,
            expr=node.expr,
            name=next(names) if node.kind == "op" else _leaf_name(node.expr),
            op=node.op,
            children=tuple(renumber[c] for c in node.children),
            value=node.value,
            depth=node.depth,
        )
        for node in (nodes[i] for i in order)
    )
    inputs = sorted(
        (i for i, n in enumerate(ordered) if n.kind == _INPUT), key=lambda i: rank[ordered[i].name]
    )
    return Built(nodes=ordered, inputs=tuple(inputs))


def _leaf_name(expr: sympy.Expr) -> str:
    return expr.name if isinstance(expr, sympy.Symbol) else sympy.sstr(expr)


class _Builder:
    """Walks a SymPy tree with an explicit stack and hash-conses equal operations."""

    def __init__(self) -> None:
        self.nodes: list[BuiltNode] = []
        self.by_key: dict[tuple[Any, ...], int] = {}
        self.done: dict[int, int | Constant] = {}  # id(sympy object) -> node index or constant
        self.keep_alive: list[sympy.Basic] = []  # keeps the ids in ``done`` unique
        self.ops: dict[Op, Op] = {}  # one instance per distinct op: its template is computed once
        self.symbols: dict[str, sympy.Symbol] = {}
        self.functions: set[str] = set()

    def walk(self, root: sympy.Basic) -> int | Constant:
        pending: dict[int, tuple[Any, tuple[sympy.Expr, ...]]] = {}
        stack: list[tuple[sympy.Basic, bool]] = [(root, False)]
        while stack:
            expr, expanded = stack.pop()
            if id(expr) in self.done:
                continue
            if not expanded:
                head, args = decompose(expr)
                self.keep_alive.append(expr)
                self.keep_alive.extend(args)
                pending[id(expr)] = (head, args)
                stack.append((expr, True))
                stack.extend((a, False) for a in reversed(args) if id(a) not in self.done)
                continue
            head, args = pending.pop(id(expr))
            self.done[id(expr)] = self._make(expr, head, [self.done[id(a)] for a in args])
        return self.done[id(root)]

    def _make(self, expr: sympy.Expr, head: Any, args: list[int | Constant]) -> int | Constant:
        if head == _INPUT:
            return self._input(expr)
        if head == _CONSTANT:
            return _constant(expr)
        if isinstance(expr, AppliedUndef):
            self.functions.add(expr.func.__name__)  # no node may be called Dense_1
        if all(isinstance(a, Constant) for a in args):
            return _fold(expr, head, args)
        if head.bakes:
            slots: Slots = tuple(a if isinstance(a, Constant) else None for a in args)
            edges: list[int | Constant] = [a for a in args if not isinstance(a, Constant)]
        else:
            slots, edges = (None,) * len(args), list(args)
        made = head.make(slots)
        op = self.ops.setdefault(made, made)
        key = (op, tuple(a.key if isinstance(a, Constant) else a for a in edges))
        found = self.by_key.get(key)
        if found is not None:
            return found
        children = [self._leaf(a) if isinstance(a, Constant) else a for a in edges]
        depth = 1 + max(self.nodes[c].depth for c in children)
        self.nodes.append(BuiltNode(kind="op", expr=expr, op=op, children=tuple(children), depth=depth))
        self.by_key[key] = len(self.nodes) - 1
        return len(self.nodes) - 1

    def _input(self, symbol: sympy.Symbol) -> int:
        other = self.symbols.setdefault(symbol.name, symbol)
        if other != symbol:
            raise VariableError(
                f"two different variables are both called {symbol.name!r} (with different assumptions)"
            )
        key = (_INPUT, symbol.name)
        if key not in self.by_key:
            self.nodes.append(BuiltNode(kind=_INPUT, expr=symbol))
            self.by_key[key] = len(self.nodes) - 1
        return self.by_key[key]

    def _leaf(self, constant: Constant) -> int:
        """A new constant node: each use of a number is a node of its own."""
        self.nodes.append(BuiltNode(kind=_CONSTANT, expr=constant.expr, value=constant.value))
        return len(self.nodes) - 1


def _constant(expr: sympy.Expr) -> Constant:
    try:
        return Constant(expr, to_number(expr))
    except DomainError as err:
        raise UnsupportedError(
            f"{short(expr)} is not a real number, so it cannot be a constant of a graph"
        ) from err
    except TooLarge as err:
        raise LimitError(f"the constant {short(expr)} is too large ({err})") from err


def _fold(expr: sympy.Expr, head: _Head, args: list[int | Constant]) -> Constant:
    """A subexpression without variables: one constant, its value from its operation when it can."""
    values = [a.value for a in args if isinstance(a, Constant)]
    op = head.make((None,) * len(args))
    if isinstance(op, ops.Undefined) or None in values:
        return Constant(expr, None)  # f(2) with f undefined: fine until a value is needed
    if isinstance(op, ops.Call) and op.entry is None:
        return _constant(expr)  # erf(1): SymPy knows its value
    try:
        return Constant(expr, op.value(values))  # type: ignore[arg-type]
    except TooLarge as err:
        raise LimitError(f"the constant {short(expr)} is too large ({err})") from err
    except (DomainError, ArithmeticError) as err:
        raise UsageError(f"the constant {short(expr)} is undefined ({err})") from err


# ----------------------------------------------------------- decomposition


def decompose(expr: sympy.Basic) -> tuple[Any, tuple[sympy.Expr, ...]]:
    """The operation at the top of ``expr`` and its arguments. O(number of arguments)."""
    if isinstance(expr, sympy.Symbol):
        return _INPUT, ()
    if not isinstance(expr, sympy.Expr):
        raise UnsupportedError(f"a computational graph needs an expression, not {type(expr).__name__}")
    if expr.is_Number or isinstance(expr, sympy.NumberSymbol):
        if not expr.is_finite:
            raise UnsupportedError(f"{expr} is not a finite number")
        return _CONSTANT, ()
    if isinstance(expr, sympy.Add):
        return _sum(expr.args)
    if isinstance(expr, sympy.Mul):
        return _product(expr.args)
    if isinstance(expr, sympy.Pow):
        base, exponent = expr.args
        if exponent.is_Number and exponent.is_negative:
            return _DIV, (sympy.S.One, _power(base, -exponent))
        return _POW, (base, exponent)
    if isinstance(expr, sympy.Function) and not isinstance(expr, sympy.Piecewise):
        if all(isinstance(a, sympy.Expr) for a in expr.args):
            return _function(expr), expr.args
    if isinstance(expr, (sympy.Max, sympy.Min)):
        return _gate(expr.func), expr.args
    raise UnsupportedError(
        f"a computational graph cannot show {type(expr).__name__} (in {short(expr)}) as an operation"
    )


def _function(expr: sympy.Function) -> _Head:
    cls = expr.func
    if isinstance(expr, AppliedUndef):
        return _Head(lambda s: ops.Undefined(cls, s), bakes=True)
    return _Head(lambda s: ops.Call(cls, s), bakes=True)


def _gate(cls: type) -> _Head:
    return _Head(lambda s: ops.Gate(cls, s), bakes=True)


def _sum(terms: tuple[sympy.Expr, ...]) -> tuple[_Head, tuple[sympy.Expr, ...]]:
    positive: list[sympy.Expr] = []
    negated: list[sympy.Expr] = []
    for term in terms:
        b = _negated(term)
        if b is None:
            positive.append(term)
        else:
            negated.append(b)
    if not negated:
        return _ADD, terms
    if not positive:
        return _NEG, (_added(negated),)
    return _SUB, (_added(positive), _added(negated))


def _added(terms: list[sympy.Expr]) -> sympy.Expr:
    return terms[0] if len(terms) == 1 else sympy.Add._from_args(terms)


def _negated(term: sympy.Expr) -> sympy.Expr | None:
    """``b`` when ``term`` is ``-b`` written with a negative coefficient (``-3``, ``-x``, ``-3*x``)."""
    if term.is_Number and term.is_negative:
        return -term
    if isinstance(term, sympy.Mul) and term.args[0].is_Number and term.args[0].is_negative:
        coefficient, rest = term.args[0], term.args[1:]
        return _multiplied(list(rest) if coefficient == -1 else [-coefficient, *rest])
    return None


def _multiplied(factors: list[sympy.Expr]) -> sympy.Expr:
    if not factors:
        return sympy.S.One
    return factors[0] if len(factors) == 1 else sympy.Mul(*factors, evaluate=False)


def _power(base: sympy.Expr, exponent: sympy.Expr) -> sympy.Expr:
    return base if exponent == 1 else sympy.Pow(base, exponent, evaluate=False)


def _product(factors: tuple[sympy.Expr, ...]) -> tuple[_Head, tuple[sympy.Expr, ...]]:
    if len(factors) >= 2 and factors[0] == -1:
        return _NEG, (_multiplied(list(factors[1:])),)
    numerator: list[sympy.Expr] = []
    denominator: list[sympy.Expr] = []
    for factor in factors:
        if isinstance(factor, sympy.Rational) and factor.q != 1:
            if factor.p != 1:
                numerator.append(sympy.Integer(factor.p))
            denominator.append(sympy.Integer(factor.q))
        elif isinstance(factor, sympy.Pow) and factor.exp.is_Number and factor.exp.is_negative:
            denominator.append(_power(factor.base, -factor.exp))
        else:
            numerator.append(factor)
    if denominator:
        return _DIV, (_multiplied(numerator), _multiplied(denominator))
    return _MUL, factors


def short(expr: sympy.Basic, limit: int = 60) -> str:
    """``expr`` for an error message: at most ``limit`` characters, never a deep print."""
    text = sympy.sstr(expr) if _shallow(expr) else type(expr).__name__ + "(...)"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _shallow(expr: sympy.Basic, limit: int = 40, size: int = 2_000) -> bool:
    """Whether ``expr`` is at most ``limit`` levels deep and ``size`` nodes big (iteratively)."""
    stack = [(expr, 0)]
    seen = 0
    while stack:
        node, depth = stack.pop()
        seen += 1
        if depth > limit or seen > size:
            return False
        stack.extend((a, depth + 1) for a in node.args)
    return True


# ------------------------------------------------------------ order, names


_IDENTIFIER = re.compile(r"[^\W\d]\w*")


def _input_ranks(names: list[str], text: str | None) -> dict[str, tuple[Any, ...]]:
    """Each input's sort key: where the text first mentions it, else by name (``x2`` before ``x10``).

    One pass over the text, whatever the number of inputs.
    """
    first: dict[str, int] = {}
    if text is not None:
        for match in _IDENTIFIER.finditer(text):
            first.setdefault(match.group(), match.start())
    infinity = float("inf")
    return {name: (first.get(name, infinity), _natural(name)) for name in names}


def _natural(name: str) -> tuple[Any, ...]:
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"(\d+)", name))


def _lecture_order(nodes: list[BuiltNode], root: int, rank: dict[str, tuple[Any, ...]]) -> list[int]:
    """The nodes the output reaches, in a topological order a lecture would use.

    Post-order from the output, visiting each operation's arguments by the
    earliest input they depend on (so ``(x + y)*z`` numbers ``x, y, x + y, z``
    although SymPy stores ``z*(x + y)``), constants last. Folding leaves
    unreachable nodes behind; they are dropped here.
    """
    position = {name: k for k, name in enumerate(sorted(rank, key=rank.__getitem__))}
    last = len(position)
    key = [0] * len(nodes)
    for i, node in enumerate(nodes):  # indices are already topological
        if node.kind == _INPUT:
            key[i] = position[node.expr.name]
        elif node.kind == _CONSTANT:
            key[i] = last
        else:
            key[i] = min(key[c] for c in node.children)
    order: list[int] = []
    done = [False] * len(nodes)
    stack: list[tuple[int, bool]] = [(root, False)]
    while stack:
        i, expanded = stack.pop()
        if done[i]:
            continue
        if expanded:
            done[i] = True
            order.append(i)
            continue
        stack.append((i, True))
        children = sorted(enumerate(nodes[i].children), key=lambda pc: (key[pc[1]], pc[0]))
        stack.extend((c, False) for _, c in reversed(children) if not done[c])
    return order


def _fresh_names(count: int, taken: set[str]) -> list[str]:
    """``n1``, ``n2``, ... for the operations, and ``f`` (or ``L``) for the output."""
    if count == 0:
        return []
    names: list[str] = []
    k = 0
    while len(names) < count - 1:
        k += 1
        if f"n{k}" not in taken:
            names.append(f"n{k}")
    taken = taken | set(names)
    for out in ("f", "L", "out"):
        if out not in taken:
            return [*names, out]
    while f"n{k}" in taken:
        k += 1
    return [*names, f"n{k}"]
