r"""Views of a :class:`~chainrule.derivation.jacobian.Jacobian`: text, rich, LaTeX, Markdown, HTML, JSON.

Every format shows the same document: the matrix of partials
``∂(f_1, ..., f_m)/∂(x_1, ..., x_n)``, each entry with the steps of its
derivation, and, with ``where``, the outer and inner Jacobians and the chain
rule ``J = J_f(g) · J_g`` as a named step with both matrices and their
product. Expressions go through :mod:`chainrule.printing` and the MathML
printer; nothing here differentiates.

The small helpers at the end (text grids, LaTeX text escapes, the HTML page)
are shared with :mod:`chainrule.views.network`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from html import escape
from typing import TYPE_CHECKING, Any

import sympy

from chainrule.derivation.jacobian import Jacobian, JacobianEntry, JacobianMatrix, MatrixChain
from chainrule.derivation.model import Sentence
from chainrule.derivation.numbering import DEFAULT_DETAIL, numbered
from chainrule.printing import latex, machine, plain, subscripted
from chainrule.views.document import render_sentence
from chainrule.views.json import dumps
from chainrule.views.latex import escape_text as tex_text
from chainrule.views.matrices import html_fragment, html_page, text_grid
from chainrule.views.notation import OnelineMathPrinter, PlainMathPrinter
from chainrule.views.rich import plain_text
from chainrule.views.settings import Settings

if TYPE_CHECKING:
    from rich.console import RenderableType

    from chainrule.derivation.model import Derivation

__all__ = ["SCHEMA", "render_html", "render_html_fragment", "render_latex", "render_markdown"]
__all__ += ["render_rich", "render_rich_text", "render_text", "jacobian_to_dict", "render_json"]

SCHEMA = "chainrule/jacobian@1"


# ------------------------------------------------------------------ the document


class _Words:
    """How the text views write mathematics: Unicode (``∂f₁/∂r``, ``r·cos(t)``) or ASCII."""

    def __init__(self, unicode: bool = True) -> None:
        self.printer = OnelineMathPrinter() if unicode else PlainMathPrinter()
        self.unicode = unicode
        self.d = "∂" if unicode else "d"
        self.times = "×" if unicode else "x"

    def expr(self, expr: sympy.Basic) -> str:
        if self.unicode and isinstance(expr, sympy.Symbol) and expr.name.partition("_")[2].isdigit():
            return subscripted(expr.name)  # f_1 is f₁
        return self.printer.expr(expr)

    def sentence(self, sentence: Any) -> str:
        if not isinstance(sentence, Sentence):
            return str(sentence)
        return render_sentence(sentence, str, lambda sides: " = ".join(map(self.printer.expr, sides)))


def _title(j: Jacobian, w: _Words | None = None) -> str:
    w = w or _Words()
    funcs = ", ".join(w.expr(f) for f in j.components)
    wrt = ", ".join(w.expr(x) for x in j.wrt)
    where = ""
    if j.where:
        where = ", where " + ", ".join(f"{w.expr(name)} = {w.expr(value)}" for name, value in j.where)
    return f"Jacobian of ({funcs}) with respect to ({wrt}){where}"


def _head(m: JacobianMatrix, w: _Words | None = None) -> str:
    """``∂(f₁, f₂)/∂(r, t)``."""
    w = w or _Words()
    names = ", ".join(w.expr(n) for n in m.names)
    return f"{w.d}({names})/{w.d}({', '.join(w.expr(x) for x in m.wrt)})"


def _shape(m: JacobianMatrix, w: _Words | None = None) -> str:
    return f"{m.shape[0]}{(w or _Words(False)).times}{m.shape[1]}"


def _sections(j: Jacobian, w: _Words | None = None) -> list[tuple[str, JacobianMatrix | MatrixChain, bool]]:
    """(heading, content, show every step) in reading order."""
    if j.chain is None:
        return [(f"Entries of J = {_head(j.matrix, w)}, {_shape(j.matrix, w)}", j.matrix, True)]
    outer, inner = j.chain.outer, j.chain.inner
    return [
        (f"Outer Jacobian J_f = {_head(outer, w)}, {_shape(outer, w)}", outer, True),
        (f"Inner Jacobian J_g = {_head(inner, w)}, {_shape(inner, w)}", inner, True),
        ("Matrix chain rule", j.chain, False),
        (f"Entries of J = {_head(j.matrix, w)}, each by the multivariable chain rule", j.matrix, False),
    ]


def _walk(derivation: Derivation | None, detail: str = DEFAULT_DETAIL) -> Iterator[tuple[Any, int]]:
    """The steps ``chainrule derive`` shows at this level of detail, with their depths."""
    if derivation is None:
        return
    for item in numbered(derivation, detail):
        yield item.step, item.depth


# ------------------------------------------------------------------------ text


def _entry_text(entry: JacobianEntry, steps: bool, w: _Words, detail: str) -> list[str]:
    name, wrt = w.expr(entry.name), w.expr(entry.wrt)
    label = f"({entry.row + 1}, {entry.column + 1}) {w.d}{name}/{w.d}{wrt} = {w.expr(entry.result)}"
    lines = [f"  {label}"]
    if not steps:
        lines.append(f"      {w.sentence(entry.text)}")
        return lines
    if entry.derivation is None:
        lines.append(f"      {w.sentence(entry.text)}")
    for step, depth in _walk(entry.derivation, detail):
        pad = "      " + "  " * depth
        operand = w.expr(step.expr)
        if isinstance(step.expr, (sympy.Add, sympy.Mul)) or operand.startswith("-"):
            operand = f"({operand})"
        lines.append(f"{pad}{w.d}/{w.d}{w.expr(step.wrt)} {operand} = {w.expr(step.result)}")
        lines.append(f"{pad}  {w.sentence(step.text)}")
    return lines


def _chain_text(chain: MatrixChain, w: _Words | None = None) -> list[str]:
    w = w or _Words()
    lines = [f"  {w.sentence(chain.text)}"]
    product = "J_f(g)·J_g" if w.d == "∂" else "J_f(g) * J_g"
    for name, value in (
        ("J_f(g)", chain.outer_at_inner),
        ("J_g", chain.inner.result),
        (product, chain.product),
    ):
        lines.append(f"  {name} =")
        lines.extend(text_grid(_rows(value, w), indent="    "))
    return lines


def render_text(j: Jacobian, settings: Settings | None = None) -> str:
    """Text, mathematics in Unicode unless the settings ask for ASCII; ``steps=False`` shows
    one sentence per entry instead of every step."""
    settings = settings or Settings()
    w = _Words(settings.unicode)
    parts = [_title(j, w), ""]
    for heading, content, all_steps in _sections(j, w):
        parts.append(heading)
        if isinstance(content, MatrixChain):
            parts.extend(_chain_text(content, w))
        else:
            for entry in content.walk():
                parts.extend(_entry_text(entry, settings.steps and all_steps, w, settings.detail))
        parts.append("")
    parts.append(f"J = {_head(j.matrix, w)} =")
    parts.extend(text_grid(_rows(j.result, w), indent="  "))
    return "\n".join(parts) + "\n"


def _rows(matrix: sympy.MatrixBase, w: _Words | None = None) -> list[list[str]]:
    w = w or _Words()
    return [[w.expr(matrix[i, k]) for k in range(matrix.cols)] for i in range(matrix.rows)]


# ------------------------------------------------------------------------ rich


def render_rich(j: Jacobian, settings: Settings | None = None) -> RenderableType:
    """A rich renderable: the title, a table of entries per section, the matrix."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    parts: list[Any] = [Text(_title(j), style="bold"), Text("")]
    for heading, content, _ in _sections(j):
        if isinstance(content, MatrixChain):
            parts.append(Text(heading, style="bold"))
            parts.extend(Text(line) for line in _chain_text(content))
            parts.append(Text(""))
            continue
        table = Table(
            "entry", "partial", "result", "how", title=heading, title_justify="left", show_edge=False
        )
        for entry in content.walk():
            cells = (
                f"({entry.row + 1}, {entry.column + 1})",
                f"∂{entry.name}/∂{entry.wrt}",
                plain(entry.result),
            )
            table.add_row(*map(Text, (*cells, entry.text)))  # Text: no rich markup in expressions
        parts += [table, Text("")]
    parts.append(Text(f"J = {_head(j.matrix)} =", style="bold"))
    parts.extend(Text(line) for line in text_grid(_rows(j.result), indent="  "))
    return Group(*parts)


