"""The verdict on a student's answer: plain text, rich, and JSON (``chainrule/check@1``)."""

from __future__ import annotations

from html import escape
from typing import Any

import sympy
from rich.panel import Panel
from rich.text import Text

from chainrule.homework.check import CheckResult, Mistake
from chainrule.homework.mistakes import d_dx
from chainrule.printing import latex as latex_expr
from chainrule.printing import machine, plain
from chainrule.views.document import document
from chainrule.views.html import HtmlRenderer, fragment
from chainrule.views.json import dumps
from chainrule.views.markdown import escape as md_escape
from chainrule.views.mathml import math_block, mathml_expr
from chainrule.views.notation import Diff, PlainMathPrinter
from chainrule.views.numbers import decimal
from chainrule.views.rich import plain_text
from chainrule.views.settings import Settings

SCHEMA = "chainrule/check@1"


def render_text(result: CheckResult, settings: Settings | None = None) -> str:
    """The verdict in a few plain lines."""
    d = d_dx(result.expr, result.wrt)
    if result.correct:
        same = plain(result.answer) == plain(result.expected)
        extra = "" if same else f" (the same as {plain(result.expected)})"
        return f"Correct: {plain(result.answer)} is {d}{extra}.\n"
    if result.correct is None:
        return (
            f"Cannot tell: there is no point where {plain(result.expr)}, its derivative "
            f"{plain(result.expected)} and the answer {plain(result.answer)} are all defined, "
            "so they cannot be compared.\n"
        )
    lines = [
        f"Wrong: {plain(result.answer)} is not {d}.",
        f"The derivative is {plain(result.expected)}.",
    ]
    if result.counterexample is not None:
        lines.append(f"They differ: {counterexample_text(result)}.")
    if result.mistake is not None:
        lines.append(f"Mistake: {result.mistake}")
    else:
        lines.append("It does not match a classic mistake; compare with the steps of chainrule derive.")
    return "\n".join(lines) + "\n"


def counterexample_text(result: CheckResult) -> str:
    """``at x = 0.5 the derivative is 1 but the answer is 2``."""
    c = result.counterexample
    assert c is not None
    point = ", ".join(f"{s} = {decimal(v)}" for s, v in c.point)
    expected, got = decimal(c.expected_value), decimal(c.got_value)
    return f"at {point} the derivative is {expected} but the answer is {got}"


def mistake_to_dict(mistake: Mistake) -> dict[str, Any]:
    return {
        "name": mistake.name,
        "title": mistake.title,
        "step": {
            "label": mistake.label,
            "rule": mistake.step.rule.value,
            "expr": machine(mistake.step.expr),
            "wrt": str(mistake.step.wrt),
            "result": machine(mistake.step.result),
        },
        "where": {str(n): machine(e) for n, e in mistake.where},
        "count": mistake.count,
        "explanation": mistake.explanation,
        "wrong_result": machine(mistake.wrong_result),
    }


def check_to_dict(result: CheckResult, settings: Settings | None = None) -> dict[str, Any]:
    """A ``chainrule/check@1`` object."""
    counter = None
    if result.counterexample is not None:
        c = result.counterexample
        counter = {
            "point": {str(s): decimal(v) for s, v in c.point},
            "expected": decimal(c.expected_value),
            "answer": decimal(c.got_value),
        }
    return {
        "schema": SCHEMA,
        "expr": machine(result.expr),
        "answer": machine(result.answer),
        "wrt": str(result.wrt),
        "correct": result.correct,
        "expected": machine(result.expected),
        "checked_points": result.checked,
        "counterexample": counter,
        "mistake": mistake_to_dict(result.mistake) if result.mistake is not None else None,
    }


def render_json(result: CheckResult, settings: Settings) -> str:
    return dumps(check_to_dict(result, settings), settings)


def renderable(result: CheckResult, settings: Settings | None = None) -> Panel:
    """The verdict in a coloured panel."""
    if result.correct:
        style, title = "green", "correct"
    elif result.correct is None:
        style, title = "yellow", "cannot tell"
    else:
        style, title = "red", "wrong"
    body = Text(render_text(result).rstrip("\n"))
    body.highlight_words(["Correct:", "Wrong:", "Cannot tell:"], style=f"bold {style}")
    body.highlight_words(["Mistake:"], style="bold")
    return Panel(body, title=title, title_align="left", border_style=style, expand=False)


def render_rich_text(result: CheckResult, settings: Settings) -> str:
    return plain_text(renderable(result, settings), settings.width)


# ---------------------------------------------------------------- Jupyter


def _verdict(result: CheckResult) -> str:
    if result.correct:
        return "Correct"
    return "Cannot tell" if result.correct is None else "Wrong"


def check_html(result: CheckResult) -> str:
    """The verdict, the derivative and the answer in MathML, the steps behind a ``<details>``."""

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
        parts.append(f"<p>They differ: {escape(counterexample_text(result))}.</p>\n")
    if result.mistake is not None:
        parts.append(f"<p><strong>Mistake:</strong> {escape(str(result.mistake))}</p>\n")
    parts.append("</section>\n")
    steps = HtmlRenderer(Settings()).body(document(result.derivation, Settings()))
    title = escape(PlainMathPrinter().doprint(Diff(result.expr, result.wrt)))
    parts.append(f"<details>\n<summary>The steps of {title}</summary>\n{steps}</details>\n")
    return fragment("".join(parts))


def _paren_mathml(expr: sympy.Expr) -> str:
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
            lines.append(f"They differ: {counterexample_text(result)}.")
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
            lines += ["", f"They differ: {md_escape(counterexample_text(result))}."]
        if result.mistake is not None:
            lines += ["", f"**Mistake:** {md_escape(str(result.mistake))}"]
    return "\n".join(lines) + "\n"
