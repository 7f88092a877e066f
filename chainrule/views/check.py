"""The verdict on a student's answer: plain text, rich, and JSON (``chainrule/check@1``)."""

from __future__ import annotations

from html import escape
from typing import Any

import sympy
from rich.panel import Panel
from rich.text import Text

from chainrule.homework.catalogue import Show, d_dx
from chainrule.homework.check import CheckResult
from chainrule.homework.mistakes import Diagnosis, Misstep
from chainrule.homework.points import show_number
from chainrule.printing import latex as latex_expr
from chainrule.printing import line, machine, plain
from chainrule.views.document import document
from chainrule.views.html import HtmlRenderer, fragment
from chainrule.views.json import dumps
from chainrule.views.markdown import escape as md_escape
from chainrule.views.mathml import math_block, mathml_expr
from chainrule.views.notation import Diff, PlainMathPrinter
from chainrule.views.numbers import decimal
from chainrule.views.rich import plain_text
from chainrule.views.settings import Settings
from chainrule.written import evaluated

SCHEMA = "chainrule/check@1"


def _same_form(result: CheckResult) -> bool:
    """Whether the answer is the derivative as printed, up to the order of its terms and factors."""
    return bool(evaluated(result.answer) == result.expected)


def render_text(result: CheckResult, settings: Settings | None = None) -> str:
    """The verdict in a few lines: mathematics in Unicode, or ASCII where the settings say so."""
    show = line if settings is None or settings.unicode else plain
    d = d_dx(result.expr, result.wrt, show)
    if result.correct:
        same = _same_form(result)
        extra = "" if same else f" (the same as {show(result.expected)})"
        return f"Correct: {show(result.answer)} is {d}{extra}.\n"
    if result.correct is None:
        return (
            f"Could not decide whether {show(result.answer)} is {d}: {result.reason}.\n"
            f"The derivative is {show(result.expected)}.\n"
        )
    lines = [
        f"Wrong: {show(result.answer)} is not {d}.",
        f"The derivative is {show(result.expected)}.",
        f"They differ: {difference_text(result)}.",
    ]
    return "\n".join(lines + diagnosis_lines(result, show)) + "\n"


def difference_text(result: CheckResult) -> str:
    """Where the answer and the derivative differ: a point with both values, or why."""
    if result.counterexample is None:
        return result.reason
    return counterexample_text(result)


def _number(value: Any) -> str:
    """A point's coordinate or a value: exact when it is a short fraction (``1``, ``1/2``), whole
    numbers without ``.0``, else 6 digits."""
    if isinstance(value, sympy.Rational):
        return show_number(value)
    text = decimal(value)
    return text[:-2] if text.endswith(".0") else text


def counterexample_text(result: CheckResult) -> str:
    """``at x = 0.5 the derivative is 1 but the answer is 2``."""
    c = result.counterexample
    assert c is not None
    point = ", ".join(f"{s} = {_number(v)}" for s, v in c.point)
    expected, got = _number(c.expected_value), _number(c.got_value)
    text = f"the derivative is {expected} but the answer is {got}"
    if point:
        text = f"at {point} {text}"
    if expected == got and c.difference is not None:
        text += f" (they differ by {decimal(abs(c.difference))})"
    return text


def diagnosis_lines(result: CheckResult, show: Show = line) -> list[str]:
    """The mistakes that give the answer, one sentence each; or where it first differs."""
    diagnosis = result.diagnosis
    if diagnosis is None:
        return []
    kind = diagnosis.kind
    if kind == "one":
        (misstep,) = diagnosis.explanations[0].missteps
        return [f"Mistake: {misstep.title}. {misstep.sentence(show)}"]
    if kind in ("either", "together"):
        missteps = [m for e in diagnosis.explanations for m in e.missteps]
        count = {2: "Two", 3: "Three"}.get(len(missteps), str(len(missteps)))
        head = (
            f"{count} classic mistakes give this answer, each one alone:"
            if kind == "either"
            else f"{count} mistakes together give this answer:"
        )
        return [head, *(f"- {m.title}. {m.sentence(show)}" for m in missteps)]
    return [f"It does not match a classic mistake. {first_difference_text(result, show)}"]


def first_difference_text(result: CheckResult, show: Show = line) -> str:
    """``It first differs from the right one in step 1.2 (...): ...``."""
    assert result.diagnosis is not None
    found = result.diagnosis.first_difference
    if found is None:
        return "Compare it with the steps of chainrule derive."
    step = found.step
    where = f"step {found.label} ({step.rule.title} rule on {show(step.expr)})"
    if not found.path:
        return (
            f"It differs from the right one already in {where}, the first rule used; "
            "compare it with the steps of chainrule derive."
        )
    theirs = f", the answer has {show(found.theirs)}" if found.theirs is not None else ""
    right = show(step.result)
    return f"It first differs from the right one in {where}: the right result there is {right}{theirs}."


def misstep_to_dict(misstep: Misstep, wrong_result: sympy.Expr) -> dict[str, Any]:
    return {
        "name": misstep.name,
        "title": misstep.title,
        "step": {
            "label": misstep.label,
            "rule": misstep.step.rule.value,
            "expr": machine(misstep.step.expr),
            "wrt": str(misstep.step.wrt),
            "result": machine(misstep.step.result),
        },
        "where": {str(n): machine(e) for n, e in misstep.where},
        "count": misstep.count,
        "explanation": misstep.explanation,
        "wrong_step_result": machine(misstep.wrong.result),
        "wrong_result": machine(wrong_result),
    }