def render_rich_text(j: Jacobian, settings: Settings | None = None) -> str:
    """The rich view as plain text (no colour)."""
    settings = settings or Settings()
    return plain_text(render_rich(j, settings), settings.width)


def _partial_tex(top: sympy.Basic, bottom: sympy.Basic) -> str:
    return f"\\frac{{\\partial {latex(top)}}}{{\\partial {latex(bottom)}}}"


def _bmatrix(matrix: sympy.MatrixBase) -> str:
    return latex(matrix, mat_str="bmatrix", mat_delim="")


def _tuple_tex(items: Sequence[sympy.Basic]) -> str:
    inner = ", ".join(latex(item) for item in items)
    return inner if len(items) == 1 else f"({inner})"


def _head_tex(m: JacobianMatrix, *, inline: bool = False) -> str:
    """``∂(f_1, f_2)/∂(r, t)``; ``inline``: with a slash."""
    top, bottom = _tuple_tex(m.names), _tuple_tex(m.wrt)
    if inline:
        return f"\\partial {top} / \\partial {bottom}"
    return f"\\frac{{\\partial {top}}}{{\\partial {bottom}}}"


def _partials_tex(m: JacobianMatrix) -> str:
    """The matrix of partials ``[∂f_i/∂x_j]``."""
    rows = r" \\ ".join(
        " & ".join("\\dfrac" + _partial_tex(e.name, e.wrt)[len("\\frac") :] for e in row) for row in m.entries
    )
    return f"\\begin{{bmatrix}}{rows}\\end{{bmatrix}}"


