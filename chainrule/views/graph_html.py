"""HTML for a computational :class:`~chainrule.graph.Graph`: tables with MathML.

The same three parts as the other graph formats (``chainrule.views.graph``):
the forward pass, the backward pass edge by edge (upstream, local,
downstream = local × upstream), the fan-out sums and the gradients; one
self-contained page (embedded style sheet, no network, no JavaScript), or a
fragment for Jupyter. Every number comes from the graph.
"""

from __future__ import annotations

import re
from html import escape

import sympy

from chainrule.graph import Graph, Node
from chainrule.views.graph import _backward_rows, fan_out, number, operation, title
from chainrule.views.html import fragment, page
from chainrule.views.mathml import math_block, mathml_expr

__all__ = ["render_graph_html", "render_graph_html_fragment"]

_FLOAT_E = re.compile(r"^(-?[\d.]+)e([+-]\d+)$")


def _math(content: str) -> str:
    return math_block(content, display=False)


_MINUS = "\u2212"


def _mn(text: str) -> str:
    if text.startswith("-"):
        return f"<mrow><mo>{_MINUS}</mo><mn>{text[1:]}</mn></mrow>"
    return f"<mn>{text}</mn>"


def number_mathml(value: sympy.Expr | None) -> str:
    """A value as MathML: exact as SymPy prints it, a float to 6 digits (``1.48·10⁻³²³``)."""
    if value is None:
        return ""
    if isinstance(value, sympy.Float):
        text = number(value)
        match = _FLOAT_E.match(text)
        if match:
            return (
                f"<mrow>{_mn(match.group(1))}<mo>·</mo>"
                f"<msup><mn>10</mn>{_mn(str(int(match.group(2))))}</msup></mrow>"
            )
        if re.fullmatch(r"-?[\d.]+", text):
            return _mn(text)
        return f"<mi>{escape(text)}</mi>"
    return mathml_expr(value)


def _quantity(value: sympy.Expr, graph: Graph) -> str:
    return mathml_expr(value) if graph.symbolic else number_mathml(value)


def _name(node: Node) -> str:
    return mathml_expr(node.symbol)


def _partial(top: str, bottom: str) -> str:
    return f"<mfrac><mrow><mo>∂</mo>{top}</mrow><mrow><mo>∂</mo>{bottom}</mrow></mfrac>"


def _local(graph: Graph, formula: sympy.Expr, value: sympy.Expr | None) -> str:
    if graph.symbolic or value is None:
        return mathml_expr(formula)
    if formula.is_Number:
        return number_mathml(value)
    return f"<mrow>{mathml_expr(formula)}<mo>=</mo>{number_mathml(value)}</mrow>"


def _table(headers: list[str], rows: list[tuple[list[str], str]], numeric: set[int]) -> str:
    head = "".join(f"<th>{h}</th>" for h in headers)
    lines = [f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>"]
    for cells, css in rows:
        cls = f' class="{css}"' if css else ""
        tds = "".join(
            f'<td class="num">{c}</td>' if k in numeric else f"<td>{c}</td>" for k, c in enumerate(cells)
        )
        lines.append(f"<tr{cls}>{tds}</tr>")
    lines.append("</tbody>\n</table>\n")
    return "\n".join(lines)


def graph_body(graph: Graph) -> str:
    """The content shared by the page and the fragment."""
    f = _name(graph.output_node)
    parts = [f"<header>\n<h1>{escape(title(graph))}</h1>\n</header>\n"]

    parts.append('<section class="forward">\n<h2>Forward pass</h2>\n')
    headers = ["node", "operation", "definition"] + ([] if graph.symbolic else ["value"])
    rows = []
    for node in graph.nodes:
        cells = [_math(_name(node)), f"<code>{escape(operation(node))}</code>", _math(mathml_expr(node.expr))]
        if not graph.symbolic:
            cells.append(_math(number_mathml(node.value)))
        rows.append((cells, "output" if node.id == graph.output else ""))
    parts.append(_table(headers, rows, {3}))
    if not graph.symbolic:
        parts.append(f"<p>Output: {_math(f'<mrow>{f}<mo>=</mo>{number_mathml(graph.value)}</mrow>')}</p>\n")
    parts.append("</section>\n")

    node_word, input_word = "<mtext>node</mtext>", "<mtext>input</mtext>"
    parts.append('<section class="backward">\n<h2>Backward pass</h2>\n')
    parts.append(
        f"<p>{_math(f'<mrow>{_partial(f, f)}<mo>=</mo><mn>1</mn></mrow>')}; then for every edge, "
        "downstream = local × upstream, where upstream is "
        f"{_math(_partial(f, node_word))} and local is {_math(_partial(node_word, input_word))}.</p>\n"
    )
    rows = [
        (
            [
                _math(_name(node)),
                _math(_name(source)),
                _math(_quantity(edge.upstream, graph)),
                _math(
                    f"<mrow>{_partial(_name(node), _name(source))}<mo>=</mo>"
                    f"{_local(graph, edge.local, edge.local_value)}</mrow>"
                ),
                _math(_quantity(edge.downstream, graph)),
            ],
            "",
        )
        for node, source, edge in _backward_rows(graph)
    ]
    parts.append(_table(["node", "input", "upstream", "local", "downstream"], rows, {2, 4}))
    parts.append("</section>\n")

    shared = fan_out(graph)
    if shared:
        parts.append('<section class="fan-out">\n<h2>Fan-out</h2>\n')
        parts.append("<p>A node used several times sums the gradients flowing back:</p>\n<ul>\n")
        for node, contributions in shared:
            terms = " + ".join(
                f"{_math(_quantity(c, graph))} (from {_math(_name(u))})" for u, c in contributions
            )
            total = _math(_quantity(node.grad, graph))
            parts.append(f"<li>{_math(_partial(f, _name(node)))} = {terms} = {total}</li>\n")
        parts.append("</ul>\n</section>\n")

    parts.append('<section class="gradients">\n<h2>Gradients</h2>\n')
    if graph.gradients:
        parts.append("<ul>\n")
        for name, gradient in graph.gradients.items():
            lhs = _partial(f, mathml_expr(sympy.Symbol(name)))
            parts.append(f"<li>{_math(f'<mrow>{lhs}<mo>=</mo>{_quantity(gradient, graph)}</mrow>')}</li>\n")
        parts.append("</ul>\n")
    else:
        parts.append("<p>No variables.</p>\n")
    parts.append("</section>\n")
    return "".join(parts)


def render_graph_html(graph: Graph, settings: object = None) -> str:
    """The graph as one self-contained HTML page with MathML."""
    heading = title(graph)
    if len(heading) > 100:
        heading = heading[:97] + "..."
    return page(f"{heading} — chainrule", graph_body(graph))


def render_graph_html_fragment(graph: Graph) -> str:
    """The graph as an embeddable ``<div class="chainrule">`` (Jupyter)."""
    return fragment(graph_body(graph))
