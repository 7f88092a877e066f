"""Plain ASCII: the same content as the rich view, stable for scripts and tests.

>>> import sympy
>>> from chainrule.derivation.model import Derivation, Rule, Step
>>> x = sympy.Symbol("x")
>>> step = Step(rule=Rule.POWER, expr=x**3, wrt=x, result=3*x**2, text="Power rule.")
>>> d = Derivation(input="x^3", expr=x**3, wrt=x, order=1, root=step,
...                raw_result=3*x**2, result=3*x**2)
>>> print(render_text(d))
d/dx x**3
<BLANKLINE>
1. [power] Power rule.
     d/dx x**3 = 3*x**2
<BLANKLINE>
Answer: d/dx x**3 = 3*x**2
"""

from __future__ import annotations

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
from chainrule.views.notation import PlainMathPrinter, exercise

#: Deeper steps are not indented further, so a deep tree stays readable.
MAX_INDENT_DEPTH = 8


class TextRenderer(StepRenderer[list[str]]):
    format = "text"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.printer = PlainMathPrinter()

    def render(self, derivation: Derivation) -> str:
        p = self.printer
        title = p.doprint(exercise(derivation))
        lines = [title]
        if derivation.where:
            lines.append("where " + ", ".join(f"{p.expr(n)} = {p.expr(v)}" for n, v in derivation.where))
        held = held_constant(derivation)
        if held:
            lines.append("holding " + ", ".join(p.expr(s) for s in held) + " constant")
        tree = dependency_tree(derivation)
        if tree is not None:
            lines.append("Dependencies:")
            lines.extend("  " * (depth + 1) + text for depth, text in outline(tree))
        lines.append("")
        for block in self.render_steps(derivation):
            lines.extend(block)
        lines.append("")
        lines.append("Answer: " + p.doprint(self.answer(derivation)))
        point = evaluate_at(derivation, self.settings.at)
        if point is not None:
            lines.extend(self.point_lines(point))
        return "\n".join(lines) + "\n"

    def _print_step(self, item: NumberedStep) -> list[str]:
        p = self.printer
        pad = "  " * min(item.depth, MAX_INDENT_DEPTH)
        head = f"{pad}{item.label}. [{item.step.rule.value}] {item.step.text}"
        body = " " * (len(pad) + len(item.label) + 3)
        lines = [head]
        lines.extend(body + p.doprint(b) for b in item.math.bindings)
        lines.append(body + p.doprint(item.math.equation))
        for label, eq in self.notation_lines(item.math):
            lines.append(f"{body}{label + ':':<10}{p.doprint(eq)}")
        return lines

    def point_lines(self, point: PointValue) -> list[str]:
        p = self.printer
        where = ", ".join(f"{p.expr(s)} = {p.expr(v)}" for s, v in point.point)
        lines = ["", f"At {where}:"]
        if point.function_value is not None:
            lines.append("  " + p.doprint(point.function_value))
        value = p.doprint(point.value)
        if point.numeric is not None:
            value += f" ~= {p.expr(point.numeric)}"
        lines.append("  " + value)
        if point.tangent is not None:
            lines.append("  tangent line: " + p.doprint(point.tangent))
        return lines


def render_text(derivation: Derivation, settings: Settings | None = None) -> str:
    """The derivation as plain ASCII text."""
    return TextRenderer(settings or Settings()).render(derivation)