def diagnosis_to_dict(diagnosis: Diagnosis) -> dict[str, Any]:
    found = diagnosis.first_difference
    first = None
    if found is not None:
        first = {
            "label": found.label,
            "rule": found.step.rule.value,
            "expr": machine(found.step.expr),
            "wrt": str(found.step.wrt),
            "result": machine(found.step.result),
            "answer": machine(found.theirs) if found.theirs is not None else None,
        }
    return {
        "kind": diagnosis.kind,
        "explanations": [
            {
                "mistakes": [misstep_to_dict(m, e.result) for m in e.missteps],
                "wrong_result": machine(e.result),
            }
            for e in diagnosis.explanations
        ],
        "first_difference": first,
    }


def check_to_dict(result: CheckResult, settings: Settings | None = None) -> dict[str, Any]:
    """A ``chainrule/check@1`` object."""
    counter = None
    if result.counterexample is not None:
        c = result.counterexample
        counter = {
            "point": {str(s): _number(v) for s, v in c.point},
            "expected": decimal(c.expected_value),
            "answer": decimal(c.got_value),
            "difference": decimal(c.difference) if c.difference is not None else None,
        }
    diagnosis = result.diagnosis
    mistake = None
    if diagnosis is not None and diagnosis.explanations:
        first = diagnosis.explanations[0]
        mistake = misstep_to_dict(first.missteps[0], first.result)
    return {
        "schema": SCHEMA,
        "expr": machine(result.expr),
        "answer": machine(result.answer),
        "wrt": str(result.wrt),
        "correct": result.correct,
        "expected": machine(result.expected),
        "checked_points": result.checked,
        "counterexample": counter,
        "mistake": mistake,
        "decided_by": result.decided_by,
        "reason": result.reason,
        "diagnosis": diagnosis_to_dict(diagnosis) if diagnosis is not None else None,
    }


def render_json(result: CheckResult, settings: Settings) -> str:
    return dumps(check_to_dict(result, settings), settings)


def renderable(result: CheckResult, settings: Settings | None = None) -> Panel:
    """The verdict in a coloured panel."""
    if result.correct:
        style, title = "green", "correct"
    elif result.correct is None:
        style, title = "yellow", "could not decide"
    else:
        style, title = "red", "wrong"
    body = Text(render_text(result, settings).rstrip("\n"))
    body.highlight_words(["Correct:", "Wrong:", "Could not decide"], style=f"bold {style}")
    body.highlight_words(["Mistake:", "It does not match a classic mistake."], style="bold")
    return Panel(body, title=title, title_align="left", border_style=style, expand=False)


def render_rich_text(result: CheckResult, settings: Settings) -> str:
    return plain_text(renderable(result, settings), settings.width)


# ---------------------------------------------------------------- Jupyter


def _verdict(result: CheckResult) -> str:
    if result.correct:
        return "Correct"
    return "Could not decide" if result.correct is None else "Wrong"


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
    if result.correct is None:
        parts.append(f"<p>Could not decide: {escape(result.reason)}.</p>\n")
    elif result.correct is False:
        parts.append(f"<p>They differ: {escape(difference_text(result))}.</p>\n")
        lines = diagnosis_lines(result)
        if lines and lines[0].startswith("Mistake: "):
            parts.append(f"<p><strong>Mistake:</strong> {escape(lines[0].removeprefix('Mistake: '))}</p>\n")
        elif lines:
            items = "".join(f"<li>{escape(line.removeprefix('- '))}</li>\n" for line in lines[1:])
            parts.append(f"<p>{escape(lines[0])}</p>\n" + (f"<ul>\n{items}</ul>\n" if items else ""))
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
        return f"Could not decide whether ${answer} = {d}$: {result.reason}."
    else:
        lines = [rf"Wrong: $${answer} \neq {d} = {expected}$$", f"They differ: {difference_text(result)}."]
        lines += diagnosis_lines(result)
    return "\n".join(lines)


def check_markdown(result: CheckResult) -> str:
    """The verdict in Markdown, math in ``$...$``."""
    answer, expected = latex_expr(result.answer), latex_expr(result.expected)
    d = _d_latex(result)
    if result.correct:
        same = _same_form(result)
        lines = [f"**Correct:** ${answer}$ is ${d}$" + ("." if same else f", the same as ${expected}$.")]
    elif result.correct is None:
        lines = [f"**Could not decide** whether ${answer}$ is ${d}$: {md_escape(result.reason)}."]
    else:
        lines = [f"**Wrong:** ${answer}$ is not ${d}$.", "", f"The derivative is ${expected}$."]
        lines += ["", f"They differ: {md_escape(difference_text(result))}."]
        for line in diagnosis_lines(result):
            text = md_escape(line.removeprefix("Mistake: ").removeprefix("- "))
            if line.startswith("Mistake: "):
                lines += ["", f"**Mistake:** {text}"]
            elif line.startswith("- "):
                lines += [f"- {text}"]
            else:
                lines += ["", text]
    return "\n".join(lines) + "\n"