def _title_tex(j: Jacobian) -> str:
    where = ""
    if j.where:
        where = ", where " + ", ".join(f"${latex(name)} = {latex(value)}$" for name, value in j.where)
    return f"The Jacobian of ${_tuple_tex(j.components)}$ with respect to ${_tuple_tex(j.wrt)}${where}"


def _heading_words(j: Jacobian, m: JacobianMatrix) -> tuple[str, str]:
    """The words before and after a matrix's name in its section heading."""
    label = {"J_f": "Outer Jacobian", "J_g": "Inner Jacobian"}.get(m.name, "Entries of")
    how = ", each by the multivariable chain rule" if m.name == "J" and j.chain is not None else ""
    return label, how


def _heading_tex(j: Jacobian, content: JacobianMatrix | MatrixChain) -> str:
    if isinstance(content, MatrixChain):
        return "The matrix chain rule"
    label, how = _heading_words(j, content)
    name, (rows, columns) = latex(sympy.Symbol(content.name)), content.shape
    return f"{label} ${name} = {_head_tex(content, inline=True)}$, ${rows} \\times {columns}${how}"


def _labels(derivation: Derivation) -> Iterator[tuple[Any, int, str]]:
    """``(step, depth, "1.2.")``: steps numbered as the derivation views number them."""
    counters: list[int] = []
    for step, depth in _walk(derivation):
        del counters[depth + 1 :]
        if len(counters) <= depth:
            counters.append(0)
        counters[depth] += 1
        yield step, depth, ".".join(map(str, counters)) + "."


def _entry_rows(entry: JacobianEntry, steps: bool) -> list[str]:
    rows = [
        f"& {_partial_tex(entry.name, entry.wrt)} = {latex(entry.result)} "
        f"&& \\text{{entry }} ({entry.row + 1}, {entry.column + 1})"
    ]
    if entry.derivation is None:
        rows.append(f"& \\quad \\text{{{tex_text(entry.text)}}}")
        return rows
    for step, depth, label in _labels(entry.derivation):
        if depth and not steps:
            continue
        rule = step.rule.value.replace("_", " ")
        indent = r"\quad " * (depth + 1)
        rows.append(
            f"& {indent}\\frac{{\\partial}}{{\\partial {latex(step.wrt)}}} "
            f"{_grouped(step.expr)} = {latex(step.result)} && \\text{{{label} {rule}}}"
        )
    return rows


