r"""Renderers for a computational :class:`~chainrule.graph.Graph`.

Every format shows the same three parts, in the order a backprop lecture
works through them:

1. the forward pass: one row per node (name, operation, definition, value);
2. the backward pass: one row per edge, from the output back, with the
   upstream gradient ``∂f/∂node``, the local gradient ``∂node/∂input`` (formula
   and value) and the downstream gradient ``local × upstream``;
3. every input's gradient, and, for each node used more than once, the sum of
   the contributions flowing back into it.

Formats: ``text`` (plain ASCII tables, stable for golden tests), ``rich``
(``rich.table.Table``), ``latex`` (``longtable`` + ``booktabs``; a fragment, or a
document pdflatex compiles), ``dot`` (Graphviz source). JSON is
:meth:`Graph.to_json`. Expressions go through :mod:`chainrule.printing`;
numbers are shown exactly when exact, floats to 6 significant digits.
Renderers never differentiate: every number comes from the graph.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import sympy

from chainrule.graph import Graph, Node
from chainrule.printing import latex as latex_expr
from chainrule.printing import plain

if TYPE_CHECKING:
    from rich.console import RenderableType

__all__ = [
    "GRAPH_FORMATS",
    "render_dot",
    "render_graph",
    "render_latex",
    "render_rich",
    "render_rich_text",
    "render_text",
]

GRAPH_FORMATS = ("rich", "text", "latex", "json", "dot", "html")

#: Significant digits of a float in tables (JSON keeps full precision).
DIGITS = 6


def render_graph(graph: Graph, format: str = "text", *, standalone: bool = False) -> str:  # noqa: A002
    """``graph`` in ``format`` (one of ``GRAPH_FORMATS``) as a string."""
    from chainrule.errors import UsageError

    if standalone and format != "latex":
        raise UsageError("--standalone applies only to the latex format")
    if format == "text":
        return render_text(graph)
    if format == "rich":
        return render_rich_text(graph)
    if format == "latex":
        return render_latex(graph, standalone=standalone)
    if format == "json":
        return graph.to_json() + "\n"
    if format == "dot":
        return render_dot(graph)
    if format == "html":
        from chainrule.views.graph_html import render_graph_html

        return render_graph_html(graph)
    raise UsageError(f"unknown format {format!r}; choose one of {', '.join(GRAPH_FORMATS)}")


# --------------------------------------------------------------- shared parts


def number(value: sympy.Expr | None) -> str:
    """A value for a table: exact as SymPy prints it, a float to 6 digits."""
    if value is None:
        return ""
    if isinstance(value, sympy.Float):
        text = f"{float(value):.{DIGITS}g}"
        if not any(c in text for c in ".ein"):
            text += ".0"
        return text
    return plain(value)


def quantity(value: sympy.Expr, graph: Graph) -> str:
    """A gradient: a number with values, a formula without."""
    return plain(value) if graph.symbolic else number(value)


def local_text(graph: Graph, formula: sympy.Expr, value: sympy.Expr | None) -> str:
    """``z = -4``: the local gradient's formula and its value (just the value
    when the formula is a number already)."""
    if graph.symbolic or value is None:
        return plain(formula)
    if formula.is_Number:
        return number(value)
    return f"{plain(formula)} = {number(value)}"


def operation(node: Node) -> str:
    """The operation column: ``add``, ``tanh``, or an undefined function's name."""
    if node.op == "function":
        return str(node.expr.func)
    return node.op


def title(graph: Graph) -> str:
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
    mode = "" if not graph.symbolic else " (symbolic)"
    return f"Computational graph of {what}{at}{mode}; output {out.name}"


def fan_out(graph: Graph) -> list[tuple[Node, list[tuple[Node, sympy.Expr]]]]:
    """Each node used more than once, with (consumer, contribution) pairs.

    Constants are left out: a shared ``1`` is one node, but nobody asks for
    the gradient with respect to a constant.
    """
    result = []
    for node in graph.nodes:
        if len(node.out_edges) > 1 and node.op != "constant":
            parts = [(graph.nodes[e.target], e.downstream) for e in graph.contributions(node.id)]
            result.append((node, parts))
    return result


