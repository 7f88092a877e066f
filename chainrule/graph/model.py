"""A computational graph as frozen data: nodes, edges, inputs, and the graph.

Nothing here computes: :func:`chainrule.graph.backprop` builds these objects
once, with every value and gradient filled in, and the views print them
(``Graph`` inherits :class:`chainrule.display.Displayable`, so ``str(g)``,
``g.to_latex()``, ``g.to_json()`` and ``rich.print(g)`` go through the views'
registry).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import sympy

from chainrule.display import Displayable

__all__ = ["PRINTABLE_DEPTH", "SCHEMA", "Edge", "Graph", "Input", "Node"]

#: The JSON schema of a graph (``chainrule.views.graph.json``).
SCHEMA = "chainrule/graph@1"

#: Deepest graph whose expressions SymPy's (recursive) printers can print safely.
#: Symbolic mode needs printable gradients, so it refuses deeper graphs; with
#: ``at`` any depth works, and the whole expression is just not printed.
PRINTABLE_DEPTH = 80


@dataclass(frozen=True, kw_only=True)
class Node:
    """One node: an input, a constant, or an operation applied to other nodes.

    Attributes:
        id: position in :attr:`Graph.nodes` (a topological order: a node's
            inputs come before it).
        name: ``x`` for an input, the number for a constant, ``n1``, ``n2``, ...
            for operations, ``f`` (or ``L``) for the output.
        op: ``input``, ``constant``, ``add``, ``sub``, ``neg``, ``mul``, ``div``,
            ``pow``, a function's name (``exp``, ``tanh``, ``max``, ...) or
            ``function`` (an undefined function).
        expr: the node's definition in terms of its inputs' names (``x + y``,
            ``n1*z``); the symbol or number itself for a leaf.
        symbol: what stands for this node in other nodes' formulas.
        inputs: ids of the nodes this one reads, in argument order (repeated
            when an argument repeats, as in an unevaluated ``x*x``).
        in_edges: ids of the edges into this node, one per input.
        out_edges: ids of the edges out of it: more than one means fan-out, and
            the node's gradient is the sum of their downstream gradients.
        value: the forward value (``None`` in symbolic mode).
        grad: ``∂f/∂node``: a number, or a formula in node names in symbolic mode.
        depth: longest path from a leaf (0 for leaves).
    """

    id: int
    name: str
    op: str
    expr: sympy.Expr
    symbol: sympy.Expr
    inputs: tuple[int, ...] = ()
    in_edges: tuple[int, ...] = ()
    out_edges: tuple[int, ...] = ()
    value: sympy.Expr | None = None
    grad: sympy.Expr = sympy.S.Zero
    depth: int = 0

    @property
    def is_leaf(self) -> bool:
        return self.op in ("input", "constant")

    @property
    def is_constant(self) -> bool:
        return self.op == "constant"


@dataclass(frozen=True, kw_only=True)
class Edge:
    """An edge from ``source`` (an argument) into ``target`` (an operation).

    Attributes:
        id: position in :attr:`Graph.edges`.
        source: the node id of the argument.
        target: the node id of the operation that reads it.
        position: which argument of ``target`` this is (0-based).
        local: the local gradient ``∂target/∂source``, a SymPy formula in the
            names of ``target``'s inputs.
        local_value: its value at the point (``None`` in symbolic mode).
        upstream: ``∂f/∂target``.
        downstream: ``local × upstream``: this edge's contribution to
            ``∂f/∂source``.
    """

    id: int
    source: int
    target: int
    position: int
    local: sympy.Expr
    local_value: sympy.Expr | None
    upstream: sympy.Expr
    downstream: sympy.Expr


@dataclass(frozen=True, kw_only=True)
class Input:
    """An input variable: its symbol, node, value and gradient ``∂f/∂input``.

    In symbolic mode ``gradient`` is a formula in the inputs (the node names
    substituted by what they stand for); with values it is a number.
    """

    name: str
    symbol: sympy.Symbol
    node: int
    value: sympy.Expr | None
    gradient: sympy.Expr


@dataclass(frozen=True, kw_only=True)
class Graph(Displayable):
    """A computational graph after its forward and backward pass. Immutable.

    Attributes:
        expr: the expression the graph computes.
        text: the text it was parsed from, if it came as text.
        nodes: every node, in topological order; ``nodes[i].id == i``.
        edges: every edge, grouped by target in node order.
        output: the id of the output node (always the last one).
        inputs: the input variables in order of first appearance.
        wrt: the names :attr:`gradients` reports, in that order.
        symbolic: True when no values were given: gradients are formulas.
    """

    view_kind: ClassVar[str] = "graph"

    expr: sympy.Expr
    text: str | None = None
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    output: int
    inputs: tuple[Input, ...]
    wrt: tuple[str, ...]
    symbolic: bool

    @property
    def output_node(self) -> Node:
        return self.nodes[self.output]

    @property
    def value(self) -> sympy.Expr | None:
        """The output's value (``None`` in symbolic mode)."""
        return self.nodes[self.output].value

    @property
    def values(self) -> dict[str, sympy.Expr | None]:
        """Each input's value: the point ``at``."""
        return {i.name: i.value for i in self.inputs}

    @property
    def gradients(self) -> dict[str, sympy.Expr]:
        """``∂f/∂input`` for every input named in :attr:`wrt`, in that order."""
        by_name = {i.name: i for i in self.inputs}
        return {name: by_name[name].gradient for name in self.wrt}

    @property
    def depth(self) -> int:
        return self.nodes[self.output].depth

    @property
    def printable(self) -> bool:
        """Whether the whole expression is shallow enough to print."""
        return self.depth <= PRINTABLE_DEPTH

    def node(self, name: str) -> Node:
        """The node called ``name`` (``x``, ``n3``, ``f``); the first one for a constant."""
        for node in self.nodes:
            if node.name == name:
                return node
        raise KeyError(name)

    def contributions(self, node_id: int) -> tuple[Edge, ...]:
        """The edges whose downstream gradients sum to ``nodes[node_id].grad``."""
        return tuple(self.edges[e] for e in self.nodes[node_id].out_edges)

    def verify(self) -> Graph:
        """Check every local gradient and every product and sum of the backward pass (and, with
        values, the forward pass); raise ``VerificationError`` on a false one."""
        from chainrule.graph.verify import verify_graph

        verify_graph(self)
        return self

    def to_dot(self) -> str:
        """Graphviz source: nodes with value and gradient, edges with local gradients."""
        return self.render("dot")