def _grouped(expr: sympy.Basic) -> str:
    """``expr`` in LaTeX, in parentheses when it is a sum or a product."""
    text = latex(expr)
    return f"\\left({text}\\right)" if isinstance(expr, (sympy.Add, sympy.Mul)) else text


def _chain_tex(chain: MatrixChain) -> list[str]:
    (m, k), n = chain.outer.shape, chain.inner.shape[1]
    f, x = chain.outer.names[0], chain.inner.wrt[0]
    terms = " + ".join(f"{_partial_tex(f, u)} {_partial_tex(u, x)}" for u in chain.inner.names)
    return [
        f"$J_{{f \\circ g}}(x) = J_f(g(x))\\, J_g(x)$: a $({m} \\times {k})({k} \\times {n})$ product "
        f"giving ${m} \\times {n}$; each entry sums over the inner functions, as in "
        f"${_partial_tex(f, x)} = {terms}$.",
        r"\begin{align*}",
        f"J &= J_f(g)\\,J_g = \\underbrace{{{_bmatrix(chain.outer_at_inner)}}}_{{{m} \\times {k}}}"
        f"\\,\\underbrace{{{_bmatrix(chain.inner.result)}}}_{{{k} \\times {n}}} \\\\",
        f"&= \\underbrace{{{_bmatrix(chain.product)}}}_{{{m} \\times {n}}}",
        r"\end{align*}",
    ]


def render_latex(j: Jacobian, settings: Settings | None = None) -> str:
    """LaTeX (amsmath): the steps as ``align*`` rows labelled like the derivation views';
    ``settings.standalone`` gives a document pdflatex compiles."""
    standalone = (settings or Settings()).standalone
    body = [f"{_title_tex(j)}:", "\\[", f"J = {_head_tex(j.matrix)} = {_partials_tex(j.matrix)}", "\\]"]
    for _, content, all_steps in _sections(j):
        body.append(f"\\paragraph{{{_heading_tex(j, content)}.}}")
        if isinstance(content, MatrixChain):
            body.extend(_chain_tex(content))
            continue
        rows = [row for entry in content.walk() for row in _entry_rows(entry, all_steps)]
        body += [r"\begin{align*}", " \\\\\n".join(rows), r"\end{align*}"]
    body += [r"\paragraph{Result.}", f"\\[ J = {_bmatrix(j.result)} \\]"]
    fragment = "\n".join(body) + "\n"
    return latex_document("Jacobian", fragment) if standalone else fragment


def latex_document(title: str, body: str, *, columns: int = 10) -> str:
    """``body`` in an article pdflatex compiles (amsmath, longtable, booktabs)."""
    return (
        "\\documentclass[11pt]{article}\n"
        "\\usepackage[margin=2.2cm]{geometry}\n"
        "\\usepackage{amsmath}\n"
        "\\usepackage{longtable}\n"
        "\\usepackage{booktabs}\n"
        f"\\setcounter{{MaxMatrixCols}}{{{max(columns, 10)}}}\n"
        "\\setlength{\\parindent}{0pt}\n"
        "\\allowdisplaybreaks\n"
        f"\\title{{{tex_text(title)}}}\n"
        "\\author{chainrule}\n"
        "\\date{}\n"
        "\\begin{document}\n"
        "\\maketitle\n"
        f"{body}"
        "\\end{document}\n"
    )


# -------------------------------------------------------------------- Markdown


def md_text(text: str) -> str:
    """``text`` with Markdown's special characters escaped (``x**2`` is not bold)."""
    return "".join("\\" + c if c in "\\`*_[]<>$|#" else c for c in text)


