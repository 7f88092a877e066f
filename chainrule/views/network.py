r"""Views of a :class:`~chainrule.neural.Network`: text, rich, LaTeX, Markdown, HTML, JSON.

Every format shows the same document (:mod:`chainrule.neural.document`), in
the order a backprop lecture works through it:

1. the parameters ``W_k``, ``b_k`` and each layer's activation;
2. the forward pass: one row per quantity (``x``, ``z_1``, ``h_1``, ..., ``L``)
   with its definition, shape and values;
3. the backward pass, from the loss back, layer by layer: each step's
   symbolic form (``δ_2 = ∂L/∂z_2 = diag(σ′(z_2)) ∂L/∂h_2``), the local
   Jacobian, the shapes of the product, and the numbers;
4. the gradients, shaped like the parameters.

Symbols are the model's SymPy matrix expressions, printed by
:mod:`chainrule.printing` and the MathML printer. Numbers are shown to
``digits`` significant digits (4 by default); JSON keeps full precision.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextvars import ContextVar
from html import escape
from typing import TYPE_CHECKING, Any

import sympy

from chainrule.neural import notation as nt
from chainrule.neural.document import (
    as_sympy,
    derivative,
    gradients,
    intro,
    number,
    parameters,
    sections,
    shape_text,
    title,
)
from chainrule.neural.inputs import LOSSES
from chainrule.neural.model import BackwardStep, Network, Quantity
from chainrule.printing import latex, plain
from chainrule.views.jacobian import latex_document, md_text, shaped_mathml
from chainrule.views.json import dumps
from chainrule.views.latex import escape_text as tex_text
from chainrule.views.matrices import html_fragment, html_page, text_grid
from chainrule.views.rich import plain_text
from chainrule.views.settings import Settings

if TYPE_CHECKING:
    from rich.console import RenderableType

__all__ = ["SCHEMA", "render_html", "render_html_fragment", "render_latex", "render_markdown"]
__all__ += ["render_rich", "render_rich_text", "render_text", "network_to_dict", "render_json"]

SCHEMA = "chainrule/network@1"

# ------------------------------------------------------------------ shared parts


#: Whether the text views being written use Unicode (set by ``render_text`` and ``render_rich``;
#: JSON keeps the ASCII forms).
_UNICODE: ContextVar[bool] = ContextVar("network_unicode", default=False)


def _s(expr: sympy.Basic) -> str:
    """A formula in the text views: ``δ₂·h₁ᵀ``, or ``delta_2*h_1.T`` in ASCII."""
    return nt.line(expr) if _UNICODE.get() else plain(expr)


def _shape(shape: Sequence[int]) -> str:
    return shape_text(shape, "×" if _UNICODE.get() else "x")


def _words(parts: Sequence[str | sympy.Basic], fmt: str) -> str:
    """A sentence of words and symbols in ``fmt`` (text, latex, markdown or html); an
    equation written as ``symbol, " = ", symbol`` is typeset as one formula."""
    if fmt == "text":
        return "".join(p if isinstance(p, str) else _s(p) for p in parts)
    runs: list[str | list[sympy.Basic]] = []
    for k, part in enumerate(parts):
        last = runs[-1] if runs else None
        if isinstance(part, str):
            between = part == " = " and isinstance(last, list) and k + 1 < len(parts)
            if between and not isinstance(parts[k + 1], str):
                continue  # the next symbol joins this formula
            runs.append(part)
        elif isinstance(last, list) and parts[k - 1] == " = ":
            last.append(part)
        else:
            runs.append([part])
    if fmt == "html":
        return "".join(
            escape(r) if isinstance(r, str) else _math("<mo>=</mo>".join(map(_mathml, r))) for r in runs
        )
    words = md_text if fmt == "markdown" else tex_text
    return "".join(words(r) if isinstance(r, str) else f"${' = '.join(map(_tex, r))}$" for r in runs)


def _values_text(q: Quantity, digits: int) -> str:
    """``q``'s values as text: a vector inline, a matrix as a grid (several lines)."""
    if not isinstance(q.values, tuple):
        return number(q.values, digits)
    if q.values and isinstance(q.values[0], tuple):
        rows = [[number(v, digits) for v in row] for row in q.values]
        return "\n".join(text_grid(rows))
    inline = ", ".join(number(v, digits) for v in q.values)  # type: ignore[arg-type]
    return f"diag({inline})" if q.diagonal else f"[{inline}]"


