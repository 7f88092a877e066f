"""A graph's document: what every format shows, assembled once.

Every format shows the same parts, in the order a backprop lecture works
through them:

1. the title;
2. the forward pass: one row per node (name, operation, definition, value);
3. the backward pass: one row per edge into an operation, from the output
   back, with the upstream gradient ``∂f/∂node``, the local gradient
   ``∂node/∂input`` (formula and value) and the downstream gradient
   ``local × upstream``. Constants receive no gradient, so edges from
   constants have no row;
4. for each node used more than once, the sum of the contributions flowing
   back into it (fan-out);
5. every input's gradient.

:func:`graph_document` builds it from a :class:`~chainrule.graph.Graph`; the
format modules beside this one only print it. Formulas stay SymPy
expressions; step functions are put in words (``1 if n2 > 0, else 0``, not
``Heaviside(n2, 0)``) by :class:`StepWords`, which every printer prints.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy
from sympy.printing.precedence import PRECEDENCE

from chainrule.graph import Graph, Node
from chainrule.printing import plain
from chainrule.views.numbers import number

__all__ = ["BackwardRow", "FanOut", "ForwardRow", "GraphDocument", "StepWords", "graph_document"]


@dataclass(frozen=True, kw_only=True)
class ForwardRow:
    """One node of the forward pass."""

    node: Node
    operation: str
    definition: sympy.Expr
    value: sympy.Expr | None
    grad: sympy.Expr
    output: bool


@dataclass(frozen=True, kw_only=True)
class BackwardRow:
    """One edge of the backward pass: ``downstream = local × upstream``.

    ``local_value`` is ``None`` when the cell shows only the formula (a symbolic
    graph, or a formula that is a number already).
    """

    node: Node
    source: Node
    upstream: sympy.Expr
    local: sympy.Expr
    local_value: sympy.Expr | None
    downstream: sympy.Expr

    @property
    def local_in_words(self) -> bool:
        """The local gradient is a step function in words: write ``(...) = value``."""
        return isinstance(self.local, StepWords) and self.local_value is not None


@dataclass(frozen=True, kw_only=True)
class FanOut:
    """A node used several times: its gradient is the sum of the contributions."""

    node: Node
    parts: tuple[tuple[Node, sympy.Expr], ...]
    total: sympy.Expr


@dataclass(frozen=True, kw_only=True)
class GraphDocument:
    """Everything a format prints about a graph.

    Attributes:
        title: one line: the expression, the point, the output's name.
        output: the output node (``f``).
        symbolic: no values: formulas everywhere, no value column.
        value: the output's value.
        forward, backward, fan_out: the rows of each part.
        gradients: ``(name, symbol, ∂f/∂input)`` for each input asked for.
    """

    title: str
    output: Node
    symbolic: bool
    value: sympy.Expr | None
    forward: tuple[ForwardRow, ...]
    backward: tuple[BackwardRow, ...]
    fan_out: tuple[FanOut, ...]
    gradients: tuple[tuple[str, sympy.Symbol, sympy.Expr], ...]


def graph_document(graph: Graph) -> GraphDocument:
    """The document of ``graph``: built once, printed by every format."""
    forward = tuple(
        ForwardRow(
            node=node,
            operation=_operation(node),
            definition=node.expr,
            value=node.value,
            grad=in_words(node.grad),
            output=node.id == graph.output,
        )
        for node in graph.nodes
    )
    symbols = {i.name: i.symbol for i in graph.inputs}
    return GraphDocument(
        title=_title(graph),
        output=graph.output_node,
        symbolic=graph.symbolic,
        value=graph.value,
        forward=forward,
        backward=tuple(_backward_rows(graph)),
        fan_out=tuple(_fan_out(graph)),
        gradients=tuple((name, symbols[name], in_words(g)) for name, g in graph.gradients.items()),
    )


def _operation(node: Node) -> str:
    """The operation column: ``add``, ``tanh``, or an undefined function's name."""
    if node.op == "function":
        return str(node.expr.func)
    return node.op


def _title(graph: Graph) -> str:
    out = graph.output_node
    if graph.text is not None and len(graph.text) <= 200 and "\n" not in graph.text:
        what = graph.text.strip()
    elif graph.printable:
        what = plain(graph.expr)
    else:
        what = f"an expression {graph.depth} operations deep ({len(graph.nodes)} nodes)"
    at = ""
    if not graph.symbolic and graph.inputs:
        at = " at " + ", ".join(f"{i.name} = {number(i.value)}" for i in graph.inputs)
    mode = " (symbolic)" if graph.symbolic else ""
    return f"Computational graph of {what}{at}{mode}; output {out.name}"


