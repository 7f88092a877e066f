r"""Rich display in Jupyter: HTML, LaTeX and Markdown for every kind of result.

A notebook cell ending in ``chainrule.derive("sin(x**2)")`` calls the
object's ``_repr_html_`` (or ``_repr_markdown_``/``_repr_latex_``, whichever
the front end prefers); ``chainrule.display`` sends them here, and the table
below picks the function for the kind of result. HTML is the page's content
in a ``<div class="chainrule">`` with a scoped style sheet and MathML; LaTeX is
what MathJax typesets (an ``align*`` or ``array``, no ``longtable``);
Markdown has ``$...$`` math.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sympy

from chainrule.printing import latex as latex_expr
from chainrule.recursion import deep_recursion
from chainrule.views import kind_of, render
from chainrule.views.registry import load

if TYPE_CHECKING:
    from chainrule.graph import Graph

__all__ = ["html", "latex", "markdown"]

_V = "chainrule.views."

#: For each kind of result: the functions giving its HTML fragment, MathJax LaTeX and Markdown
#: (``None``: the kind's ordinary ``latex`` or ``markdown`` format).
_DISPLAY: dict[str, tuple[str, str | None, str | None]] = {
    "derivation": (_V + "html:render_html_fragment", None, None),
    "gradient": (_V + "gradient:render_html_fragment", None, None),
    "graph": (
        _V + "graph_html:render_graph_html_fragment",
        _V + "jupyter:graph_latex",
        _V + "jupyter:graph_markdown",
    ),
    "check": (_V + "check:check_html", _V + "check:check_latex", _V + "check:check_markdown"),
}


def _show(result: Any, which: int, format: str) -> str:  # noqa: A002 - the format's name
    target = _DISPLAY[kind_of(result)][which]
    if target is None:
        return render(result, format)
    with deep_recursion():
        text: str = load(target)(result)
    return text


def html(result: Any) -> str:
    """The result as an HTML fragment with MathML."""
    return _show(result, 0, "html")


def latex(result: Any) -> str:
    """The result as LaTeX that MathJax typesets."""
    return _show(result, 1, "latex")


def markdown(result: Any) -> str:
    """The result as Markdown with ``$...$`` math."""
    return _show(result, 2, "markdown")


# ----------------------------------------------------------------------- graph


def graph_html(graph: Graph) -> str:
    from chainrule.views.graph_html import render_graph_html_fragment

    return render_graph_html_fragment(graph)


def _graph_rows(graph: Graph, cell: str) -> tuple[list[list[str]], list[list[str]], list[tuple[str, str]]]:
    """Forward rows, backward rows and gradients with math in ``cell`` (a format string)."""
    from chainrule.views.graph import (
        _backward_rows,
        _local_latex,
        _name_latex,
        _quantity_latex,
        number_latex,
        operation,
    )

    def m(tex: str) -> str:
        return cell.format(tex)

    forward = []
    for node in graph.nodes:
        row = [m(_name_latex(node)), f"`{operation(node)}`" if "$" in cell else operation(node)]
        row.append(m(latex_expr(node.expr)))
        if not graph.symbolic:
            row.append(m(number_latex(node.value)))
        forward.append(row)
    backward = [
        [
            m(_name_latex(node)),
            m(_name_latex(source)),
            m(_quantity_latex(edge.upstream, graph)),
            m(
                rf"\frac{{\partial {_name_latex(node)}}}{{\partial {_name_latex(source)}}} = "
                + _local_latex(graph, edge.local, edge.local_value)
            ),
            m(_quantity_latex(edge.downstream, graph)),
        ]
        for node, source, edge in _backward_rows(graph)
    ]
    f = _name_latex(graph.output_node)
    gradients = [
        (rf"\frac{{\partial {f}}}{{\partial {latex_expr(sympy.Symbol(name))}}}", _quantity_latex(g, graph))
        for name, g in graph.gradients.items()
    ]
    return forward, backward, gradients


def graph_latex(graph: Graph) -> str:
    """The graph as one MathJax display: forward table, backward table, gradients."""
    from chainrule.views.graph import title

    forward, backward, gradients = _graph_rows(graph, "{}")
    forward = [[r[0], rf"\text{{{r[1]}}}", *r[2:]] for r in forward]
    heads = ["node", "operation", "definition"] + ([] if graph.symbolic else ["value"])

    def array(headers: list[str], rows: list[list[str]]) -> str:
        head = " & ".join(rf"\text{{{h}}}" for h in headers)
        body = " \\\\\n".join(" & ".join(r) for r in rows)
        return f"\\begin{{array}}{{{'l' * len(headers)}}}\n{head} \\\\ \\hline\n{body}\n\\end{{array}}"

    grads = " \\\\\n".join(f"{lhs} = {value}" for lhs, value in gradients) or r"\text{no variables}"
    heading = title(graph).replace("{", "(").replace("}", ")")
    return (
        "$$\n\\begin{array}{l}\n"
        f"\\text{{{heading}}} \\\\[1ex]\n"
        f"\\textbf{{Forward pass}} \\\\\n{array(heads, forward)} \\\\[1ex]\n"
        "\\textbf{Backward pass: downstream = local} \\times \\textbf{upstream} \\\\\n"
        f"{array(['node', 'input', 'upstream', 'local', 'downstream'], backward)} \\\\[1ex]\n"
        f"\\textbf{{Gradients}} \\\\\n\\begin{{array}}{{l}}\n{grads}\n\\end{{array}}\n"
        "\\end{array}\n$$"
    )


def graph_markdown(graph: Graph) -> str:
    """The graph as Markdown: headings and tables with ``$...$`` math."""
    from chainrule.views.graph import title

    # A "|" inside a table cell would end the cell.
    forward, backward, gradients = _graph_rows(graph, "${}$")

    def table(headers: list[str], rows: list[list[str]]) -> list[str]:
        lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
        lines.extend("| " + " | ".join(c.replace("|", r"\vert ") for c in r) + " |" for r in rows)
        return lines

    heads = ["node", "operation", "definition"] + ([] if graph.symbolic else ["value"])
    lines = [f"**{_md_text(title(graph))}**", "", "#### Forward pass", "", *table(heads, forward), ""]
    lines += ["#### Backward pass", "", "downstream = local × upstream", ""]
    lines += [*table(["node", "input", "upstream", "local", "downstream"], backward), ""]
    lines += ["#### Gradients", ""]
    lines += [f"- ${lhs} = {value}$" for lhs, value in gradients] or ["No variables."]
    return "\n".join(lines) + "\n"


def _md_text(text: str) -> str:
    from chainrule.views.markdown import escape as md_escape

    return md_escape(text)
