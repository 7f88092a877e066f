"""Rendering a computational graph: text (pinned), rich, LaTeX (compiled), DOT (rendered)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import sympy

from chainrule.graph import backprop
from chainrule.views.graph.text import render_rich_text
from chainrule.views.numbers import number
from chainrule.views.registry import formats

GRAPH_FORMATS = formats("graph", images=False)

x, y, z = sympy.symbols("x y z", real=True)
w0, x0, w1, x1, w2 = sympy.symbols("w0 x0 w1 x1 w2", real=True)
NEURON = 1 / (1 + sympy.exp(-(w0 * x0 + w1 * x1 + w2)))
NEURON_AT = {"w0": 2, "x0": -1, "w1": -3, "x1": -2, "w2": -3}

LECTURE_TEXT = """\
Computational graph of z*(x + y) at x = -2, y = 5, z = -4; output f

Forward pass
  node  operation  definition  value
  ----  ---------  ----------  -----
  x     input      x           -2
  y     input      y           5
  n1    add        x + y       3
  z     input      z           -4
  f     mul        n1*z        -12
  f = -12

Backward pass: df/df = 1, then for every edge downstream = local * upstream
  (upstream = df/d(node), local = d(node)/d(input), downstream = its contribution to df/d(input))
  node  input  upstream  local   downstream
  ----  -----  --------  ------  ----------
  f     n1     1         z = -4  -4
  f     z      1         n1 = 3  3
  n1    x      -4        1       -4
  n1    y      -4        1       -4

Gradients
  df/dx = -4
  df/dy = -4
  df/dz = 3
"""


def test_text_of_the_lecture_example() -> None:
    assert backprop((x + y) * z, at={"x": -2, "y": 5, "z": -4}).to_text() == LECTURE_TEXT


def test_text_explains_fan_out() -> None:
    text = backprop(x * x + x, at={"x": 3}).to_text()
    assert "x feeds n1, f: df/dx = 6 (from n1) + 1 (from f) = 7" in text
    symbolic = backprop(x * x + x).to_text()
    assert "df/dx = 2*x (from n1) + 1 (from f) = 2*x + 1" in symbolic
    assert "value" not in symbolic.split("Backward")[0]  # no value column without values


def test_numbers_in_tables() -> None:
    assert number(sympy.Rational(-1, 3)) == "-1/3"
    assert number(sympy.Float(0.7310585786300049)) == "0.731059"
    assert number(sympy.Float(2.0)) == "2.0"
    assert number(sympy.Float(1.5e-300)) == "1.5e-300"
    text = backprop(NEURON, at=NEURON_AT).to_text()
    assert "f = 0.731059" in text
    assert "df/dx1 = -0.589836" in text


def test_rich_tables() -> None:
    g = backprop((x + y) * z, at={"x": -2, "y": 5, "z": -4})
    out = render_rich_text(g)
    assert "Forward pass" in out and "Backward pass" in out and "Gradients" in out
    assert "∂f/∂input" in out
    rows = [line for line in out.splitlines() if line.strip().startswith("f ") and "│" in line]
    assert any("z = -4" in r and "-4" in r for r in rows)
    from rich.console import Console

    console = Console(record=True, width=100, color_system=None)
    console.print(g)  # Graph.__rich__
    assert "n1*z" in console.export_text()


def test_json_format_is_one_object() -> None:
    g = backprop(NEURON, at=NEURON_AT)
    data = json.loads(g.render("json"))
    assert data["schema"] == "chainrule/graph@1"
    assert data["gradients_float"]["w0"] == pytest.approx(-0.1966, abs=1e-4)


def test_every_format_renders_every_operation() -> None:
    f = sympy.Function("f", real=True)
    expr = sympy.Max(sympy.tanh(x), sympy.Abs(y)) - f(x) / (1 + sympy.exp(x)) + sympy.log(1 + y**2)
    for g in (backprop(expr), backprop(expr - f(x), at=None)):
        for fmt in GRAPH_FORMATS:
            assert g.render(fmt).strip()


# -------------------------------------------------------------------- latex


def test_latex_fragment() -> None:
    tex = backprop((x + y) * z, at={"x": -2, "y": 5, "z": -4}).to_latex()
    assert r"\begin{longtable}" in tex and r"\documentclass" not in tex
    assert r"$f$ & $n_{1}$ & $1$ & $\frac{\partial f}{\partial n_{1}} = z = -4$ & $-4$ \\" in tex
    assert r"$\frac{\partial f}{\partial x} = -4$" in tex


@pytest.mark.skipif(
    shutil.which("pdflatex") is None,
    reason="pdflatex is not installed: apt-get install texlive-latex-base texlive-latex-recommended",
)
def test_latex_document_compiles(tmp_path: Path) -> None:
    dense = [sympy.Function(f"Dense_{i}", real=True) for i in (1, 2)]
    graphs = {
        "neuron": backprop(NEURON, at=NEURON_AT),
        "fanout": backprop(x * x + x, at={"x": sympy.Rational(1, 3)}),
        "layers": backprop(dense[1](dense[0](x)) * sympy.Max(y, 0)),
        "tiny": backprop(sympy.Float(1e-300) * x, at={"x": 1e-20}),
    }
    for name, g in graphs.items():
        (tmp_path / f"{name}.tex").write_text(g.to_latex(standalone=True))
        result = subprocess.run(
            ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", f"{name}.tex"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stdout[-2000:]
        assert (tmp_path / f"{name}.pdf").exists()


# ---------------------------------------------------------------------- dot


def test_dot_source() -> None:
    dot = backprop((x + y) * z, at={"x": -2, "y": 5, "z": -4}).to_dot()
    assert dot.startswith("digraph chainrule {")
    assert 'v4 [label="f = n1*z\\nmul\\nvalue -12\\ndf/df = 1", shape=box, penwidth=2];' in dot
    assert 'v2 -> v4 [label="df/dn1 = z = -4\\ndownstream -4"];' in dot


@pytest.mark.skipif(
    shutil.which("dot") is None, reason="Graphviz is not installed: apt-get install graphviz"
)
def test_dot_renders_with_graphviz(tmp_path: Path) -> None:
    f = sympy.Function("f", real=True)
    cases = [(backprop(NEURON, at=NEURON_AT), "df/dw0"), (backprop(f(x * y, x)), "dL/dx")]
    for g, label in cases:
        result = subprocess.run(
            ["dot", "-Tsvg"], input=g.to_dot(), capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.lstrip().startswith("<?xml") and "<svg" in result.stdout
        assert label in result.stdout
