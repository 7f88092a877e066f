"""Markdown of implicit, related-rates and parametric results: headings, sentences, ``$$`` blocks."""

from __future__ import annotations

from chainrule.views.applications.document import AppDocument, PointLines, Result, application_document
from chainrule.views.document import NumberedStep
from chainrule.views.markdown import MarkdownRenderer, escape
from chainrule.views.notation import Equation
from chainrule.views.settings import Settings


class AppMarkdownRenderer(MarkdownRenderer):
    """The derivation's Markdown renderer, with the lines of algebra of implicit and parametric steps."""

    def _print_step(self, item: NumberedStep) -> list[str]:
        lines = super()._print_step(item)
        for equation in item.math.lines:
            lines.extend(self.block(equation))
        return lines

    def render_app(self, doc: AppDocument) -> str:
        p = self.printer
        given = ", ".join(self.inline(eq) for eq in doc.given)
        lines = [f"# {escape(doc.heading)}: {given}", ""]
        if doc.functions:
            lines.extend(["Where " + ", ".join(self.inline(eq) for eq in doc.functions) + ".", ""])
        asked = ", ".join(f"${p.doprint(Equation((node,)))}$" for node in doc.asked)
        lines.extend([f"Find {asked}.", "", "## Steps", ""])
        for item in doc.steps:
            lines.extend(self.render_step(item))
        lines.extend(["## Answer", ""])
        for answer in doc.answers:
            lines.extend(self.block(answer))
        if doc.point is not None:
            lines.extend(self.point_app(doc.point))
        return "\n".join(lines).rstrip("\n") + "\n"

    def point_app(self, point: PointLines) -> list[str]:
        where = ", ".join(self.printer.doprint(eq) for eq in point.point)
        lines = [f"## At ${where}$", ""]
        for label, equation in point.lines:
            if label:
                lines.extend([f"{escape(label.capitalize())}:", ""])
            lines.extend(self.block(equation))
        lines.extend(f"({escape(note)})" for note in point.notes)
        return lines


def render_markdown(result: Result, settings: Settings | None = None) -> str:
    """``result`` as Markdown with ``$$`` math blocks."""
    settings = settings or Settings()
    return AppMarkdownRenderer(settings).render_app(application_document(result, settings))