def render_markdown(j: Jacobian, settings: Settings | None = None) -> str:
    """Markdown: headings, a table of entries per section, equations in ``$$`` blocks."""
    head = f"J = {_head_tex(j.matrix)} = {_partials_tex(j.matrix)}"
    lines = [f"# {md_text(_title(j))}", "", "$$", head, "$$", ""]
    for heading, content, all_steps in _sections(j):
        lines += [f"## {md_text(heading)}", ""]
        if isinstance(content, MatrixChain):
            math = [r"\begin{aligned}", *_chain_tex(content)[2:-1], r"\end{aligned}"]
            lines += [md_text(content.text), "", "$$", *math, "$$", ""]
            continue
        for entry in content.walk():
            lines += [
                f"**({entry.row + 1}, {entry.column + 1})** "
                f"${_partial_tex(entry.name, entry.wrt)} = {latex(entry.result)}$",
                "",
            ]
            steps = list(_walk(entry.derivation)) if all_steps else []
            if not steps:
                lines += [f"- {md_text(entry.text)}", ""]
            for step, depth in steps:
                d = f"\\frac{{\\partial}}{{\\partial {latex(step.wrt)}}}"
                lines.append(
                    f"{'  ' * depth}- {md_text(str(step.text))} "
                    f"${d}\\left({latex(step.expr)}\\right) = {latex(step.result)}$"
                )
            lines.append("")
    lines += ["## Result", "", "$$", f"J = {_bmatrix(j.result)}", "$$", ""]
    return "\n".join(lines)


# ------------------------------------------------------------------------ HTML


def _mathml(expr: sympy.Basic) -> str:
    from chainrule.views.mathml import mathml_expr

    return mathml_expr(expr)


def _math(content: str, *, display: bool = False) -> str:
    from chainrule.views.mathml import math_block

    return math_block(content, display=display)


def partial_mathml(top: str, bottom: str) -> str:
    """``∂top/∂bottom`` from two MathML fragments."""
    return f"<mfrac><mrow><mo>∂</mo>{top}</mrow><mrow><mo>∂</mo>{bottom}</mrow></mfrac>"


def _entry_html(entry: JacobianEntry, steps: bool) -> str:
    head = partial_mathml(_mathml(entry.name), _mathml(entry.wrt))
    out = [
        f'<div class="entry"><h3>({entry.row + 1}, {entry.column + 1}) '
        f"{_math(head + '<mo>=</mo>' + _mathml(entry.result))}</h3>"
    ]
    walked = list(_walk(entry.derivation)) if steps else []
    if not walked:
        out.append(f'<p class="text">{escape(entry.text)}</p>')
    for step, depth in walked:
        d = partial_mathml("", _mathml(step.wrt))
        eq = f"{d}{_tuple_mathml([step.expr])}<mo>=</mo>{_mathml(step.result)}"
        out.append(
            f'<div class="step" style="margin-left:{1.2 * depth:g}rem">'
            f'<p class="text">{escape(str(step.text))}</p>'
            f'<div class="eq">{_math(eq, display=True)}</div></div>'
        )
    out.append("</div>")
    return "\n".join(out) + "\n"


def _chain_html(chain: MatrixChain) -> str:
    (m, k), n = chain.outer.shape, chain.inner.shape[1]
    eq = (
        f"<mi>J</mi><mo>=</mo>{shaped_mathml(_mathml(chain.outer_at_inner), m, k)}"
        f"{shaped_mathml(_mathml(chain.inner.result), k, n)}<mo>=</mo>"
        f"{shaped_mathml(_mathml(chain.product), m, n)}"
    )
    return f'<p class="text">{escape(chain.text)}</p>\n<div class="eq">{_math(eq, display=True)}</div>\n'


def shaped_mathml(content: str, rows: int, columns: int) -> str:
    """``content`` with its shape written small underneath."""
    shape = f"<mrow><mn>{rows}</mn><mo>×</mo><mn>{columns}</mn></mrow>"
    return f"<munder><mrow>{content}</mrow>{shape}</munder>"


def _tuple_mathml(items: Sequence[sympy.Basic]) -> str:
    """``(a, b)``; a single name without parentheses."""
    inner = "<mo>,</mo>".join(_mathml(item) for item in items)
    if len(items) == 1 and isinstance(items[0], sympy.Symbol):
        return f"<mrow>{inner}</mrow>"
    return f'<mrow><mo stretchy="false">(</mo>{inner}<mo stretchy="false">)</mo></mrow>'


