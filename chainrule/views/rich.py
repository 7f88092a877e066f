"""The terminal view: a title, the steps as a tree, the answer in a panel.

Each step shows its rule as a coloured badge, its sentence, its bindings and
its equation pretty-printed in Unicode (SymPy's 2-D printer, or one line when
the 2-D form is wider than the terminal). Nothing here goes through rich
markup: every string is a ``Text``, so brackets in mathematics survive.
"""

from __future__ import annotations

import io
from typing import Any

from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.measure import Measurement
from rich.panel import Panel
from rich.text import Text
from rich.tree import Tree

from chainrule.derivation.dependencies import DependencyNode, dependency_tree
from chainrule.derivation.dependencies import label as dependency_label
from chainrule.derivation.model import Derivation, Rule
from chainrule.views.base import (
    NumberedStep,
    PointValue,
    Settings,
    StepRenderer,
    evaluate_at,
    held_constant,
    numbered_steps,
    recursion_limit,
)
from chainrule.views.notation import (
    Equation,
    OnelineMathPrinter,
    PrettyMathPrinter,
    exercise,
)

#: Badge colours by kind of rule; anything not listed is a table entry.
_BADGE_STYLES = {
    Rule.CHAIN: "bold white on blue",
    Rule.MULTIVARIABLE_CHAIN: "bold white on blue",
    Rule.PRODUCT: "bold white on magenta",
    Rule.QUOTIENT: "bold white on magenta",
    Rule.SUM: "bold black on cyan",
    Rule.CONSTANT_MULTIPLE: "bold black on cyan",
    Rule.GENERAL_POWER: "bold white on red",
    Rule.HIGHER_ORDER: "bold white on red",
    Rule.SIMPLIFY: "bold black on yellow",
    Rule.PARTIAL: "bold white on dark_green",
}
_DEFAULT_BADGE = "bold black on green"

#: Taller 2-D forms are shown on one line instead.
MAX_PRETTY_HEIGHT = 12


class Formula:
    """An equation that renders in 2-D when it fits the width, on one line otherwise."""

    def __init__(self, equation: Equation, *, prefix: str = "", style: str = "") -> None:
        self.equation = equation
        self.prefix = prefix
        self.style = style
        self._cache: tuple[list[str], int] | None = None
        self._line: str | None = None

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if len(self._oneline()) > 3 * options.max_width:
            # Far too wide for 2-D: do not spend time laying it out.
            yield Text(self.prefix + self._oneline(), style=self.style, overflow="fold")
            return
        rows, baseline = self._pretty()
        width = max(len(r) for r in rows) + len(self.prefix)
        if width <= options.max_width and len(rows) <= MAX_PRETTY_HEIGHT:
            pad = " " * len(self.prefix)
            for i, row in enumerate(rows):
                lead = self.prefix if i == baseline else pad
                yield Text(lead + row.rstrip(), style=self.style, no_wrap=True, overflow="ignore")
        else:
            yield Text(self.prefix + self._oneline(), style=self.style, overflow="fold")

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        if len(self._oneline()) > 3 * options.max_width:
            return Measurement(options.max_width, options.max_width)
        rows, _ = self._pretty()
        width = max(len(r) for r in rows) + len(self.prefix)
        if width > options.max_width or len(rows) > MAX_PRETTY_HEIGHT:
            width = min(len(self._oneline()) + len(self.prefix), options.max_width)
        return Measurement(min(width, options.max_width), min(width, options.max_width))

    def _pretty(self) -> tuple[list[str], int]:
        if self._cache is None:
            with recursion_limit():
                form = PrettyMathPrinter().print(self.equation)
                rows = PrettyMathPrinter().to_str(form).split("\n")
            self._cache = (rows, form.baseline)
        return self._cache

    def _oneline(self) -> str:
        if self._line is None:
            with recursion_limit():
                self._line = OnelineMathPrinter().doprint(self.equation)
        return self._line


class RichRenderer(StepRenderer[Tree]):
    format = "rich"

    def badge(self, rule: Rule) -> Text:
        return Text(f" {rule.title} ", style=_BADGE_STYLES.get(rule, _DEFAULT_BADGE))

    def _print_step(self, item: NumberedStep) -> Any:
        head = Text.assemble((f"{item.label}. ", "bold"), self.badge(item.step.rule), " ", item.step.text)
        parts: list[Any] = [head]
        for binding in item.math.bindings:
            parts.append(Formula(binding, prefix="where ", style="italic"))
        parts.append(Formula(item.math.equation))
        for label, equation in self.notation_lines(item.math):
            parts.append(Formula(equation, prefix=f"{label}: ", style="dim"))
        return Group(*parts)

    def point_group(self, point: PointValue) -> Group:
        p = OnelineMathPrinter()
        where = ", ".join(f"{p.expr(s)} = {p.expr(v)}" for s, v in point.point)
        parts: list[Any] = [Text(f"At {where}:", style="bold")]
        if point.function_value is not None:
            parts.append(Formula(point.function_value))
        parts.append(Formula(point.value))
        if point.numeric is not None:
            parts.append(Text(f"≈ {p.expr(point.numeric)}"))
        if point.tangent is not None:
            parts.append(Formula(point.tangent, prefix="tangent line: "))
        return Group(*parts)

    def renderable(self, derivation: Derivation) -> Group:
        printer = OnelineMathPrinter()
        title = printer.doprint(exercise(derivation))
        tree = Tree(Text(title, style="bold underline"), guide_style="dim")
        if derivation.where:
            where = ", ".join(f"{printer.expr(n)} = {printer.expr(v)}" for n, v in derivation.where)
            tree.add(Text(f"where {where}", style="italic"))
        held = held_constant(derivation)
        if held:
            tree.add(
                Text("holding " + ", ".join(printer.expr(s) for s in held) + " constant", style="italic")
            )
        dependencies = dependency_tree(derivation)
        if dependencies is not None:
            tree.add(dependency_renderable(dependencies))
        nodes: dict[int, Tree] = {}
        for item in numbered_steps(derivation):
            parent = tree if item.parent is None else nodes[item.parent]
            nodes[item.index] = parent.add(self.render_step(item))
        answer = Panel(
            Formula(self.answer(derivation), style="bold"),
            title="Answer",
            title_align="left",
            border_style="green",
            expand=False,
        )
        parts: list[Any] = [tree, answer]
        point = evaluate_at(derivation, self.settings.at)
        if point is not None:
            parts.append(self.point_group(point))
        return Group(*parts)


def dependency_renderable(tree: DependencyNode) -> Tree:
    """The dependency tree as a rich ``Tree``: f → x, y → m, n."""
    root = Tree(Text("depends on: " + dependency_label(tree), style="italic"), guide_style="dim")
    stack = [(tree, root)]
    while stack:
        node, branch = stack.pop()
        for child in node.children:
            stack.append((child, branch.add(Text(dependency_label(child)))))
    return root


def derivation_renderable(derivation: Derivation, settings: Settings | None = None) -> Group:
    """A rich renderable of the derivation (``Derivation.__rich__`` uses it)."""
    with recursion_limit():
        return RichRenderer(settings or Settings()).renderable(derivation)


def render_rich_text(derivation: Derivation, settings: Settings | None = None, *, width: int = 100) -> str:
    """The rich view as plain text without colour (for files and tests)."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, force_terminal=False, no_color=True)
    console.print(derivation_renderable(derivation, settings))
    return buffer.getvalue()
