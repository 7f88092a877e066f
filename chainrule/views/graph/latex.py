r"""A graph in LaTeX: ``longtable`` tables for a document, an ``array`` for MathJax.

``render_latex`` gives ``longtable`` + ``booktabs`` tables (amsmath for
``\partial``), a fragment or, with ``standalone``, a document pdflatex compiles
with texlive-latex-base and texlive-latex-recommended. ``render_jupyter_latex``
gives what MathJax typesets in a notebook: one display of ``array`` tables.
Both print the :class:`~chainrule.views.graph.document.GraphDocument`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from chainrule.printing import latex as latex_expr
from chainrule.views.graph.document import BackwardRow, GraphDocument, graph_document
from chainrule.views.latex import escape_text as tex_text
from chainrule.views.numbers import number_latex
from chainrule.views.settings import Settings

if TYPE_CHECKING:
    from chainrule.graph import Graph, Node

__all__ = ["latex_rows", "local_latex", "render_jupyter_latex", "render_latex"]


def partial(top: str, bottom: str) -> str:
    return f"\\frac{{\\partial {top}}}{{\\partial {bottom}}}"


def name_latex(node: Node) -> str:
    return latex_expr(node.symbol)


def local_latex(row: BackwardRow) -> str:
    """``\\frac{\\partial f}{\\partial n_1} = z = -4``: the local cell with its derivative."""
    formula = number_latex(row.local)
    if row.local_value is not None:
        formula = f"\\left({formula}\\right)" if row.local_in_words else formula
        formula = f"{formula} = {number_latex(row.local_value)}"
    return f"{partial(name_latex(row.node), name_latex(row.source))} = {formula}"


def latex_rows(doc: GraphDocument) -> tuple[list[list[str]], list[list[str]], list[tuple[str, str]]]:
    """The math of the forward rows, the backward rows and the gradients (no delimiters)."""
    forward = [
        [name_latex(r.node), r.operation, latex_expr(r.definition)]
        + ([] if doc.symbolic else [number_latex(r.value)])
        for r in doc.forward
    ]
    backward = [
        [
            name_latex(r.node),
            name_latex(r.source),
            number_latex(r.upstream),
            local_latex(r),
            number_latex(r.downstream),
        ]
        for r in doc.backward
    ]
    f = name_latex(doc.output)
    gradients = [(partial(f, latex_expr(symbol)), number_latex(g)) for _, symbol, g in doc.gradients]
    return forward, backward, gradients


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


def _itemize(lines: Sequence[str]) -> list[str]:
    return [r"\begin{itemize}", *(f"\\item {line}" for line in lines), r"\end{itemize}"]


def render_latex(graph: Graph, settings: Settings | None = None) -> str:
    """LaTeX tables: a fragment, or a whole document with ``settings.standalone``."""
    doc = graph_document(graph)
    forward, backward, gradients = latex_rows(doc)
    f = name_latex(doc.output)
    math = [[f"${cell}$" for cell in row] for row in forward]
    for row, r in zip(math, doc.forward):
        row[1] = f"\\texttt{{{tex_text(r.operation)}}}"
    headers = ["Node", "Operation", "Definition"] + ([] if doc.symbolic else ["Value"])
    body = [r"\paragraph{Forward pass.}", _longtable("l" * len(headers), headers, math)]
    if not doc.symbolic:
        body.append(f"Output: ${f} = {number_latex(doc.value)}$.")
    node_word, input_word = r"\text{node}", r"\text{input}"
    body += [
        "",
        r"\paragraph{Backward pass.}",
        f"${partial(f, f)} = 1$; for every edge, downstream = local $\\times$ upstream, "
        f"where upstream is ${partial(f, node_word)}$ and local is ${partial(node_word, input_word)}$.",
        _longtable(
            "lllll",
            ["Node", "Input", "Upstream", "Local", "Downstream"],
            [[f"${cell}$" for cell in row] for row in backward],
        ),
    ]
    if doc.fan_out:
        lines = []
        for item in doc.fan_out:
            terms = " + ".join(f"${number_latex(c)}$ (from ${name_latex(u)}$)" for u, c in item.parts)
            lines.append(f"${partial(f, name_latex(item.node))}$ = {terms} = ${number_latex(item.total)}$")
        body += ["", r"\paragraph{Fan-out.} A node used several times sums the gradients flowing back:"]
        body += _itemize(lines)
    body += ["", r"\paragraph{Gradients.}"]
    body += _itemize([f"${lhs} = {value}$" for lhs, value in gradients]) if gradients else ["No variables."]
    fragment = "\n".join(body) + "\n"
    if settings is None or not settings.standalone:
        return fragment
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
        f"\\noindent {tex_text(doc.title)}\n\n"
        f"{fragment}"
        "\\end{document}\n"
    )


def render_jupyter_latex(graph: Graph, settings: Settings | None = None) -> str:
    """The graph as one MathJax display (a notebook's ``_repr_latex_``): arrays, no longtable."""
    doc = graph_document(graph)
    forward, backward, gradients = latex_rows(doc)
    forward = [[r[0], rf"\text{{{r[1]}}}", *r[2:]] for r in forward]
    heads = ["node", "operation", "definition"] + ([] if doc.symbolic else ["value"])

    def array(headers: list[str], rows: list[list[str]]) -> str:
        head = " & ".join(rf"\text{{{h}}}" for h in headers)
        body = " \\\\\n".join(" & ".join(r) for r in rows)
        return f"\\begin{{array}}{{{'l' * len(headers)}}}\n{head} \\\\ \\hline\n{body}\n\\end{{array}}"

    grads = " \\\\\n".join(f"{lhs} = {value}" for lhs, value in gradients) or r"\text{no variables}"
    heading = doc.title.replace("{", "(").replace("}", ")")
    return (
        "$$\n\\begin{array}{l}\n"
        f"\\text{{{heading}}} \\\\[1ex]\n"
        f"\\textbf{{Forward pass}} \\\\\n{array(heads, forward)} \\\\[1ex]\n"
        "\\textbf{Backward pass: downstream = local} \\times \\textbf{upstream} \\\\\n"
        f"{array(['node', 'input', 'upstream', 'local', 'downstream'], backward)} \\\\[1ex]\n"
        f"\\textbf{{Gradients}} \\\\\n\\begin{{array}}{{l}}\n{grads}\n\\end{{array}}\n"
        "\\end{array}\n$$"
    )
