"""HTML: one self-contained page, the mathematics as presentation MathML.

Chromium (109+) and Firefox draw MathML natively, so the page needs no
network, no fonts to fetch and no JavaScript: the style sheet is embedded,
and a Content-Security-Policy forbids everything else. Each step is an
``<article>`` (number, rule, sentence, bindings, its equation, the chain
rule's Leibniz and Lagrange forms), indented by depth; print styles keep a
step on one page.

``render_html`` gives the whole page; ``render_html_fragment`` the same
content in a ``<div class="chainrule">`` with a scoped style sheet, for
embedding (Jupyter's ``_repr_html_``).
"""

from __future__ import annotations

from html import escape

import sympy
from sympy.core.function import AppliedUndef

from chainrule import __version__
from chainrule.derivation.dependencies import DependencyNode
from chainrule.derivation.model import Derivation, Sentence
from chainrule.views.document import (
    Document,
    NumberedStep,
    PointSection,
    StepRenderer,
    document,
    render_sentence,
)
from chainrule.views.mathml import MathMLMathPrinter, math_block
from chainrule.views.notation import Equation, OnelineMathPrinter
from chainrule.views.settings import Settings

__all__ = ["CSS", "page", "render_html", "render_html_fragment"]

#: An equation wider than this (in characters of its plain form) is shown one
#: ``= side`` per line; MathML is not line-broken by browsers.
LINE_BUDGET = 90
#: Deeper steps are not indented further.
MAX_INDENT_DEPTH = 8

#: The style sheet; every rule is scoped to ``.chainrule`` so a fragment can sit
#: inside another page (a notebook) without restyling it.
CSS = """\
.chainrule { font-family: "Latin Modern Roman", "STIX Two Text", Cambria, Georgia, serif;
  line-height: 1.45; color: #1b1b1b; background: #fff; max-width: 62rem; margin: 0 auto;
  padding: 1.5rem; }
.chainrule h1 { font-size: 1.6rem; margin: 0 0 .25rem; font-weight: 600; }
.chainrule h2 { font-size: 1.2rem; margin: 1.6rem 0 .6rem; border-bottom: 1px solid #ccc;
  padding-bottom: .2rem; font-weight: 600; }
.chainrule h3 { font-size: 1rem; margin: 0 0 .2rem; font-weight: 600; }
.chainrule math { font-size: 1.15em; font-family: "Latin Modern Math", "STIX Two Math",
  "Cambria Math", math; }
.chainrule math[display="block"] { display: inline math; math-style: normal; }
.chainrule .eq { margin: .35rem 0 .35rem 1rem; overflow-x: auto; overflow-y: hidden; max-width: 100%;
  padding: .15rem 0; }
.chainrule .exercise .eq { font-size: 1.4em; margin-left: 0; }
.chainrule .cont { padding-left: 2.5rem; }
.chainrule .step { border-left: 3px solid #9db4d0; padding: .35rem 0 .35rem .8rem;
  margin: .6rem 0; break-inside: avoid; page-break-inside: avoid; }
.chainrule .step.top { border-left-color: #3c6ea8; }
.chainrule .label { color: #3c6ea8; margin-right: .4rem; }
.chainrule .rule { display: inline-block; font: .8rem/1.4 system-ui, sans-serif; color: #234;
  background: #e6eef7; border: 1px solid #b8cbe0; border-radius: .6rem; padding: 0 .5rem;
  vertical-align: .1rem; }
.chainrule .text { margin: .1rem 0 .2rem; }
.chainrule .forms { margin: .2rem 0 0; display: grid; grid-template-columns: max-content 1fr;
  column-gap: .8rem; align-items: center; }
.chainrule .forms dt { font: .85rem system-ui, sans-serif; color: #555; }
.chainrule .forms dd { margin: 0; min-width: 0; }
.chainrule .forms .eq { margin-left: 0; }
.chainrule .answer { background: #f3f7ee; border: 1px solid #c5d8b0; border-radius: .4rem;
  padding: .4rem 1rem; }
.chainrule .note { color: #555; font-size: .9rem; }
.chainrule table { border-collapse: collapse; margin: .4rem 0 1rem; }
.chainrule th, .chainrule td { border-bottom: 1px solid #ddd; padding: .3rem .8rem; text-align: left;
  vertical-align: middle; }
.chainrule th { font: 600 .85rem system-ui, sans-serif; color: #333; border-bottom: 2px solid #999; }
.chainrule td.num { text-align: right; }
.chainrule td math, .chainrule li math { math-style: normal; }
.chainrule tr.output td { font-weight: 600; }
.chainrule footer { margin-top: 2rem; color: #777; font-size: .8rem; }
@media print {
  @page { margin: 1.8cm; }
  .chainrule { max-width: none; padding: 0; font-size: 11pt; color: #000; }
  .chainrule .eq { overflow: visible; }
  .chainrule .step, .chainrule .answer { border-color: #888; background: none; }
  .chainrule .rule { background: none; border-color: #888; color: #000; }
  .chainrule h2 { break-after: avoid; page-break-after: avoid; }
  .chainrule tr { break-inside: avoid; }
}
"""

