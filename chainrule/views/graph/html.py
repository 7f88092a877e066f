"""A graph in HTML: tables with MathML, one self-contained page or a fragment for Jupyter.

The page has an embedded style sheet and no network or JavaScript; the
fragment is a ``<div class="chainrule">`` (a notebook's ``_repr_html_``). Both
print the :class:`~chainrule.views.graph.document.GraphDocument`.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from chainrule.views.graph.document import BackwardRow, GraphDocument, graph_document
from chainrule.views.html import fragment, page
from chainrule.views.mathml import math_block, mathml_expr
from chainrule.views.numbers import number_mathml
from chainrule.views.settings import Settings

if TYPE_CHECKING:
    from chainrule.graph import Graph, Node

__all__ = ["render_html", "render_html_fragment"]


def _math(content: str) -> str:
    return math_block(content, display=False)


def _name(node: Node) -> str:
    return mathml_expr(node.symbol)


def _partial(top: str, bottom: str) -> str:
    return f"<mfrac><mrow><mo>∂</mo>{top}</mrow><mrow><mo>∂</mo>{bottom}</mrow></mfrac>"


def _local(row: BackwardRow) -> str:
    formula = number_mathml(row.local)
    if row.local_value is not None:
        if row.local_in_words:
            formula = f"<mrow><mo>(</mo>{formula}<mo>)</mo></mrow>"
        formula = f"<mrow>{formula}<mo>=</mo>{number_mathml(row.local_value)}</mrow>"
    return f"<mrow>{_partial(_name(row.node), _name(row.source))}<mo>=</mo>{formula}</mrow>"


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


def _forward(doc: GraphDocument, f: str) -> list[str]:
    headers = ["node", "operation", "definition"] + ([] if doc.symbolic else ["value"])
    rows = []
    for r in doc.forward:
        cells = [
            _math(_name(r.node)),
            f"<code>{escape(r.operation)}</code>",
            _math(mathml_expr(r.definition)),
        ]
        if not doc.symbolic:
            cells.append(_math(number_mathml(r.value)))
        rows.append((cells, "output" if r.output else ""))
    parts = ['<section class="forward">\n<h2>Forward pass</h2>\n', _table(headers, rows, {3})]
    if not doc.symbolic:
        parts.append(f"<p>Output: {_math(f'<mrow>{f}<mo>=</mo>{number_mathml(doc.value)}</mrow>')}</p>\n")
    parts.append("</section>\n")
    return parts


def _backward(doc: GraphDocument, f: str) -> list[str]:
    node_word, input_word = "<mtext>node</mtext>", "<mtext>input</mtext>"
    rows = [
        (
            [
                _math(_name(r.node)),
                _math(_name(r.source)),
                _math(number_mathml(r.upstream)),
                _math(_local(r)),
                _math(number_mathml(r.downstream)),
            ],
            "",
        )
        for r in doc.backward
    ]
    return [
        '<section class="backward">\n<h2>Backward pass</h2>\n',
        f"<p>{_math(f'<mrow>{_partial(f, f)}<mo>=</mo><mn>1</mn></mrow>')}; then for every edge, "
        "downstream = local × upstream, where upstream is "
        f"{_math(_partial(f, node_word))} and local is {_math(_partial(node_word, input_word))}.</p>\n",
        _table(["node", "input", "upstream", "local", "downstream"], rows, {2, 4}),
        "</section>\n",
    ]


def _fan_out(doc: GraphDocument, f: str) -> list[str]:
    if not doc.fan_out:
        return []
    parts = [
        '<section class="fan-out">\n<h2>Fan-out</h2>\n',
        "<p>A node used several times sums the gradients flowing back:</p>\n<ul>\n",
    ]
    for item in doc.fan_out:
        terms = " + ".join(f"{_math(number_mathml(c))} (from {_math(_name(u))})" for u, c in item.parts)
        total = _math(number_mathml(item.total))
        parts.append(f"<li>{_math(_partial(f, _name(item.node)))} = {terms} = {total}</li>\n")
    parts.append("</ul>\n</section>\n")
    return parts


def _gradients(doc: GraphDocument, f: str) -> list[str]:
    parts = ['<section class="gradients">\n<h2>Gradients</h2>\n']
    if not doc.gradients:
        return [*parts, "<p>No variables.</p>\n</section>\n"]
    parts.append("<ul>\n")
    for _, symbol, gradient in doc.gradients:
        lhs = _partial(f, mathml_expr(symbol))
        parts.append(f"<li>{_math(f'<mrow>{lhs}<mo>=</mo>{number_mathml(gradient)}</mrow>')}</li>\n")
    parts.append("</ul>\n</section>\n")
    return parts


def graph_body(doc: GraphDocument) -> str:
    """The content shared by the page and the fragment."""
    f = _name(doc.output)
    parts = [f"<header>\n<h1>{escape(doc.title)}</h1>\n</header>\n"]
    for section in (_forward, _backward, _fan_out, _gradients):
        parts.extend(section(doc, f))
    return "".join(parts)


def render_html(graph: Graph, settings: Settings | None = None) -> str:
    """The graph as one self-contained HTML page with MathML."""
    doc = graph_document(graph)
    heading = doc.title if len(doc.title) <= 100 else doc.title[:97] + "..."
    return page(f"{heading} — chainrule", graph_body(doc))


def render_html_fragment(graph: Graph, settings: Settings | None = None) -> str:
    """The graph as an embeddable ``<div class="chainrule">`` (a notebook's ``_repr_html_``)."""
    return fragment(graph_body(graph_document(graph)))