def _backward_rows(graph: Graph) -> list[BackwardRow]:
    """One row per edge from a variable or an operation, the output's edges first."""
    rows: list[BackwardRow] = []
    for node in reversed(graph.nodes):
        edges = sorted((graph.edges[e] for e in node.in_edges), key=lambda e: (e.source, e.id))
        for edge in edges:
            source = graph.nodes[edge.source]
            if source.is_constant:
                continue
            local = in_words(edge.local)
            value = edge.local_value
            shows_value = not graph.symbolic and value is not None and not local.is_Number
            rows.append(
                BackwardRow(
                    node=node,
                    source=source,
                    upstream=in_words(edge.upstream),
                    local=local if shows_value or graph.symbolic or value is None else value,
                    local_value=value if shows_value else None,
                    downstream=in_words(edge.downstream),
                )
            )
    return rows


def _fan_out(graph: Graph) -> list[FanOut]:
    """Each variable or operation used more than once, with its (consumer, contribution) pairs."""
    result = []
    for node in graph.nodes:
        if len(node.out_edges) > 1 and not node.is_constant:
            parts = tuple(
                (graph.nodes[e.target], in_words(e.downstream)) for e in graph.contributions(node.id)
            )
            result.append(FanOut(node=node, parts=parts, total=in_words(node.grad)))
    return result


# ------------------------------------------------------------- step functions


class StepWords(sympy.Function):
    """``Heaviside(lhs - rhs, at_zero)`` for display: ``1 if lhs > rhs, else 0``.

    SymPy's Heaviside is 1/2 at 0 unless told otherwise (relu takes 0, a
    ``Max`` gate splits a tie): a value other than 0 at the step is said too
    (``1 if x > y, 1/2 if x = y, else 0``). Printed in words by ``str``,
    LaTeX and MathML alike; in a product it is parenthesized.
    """

    nargs = 3
    precedence = PRECEDENCE["Lambda"]

    @classmethod
    def eval(cls, *args: Any) -> None:  # SymPy's evaluation hook: never evaluates
        return None

    def _parts(self) -> tuple[sympy.Expr, sympy.Expr, sympy.Expr]:
        lhs, rhs, at_zero = self.args
        return lhs, rhs, at_zero

    def _sympystr(self, printer: Any) -> str:
        lhs, rhs, at_zero = (printer._print(a) for a in self._parts())
        tie = "" if self.args[2] == 0 else f", {at_zero} if {lhs} = {rhs}"
        return f"1 if {lhs} > {rhs}{tie}, else 0"

    def _latex(self, printer: Any) -> str:
        lhs, rhs, at_zero = (printer._print(a) for a in self._parts())
        tie = "" if self.args[2] == 0 else f",\\ {at_zero} \\text{{ if }} {lhs} = {rhs}"
        return f"1 \\text{{ if }} {lhs} > {rhs}{tie},\\ \\text{{else }} 0"

    def _mathml_presentation(self, printer: Any) -> Any:
        dom = printer.dom
        row = dom.createElement("mrow")

        def add(kind: str, text: str) -> None:
            element = dom.createElement(kind)
            element.appendChild(dom.createTextNode(text))
            row.appendChild(element)

        lhs, rhs, at_zero = self._parts()
        add("mn", "1")
        add("mtext", "\u00a0if\u00a0")
        row.appendChild(printer._print(lhs))
        add("mo", ">")
        row.appendChild(printer._print(rhs))
        if at_zero != 0:
            add("mo", ",")
            row.appendChild(printer._print(at_zero))
            add("mtext", "\u00a0if\u00a0")
            row.appendChild(printer._print(lhs))
            add("mo", "=")
            row.appendChild(printer._print(rhs))
        add("mo", ",")
        add("mtext", "\u00a0else\u00a0")
        add("mn", "0")
        return row


def in_words(expr: sympy.Expr) -> sympy.Expr:
    """``expr`` with each ``Heaviside`` written as a :class:`StepWords`."""
    if not isinstance(expr, sympy.Basic) or not expr.has(sympy.Heaviside):
        return expr
    return expr.replace(lambda e: isinstance(e, sympy.Heaviside), _step)


def _step(heaviside: sympy.Heaviside) -> sympy.Expr:
    argument = heaviside.args[0]
    at_zero = heaviside.args[1] if len(heaviside.args) > 1 else sympy.S.Half
    lhs, rhs = argument, sympy.S.Zero
    if isinstance(argument, sympy.Add):
        positive = [t for t in argument.args if not t.could_extract_minus_sign()]
        negative = [-t for t in argument.args if t.could_extract_minus_sign()]
        if positive and negative:
            lhs, rhs = sympy.Add(*positive), sympy.Add(*negative)
        elif negative and not argument.is_number:
            lhs, rhs = sympy.S.Zero, sympy.Add(*negative)
    return StepWords(lhs, rhs, at_zero)