#: No network, no scripts: only the embedded style sheet (and inline styles).
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def page(title: str, body: str) -> str:
    """A whole HTML document around ``body`` (which sits in ``<main class="chainrule">``)."""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="chainrule {escape(__version__)}">\n'
        f"<title>{escape(title)}</title>\n"
        f"<style>\n{CSS}</style>\n"
        "</head>\n"
        "<body>\n"
        '<main class="chainrule">\n'
        f"{body}"
        f"<footer>Made with chainrule {escape(__version__)}.</footer>\n"
        "</main>\n"
        "</body>\n"
        "</html>\n"
    )


def fragment(body: str) -> str:
    """``body`` in a ``<div class="chainrule">`` with the scoped style sheet."""
    return f'<div class="chainrule">\n<style>\n{CSS}</style>\n{body}</div>\n'


class HtmlRenderer(StepRenderer[str]):
    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.printer = MathMLMathPrinter()
        self.plain = OnelineMathPrinter()

    # Pieces.
    def inline(self, equation: Equation) -> str:
        return math_block(self.printer.doprint(equation), display=False)

    def block(self, equation: Equation, *, extra: str = "") -> str:
        """An equation as a display block; a wide one as one ``= side`` per line."""
        p = self.printer
        if len(equation.sides) < 2 or len(self.plain.doprint(equation)) <= LINE_BUDGET:
            return f'<div class="eq">{math_block(p.doprint(equation) + extra)}</div>\n'
        lines = [f'<div class="eq">{math_block(p.print(equation.sides[0]))}</div>']
        for i, side in enumerate(equation.sides[1:], start=2):
            tail = extra if i == len(equation.sides) else ""
            lines.append(f'<div class="eq cont">{math_block(p.eq + p.print(side) + tail)}</div>')
        return '<div class="lines">' + "\n".join(lines) + "</div>\n"

    def sentence(self, sentence: Sentence) -> str:
        """Words escaped, mathematics as inline MathML."""
        p = self.printer
        return render_sentence(
            sentence,
            escape,
            lambda sides: math_block(p.join([p.expr(x) for x in sides], p.eq), display=False),
        )

    def _print_step(self, item: NumberedStep) -> str:
        math = item.math
        depth = min(item.depth, MAX_INDENT_DEPTH)
        classes = "step top" if item.depth == 0 else "step"
        parts = [
            f'<article class="{classes} rule-{item.step.rule.value}" id="step-{escape(item.label)}"'
            f' aria-label="Step {escape(item.label)}: {escape(item.step.rule.title)} rule"'
            f' style="margin-left: {1.6 * depth:g}rem">',
            f'<h3><span class="label">{escape(item.label)}.</span>'
            f'<span class="rule">{escape(item.step.rule.title)}</span></h3>',
            f'<p class="text">{self.sentence(item.step.text)}</p>',
        ]
        if math.bindings:
            where = ", ".join(self.inline(b) for b in math.bindings)
            parts.append(f'<p class="bindings">where {where}</p>')
        parts.append(self.block(math.equation).rstrip("\n"))
        forms = self.notation_lines(math)
        if forms:
            parts.append('<dl class="forms">')
            for label, equation in forms:
                parts.append(f"<dt>{escape(label)}</dt><dd>{self.block(equation).rstrip()}</dd>")
            parts.append("</dl>")
        parts.append("</article>")
        return "\n".join(parts) + "\n"

    def point_section(self, point: PointSection) -> str:
        p = self.printer
        where = ", ".join(math_block(p.doprint(eq), display=False) for eq in point.point)
        parts = [f'<section class="point">\n<h2>At {where}</h2>\n']
        if point.function_value is not None:
            parts.append(self.block(point.function_value))
        parts.extend(f"<p>{self.sentence(note)}</p>\n" for note in point.notes)
        approx = ""
        if point.value.numeric is not None:
            approx = f"<mo>≈</mo>{p.expr(point.value.numeric)}"
        if point.derivative is not None:
            parts.append(self.block(point.derivative, extra=approx))
        for i, line in enumerate(point.tangent):
            parts.append("<p>Tangent line:</p>\n" if i == 0 else "<p>That is,</p>\n")
            parts.append(self.block(line))
        parts.append("</section>\n")
        return "".join(parts)

    def dependencies(self, doc: Document) -> str:
        """The dependency tree as nested lists: f → x, y → m, n."""
        if doc.dependencies is None:
            return ""
        out = ['<div class="dependencies">Dependencies:\n']
        stack: list[tuple[DependencyNode, int]] = [(doc.dependencies, 0)]
        depth_now = -1
        while stack:
            node, depth = stack.pop()
            if depth > depth_now:
                out.append("<ul>" * (depth - depth_now))
            elif depth < depth_now:
                out.append("</li></ul>" * (depth_now - depth) + "</li>")
            else:
                out.append("</li>")
            out.append(f"<li>{math_block(self.dependency_label(node), display=False)}")
            depth_now = depth
            stack.extend((child, depth + 1) for child in reversed(node.children))
        out.append("</li></ul>" * (depth_now + 1) + "</div>\n")
        return "".join(out)

    def dependency_label(self, node: DependencyNode) -> str:
        """``x = m n`` for a defined variable, ``x(m, n)`` for an undefined function, ``m`` for a leaf."""
        p, name = self.printer, sympy.Symbol(node.name)
        if node.definition is None:
            return p.expr(name)
        if isinstance(node.definition, AppliedUndef) and node.definition.func.__name__ == node.name:
            return p.expr(node.definition)
        return f"<mrow>{p.expr(name)}{p.eq}{p.expr(node.definition)}</mrow>"

    # The whole.
    def body(self, doc: Document) -> str:
        p = self.printer
        parts = [
            '<header class="exercise">\n<h1>A derivative, step by step</h1>\n',
            f'<div class="eq">{math_block(p.doprint(Equation((doc.title,))))}</div>\n',
        ]
        if doc.where:
            pairs = ", ".join(math_block(p.doprint(eq), display=False) for eq in doc.where)
            parts.append(f'<p class="where">where {pairs}</p>\n')
        if doc.held:
            held = ", ".join(math_block(p.expr(s), display=False) for s in doc.held)
            parts.append(f'<p class="held">holding {held} constant</p>\n')
        parts.append(self.dependencies(doc))
        parts.append("</header>\n")
        parts.append('<section class="steps">\n<h2>Steps</h2>\n')
        parts.extend(self.render_steps(doc))
        parts.append("</section>\n")
        parts.append('<section class="answer">\n<h2>Answer</h2>\n')
        parts.append(self.block(doc.answer))
        parts.append("</section>\n")
        if doc.point is not None:
            parts.append(self.point_section(doc.point))
        return "".join(parts)

    def title(self, doc: Document) -> str:
        text = self.plain.doprint(doc.title)
        if len(text) > 80:
            text = text[:77] + "..."
        return f"{text} — chainrule"

    def render(self, doc: Document) -> str:
        return page(self.title(doc), self.body(doc))


def render_html(derivation: Derivation, settings: Settings | None = None) -> str:
    """The derivation as one self-contained HTML page with MathML."""
    settings = settings or Settings()
    return HtmlRenderer(settings).render(document(derivation, settings))


def render_html_fragment(derivation: Derivation, settings: Settings | None = None) -> str:
    """The derivation as an embeddable ``<div class="chainrule">`` (Jupyter)."""
    settings = settings or Settings()
    return fragment(HtmlRenderer(settings).body(document(derivation, settings)))
