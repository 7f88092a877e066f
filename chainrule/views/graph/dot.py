"""A graph as Graphviz source: nodes with value and gradient, edges with local gradients.

Operations are boxes, variables ellipses, constants plain text (they receive
no gradient). The CLI draws svg, png and pdf from this source with ``dot``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chainrule.views.graph.document import graph_document
from chainrule.views.graph.text import local_text
from chainrule.views.numbers import number
from chainrule.views.settings import Settings

if TYPE_CHECKING:
    from chainrule.graph import Graph

__all__ = ["render_dot"]


def _string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def render_dot(graph: Graph, settings: Settings | None = None) -> str:
    """Graphviz source of ``graph``: each edge labelled with its local and downstream gradient."""
    doc = graph_document(graph)
    f = doc.output.name
    lines = [
        "digraph chainrule {",
        "  rankdir=LR;",
        '  node [fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=10];',
    ]
    for r in doc.forward:
        node = r.node
        if node.op == "input":
            label, shape = [node.name], "ellipse"
        elif node.is_constant:
            label, shape = [node.name], "plaintext"
        else:
            label, shape = [f"{node.name} = {number(r.definition)}", r.operation], "box"
        if not doc.symbolic and not node.is_constant:
            label.append(f"value {number(r.value)}")
        if not node.is_constant:
            label.append(f"d{f}/d{node.name} = {number(r.grad)}")
        attributes = [f"label={_string(chr(10).join(label))}", f"shape={shape}"]
        if r.output:
            attributes.append("penwidth=2")
        lines.append(f"  v{node.id} [{', '.join(attributes)}];")
    rows = {(r.source.id, r.node.id): r for r in doc.backward}
    for edge in graph.edges:
        row = rows.get((edge.source, edge.target))
        if row is None:  # from a constant: no gradient flows back
            lines.append(f"  v{edge.source} -> v{edge.target};")
            continue
        text = f"d{row.node.name}/d{row.source.name} = {local_text(row)}\ndownstream {number(row.downstream)}"
        lines.append(f"  v{edge.source} -> v{edge.target} [label={_string(text)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