def _heading_html(j: Jacobian, content: JacobianMatrix | MatrixChain) -> str:
    if isinstance(content, MatrixChain):
        return "The matrix chain rule"
    label, how = _heading_words(j, content)
    head = partial_mathml(_tuple_mathml(content.names), _tuple_mathml(content.wrt))
    name, (rows, columns) = _mathml(sympy.Symbol(content.name)), content.shape
    return f"{label} {_math(f'{name}<mo>=</mo>{head}')}, {rows}×{columns}{how}"


def _body(j: Jacobian) -> str:
    title = f"Jacobian of {_math(_tuple_mathml(j.components))} with respect to {_math(_tuple_mathml(j.wrt))}"
    if j.where:
        pairs = (f"{_mathml(name)}<mo>=</mo>{_mathml(value)}" for name, value in j.where)
        title += ", where " + ", ".join(_math(pair) for pair in pairs)
    head = partial_mathml(_tuple_mathml(j.matrix.names), _tuple_mathml(j.matrix.wrt))
    answer = f"<mi>J</mi><mo>=</mo>{head}<mo>=</mo>{_mathml(j.result)}"
    parts = [f"<h1>{title}</h1>\n", f'<div class="eq answer">{_math(answer, display=True)}</div>\n']
    for _, content, all_steps in _sections(j):
        parts.append(f"<h2>{_heading_html(j, content)}</h2>\n")
        if isinstance(content, MatrixChain):
            parts.append(_chain_html(content))
            continue
        parts.extend(_entry_html(entry, all_steps) for entry in content.walk())
    return "".join(parts)


def render_html(j: Jacobian, settings: Settings | None = None) -> str:
    """A self-contained HTML page; the mathematics as MathML."""
    return html_page(_title(j), _body(j))


def render_html_fragment(j: Jacobian, settings: Settings | None = None) -> str:
    return html_fragment(_body(j))


# ------------------------------------------------------------------------ JSON


def _matrix_json(matrix: sympy.MatrixBase) -> list[list[str]]:
    return [[machine(matrix[i, k]) for k in range(matrix.cols)] for i in range(matrix.rows)]


def _entry_json(entry: JacobianEntry, ident: int) -> dict[str, Any]:
    return {
        "id": ident,
        "kind": "entry",
        "matrix": entry.matrix,
        "row": entry.row,
        "column": entry.column,
        "name": str(entry.name),
        "expr": machine(entry.expr),
        "wrt": str(entry.wrt),
        "result": machine(entry.result),
        "text": entry.text,
        "derivation": None if entry.derivation is None else entry.derivation.to_dict(),
    }


def _jacobian_json(m: JacobianMatrix) -> dict[str, Any]:
    return {
        "name": m.name,
        "shape": list(m.shape),
        "wrt": [str(x) for x in m.wrt],
        "matrix": _matrix_json(m.result),
    }


def _chain_json(chain: MatrixChain, ident: int) -> dict[str, Any]:
    return {
        "id": ident,
        "kind": "matrix_chain",
        "text": chain.text,
        "outer": _jacobian_json(chain.outer),
        "outer_at_inner": _matrix_json(chain.outer_at_inner),
        "inner": _jacobian_json(chain.inner),
        "product": _matrix_json(chain.product),
        "shape": [chain.outer.shape[0], chain.inner.shape[1]],
    }


def jacobian_to_dict(j: Jacobian, settings: Settings | None = None) -> dict[str, Any]:
    """The ``chainrule/jacobian@1`` object: the matrix as rows of expression strings
    (text that ``chainrule.parse`` reads back as the same expression) and every step."""
    steps = [
        _entry_json(step, ident) if isinstance(step, JacobianEntry) else _chain_json(step, ident)
        for ident, step in enumerate(j.steps)
    ]
    return {
        "schema": SCHEMA,
        "input": j.input,
        "components": [machine(f) for f in j.components],
        "wrt": [str(x) for x in j.wrt],
        "where": {str(name): machine(value) for name, value in j.where},
        "shape": list(j.matrix.shape),
        "matrix": _matrix_json(j.result),
        "matrix_latex": _bmatrix(j.result),
        "steps": steps,
    }


def render_json(j: Jacobian, settings: Settings) -> str:
    """The Jacobian as one ``chainrule/jacobian@1`` JSON object."""
    return dumps(jacobian_to_dict(j, settings), settings)
