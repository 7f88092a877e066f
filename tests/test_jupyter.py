"""Jupyter display: ``Derivation``, ``Graph`` and ``CheckResult`` render as HTML, LaTeX and Markdown."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

import chainrule
from chainrule.graph import backprop
from chainrule.homework.check import check

MATH_BLOCK = re.compile(r"<math\b[^>]*>.*?</math>", re.S)


def mathml_blocks(html: str) -> list[ET.Element]:
    blocks = MATH_BLOCK.findall(html)
    assert blocks
    return [ET.fromstring(b) for b in blocks]


def test_derivation_reprs() -> None:
    d = chainrule.derive("sin(x**2)").verify()
    html = d._repr_html_()
    assert html.startswith('<div class="chainrule">') and "<html" not in html
    assert "mfrac" in html and html.count("<article ") == len(d.steps)
    mathml_blocks(html)
    latex = d._repr_latex_()
    assert latex == d.to_latex() and "\\begin{align*}" in latex
    assert r"2 x \cos{\left(x^{2} \right)}" in latex
    markdown = d._repr_markdown_()
    assert markdown == d.to_markdown() and "$$" in markdown


def test_a_notebook_shows_the_steps() -> None:
    # What IPython does with the value of a cell's last line.
    formatters = pytest.importorskip(
        "IPython.core.formatters", reason="IPython is not installed: pip install ipython (in the test extra)"
    )
    d = chainrule.derive("sin(x**2)").verify()
    data, _ = formatters.DisplayFormatter().format(d)
    assert data["text/html"] == d._repr_html_()
    assert data["text/latex"] == d._repr_latex_()
    assert data["text/markdown"] == d._repr_markdown_()


def test_graph_reprs() -> None:
    g = backprop("(x + y)*z", at={"x": -2, "y": 5, "z": -4})
    html = g._repr_html_()
    assert html.startswith('<div class="chainrule">') and "<table>" in html
    mathml_blocks(html)
    latex = g._repr_latex_()
    # MathJax typesets arrays, not longtable.
    assert latex.startswith("$$") and latex.rstrip().endswith("$$")
    assert "longtable" not in latex and r"\begin{array}" in latex
    assert r"\frac{\partial f}{\partial x} = -4" in latex
    assert r"\frac{\partial f}{\partial z} = 3" in latex
    markdown = g._repr_markdown_()
    assert "| node | operation | definition | value |" in markdown
    assert r"- $\frac{\partial f}{\partial y} = -4$" in markdown


def test_graph_markdown_cells_keep_pipes_out() -> None:
    g = backprop("abs(x)*y", at={"x": -3, "y": 2})
    markdown = g._repr_markdown_()
    rows = [line for line in markdown.splitlines() if line.startswith("| ")]
    header_cells = rows[0].count("|")
    forward = rows[: 1 + len(g.nodes)]
    assert all(row.count("|") == header_cells for row in forward)


def test_symbolic_graph_reprs() -> None:
    g = backprop("tanh(w*x + b)")
    assert r"\text{value}" not in g._repr_latex_()
    assert "tanh" in g._repr_html_() and "tanh" in g._repr_markdown_()


def test_check_reprs_wrong_answer() -> None:
    result = check("sin(x^2)", "cos(x^2)")
    result.derivation.verify()
    assert result.correct is False
    html = result._repr_html_()
    assert "<h2>Wrong</h2>" in html and "Mistake:" in html and "<details>" in html
    mathml_blocks(html)
    assert "the chain rule without the inner derivative" in result._repr_latex_()
    assert r"\neq" in result._repr_latex_()
    markdown = result._repr_markdown_()
    assert markdown.startswith(r"**Wrong:** $\cos{\left(x^{2} \right)}$ is not")
    assert "**Mistake:**" in markdown


def test_check_reprs_right_answer() -> None:
    result = check("sin(x^2)", "2x cos(x^2)")
    result.derivation.verify()
    assert result.correct is True
    assert "<h2>Correct</h2>" in result._repr_html_()
    assert result._repr_latex_().startswith("Correct: $$")
    assert result._repr_markdown_().startswith("**Correct:**")
