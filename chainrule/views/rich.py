"""The terminal view: a title, the steps as a tree, the answer in a panel.

Each step shows its rule as a coloured badge, its sentence, its bindings and
its equation pretty-printed in Unicode (SymPy's 2-D printer, or one line when
the 2-D form is wider than the terminal). Nothing here goes through rich
markup: every string is a ``Text``, so brackets in mathematics survive.
"""

from __future__ import annotations

import io
from typing import Any

import sympy
from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.measure import Measurement
from rich.panel import Panel
from rich.text import Text
from rich.tree import Tree

from chainrule.derivation.dependencies import DependencyNode
from chainrule.derivation.dependencies import label as dependency_label
from chainrule.derivation.model import Derivation, Rule
from chainrule.derivation.rules import SPECS
from chainrule.recursion import run_deep
from chainrule.views.document import Document, NumberedStep, PointSection, StepRenderer, document
from chainrule.views.notation import (
    Equation,
    OnelineMathPrinter,
    PrettyMathPrinter,
)
from chainrule.views.settings import Settings

#: Badge colours by the family of the rule (``derivation.rules.SPECS``).
_BADGE_STYLES = {
    "chain": "bold white on blue",
    "product": "bold white on magenta",
    "structure": "bold black on cyan",
    "power": "bold white on red",
    "simplify": "bold black on yellow",
    "partial": "bold white on dark_green",
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
        self._cache: dict[bool, tuple[list[str], int]] = {}
        self._line: str | None = None

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        if len(self._oneline()) > 3 * options.max_width:
            # Far too wide for 2-D: do not spend time laying it out.
            yield Text(self.prefix + self._oneline(), style=self.style, overflow="fold")
            return
        rows, baseline = self._pretty(ascii_only=options.ascii_only)
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
        rows, _ = self._pretty(ascii_only=options.ascii_only)
        width = max(len(r) for r in rows) + len(self.prefix)
        if width > options.max_width or len(rows) > MAX_PRETTY_HEIGHT:
            width = min(len(self._oneline()) + len(self.prefix), options.max_width)
        return Measurement(min(width, options.max_width), min(width, options.max_width))

    def _pretty(self, *, ascii_only: bool = False) -> tuple[list[str], int]:
        """The 2-D form; ASCII art on a terminal whose encoding has no box characters."""
        if ascii_only not in self._cache:
            self._cache[ascii_only] = run_deep(_pretty_rows, self.equation, not ascii_only)
        return self._cache[ascii_only]

    def _oneline(self) -> str:
        if self._line is None:
            self._line = run_deep(OnelineMathPrinter().doprint, self.equation)
        return self._line


def _pretty_rows(equation: sympy.Basic, unicode: bool = True) -> tuple[list[str], int]:
    """The equation in SymPy's 2D form: its rows and its baseline."""
    form = PrettyMathPrinter(unicode=unicode).print(equation)
    return PrettyMathPrinter(unicode=unicode).to_str(form).split("\n"), form.baseline


class RichRenderer(StepRenderer[Any]):
    def badge(self, rule: Rule) -> Text:
        return Text(f" {rule.title} ", style=_BADGE_STYLES.get(SPECS[rule].family, _DEFAULT_BADGE))

    def _print_step(self, item: NumberedStep) -> Any:
        head = Text.assemble(
            (f"{item.label}. ", "bold"), self.badge(item.step.rule), " ", str(item.step.text)
        )
        parts: list[Any] = [head]
        for binding in item.math.bindings:
            parts.append(Formula(binding, prefix="where ", style="italic"))
        parts.append(Formula(item.math.equation))
        for label, equation in self.notation_lines(item.math):
            parts.append(Formula(equation, prefix=f"{label}: ", style="dim"))
        return Group(*parts)

    def point_group(self, point: PointSection) -> Group:
        p = OnelineMathPrinter()
        parts: list[Any] = [Text(f"At {', '.join(p.doprint(eq) for eq in point.point)}:", style="bold")]
        if point.function_value is not None:
            parts.append(Formula(point.function_value))
        parts.extend(Text(str(note)) for note in point.notes)
        if point.derivative is not None:
            parts.append(Formula(point.derivative))
        if point.value.numeric is not None:
            parts.append(Text(f"≈ {p.expr(point.value.numeric)}"))
        for i, line in enumerate(point.tangent):
            parts.append(Formula(line, prefix="tangent line: " if i == 0 else "i.e. "))
        return Group(*parts)

    def renderable(self, doc: Document) -> Group:
        printer = OnelineMathPrinter()
        tree = Tree(Text(printer.doprint(doc.title), style="bold underline"), guide_style="dim")
        if doc.where:
            tree.add(Text("where " + ", ".join(printer.doprint(eq) for eq in doc.where), style="italic"))
        if doc.held:
            held = ", ".join(printer.expr(s) for s in doc.held)
            tree.add(Text(f"holding {held} constant", style="italic"))
        if doc.dependencies is not None:
            tree.add(dependency_renderable(doc.dependencies))
        nodes: dict[int, Tree] = {}
        for item in doc.steps:
            parent = tree if item.parent is None else nodes[item.parent]
            nodes[item.index] = parent.add(self.render_step(item))
        answer = Panel(
            Formula(doc.answer, style="bold"),
            title="Answer",
            title_align="left",
            border_style="green",
            expand=False,
        )
        parts: list[Any] = [tree, answer]
        if doc.point is not None:
            parts.append(self.point_group(doc.point))
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
    settings = settings or Settings()
    return run_deep(lambda: RichRenderer(settings).renderable(document(derivation, settings)))


def plain_text(renderable: Any, width: int) -> str:
    """A rich renderable as plain text without colour (for files and tests)."""
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, color_system=None, force_terminal=False, no_color=True)
    console.print(renderable)
    return buffer.getvalue()


def render_rich_text(derivation: Derivation, settings: Settings | None = None) -> str:
    """The rich view as plain text without colour, ``settings.width`` columns wide."""
    settings = settings or Settings()
    return plain_text(derivation_renderable(derivation, settings), settings.width)
