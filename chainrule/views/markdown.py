"""Markdown: headings, the explanations as text, equations in ``$$...$$`` blocks.

Reads well on GitHub, in Jupyter and in most note-taking tools.
"""

from __future__ import annotations

import re

from chainrule.derivation.dependencies import outline
from chainrule.derivation.model import Derivation, Sentence
from chainrule.views.document import (
    Document,
    NumberedStep,
    PointSection,
    StepRenderer,
    document,
    render_sentence,
)
from chainrule.views.notation import Equation, LatexMathPrinter
from chainrule.views.settings import Settings

_SPECIAL = re.compile(r"([\\`*_\[\]<>$|#])")


def escape(text: str) -> str:
    """``text`` with Markdown's special characters escaped (``x**2`` is not bold)."""
    return _SPECIAL.sub(r"\\\1", text)


class MarkdownRenderer(StepRenderer[list[str]]):
    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.printer = LatexMathPrinter()

    def block(self, equation: Equation) -> list[str]:
        return ["$$", self.printer.doprint(equation), "$$", ""]

    def sentence(self, sentence: Sentence) -> str:
        """Words escaped, mathematics in ``$...$``."""
        return render_sentence(
            sentence, escape, lambda sides: "$" + " = ".join(map(self.printer.expr, sides)) + "$"
        )

    def inline(self, equation: Equation) -> str:
        return f"${self.printer.doprint(equation)}$"

    def _print_step(self, item: NumberedStep) -> list[str]:
        math = item.math
        lines = [
            f"**{item.label}. {item.step.rule.title.capitalize()}.** {self.sentence(item.step.text)}",
            "",
        ]
        if math.bindings:
            lines.append("Where " + ", ".join(self.inline(b) for b in math.bindings) + ".")
            lines.append("")
        lines.extend(self.block(math.equation))
        for label, equation in self.notation_lines(math):
            lines.append(f"{label}:")
            lines.append("")
            lines.extend(self.block(equation))
        return lines

    def point_lines(self, point: PointSection) -> list[str]:
        p = self.printer
        where = ", ".join(p.doprint(eq) for eq in point.point)
        lines = [f"## At ${where}$", ""]
        if point.function_value is not None:
            lines.extend(self.block(point.function_value))
        for note in point.notes:
            lines.extend([self.sentence(note), ""])
        if point.derivative is not None:
            value = p.doprint(point.derivative)
            if point.value.numeric is not None:
                value += rf" \approx {p.expr(point.value.numeric)}"
            lines.extend(["$$", value, "$$", ""])
        for i, line in enumerate(point.tangent):
            lines.extend(["Tangent line:" if i == 0 else "That is,", ""])
            lines.extend(self.block(line))
        return lines

    def render(self, doc: Document) -> str:
        p = self.printer
        lines = [f"# ${p.doprint(doc.title)}$", ""]
        if doc.where:
            lines.extend([f"Where {', '.join(self.inline(eq) for eq in doc.where)}.", ""])
        if doc.held:
            lines.extend(["Holding " + ", ".join(f"${p.expr(s)}$" for s in doc.held) + " constant.", ""])
        if doc.dependencies is not None:
            lines.extend(["Dependencies:", ""])
            lines.extend("  " * depth + f"- `{text}`" for depth, text in outline(doc.dependencies))
            lines.append("")
        lines.extend(["## Steps", ""])
        for block in self.render_steps(doc):
            lines.extend(block)
        lines.extend(["## Answer", ""])
        lines.extend(self.block(doc.answer))
        if doc.point is not None:
            lines.extend(self.point_lines(doc.point))
        return "\n".join(lines).rstrip("\n") + "\n"


def render_markdown(derivation: Derivation, settings: Settings | None = None) -> str:
    """The derivation as Markdown with ``$$`` math blocks."""
    settings = settings or Settings()
    return MarkdownRenderer(settings).render(document(derivation, settings))
