"""Markdown: headings, the explanations as text, equations in ``$$...$$`` blocks.

Reads well on GitHub, in Jupyter and in most note-taking tools.
"""

from __future__ import annotations

import re

from chainrule.derivation.dependencies import dependency_tree, outline
from chainrule.derivation.model import Derivation
from chainrule.views.base import (
    NumberedStep,
    PointValue,
    Settings,
    StepRenderer,
    evaluate_at,
    held_constant,
)
from chainrule.views.notation import Equation, LatexMathPrinter, exercise

_SPECIAL = re.compile(r"([\\`*_\[\]<>$|#])")


def escape(text: str) -> str:
    """``text`` with Markdown's special characters escaped (``x**2`` is not bold)."""
    return _SPECIAL.sub(r"\\\1", text)


class MarkdownRenderer(StepRenderer[list[str]]):
    format = "markdown"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.printer = LatexMathPrinter()

    def block(self, equation: Equation) -> list[str]:
        return ["$$", self.printer.doprint(equation), "$$", ""]

    def inline(self, equation: Equation) -> str:
        return f"${self.printer.doprint(equation)}$"

    def _print_step(self, item: NumberedStep) -> list[str]:
        math = item.math
        lines = [
            f"**{item.label}. {item.step.rule.title.capitalize()}.** {escape(item.step.text)}",
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

    def point_lines(self, point: PointValue) -> list[str]:
        p = self.printer
        where = ", ".join(f"{p.expr(s)} = {p.expr(v)}" for s, v in point.point)
        lines = [f"## At ${where}$", ""]
        if point.function_value is not None:
            lines.extend(self.block(point.function_value))
        value = self.printer.doprint(point.value)
        if point.numeric is not None:
            value += rf" \approx {p.expr(point.numeric)}"
        lines.extend(["$$", value, "$$", ""])
        if point.tangent is not None:
            lines.append("Tangent line:")
            lines.append("")
            lines.extend(self.block(point.tangent))
        return lines

    def render(self, derivation: Derivation) -> str:
        p = self.printer
        heading = p.doprint(exercise(derivation))
        lines = [f"# ${heading}$", ""]
        if derivation.where:
            pairs = ", ".join(f"${p.expr(n)} = {p.expr(v)}$" for n, v in derivation.where)
            lines.extend([f"Where {pairs}.", ""])
        held = held_constant(derivation)
        if held:
            lines.extend(["Holding " + ", ".join(f"${p.expr(s)}$" for s in held) + " constant.", ""])
        tree = dependency_tree(derivation)
        if tree is not None:
            lines.extend(["Dependencies:", ""])
            lines.extend("  " * depth + f"- `{text}`" for depth, text in outline(tree))
            lines.append("")
        lines.extend(["## Steps", ""])
        for block in self.render_steps(derivation):
            lines.extend(block)
        lines.extend(["## Answer", ""])
        lines.extend(self.block(self.answer(derivation)))
        point = evaluate_at(derivation, self.settings.at)
        if point is not None:
            lines.extend(self.point_lines(point))
        return "\n".join(lines).rstrip("\n") + "\n"


def render_markdown(derivation: Derivation, settings: Settings | None = None) -> str:
    """The derivation as Markdown with ``$$`` math blocks."""
    return MarkdownRenderer(settings or Settings()).render(derivation)