def _equation_text(step: BackwardStep) -> str:
    names = [step.result.symbol] + ([step.meaning] if step.meaning is not None else [])
    return " = ".join(_s(n) for n in [*names, step.formula])


def _shapes_text(step: BackwardStep) -> str:
    joiner = " - " if step.operation == "difference" else ""
    return f"({_shape(step.result.shape)}) = " + joiner.join(
        f"({_shape(f.shape)})" for f in step.factors
    )


def _local_text(step: BackwardStep) -> str | None:
    if step.local is None:
        return None
    text = f"{_s(step.local[0])} = {_s(step.local[1])}"
    if step.activation is not None:
        prime, formula = derivative(step.activation)
        text += f", where {_s(prime)} = {_s(formula)}"
    return text


def _factor_rows(step: BackwardStep, digits: int) -> list[list[str]]:
    rows = [[_s(q.symbol), _shape(q.shape), _values_text(q, digits)] for q in step.factors]
    return [
        *rows,
        [f"= {_s(step.result.symbol)}", _shape(step.result.shape), _values_text(step.result, digits)],
    ]


def _forward_rows(net: Network, digits: int) -> list[list[str]]:
    return [
        [_s(r.quantity.symbol), r.role if r.definition is None else _s(r.definition),
         _shape(r.quantity.shape), _values_text(r.quantity, digits)]
        for r in net.forward
    ]  # fmt: skip


# ------------------------------------------------------------------------ text


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], indent: str = "  ") -> list[str]:
    """An ASCII table; a cell may hold several lines."""
    cells = [[c.split("\n") for c in row] for row in rows]
    widths = [max([len(h)] + [len(line) for row in cells for line in row[k]]) for k, h in enumerate(headers)]

    def line(parts: Sequence[str]) -> str:
        return (indent + "  ".join(p.ljust(w) for p, w in zip(parts, widths))).rstrip()

    out = [line(headers), line(["-" * w for w in widths])]
    for row in cells:
        out.extend(line([c[i] if i < len(c) else "" for c in row]) for i in range(max(map(len, row))))
    return out


def _step_text(step: BackwardStep, digits: int) -> list[str]:
    lines = [f"  {_equation_text(step)}", f"    {_words(step.sentence, 'text')}"]
    local = _local_text(step)
    if local is not None:
        lines.append(f"    local Jacobian: {local}")
    lines.append(f"    shapes: {_shapes_text(step)}")
    return lines + _table(["quantity", "shape", "values"], _factor_rows(step, digits), indent="      ") + [""]


def _labelled(label: str, values: str, indent: str = "  ") -> list[str]:
    """``label = values``, a grid on the lines below."""
    if "\n" not in values:
        return [f"{indent}{label} = {values}"]
    return [f"{indent}{label} ="] + [f"{indent}  {line}" for line in values.split("\n")]


def render_text(net: Network, settings: Settings | None = None) -> str:
    """Text: parameters, forward pass, backward pass, gradients (``settings.digits`` digits),
    formulas in Unicode (``δ₂ = diag(σ′(z₂))·∂L/∂h₂``) unless the settings ask for ASCII."""
    settings = settings or Settings()
    token = _UNICODE.set(settings.unicode)
    try:
        return _text(net, settings.digits)
    finally:
        _UNICODE.reset(token)


