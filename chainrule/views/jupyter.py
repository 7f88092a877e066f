r"""Rich display in Jupyter: HTML, LaTeX and Markdown for derivations, graphs and checks.

A notebook cell ending in ``chainrule.derive("sin(x**2)")`` calls the
object's ``_repr_html_`` (or ``_repr_markdown_``/``_repr_latex_``, whichever
the front end prefers); those methods, on ``Derivation``, ``Graph`` and
``CheckResult``, call the functions here lazily. HTML is the page's content
in a ``<div class="chainrule">`` with a scoped style sheet and MathML; LaTeX is
what MathJax typesets (an ``align*`` or ``array``, no ``longtable``);
Markdown has ``$...$`` math.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

import sympy

from chainrule.printing import latex as latex_expr
from chainrule.printing import plain

if TYPE_CHECKING:
    from chainrule.derivation.model import Derivation
    from chainrule.homework.check import CheckResult

__all__ = [
    "check_html",
    "check_latex",
    "check_markdown",
    "derivation_html",
    "derivation_latex",
    "derivation_markdown",
]


# ------------------------------------------------------------------ derivation


def derivation_html(derivation: Derivation) -> str:
    from chainrule.views.base import recursion_limit
    from chainrule.views.html import render_html_fragment

    with recursion_limit():
        return render_html_fragment(derivation)


def derivation_latex(derivation: Derivation) -> str:
    return derivation.to_latex()


def derivation_markdown(derivation: Derivation) -> str:
    return derivation.to_markdown()


# ----------------------------------------------------------------------- graph
# TEMPORARY (graph branch only): the display mixin's entry points, for graphs.
# A graph's notebook forms live in chainrule.views.graph (html fragment,
# MathJax LaTeX, Markdown); at merge, take main's html/latex/markdown here.


def _graph_view(result: object, module: str, function: str) -> str:
    import importlib

    from chainrule.views.settings import Settings

    render = getattr(importlib.import_module(f"chainrule.views.graph.{module}"), function)
    text: str = render(result, Settings())
    return text


def html(result: object) -> str:
    return _graph_view(result, "html", "render_html_fragment")


def latex(result: object) -> str:
    return _graph_view(result, "latex", "render_jupyter_latex")


def markdown(result: object) -> str:
    return _graph_view(result, "markdown", "render_markdown")


def _md_text(text: str) -> str:
    from chainrule.views.markdown import escape as md_escape

    return md_escape(text)


# ----------------------------------------------------------------------- check


def _verdict(result: CheckResult) -> str:
    if result.correct:
        return "Correct"
    return "Cannot tell" if result.correct is None else "Wrong"


def check_html(result: CheckResult) -> str:
    """The verdict, the derivative and the answer in MathML, the steps behind a ``<details>``."""
    from chainrule.views.base import Settings, recursion_limit
    from chainrule.views.html import HtmlRenderer, fragment
    from chainrule.views.mathml import math_block, mathml_expr
    from chainrule.views.notation import Diff, PlainMathPrinter

    lhs = math_block(
        "<mrow><mfrac><mi>d</mi><mrow><mi>d</mi>"
        f"{mathml_expr(result.wrt)}</mrow></mfrac>{_paren_mathml(result.expr)}</mrow>",
        display=False,
    )
    verdict = _verdict(result)
    css = {"Correct": "correct", "Wrong": "wrong"}.get(verdict, "unknown")
    parts = [
        f'<section class="check {css}">\n<h2>{verdict}</h2>\n',
        f"<p>The answer {math_block(mathml_expr(result.answer), display=False)}; "
        f"the derivative {lhs} is {math_block(mathml_expr(result.expected), display=False)}.</p>\n",
    ]
    if result.counterexample is not None:
        parts.append(f"<p>They differ: {escape(str(result.counterexample))}.</p>\n")
    if result.mistake is not None:
        parts.append(f"<p><strong>Mistake:</strong> {escape(str(result.mistake))}</p>\n")
    parts.append("</section>\n")
    with recursion_limit():
        steps = HtmlRenderer(Settings()).body(result.derivation)
    title = escape(PlainMathPrinter().doprint(Diff(result.expr, result.wrt)))
    parts.append(f"<details>\n<summary>The steps of {title}</summary>\n{steps}</details>\n")
    return fragment("".join(parts))


def _paren_mathml(expr: sympy.Expr) -> str:
    from chainrule.views.mathml import mathml_expr

    body = mathml_expr(expr)
    if isinstance(expr, (sympy.Add, sympy.Mul)):
        return f"<mrow><mo>(</mo>{body}<mo>)</mo></mrow>"
    return body


def _d_latex(result: CheckResult) -> str:
    inner = latex_expr(result.expr)
    if isinstance(result.expr, (sympy.Add, sympy.Mul)):
        inner = rf"\left({inner}\right)"
    return rf"\frac{{d}}{{d{latex_expr(result.wrt)}}} {inner}"


def check_latex(result: CheckResult) -> str:
    """The verdict as text with ``$...$`` math, which MathJax typesets."""
    answer, expected = latex_expr(result.answer), latex_expr(result.expected)
    d = _d_latex(result)
    if result.correct:
        lines = [rf"Correct: $${answer} = {d}$$"]
    elif result.correct is None:
        return (
            f"Cannot tell: there is no point where ${latex_expr(result.expr)}$, its derivative "
            f"${expected}$ and the answer ${answer}$ are all defined."
        )
    else:
        lines = [rf"Wrong: $${answer} \neq {d} = {expected}$$"]
        if result.counterexample is not None:
            lines.append(f"They differ: {result.counterexample}.")
        if result.mistake is not None:
            lines.append(f"Mistake: {result.mistake}")
    return "\n".join(lines)


def check_markdown(result: CheckResult) -> str:
    """The verdict in Markdown, math in ``$...$``."""
    answer, expected = latex_expr(result.answer), latex_expr(result.expected)
    d = _d_latex(result)
    if result.correct:
        same = plain(result.answer) == plain(result.expected)
        lines = [f"**Correct:** ${answer}$ is ${d}$" + ("." if same else f", the same as ${expected}$.")]
    elif result.correct is None:
        lines = [
            f"**Cannot tell:** there is no point where ${latex_expr(result.expr)}$, its derivative "
            f"${expected}$ and the answer ${answer}$ are all defined."
        ]
    else:
        lines = [f"**Wrong:** ${answer}$ is not ${d}$.", "", f"The derivative is ${expected}$."]
        if result.counterexample is not None:
            lines += ["", f"They differ: {_md_text(str(result.counterexample))}."]
        if result.mistake is not None:
            lines += ["", f"**Mistake:** {_md_text(str(result.mistake))}"]
    return "\n".join(lines) + "\n"
