"""A graph in Markdown: headings and tables with ``$...$`` math (also a notebook's ``_repr_markdown_``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chainrule.views.graph.document import graph_document
from chainrule.views.graph.latex import latex_rows, name_latex, partial
from chainrule.views.markdown import escape
from chainrule.views.numbers import number_latex
from chainrule.views.settings import Settings

if TYPE_CHECKING:
    from chainrule.graph import Graph

__all__ = ["render_markdown"]


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    # A "|" inside a table cell would end the cell.
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines.extend("| " + " | ".join(c.replace("|", r"\vert ") for c in row) + " |" for row in rows)
    return lines


def render_markdown(graph: Graph, settings: Settings | None = None) -> str:
    """The graph as Markdown: the title, the forward and backward tables, fan-out and gradients."""
    doc = graph_document(graph)
    forward, backward, gradients = latex_rows(doc)
    forward_cells = [[f"${r[0]}$", f"`{r[1]}`", *(f"${c}$" for c in r[2:])] for r in forward]
    backward_cells = [[f"${c}$" for c in r] for r in backward]
    heads = ["node", "operation", "definition"] + ([] if doc.symbolic else ["value"])
    lines = [f"**{escape(doc.title)}**", "", "#### Forward pass", "", *_table(heads, forward_cells), ""]
    lines += ["#### Backward pass", "", "downstream = local × upstream", ""]
    lines += [*_table(["node", "input", "upstream", "local", "downstream"], backward_cells), ""]
    if doc.fan_out:
        f = name_latex(doc.output)
        lines += ["#### Fan-out", "", "A node used several times sums the gradients flowing back:", ""]
        for item in doc.fan_out:
            terms = " + ".join(f"${number_latex(c)}$ (from ${name_latex(u)}$)" for u, c in item.parts)
            total = number_latex(item.total)
            lines.append(
                f"- ${partial(f, name_latex(item.node))}$ = {terms} = ${total}$".replace("|", r"\vert ")
            )
        lines.append("")
    lines += ["#### Gradients", ""]
    lines += [f"- ${lhs} = {value}$" for lhs, value in gradients] or ["No variables."]
    return "\n".join(lines) + "\n"
