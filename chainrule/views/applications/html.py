"""HTML of implicit, related-rates and parametric results: one self-contained page with MathML."""

from __future__ import annotations

from html import escape

from chainrule.views.applications.document import AppDocument, PointLines, Result, application_document
from chainrule.views.document import NumberedStep
from chainrule.views.html import HtmlRenderer, page
from chainrule.views.mathml import math_block
from chainrule.views.notation import Equation
from chainrule.views.settings import Settings

_END = "</article>\n"


class AppHtmlRenderer(HtmlRenderer):
    """The derivation's HTML renderer, with the lines of algebra of implicit and parametric steps."""

    def _print_step(self, item: NumberedStep) -> str:
        article = super()._print_step(item)
        if not item.math.lines:
            return article
        extra = "".join(self.block(equation) for equation in item.math.lines)
        return article[: -len(_END)] + extra + _END

    def body_app(self, doc: AppDocument) -> str:
        p = self.printer
        given = ", ".join(math_block(p.doprint(eq)) for eq in doc.given)
        parts = [
            f'<header class="exercise">\n<h1>{escape(doc.heading)}</h1>\n',
            f'<div class="eq">{given}</div>\n',
        ]
        if doc.functions:
            where = ", ".join(math_block(p.doprint(eq), display=False) for eq in doc.functions)
            parts.append(f'<p class="where">where {where}</p>\n')
        asked = ", ".join(math_block(p.doprint(Equation((node,))), display=False) for node in doc.asked)
        parts.append(f'<p class="task">Find {asked}.</p>\n</header>\n')
        parts.append('<section class="steps">\n<h2>Steps</h2>\n')
        parts.extend(self.render_step(item) for item in doc.steps)
        parts.append("</section>\n")
        parts.append('<section class="answer">\n<h2>Answer</h2>\n')
        parts.extend(self.block(answer) for answer in doc.answers)
        parts.append("</section>\n")
        if doc.point is not None:
            parts.append(self.point_app(doc.point))
        return "".join(parts)

    def point_app(self, point: PointLines) -> str:
        p = self.printer
        where = ", ".join(math_block(p.doprint(eq), display=False) for eq in point.point)
        parts = [f'<section class="point">\n<h2>At {where}</h2>\n']
        for label, equation in point.lines:
            if label:
                parts.append(f'<p class="note">{escape(label.capitalize())}:</p>\n')
            parts.append(self.block(equation))
        parts.extend(f'<p class="note">({escape(note)})</p>\n' for note in point.notes)
        parts.append("</section>\n")
        return "".join(parts)


def render_html(result: Result, settings: Settings | None = None) -> str:
    """``result`` as one self-contained HTML page with MathML."""
    settings = settings or Settings()
    renderer = AppHtmlRenderer(settings)
    doc = application_document(result, settings)
    given = ", ".join(renderer.plain.doprint(eq) for eq in doc.given)
    return page(f"{doc.heading}: {given[:60]} — chainrule", renderer.body_app(doc))
