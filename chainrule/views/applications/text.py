"""Plain text and the terminal (rich) view of implicit, related-rates and parametric results."""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.panel import Panel
from rich.text import Text
from rich.tree import Tree

from chainrule.recursion import deep_recursion
from chainrule.views.applications.document import AppDocument, PointLines, Result, application_document
from chainrule.views.document import NumberedStep
from chainrule.views.notation import Equation, OnelineMathPrinter, PlainMathPrinter
from chainrule.views.rich import Formula, RichRenderer, plain_text
from chainrule.views.settings import Settings
from chainrule.views.text import MAX_INDENT_DEPTH, TextRenderer


def statement(doc: AppDocument, printer: PlainMathPrinter) -> list[str]:
    """The exercise: heading and equations, what changes with what, what to find."""
    given = ", ".join(printer.doprint(eq) for eq in doc.given)
    lines = [f"{doc.heading}: {given}"]
    if doc.functions:
        lines.append("where " + ", ".join(printer.doprint(eq) for eq in doc.functions))
    lines.append("Find " + ", ".join(printer.doprint(Equation((node,))) for node in doc.asked) + ".")
    return lines


class AppTextRenderer(TextRenderer):
    """The derivation's text renderer, with the lines of algebra of implicit and parametric steps."""

    def _print_step(self, item: NumberedStep) -> list[str]:
        lines = super()._print_step(item)
        pad = "  " * min(item.depth, MAX_INDENT_DEPTH)
        body = " " * (len(pad) + len(item.label) + 3)
        return lines + [body + self.printer.doprint(eq) for eq in item.math.lines]

    def render_app(self, doc: AppDocument) -> str:
        p = self.printer
        lines = [*statement(doc, p), ""]
        for item in doc.steps:
            lines.extend(self.render_step(item))
        lines.append("")
        lines.extend(f"Answer: {p.doprint(eq)}" for eq in doc.answers)
        if doc.point is not None:
            lines.extend(self.app_point_lines(doc.point))
        return "\n".join(lines) + "\n"

    def app_point_lines(self, point: PointLines) -> list[str]:
        p = self.printer
        lines = ["", f"At {', '.join(p.doprint(eq) for eq in point.point)}:"]
        for label, eq in point.lines:
            lines.append(f"  {label + ': ' if label else ''}{p.doprint(eq)}")
        lines.extend(f"  ({note})" for note in point.notes)
        return lines


def render_text(result: Result, settings: Settings | None = None) -> str:
    """``result`` as plain ASCII text."""
    settings = settings or Settings()
    return AppTextRenderer(settings).render_app(application_document(result, settings))


class AppRichRenderer(RichRenderer):
    """The derivation's terminal renderer, with the lines of algebra."""

    def _print_step(self, item: NumberedStep) -> Any:
        group = super()._print_step(item)
        return Group(group, *(Formula(eq) for eq in item.math.lines))

    def renderable_app(self, doc: AppDocument) -> Group:
        p = OnelineMathPrinter()
        title, *rest = statement(doc, p)
        tree = Tree(Text(title, style="bold underline"), guide_style="dim")
        for line in rest:
            tree.add(Text(line, style="italic"))
        nodes: dict[int, Tree] = {}
        for item in doc.steps:
            parent = tree if item.parent is None else nodes[item.parent]
            nodes[item.index] = parent.add(self.render_step(item))
        answer = Panel(
            Group(*(Formula(eq, style="bold") for eq in doc.answers)),
            title="Answer",
            title_align="left",
            border_style="green",
            expand=False,
        )
        parts: list[Any] = [tree, answer]
        if doc.point is not None:
            parts.append(self.point_app(doc.point))
        return Group(*parts)

    def point_app(self, point: PointLines) -> Group:
        p = OnelineMathPrinter()
        parts: list[Any] = [Text(f"At {', '.join(p.doprint(eq) for eq in point.point)}:", style="bold")]
        for label, eq in point.lines:
            parts.append(Formula(eq, prefix=f"{label}: " if label else ""))
        parts.extend(Text(f"({note})", style="italic") for note in point.notes)
        return Group(*parts)


def renderable(result: Result, settings: Settings | None = None) -> Group:
    """A rich renderable of ``result`` (its ``__rich__``)."""
    settings = settings or Settings()
    with deep_recursion():
        return AppRichRenderer(settings).renderable_app(application_document(result, settings))


def render_rich_text(result: Result, settings: Settings | None = None) -> str:
    """The terminal view as plain text without colour, ``settings.width`` columns wide."""
    settings = settings or Settings()
    return plain_text(renderable(result, settings), settings.width)
