r"""LaTeX of implicit, related-rates and parametric results: an ``align*``, or a whole document.

The steps are the derivation's rows (``views/latex.py``), with the lines of
algebra below each step's equation; wide lines are broken the same way.
"""

from __future__ import annotations

from chainrule.views.applications.document import AppDocument, PointLines, Result, application_document
from chainrule.views.document import NumberedStep
from chainrule.views.latex import PREAMBLE, LatexRenderer, escape_text
from chainrule.views.notation import Equation, LatexMathPrinter
from chainrule.views.settings import Settings


def statement(doc: AppDocument, printer: LatexMathPrinter) -> str:
    r"""The exercise as one formula: ``\frac{dy}{dx} \text{ if } x^{2} + y^{2} = 25,\ y = y(x)``."""
    asked = r",\ ".join(printer.doprint(Equation((node,))) for node in doc.asked)
    given = r",\quad ".join(printer.doprint(eq) for eq in doc.given)
    where = ""
    if doc.functions:
        where = r",\quad \text{where } " + r",\ ".join(printer.doprint(eq) for eq in doc.functions)
    return rf"{asked} \quad \text{{if }} {given}{where}"


class AppLatexRenderer(LatexRenderer):
    """The derivation's LaTeX renderer, with the lines of algebra of implicit and parametric steps."""

    def _print_step(self, item: NumberedStep) -> list[str]:
        rows = super()._print_step(item)
        for equation in item.math.lines:
            rows.extend(self.row(equation, "", item.depth))
        return rows

    def align_app(self, doc: AppDocument) -> str:
        rows: list[str] = []
        for item in doc.steps:
            rows.extend(self.render_step(item))
        for answer in doc.answers:
            rows.extend(self.row(answer, "answer", 0))
        if doc.point is not None:
            rows.extend(self.point_rows_app(doc.point))
        return "\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}\n"

    def point_rows_app(self, point: PointLines) -> list[str]:
        p = self.printer
        where = ", ".join(p.doprint(eq) for eq in point.point)
        rows = [rf"& \text{{At }} {where}\text{{:}}"]
        for label, equation in point.lines:
            rows.extend(self.row(equation, label, 1))
        rows.extend(rf"& \quad \text{{({escape_text(note)})}}" for note in point.notes)
        return rows

    def document_app(self, doc: AppDocument) -> str:
        p = self.printer
        given = ", ".join(f"${p.doprint(eq)}$" for eq in doc.given)
        where = ""
        if doc.functions:
            where = " where " + ", ".join(f"${p.doprint(eq)}$" for eq in doc.functions)
        asked = " and ".join(f"${p.doprint(Equation((node,)))}$" for node in doc.asked)
        at = ""
        if doc.point is not None:
            at = " Evaluate at " + ", ".join(f"${p.doprint(eq)}$" for eq in doc.point.point) + "."
        return (
            f"{PREAMBLE}"
            f"\\title{{{escape_text(doc.heading)}}}\n"
            "\\author{chainrule}\n"
            "\\date{}\n"
            "\\begin{document}\n"
            "\\maketitle\n"
            "\\section*{Exercise}\n"
            f"Find {asked} for {given}{where}.{at}\n"
            "\\section*{Solution}\n"
            f"{self.align_app(doc)}"
            "\\end{document}\n"
        )


def render_latex(result: Result, settings: Settings | None = None) -> str:
    """``result`` as LaTeX: an ``align*`` environment, or a document if ``standalone``."""
    settings = settings or Settings()
    renderer = AppLatexRenderer(settings)
    doc = application_document(result, settings)
    return renderer.document_app(doc) if settings.standalone else renderer.align_app(doc)


def worksheet_parts(result: Result, settings: Settings | None = None) -> tuple[str, str, str]:
    """For a worksheet: the exercise as one formula, the answers as ``align*`` rows, and on one line."""
    settings = settings or Settings()
    renderer = AppLatexRenderer(settings)
    doc = application_document(result, settings)
    rows = [row for answer in doc.answers for row in renderer.row(answer, "", 0)]
    inline = r",\quad ".join(renderer.printer.doprint(answer) for answer in doc.answers)
    return statement(doc, renderer.printer), " \\\\\n".join(rows), inline
