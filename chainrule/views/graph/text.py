"""A graph as plain ASCII tables (``text``) and as rich tables (``rich``).

Both print the :class:`~chainrule.views.graph.document.GraphDocument`; the
text form is stable for golden tests and documentation.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from chainrule.views.graph.document import BackwardRow, graph_document
from chainrule.views.numbers import number
from chainrule.views.settings import Settings

if TYPE_CHECKING:
    from rich.console import RenderableType

    from chainrule.graph import Graph

__all__ = ["local_text", "render_rich", "render_rich_text", "render_text"]


def local_text(row: BackwardRow) -> str:
    """``z = -4``: the local gradient's formula and its value (the value alone for a number)."""
    if row.local_value is None:
        return number(row.local)
    formula = f"({number(row.local)})" if row.local_in_words else number(row.local)
    return f"{formula} = {number(row.local_value)}"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], indent: str = "  ") -> str:
    widths = [len(h) for h in headers]
    for row in rows:
        for k, cell in enumerate(row):
            widths[k] = max(widths[k], len(cell))

    def line(cells: Sequence[str]) -> str:
        return (indent + "  ".join(c.ljust(w) for c, w in zip(cells, widths))).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(row) for row in rows)])


def render_text(graph: Graph, settings: Settings | None = None) -> str:
    """Plain ASCII: the forward pass, the backward pass and the gradients."""
    doc = graph_document(graph)
    f = doc.output.name
    parts = [doc.title, "", "Forward pass"]
    headers = ["node", "operation", "definition"] + ([] if doc.symbolic else ["value"])
    rows = [
        [r.node.name, r.operation, number(r.definition)] + ([] if doc.symbolic else [number(r.value)])
        for r in doc.forward
    ]
    parts.append(_table(headers, rows))
    if not doc.symbolic:
        parts.append(f"  {f} = {number(doc.value)}")
    parts += [
        "",
        f"Backward pass: d{f}/d{f} = 1, then for every edge downstream = local * upstream",
        f"  (upstream = d{f}/d(node), local = d(node)/d(input), "
        f"downstream = its contribution to d{f}/d(input))",
    ]
    rows = [
        [r.node.name, r.source.name, number(r.upstream), local_text(r), number(r.downstream)]
        for r in doc.backward
    ]
    parts += [_table(["node", "input", "upstream", "local", "downstream"], rows), ""]
    if doc.fan_out:
        parts.append("Fan-out: a node used several times sums the gradients flowing back")
        for item in doc.fan_out:
            users = ", ".join(u.name for u, _ in item.parts)
            terms = " + ".join(f"{number(c)} (from {u.name})" for u, c in item.parts)
            parts.append(
                f"  {item.node.name} feeds {users}: d{f}/d{item.node.name} = {terms} = {number(item.total)}"
            )
        parts.append("")
    parts.append("Gradients")
    if not doc.gradients:
        parts.append("  (no variables)")
    parts.extend(f"  d{f}/d{name} = {number(g)}" for name, _, g in doc.gradients)
    return "\n".join(parts) + "\n"


def render_rich(graph: Graph, settings: Settings | None = None) -> RenderableType:
    """A rich renderable: the title, three tables and the fan-out sums."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    doc = graph_document(graph)
    f = doc.output.name
    forward = Table(title="Forward pass", title_justify="left", show_edge=False)
    for column in ("node", "operation", "definition"):
        forward.add_column(column, style="bold" if column == "node" else None)
    if not doc.symbolic:
        forward.add_column("value", justify="right")
    for r in doc.forward:
        cells = [r.node.name, r.operation, number(r.definition)] + ([] if doc.symbolic else [number(r.value)])
        forward.add_row(*(Text(c) for c in cells), style="bold" if r.output else None)

    backward = Table(
        title=f"Backward pass: ∂{f}/∂{f} = 1; downstream = local × upstream",
        title_justify="left",
        show_edge=False,
    )
    backward.add_column("node", style="bold")
    backward.add_column("input")
    backward.add_column(f"upstream ∂{f}/∂node", justify="right")
    backward.add_column("local ∂node/∂input")
    backward.add_column(f"downstream ∂{f}/∂input", justify="right")
    for edge in doc.backward:
        cells = [
            edge.node.name,
            edge.source.name,
            number(edge.upstream),
            local_text(edge),
            number(edge.downstream),
        ]
        backward.add_row(*(Text(c) for c in cells))

    gradients = Table(title="Gradients", title_justify="left", show_edge=False)
    gradients.add_column("input", style="bold")
    gradients.add_column(f"∂{f}/∂input", justify="right")
    for name, _, gradient in doc.gradients:
        gradients.add_row(Text(name), Text(number(gradient)))

    parts: list[Any] = [Text(doc.title, style="bold"), Text(""), forward]
    if not doc.symbolic:
        parts.append(Text(f"{f} = {number(doc.value)}"))
    parts += [Text(""), backward, Text("")]
    if doc.fan_out:
        parts.append(Text("Fan-out: a node used several times sums the gradients flowing back"))
        for item in doc.fan_out:
            terms = " + ".join(f"{number(c)} (from {u.name})" for u, c in item.parts)
            parts.append(Text(f"  ∂{f}/∂{item.node.name} = {terms} = {number(item.total)}"))
        parts.append(Text(""))
    parts.append(gradients)
    return Group(*parts)


def render_rich_text(graph: Graph, settings: Settings | None = None) -> str:
    """The rich view as plain text (no colour), for files and tests."""
    from rich.console import Console

    width = settings.width if settings is not None else Settings().width
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, highlight=False, soft_wrap=False)
    console.print(render_rich(graph, settings))
    return buffer.getvalue()