def _text(net: Network, digits: int) -> str:
    parts = [title(net), "", _words(intro(net), "text"), "", "Parameters"]
    for w, b, activation in parameters(net):
        parts += _labelled(f"{_s(w.symbol)} ({_shape(w.shape)})", _values_text(w, digits))
        parts += _labelled(f"{_s(b.symbol)} ({_shape(b.shape)})", _values_text(b, digits))
        parts.append(f"  activation {activation}")
    parts += ["", "Forward pass"]
    parts += _table(["quantity", "definition", "shape", "values"], _forward_rows(net, digits))
    times = "×" if _UNICODE.get() else "x"
    parts += ["", f"Backward pass: from the loss back, downstream = local Jacobian {times} upstream", ""]
    for heading, steps in sections(net):
        parts.append(heading)
        for step in steps:
            parts += _step_text(step, digits)
    parts.append("Gradients (shaped like the parameters)")
    for q in gradients(net):
        parts += _labelled(f"{_s(q.symbol)} ({_shape(q.shape)})", _values_text(q, digits))
    return "\n".join(parts) + "\n"


# ------------------------------------------------------------------------ rich


def render_rich(net: Network, settings: Settings | None = None) -> RenderableType:
    """A rich renderable: the same sections as the text view, as tables (formulas in Unicode)."""
    token = _UNICODE.set(True)
    try:
        return _rich(net, (settings or Settings()).digits)
    finally:
        _UNICODE.reset(token)


