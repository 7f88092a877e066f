"""Several partial derivatives of one expression (``--wrt x --wrt y``): a gradient.

Each partial derivative is its own derivation and its own section, rendered
by the ordinary renderer of the format; this module only puts the sections
together and adds the gradient vector at the end. JSON is one
``chainrule/gradient@1`` object whose ``derivations`` are
``chainrule/derivation@1`` objects.
"""

from __future__ import annotations

import io
import json as _json
from collections.abc import Sequence
from typing import Any

import sympy
from rich.console import Console, Group
from rich.panel import Panel
from rich.text import Text

from chainrule.derivation.model import Derivation
from chainrule.printing import latex, plain, pretty
from chainrule.views.base import Settings

SCHEMA = "chainrule/gradient@1"


def _gradient_lines(derivations: Sequence[Derivation], show: Any, partial: str) -> list[str]:
    return [f"{partial}{d.wrt} = {show(d.result)}" for d in derivations]


def render_gradient(derivations: Sequence[Derivation], format: str, settings: Settings) -> str:
    """All partial derivatives in one document of ``format``."""
    first = derivations[0]
    names = ", ".join(d.wrt.name for d in derivations)
    if format == "json":
        from chainrule.views.json import derivation_to_dict

        data = {
            "schema": SCHEMA,
            "input": first.input,
            "expr": sympy.sstr(first.expr),
            "wrt": [d.wrt.name for d in derivations],
            "gradient": {d.wrt.name: sympy.sstr(d.result) for d in derivations},
            "derivations": [derivation_to_dict(d, settings) for d in derivations],
        }
        return _json.dumps(data, indent=settings.indent, ensure_ascii=False) + "\n"
    if format == "text":
        from chainrule.views.text import render_text

        sections = [
            f"== Partial derivative by {d.wrt} ==\n\n" + render_text(d, settings) for d in derivations
        ]
        summary = (
            "Gradient by ("
            + names
            + "):\n"
            + "\n".join("  " + line for line in _gradient_lines(derivations, plain, "partial/partial "))
        )
        return "\n".join(sections) + "\n" + summary + "\n"
    if format == "markdown":
        from chainrule.views.markdown import render_markdown

        sections = [render_markdown(d, settings) for d in derivations]
        vector = r",\ ".join(latex(d.result) for d in derivations)
        summary = f"# Gradient by ({names})\n\n$$\n\\left({vector}\\right)\n$$\n"
        return "\n---\n\n".join(sections) + "\n---\n\n" + summary
    if format == "latex":
        from chainrule.views.latex import LatexRenderer

        renderer = LatexRenderer(Settings(notation=settings.notation, at=settings.at))
        body = "".join(f"% Partial derivative by {d.wrt}\n{renderer.align(d)}" for d in derivations)
        answer_rows = [row for d in derivations for row in renderer.row(renderer.answer(d), f"by {d.wrt}", 0)]
        summary = "\\begin{align*}\n" + " \\\\\n".join(answer_rows) + "\n\\end{align*}\n"
        if not settings.standalone:
            return body + summary
        latex_sections = "".join(
            f"\\section*{{Partial derivative by ${latex(d.wrt)}$}}\n{renderer.align(d)}" for d in derivations
        )
        return (
            "\\documentclass[11pt]{article}\n"
            "\\usepackage[margin=1in]{geometry}\n"
            "\\usepackage{amsmath}\n"
            "\\allowdisplaybreaks\n"
            "\\title{A gradient, step by step}\n"
            "\\author{chainrule}\n"
            "\\date{}\n"
            "\\begin{document}\n"
            "\\maketitle\n"
            f"Find the partial derivatives of ${latex(first.expr)}$ by "
            f"${', '.join(latex(d.wrt) for d in derivations)}$.\n"
            f"{renderer.dependency_table(first)}"
            f"{latex_sections}"
            "\\section*{Gradient}\n"
            f"{summary}"
            "\\end{document}\n"
        )
    if format == "html":
        from chainrule.views.html import HtmlRenderer, page

        html = HtmlRenderer(settings)
        body = "".join(f'<section class="partial">\n{html.body(d)}</section>\n' for d in derivations)
        return page(f"Gradient by ({names}) — chainrule", body)
    if format == "rich":
        buffer = io.StringIO()
        console = Console(file=buffer, width=100, color_system=None, force_terminal=False, no_color=True)
        console.print(gradient_renderable(derivations, settings))
        return buffer.getvalue()
    from chainrule.errors import UsageError

    raise UsageError(f"unknown format {format!r}")


def gradient_renderable(derivations: Sequence[Derivation], settings: Settings) -> Group:
    """The rich view: each partial derivative's tree, then the gradient in a panel."""
    from chainrule.views.rich import derivation_renderable

    parts: list[Any] = []
    for d in derivations:
        parts.append(Text(f"Partial derivative by {d.wrt}", style="bold"))
        parts.append(derivation_renderable(d, settings))
    lines = "\n".join(
        _gradient_lines(derivations, lambda e: pretty(e) if "\n" not in pretty(e) else plain(e), "∂/∂")
    )
    names = ", ".join(d.wrt.name for d in derivations)
    parts.append(
        Panel(
            Text(lines),
            title=f"Gradient by ({names})",
            title_align="left",
            border_style="green",
            expand=False,
        )
    )
    return Group(*parts)