def _backward_rows(graph: Graph) -> list[tuple[Node, Node, Any]]:
    """(node, input, edge) in backward order: the output first."""
    rows: list[tuple[Node, Node, Any]] = []
    for node in reversed(graph.nodes):
        edges = sorted((graph.edges[e] for e in node.in_edges), key=lambda e: (e.source, e.id))
        rows.extend((node, graph.nodes[edge.source], edge) for edge in edges)
    return rows


# ----------------------------------------------------------------------- text


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], indent: str = "  ") -> str:
    widths = [len(h) for h in headers]
    for row in rows:
        for k, cell in enumerate(row):
            widths[k] = max(widths[k], len(cell))

    def line(cells: Sequence[str]) -> str:
        return (indent + "  ".join(c.ljust(w) for c, w in zip(cells, widths))).rstrip()

    out = [line(headers), line(["-" * w for w in widths])]
    out.extend(line(row) for row in rows)
    return "\n".join(out)


def render_text(graph: Graph, settings: Any = None) -> str:
    """Plain ASCII: the forward pass, the backward pass and the gradients."""
    f = graph.output_node.name
    parts = [title(graph), ""]

    parts.append("Forward pass")
    headers = ["node", "operation", "definition"] + ([] if graph.symbolic else ["value"])
    rows = []
    for node in graph.nodes:
        row = [node.name, operation(node), plain(node.expr)]
        if not graph.symbolic:
            row.append(number(node.value))
        rows.append(row)
    parts.append(_table(headers, rows))
    if not graph.symbolic:
        parts.append(f"  {f} = {number(graph.value)}")
    parts.append("")

    parts.append(f"Backward pass: d{f}/d{f} = 1, then for every edge downstream = local * upstream")
    parts.append(
        f"  (upstream = d{f}/d(node), local = d(node)/d(input), "
        f"downstream = its contribution to d{f}/d(input))"
    )
    rows = [
        [
            node.name,
            source.name,
            quantity(edge.upstream, graph),
            local_text(graph, edge.local, edge.local_value),
            quantity(edge.downstream, graph),
        ]
        for node, source, edge in _backward_rows(graph)
    ]
    parts.append(_table(["node", "input", "upstream", "local", "downstream"], rows))
    parts.append("")

    shared = fan_out(graph)
    if shared:
        parts.append("Fan-out: a node used several times sums the gradients flowing back")
        for node, contributions in shared:
            users = ", ".join(u.name for u, _ in contributions)
            terms = " + ".join(f"{quantity(c, graph)} (from {u.name})" for u, c in contributions)
            parts.append(
                f"  {node.name} feeds {users}: d{f}/d{node.name} = {terms} = {quantity(node.grad, graph)}"
            )
        parts.append("")

    parts.append("Gradients")
    if not graph.gradients:
        parts.append("  (no variables)")
    for name, gradient in graph.gradients.items():
        parts.append(f"  d{f}/d{name} = {quantity(gradient, graph)}")
    return "\n".join(parts) + "\n"


# ----------------------------------------------------------------------- rich


