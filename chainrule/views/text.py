"""Plain text: the same content as the rich view, stable for scripts and tests.

Mathematics is written in one Unicode line (``x³``, ``2x·cos(x²)``, ``f′``);
with ``unicode=False`` (a terminal that cannot show those characters) it is
plain ASCII (``x**3``).

>>> import sympy
>>> from chainrule.derivation.model import Derivation, Rule, Step
>>> x = sympy.Symbol("x")
>>> step = Step(rule=Rule.POWER, expr=x**3, wrt=x, result=3*x**2, text="Power rule.")
>>> d = Derivation(input="x^3", expr=x**3, wrt=x, order=1, root=step,
...                raw_result=3*x**2, result=3*x**2)
>>> print(render_text(d), end="")
d/dx x³
<BLANKLINE>
1. [power] Power rule.
    d/dx x³ = 3x²
<BLANKLINE>
Answer: d/dx x³ = 3x²
"""

from __future__ import annotations

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
from chainrule.views.notation import OnelineMathPrinter, PlainMathPrinter
from chainrule.views.settings import Settings

#: Deeper steps are not indented further, so a deep tree stays readable.
MAX_INDENT_DEPTH = 8


class TextRenderer(StepRenderer[list[str]]):
    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.printer = OnelineMathPrinter() if settings.unicode else PlainMathPrinter()

    def sentence(self, sentence: Sentence) -> str:
        return render_sentence(sentence, str, lambda sides: " = ".join(map(self.printer.expr, sides)))

    def render(self, doc: Document) -> str:
        p = self.printer
        lines = [p.doprint(doc.title)]
        if doc.where:
            lines.append("where " + ", ".join(p.doprint(eq) for eq in doc.where))
        if doc.held:
            lines.append("holding " + ", ".join(p.expr(s) for s in doc.held) + " constant")
        if doc.dependencies is not None:
            lines.append("Dependencies:")
            lines.extend("  " * (depth + 1) + text for depth, text in outline(doc.dependencies))
        lines.append("")
        for block in self.render_steps(doc):
            lines.extend(block)
        lines.append("")
        lines.append("Answer: " + p.doprint(doc.answer))
        if doc.point is not None:
            lines.extend(self.point_lines(doc.point))
        return "\n".join(lines) + "\n"

    def _print_step(self, item: NumberedStep) -> list[str]:
        p = self.printer
        pad = "  " * min(item.depth, MAX_INDENT_DEPTH)
        head = f"{pad}{item.label}. [{item.step.rule.value}] {self.sentence(item.step.text)}"
        body = " " * (len(pad) + len(item.label) + 3)
        lines = [head]
        lines.extend(body + p.doprint(b) for b in item.math.bindings)
        lines.append(body + p.doprint(item.math.equation))
        for label, eq in self.notation_lines(item.math):
            lines.append(f"{body}{label + ':':<10}{p.doprint(eq)}")
        return lines

    def point_lines(self, point: PointSection) -> list[str]:
        p = self.printer
        lines = ["", f"At {', '.join(p.doprint(eq) for eq in point.point)}:"]
        if point.function_value is not None:
            lines.append("  " + p.doprint(point.function_value))
        lines.extend("  " + self.sentence(note) for note in point.notes)
        if point.derivative is not None:
            value = p.doprint(point.derivative)
            if point.value.numeric is not None:
                value += f" {'≈' if self.settings.unicode else '~='} {p.expr(point.value.numeric)}"
            lines.append("  " + value)
        if point.tangent:
            lines.append("  tangent line: " + ", i.e. ".join(p.doprint(eq) for eq in point.tangent))
        return lines


def render_text(derivation: Derivation, settings: Settings | None = None) -> str:
    """The derivation as plain ASCII text."""
    settings = settings or Settings()
    return TextRenderer(settings).render(document(derivation, settings))