def _rich(net: Network, digits: int) -> RenderableType:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    def table(heading: str | None, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> Table:
        t = Table(title=heading, title_justify="left", show_edge=False)
        for header in headers:
            t.add_column(header, justify="right" if header == "shape" else "left")
        for row in rows:
            t.add_row(*(Text(cell) for cell in row))
        return t

    params = [[_s(q.symbol), _shape(q.shape), _values_text(q, digits), activation]
              for w, b, activation in parameters(net) for q in (w, b)]  # fmt: skip
    parts: list[Any] = [
        Text(title(net), style="bold"),
        Text(_words(intro(net), "text")),
        Text(""),
        table("Parameters", ["parameter", "shape", "values", "activation"], params),
        Text(""),
        table("Forward pass", ["quantity", "definition", "shape", "values"], _forward_rows(net, digits)),
        Text(""),
        Text("Backward pass: downstream = local Jacobian × upstream", style="bold"),
    ]
    for heading, steps in sections(net):
        parts.append(Text(heading, style="bold underline"))
        for step in steps:
            local = _local_text(step)
            parts += [
                Text(_equation_text(step), style="bold"),
                Text(_words(step.sentence, "text")),
                *([Text(f"local Jacobian: {local}")] if local else []),
                Text(f"shapes: {_shapes_text(step)}"),
                table(None, ["quantity", "shape", "values"], _factor_rows(step, digits)),
                Text(""),
            ]
    grads = [[_s(q.symbol), _shape(q.shape), _values_text(q, digits)] for q in gradients(net)]
    parts.append(table("Gradients", ["gradient", "shape", "values"], grads))
    return Group(*parts)


def render_rich_text(net: Network, settings: Settings | None = None) -> str:
    """The rich view as plain text (no colour), for files and tests."""
    settings = settings or Settings()
    return plain_text(render_rich(net, settings), settings.width)


# ----------------------------------------------------------------------- LaTeX


def _tex(expr: sympy.Basic) -> str:
    return latex(expr, mat_str="bmatrix", mat_delim="")


def _under(q: Quantity, digits: int) -> str:
    """``q``'s numbers with its shape written under them."""
    return f"\\underbrace{{{_tex(as_sympy(q, digits))}}}_{{{q.shape[0]} \\times {q.shape[1]}}}"


def _step_rows(step: BackwardStep, digits: int) -> list[str]:
    """The step as ``align*`` rows: the symbols, then the numbers with their shapes."""
    names = [step.result.symbol] + ([step.meaning] if step.meaning is not None else [])
    op = " - " if step.operation == "difference" else " \\, "
    numbers = op.join(_under(q, digits) for q in step.factors)
    return [
        f"{' = '.join(map(_tex, names))} &= {_tex(step.formula)}",
        f"&= {numbers} = {_under(step.result, digits)}",
    ]


def _local_tex(step: BackwardStep) -> str:
    """The activation's local Jacobian and derivative (a linear step's sentence names its own)."""
    if step.local is None or step.activation is None:
        return ""
    prime, formula = derivative(step.activation)
    return (
        f" The local Jacobian is ${_tex(step.local[0])} = {_tex(step.local[1])}$, "
        f"where ${_tex(prime)} = {_tex(formula)}$."
    )


def _row_tex(q: Quantity, digits: int) -> str:
    """A vector as a transposed row (compact in a table); anything else as it is."""
    values = as_sympy(q, digits)
    if isinstance(values, sympy.MatrixBase) and values.shape[1] == 1 and values.shape[0] > 1:
        return f"{_tex(values.T)}^{{T}}"
    return _tex(values)


def _forward_tex(net: Network, digits: int) -> list[str]:
    rows = [
        f"${_tex(r.quantity.symbol)}$ & {r.role if r.definition is None else f'${_tex(r.definition)}$'} & "
        f"${r.quantity.shape[0]} \\times {r.quantity.shape[1]}$ & ${_row_tex(r.quantity, digits)}$ \\\\"
        for r in net.forward
    ]
    head = [r"\begin{longtable}{llll}", r"\toprule", r"Quantity & Definition & Shape & Value \\", r"\midrule"]
    return [*head, *rows, r"\bottomrule", r"\end{longtable}"]


def _aligned(rows: Sequence[str], env: str = "align*") -> list[str]:
    return [f"\\begin{{{env}}}", " \\\\\n".join(rows), f"\\end{{{env}}}"]


def _latex_body(net: Network, digits: int) -> list[str]:
    sizes = " \\to ".join(map(str, net.sizes))
    body = [
        f"Layers ${sizes}$; activations {', '.join(net.activations)}; loss: "
        f"{LOSSES[net.loss_function]}; seed {net.seed}.",
        _words(intro(net)[:-1], "latex")
        + "; vectors are columns, and each factor's shape is written under it.",
        "",
        r"\subsection*{Parameters}",
        *_aligned(
            [
                f"{_tex(w.symbol)} &= {_under(w, digits)}, & {_tex(b.symbol)} &= {_under(b, digits)}, & "
                f"&\\text{{{tex_text(activation)}}}"
                for w, b, activation in parameters(net)
            ]
        ),  # fmt: skip
        "",
        r"\subsection*{Forward pass}",
        *_forward_tex(net, digits),
        "",
        r"\subsection*{Backward pass}",
        r"From the loss back, layer by layer: downstream gradient $=$ local Jacobian $\times$ upstream "
        "gradient.",
    ]
    for heading, steps in sections(net):
        body += ["", f"\\paragraph{{{heading}.}}"]
        for step in steps:
            body += [_words(step.sentence, "latex") + _local_tex(step), *_aligned(_step_rows(step, digits))]
    body += ["", r"\subsection*{Gradients}"]
    return body + _aligned([f"{_tex(q.symbol)} &= {_under(q, digits)}" for q in gradients(net)])


def render_latex(net: Network, settings: Settings | None = None) -> str:
    r"""LaTeX (amsmath, longtable, booktabs): matrices as ``bmatrix`` with their shapes
    underneath; ``settings.standalone`` gives a document pdflatex compiles."""
    settings = settings or Settings()
    digits, standalone = settings.digits, settings.standalone
    columns = max(net.sizes)
    fragment = "\n".join(_latex_body(net, digits)) + "\n"
    if columns > 10:  # amsmath's matrices take 10 columns unless told otherwise
        fragment = f"\\setcounter{{MaxMatrixCols}}{{{columns}}}\n{fragment}"
    if not standalone:
        return fragment
    return latex_document("A dense network, forward and backward", fragment, columns=columns)


# -------------------------------------------------------------------- Markdown


def render_markdown(net: Network, settings: Settings | None = None) -> str:
    """Markdown: tables for the parameters and the forward pass, ``$$`` blocks for the steps."""
    digits = (settings or Settings()).digits
    lines = [f"# {md_text(title(net))}", "", _words(intro(net), "markdown"), "", "## Parameters", ""]
    lines += ["| layer | W | b | activation |", "|---|---|---|---|"]
    for k, (w, b, activation) in enumerate(parameters(net), start=1):
        lines.append(f"| {k} | ${_under(w, digits)}$ | ${_under(b, digits)}$ | {activation} |")
    lines += ["", "## Forward pass", "", "| quantity | definition | shape | values |", "|---|---|---|---|"]
    for r in net.forward:
        definition = r.role if r.definition is None else f"${_tex(r.definition)}$"
        lines.append(
            f"| ${_tex(r.quantity.symbol)}$ | {definition} | {shape_text(r.quantity.shape)} | "
            f"${_row_tex(r.quantity, digits)}$ |"
        )
    lines += ["", "## Backward pass", "", "Downstream gradient = local Jacobian × upstream gradient.", ""]
    for heading, steps in sections(net):
        lines += [f"### {heading}", ""]
        for step in steps:
            math = _aligned(_step_rows(step, digits), "aligned")
            lines += [_words(step.sentence, "markdown") + _local_tex(step), "", "$$", *math, "$$", ""]
    lines += ["## Gradients", ""]
    for q in gradients(net):
        lines += [f"$${_tex(q.symbol)} = {_under(q, digits)}$$", ""]
    return "\n".join(lines)


# ------------------------------------------------------------------------ HTML


def _mathml(expr: sympy.Basic) -> str:
    from chainrule.views.mathml import mathml_expr

    return mathml_expr(expr)


def _math(content: str, *, display: bool = False) -> str:
    from chainrule.views.mathml import math_block

    return math_block(content, display=display)


def _shaped(q: Quantity, digits: int) -> str:
    return shaped_mathml(_mathml(as_sympy(q, digits)), *q.shape)


def _step_html(step: BackwardStep, digits: int) -> str:
    names = [step.result.symbol] + ([step.meaning] if step.meaning is not None else [])
    symbolic = "<mo>=</mo>".join(_mathml(n) for n in [*names, step.formula])
    op = "<mo>−</mo>" if step.operation == "difference" else ""
    factors = op.join(_shaped(q, digits) for q in step.factors)
    numeric = f"<mo>=</mo>{factors}<mo>=</mo>{_shaped(step.result, digits)}"
    local = ""
    if step.local is not None and step.activation is not None:
        prime, formula = derivative(step.activation)
        eq = (
            f'{_mathml(step.local[0])}<mo>=</mo>{_mathml(step.local[1])}<mo>,</mo><mspace width="1em"/>'
            f"{_mathml(prime)}<mo>=</mo>{_mathml(formula)}"
        )
        local = f'<p class="text">Local Jacobian: {_math(eq)}</p>'
    return (
        f'<div class="step"><p class="text">{_words(step.sentence, "html")}</p>{local}'
        f'<div class="eq">{_math(symbolic, display=True)}</div>'
        f'<div class="eq">{_math(numeric, display=True)}</div></div>\n'
    )


def _row(cells: Sequence[str], tag: str = "td") -> str:
    return "<tr>" + "".join(f"<{tag}>{cell}</{tag}>" for cell in cells) + "</tr>"


def _body(net: Network, digits: int) -> str:
    heading = escape(title(net)).replace(" -&gt; ", " → ")
    out = [f"<h1>{heading}</h1>\n<p>{_words(intro(net), 'html')}</p>\n<h2>Parameters</h2>\n<table>"]
    out.append(_row(["layer", "W", "b", "activation"], "th"))
    for k, (w, b, activation) in enumerate(parameters(net), start=1):
        out.append(_row([str(k), _math(_shaped(w, digits)), _math(_shaped(b, digits)), escape(activation)]))
    out.append(
        "</table>\n<h2>Forward pass</h2>\n<table>" + _row(["quantity", "definition", "shape", "values"], "th")
    )
    for r in net.forward:
        definition = escape(r.role) if r.definition is None else _math(_mathml(r.definition))
        values = as_sympy(r.quantity, digits)
        if isinstance(values, sympy.MatrixBase) and values.shape[1] == 1:
            values = values.T
        cells = [
            _math(_mathml(r.quantity.symbol)),
            definition,
            shape_text(r.quantity.shape),
            _math(_mathml(values)),
        ]
        out.append(_row(cells))
    out.append(
        "</table>\n<h2>Backward pass</h2>\n<p>Downstream gradient = local Jacobian × upstream "
        "gradient; the shape of each factor is written under it.</p>\n"
    )
    for section, steps in sections(net):
        out.append(f"<h3>{escape(section)}</h3>\n")
        out.extend(_step_html(step, digits) for step in steps)
    out.append("<h2>Gradients</h2>\n")
    for q in gradients(net):
        eq = f"{_mathml(q.symbol)}<mo>=</mo>{_shaped(q, digits)}"
        out.append(f'<div class="eq">{_math(eq, display=True)}</div>\n')
    return "".join(out)


def render_html(net: Network, settings: Settings | None = None) -> str:
    """A self-contained HTML page (no scripts, no network); the mathematics as MathML."""
    digits = (settings or Settings()).digits
    return html_page(title(net), _body(net, digits))


def render_html_fragment(net: Network, settings: Settings | None = None) -> str:
    """The same content in a ``<div class="chainrule">`` (Jupyter)."""
    digits = (settings or Settings()).digits
    return html_fragment(_body(net, digits))


# ------------------------------------------------------------------------ JSON


def _quantity_json(q: Quantity) -> dict[str, Any]:
    return {
        "name": plain(q.symbol),
        "latex": latex(q.symbol),
        "shape": list(q.shape),
        "diagonal": q.diagonal,
        "values": q.as_list(),
    }


def _step_json(step: BackwardStep, ident: int) -> dict[str, Any]:
    local = derivative_text = None
    if step.local is not None:
        local = {"jacobian": plain(step.local[0]), "compact": plain(step.local[1]),
                 "latex": f"{latex(step.local[0])} = {latex(step.local[1])}"}  # fmt: skip
    if step.activation is not None:
        prime, formula = derivative(step.activation)
        derivative_text = f"{plain(prime)} = {plain(formula)}"
    names = [step.result.symbol] + ([step.meaning] if step.meaning is not None else [])
    return {
        "id": ident,
        "kind": step.kind.value,
        "layer": step.layer,
        "text": step.text,
        "name": plain(step.result.symbol),
        "meaning": None if step.meaning is None else plain(step.meaning),
        "equation": _equation_text(step),
        "latex": " = ".join(latex(n) for n in [*names, step.formula]),
        "operation": step.operation,
        "shape": list(step.result.shape),
        "values": step.result.as_list(),
        "factors": [_quantity_json(q) for q in step.factors],
        "local": local,
        "activation": step.activation,
        "derivative": derivative_text,
    }


def network_to_dict(net: Network, settings: Settings | None = None) -> dict[str, Any]:
    """The ``chainrule/network@1`` object; numbers at full precision, vectors as lists,
    matrices as lists of rows, shapes as ``[rows, columns]``."""
    layers = [
        {"index": layer.index, "W": [list(row) for row in layer.weights], "b": list(layer.bias),
         "activation": layer.activation, "shape": [layer.outputs, layer.inputs]}
        for layer in net.layers
    ]  # fmt: skip
    forward = [
        {"layer": r.layer, "role": r.role, **_quantity_json(r.quantity),
         "definition": None if r.definition is None else plain(r.definition)}
        for r in net.forward
    ]  # fmt: skip
    return {
        "schema": SCHEMA,
        "sizes": list(net.sizes),
        "activations": list(net.activations),
        "loss_function": net.loss_function,
        "seed": net.seed,
        "layers": layers,
        "input": list(net.input),
        "target": list(net.target),
        "forward": forward,
        "output": list(net.output),
        "probabilities": None if net.probabilities is None else list(net.probabilities),
        "loss": net.loss,
        "gradients": {
            name: [list(v) for v in values] if isinstance(values[0], tuple) else list(values)
            for name, values in net.gradients.items()
        },
        "input_gradient": list(net.input_gradient),
        "steps": [_step_json(step, ident) for ident, step in enumerate(net.steps)],
    }


def render_json(net: Network, settings: Settings) -> str:
    """The network as one ``chainrule/network@1`` JSON object."""
    return dumps(network_to_dict(net, settings), settings)