def render_rich(graph: Graph, settings: Any = None) -> RenderableType:
    """A rich renderable: a title, three tables and the fan-out sums."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    f = graph.output_node.name
    forward = Table(title="Forward pass", title_justify="left", show_edge=False)
    forward.add_column("node", style="bold")
    forward.add_column("operation")
    forward.add_column("definition")
    if not graph.symbolic:
        forward.add_column("value", justify="right")
    for node in graph.nodes:
        cells = [Text(node.name), Text(operation(node)), Text(plain(node.expr))]
        if not graph.symbolic:
            cells.append(Text(number(node.value)))
        forward.add_row(*cells, style="bold" if node.id == graph.output else None)

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
    for node, source, edge in _backward_rows(graph):
        backward.add_row(
            Text(node.name),
            Text(source.name),
            Text(quantity(edge.upstream, graph)),
            Text(local_text(graph, edge.local, edge.local_value)),
            Text(quantity(edge.downstream, graph)),
        )

    gradients = Table(title="Gradients", title_justify="left", show_edge=False)
    gradients.add_column("input", style="bold")
    gradients.add_column(f"∂{f}/∂input", justify="right")
    for name, gradient in graph.gradients.items():
        gradients.add_row(Text(name), Text(quantity(gradient, graph)))

    parts: list[Any] = [Text(title(graph), style="bold"), Text(""), forward]
    if not graph.symbolic:
        parts.append(Text(f"{f} = {number(graph.value)}"))
    parts += [Text(""), backward, Text("")]
    shared = fan_out(graph)
    if shared:
        parts.append(Text("Fan-out: a node used several times sums the gradients flowing back"))
        for node, contributions in shared:
            terms = " + ".join(f"{quantity(c, graph)} (from {u.name})" for u, c in contributions)
            parts.append(Text(f"  ∂{f}/∂{node.name} = {terms} = {quantity(node.grad, graph)}"))
        parts.append(Text(""))
    parts.append(gradients)
    return Group(*parts)


def render_rich_text(graph: Graph, settings: Any = None, *, width: int = 100) -> str:
    """The rich view as plain text (no colour), for files and tests."""
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, highlight=False, soft_wrap=False)
    console.print(render_rich(graph))
    return buffer.getvalue()


# ---------------------------------------------------------------------- latex

_FLOAT_E = re.compile(r"^(-?[\d.]+)e([+-]\d+)$")


def number_latex(value: sympy.Expr | None) -> str:
    """A value in LaTeX: ``\\frac{1}{3}``, ``0.731059``, ``1.48 \\cdot 10^{-323}``."""
    if value is None:
        return ""
    if isinstance(value, sympy.Float):
        text = number(value)
        match = _FLOAT_E.match(text)
        if match:
            return f"{match.group(1)} \\cdot 10^{{{int(match.group(2))}}}"
        return text
    return latex_expr(value)


def _quantity_latex(value: sympy.Expr, graph: Graph) -> str:
    return latex_expr(value) if graph.symbolic else number_latex(value)


def _local_latex(graph: Graph, formula: sympy.Expr, value: sympy.Expr | None) -> str:
    if graph.symbolic or value is None:
        return latex_expr(formula)
    if formula.is_Number:
        return number_latex(value)
    return f"{latex_expr(formula)} = {number_latex(value)}"


def _tex_text(text: str) -> str:
    """Escape text for LaTeX's text mode."""
    replacements = {
        "\\": r"\textbackslash{}",
        "_": r"\_",
        "&": r"\&",
        "%": r"\%",
        "$": r"\$",
        "#": r"\#",
        "{": r"\{",
        "}": r"\}",
        "^": r"\^{}",
        "~": r"\~{}",
    }
    return "".join(replacements.get(c, c) for c in text)


def _name_latex(node: Node) -> str:
    return latex_expr(node.symbol)


