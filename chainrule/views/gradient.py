"""Several partial derivatives of one expression (``--wrt x --wrt y``): a gradient.

Each partial derivative is its own derivation and its own section, rendered
by the ordinary renderer of the format; this module only puts the sections
together and adds the gradient vector at the end. JSON is one
``chainrule/gradient@1`` object whose ``derivations`` are
``chainrule/derivation@1`` objects.
"""

from __future__ import annotations

from typing import Any

import sympy
from rich.console import Group
from rich.panel import Panel
from rich.text import Text

from chainrule.derivation.model import Gradient
from chainrule.printing import latex, machine, plain, pretty
from chainrule.views.document import document
from chainrule.views.html import HtmlRenderer, fragment, page
from chainrule.views.json import derivation_to_dict, dumps
from chainrule.views.latex import PREAMBLE, LatexRenderer
from chainrule.views.markdown import render_markdown as render_derivation_markdown
from chainrule.views.rich import derivation_renderable, plain_text
from chainrule.views.settings import Settings
from chainrule.views.text import render_text as render_derivation_text

SCHEMA = "chainrule/gradient@1"


def _names(gradient: Gradient) -> str:
    return ", ".join(d.wrt.name for d in gradient.derivations)


def gradient_to_dict(gradient: Gradient, settings: Settings) -> dict[str, Any]:
    first = gradient.derivations[0]
    return {
        "schema": SCHEMA,
        "input": first.input,
        "expr": machine(first.expr),
        "wrt": [d.wrt.name for d in gradient.derivations],
        "gradient": {d.wrt.name: machine(d.result) for d in gradient.derivations},
        "derivations": [derivation_to_dict(d, settings) for d in gradient.derivations],
    }


def render_json(gradient: Gradient, settings: Settings) -> str:
    return dumps(gradient_to_dict(gradient, settings), settings)


def render_text(gradient: Gradient, settings: Settings) -> str:
    sections = [
        f"== Partial derivative by {d.wrt} ==\n\n" + render_derivation_text(d, settings)
        for d in gradient.derivations
    ]
    lines = [f"partial/partial {d.wrt} = {plain(d.result)}" for d in gradient.derivations]
    summary = f"Gradient by ({_names(gradient)}):\n" + "\n".join("  " + line for line in lines)
    return "\n".join(sections) + "\n" + summary + "\n"


def render_markdown(gradient: Gradient, settings: Settings) -> str:
    sections = [render_derivation_markdown(d, settings) for d in gradient.derivations]
    vector = r",\ ".join(latex(d.result) for d in gradient.derivations)
    summary = f"# Gradient by ({_names(gradient)})\n\n$$\n\\left({vector}\\right)\n$$\n"
    return "\n---\n\n".join(sections) + "\n---\n\n" + summary


def render_latex(gradient: Gradient, settings: Settings) -> str:
    renderer = LatexRenderer(Settings(notation=settings.notation, at=settings.at))
    docs = [document(d, settings) for d in gradient.derivations]
    body = "".join(f"% Partial derivative by {doc.derivation.wrt}\n{renderer.align(doc)}" for doc in docs)
    answer_rows = [row for doc in docs for row in renderer.row(doc.answer, f"by {doc.derivation.wrt}", 0)]
    summary = "\\begin{align*}\n" + " \\\\\n".join(answer_rows) + "\n\\end{align*}\n"
    if not settings.standalone:
        return body + summary
    first = gradient.derivations[0]
    sections = "".join(
        f"\\section*{{Partial derivative by ${latex(doc.derivation.wrt)}$}}\n{renderer.align(doc)}"
        for doc in docs
    )
    variables = ", ".join(latex(d.wrt) for d in gradient.derivations)
    return (
        f"{PREAMBLE}"
        "\\title{A gradient, step by step}\n"
        "\\author{chainrule}\n"
        "\\date{}\n"
        "\\begin{document}\n"
        "\\maketitle\n"
        f"Find the partial derivatives of ${latex(first.expr)}$ by ${variables}$.\n"
        f"{renderer.dependency_table(docs[0].dependencies)}"
        f"{sections}"
        "\\section*{Gradient}\n"
        f"{summary}"
        "\\end{document}\n"
    )


def _html_body(gradient: Gradient, settings: Settings) -> str:
    html = HtmlRenderer(settings)
    sections = (html.body(document(d, settings)) for d in gradient.derivations)
    return "".join(f'<section class="partial">\n{section}</section>\n' for section in sections)


def render_html(gradient: Gradient, settings: Settings) -> str:
    return page(f"Gradient by ({_names(gradient)}) — chainrule", _html_body(gradient, settings))


def render_html_fragment(gradient: Gradient, settings: Settings | None = None) -> str:
    """The gradient as an embeddable ``<div class="chainrule">`` (Jupyter)."""
    return fragment(_html_body(gradient, settings or Settings()))


def gradient_renderable(gradient: Gradient, settings: Settings) -> Group:
    """The rich view: each partial derivative's tree, then the gradient in a panel."""
    parts: list[Any] = []
    for d in gradient.derivations:
        parts.append(Text(f"Partial derivative by {d.wrt}", style="bold"))
        parts.append(derivation_renderable(d, settings))

    def shown(expr: sympy.Expr) -> str:
        text = pretty(expr)
        return text if "\n" not in text else plain(expr)

    lines = "\n".join(f"∂/∂{d.wrt} = {shown(d.result)}" for d in gradient.derivations)
    parts.append(
        Panel(
            Text(lines),
            title=f"Gradient by ({_names(gradient)})",
            title_align="left",
            border_style="green",
            expand=False,
        )
    )
    return Group(*parts)


def render_rich_text(gradient: Gradient, settings: Settings) -> str:
    return plain_text(gradient_renderable(gradient, settings), settings.width)