def _longtable(columns: str, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    head = " & ".join(headers) + r" \\"
    lines = [
        f"\\begin{{longtable}}{{{columns}}}",
        r"\toprule",
        head,
        r"\midrule",
        r"\endfirsthead",
        r"\toprule",
        head,
        r"\midrule",
        r"\endhead",
        r"\bottomrule",
        r"\endfoot",
    ]
    lines.extend(" & ".join(row) + r" \\" for row in rows)
    lines.append(r"\end{longtable}")
    return "\n".join(lines)


def render_latex(graph: Graph, settings: Any = None, *, standalone: bool = False) -> str:
    r"""LaTeX tables (``longtable`` and ``booktabs``; amsmath for ``\partial``).

    ``standalone=True`` wraps them in a whole document that pdflatex compiles
    with texlive-latex-base and texlive-latex-recommended.
    """
    standalone = standalone or bool(getattr(settings, "standalone", False))
    f = latex_expr(graph.output_node.symbol)

    def d(top: str, bottom: str) -> str:
        return f"\\frac{{\\partial {top}}}{{\\partial {bottom}}}"

    forward_rows = []
    for node in graph.nodes:
        row = [
            f"${_name_latex(node)}$",
            f"\\texttt{{{_tex_text(operation(node))}}}",
            f"${latex_expr(node.expr)}$",
        ]
        if not graph.symbolic:
            row.append(f"${number_latex(node.value)}$")
        forward_rows.append(row)
    headers = ["Node", "Operation", "Definition"] + ([] if graph.symbolic else ["Value"])
    forward = _longtable("llll" if not graph.symbolic else "lll", headers, forward_rows)

    backward_rows = [
        [
            f"${_name_latex(node)}$",
            f"${_name_latex(source)}$",
            f"${_quantity_latex(edge.upstream, graph)}$",
            f"${d(_name_latex(node), _name_latex(source))} = "
            f"{_local_latex(graph, edge.local, edge.local_value)}$",
            f"${_quantity_latex(edge.downstream, graph)}$",
        ]
        for node, source, edge in _backward_rows(graph)
    ]
    backward = _longtable(
        "lllll",
        ["Node", "Input", "Upstream", "Local", "Downstream"],
        backward_rows,
    )

    gradient_lines = [
        f"${d(f, latex_expr(sympy.Symbol(name)))} = {_quantity_latex(g, graph)}$"
        for name, g in graph.gradients.items()
    ]
    shared_lines = []
    for node, contributions in fan_out(graph):
        terms = " + ".join(
            f"${_quantity_latex(c, graph)}$ (from ${_name_latex(u)}$)" for u, c in contributions
        )
        shared_lines.append(f"${d(f, _name_latex(node))}$ = {terms} = ${_quantity_latex(node.grad, graph)}$")

    body = [
        r"\paragraph{Forward pass.}",
        forward,
    ]
    if not graph.symbolic:
        body.append(f"Output: ${f} = {number_latex(graph.value)}$.")
    node_word, input_word = r"\text{node}", r"\text{input}"
    body += [
        "",
        r"\paragraph{Backward pass.}",
        f"${d(f, f)} = 1$; for every edge, downstream = local $\\times$ upstream, "
        f"where upstream is ${d(f, node_word)}$ and local is "
        f"${d(node_word, input_word)}$.",
        backward,
    ]
    if shared_lines:
        body += [
            "",
            r"\paragraph{Fan-out.} A node used several times sums the gradients flowing back:",
            r"\begin{itemize}",
            *(f"\\item {line}" for line in shared_lines),
            r"\end{itemize}",
        ]
    body += ["", r"\paragraph{Gradients.}"]
    if gradient_lines:
        body += [r"\begin{itemize}", *(f"\\item {line}" for line in gradient_lines), r"\end{itemize}"]
    else:
        body.append("No variables.")
    fragment = "\n".join(body) + "\n"
    if not standalone:
        return fragment
    heading = _tex_text(title(graph))
    return (
        "\\documentclass[11pt]{article}\n"
        "\\usepackage[margin=1in]{geometry}\n"
        "\\usepackage{amsmath}\n"
        "\\usepackage{longtable}\n"
        "\\usepackage{booktabs}\n"
        "\\title{Computational graph}\n"
        "\\author{chainrule}\n"
        "\\date{}\n"
        "\\begin{document}\n"
        "\\maketitle\n"
        f"\\noindent {heading}\n\n"
        f"{fragment}"
        "\\end{document}\n"
    )


# ------------------------------------------------------------------------ dot


def _dot_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def render_dot(graph: Graph, settings: Any = None) -> str:
    """Graphviz source: nodes show operation, value and gradient; edges their
    local gradient (and the downstream gradient they carry back)."""
    f = graph.output_node.name
    lines = [
        "digraph chainrule {",
        "  rankdir=LR;",
        '  node [fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=10];',
    ]
    for node in graph.nodes:
        if node.op == "input":
            head, shape = node.name, "ellipse"
        elif node.op == "constant":
            head, shape = node.name, "plaintext"
        else:
            head, shape = f"{node.name} = {plain(node.expr)}", "box"
        label = [head]
        if node.op not in ("input", "constant"):
            label.append(operation(node))
        if not graph.symbolic:
            label.append(f"value {number(node.value)}")
        label.append(f"d{f}/d{node.name} = {quantity(node.grad, graph)}")
        attributes = [f"label={_dot_string(chr(10).join(label))}", f"shape={shape}"]
        if node.id == graph.output:
            attributes.append("penwidth=2")
        lines.append(f"  v{node.id} [{', '.join(attributes)}];")
    for edge in graph.edges:
        source, target = graph.nodes[edge.source], graph.nodes[edge.target]
        edge_label = (
            f"d{target.name}/d{source.name} = "
            f"{local_text(graph, edge.local, edge.local_value)}\n"
            f"downstream {quantity(edge.downstream, graph)}"
        )
        lines.append(f"  v{edge.source} -> v{edge.target} [label={_dot_string(edge_label)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def graph_to_dict(graph: Graph, settings: Any = None) -> dict[str, Any]:
    return graph.to_dict()


def render_json(graph: Graph, settings: Any = None) -> str:
    return graph.to_json() + "\n"
