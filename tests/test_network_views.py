"""The network's views: every format shows the same document, and each one works where it goes.

Small cases are pinned exactly; LaTeX is compiled with pdflatex (skipped
when it is missing), HTML parsed as XML and checked to load nothing.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import xml.dom.minidom
from pathlib import Path

import pytest
from rich.console import Console

from chainrule.errors import UsageError
from chainrule.neural import Network, network
from chainrule.views import network as views
from chainrule.views.settings import Settings


def tiny() -> Network:
    return network((2, 2), "sigmoid", input=(1, -1), target=(0, 1),
                   weights=[[(0.5, -0.5), (0.25, 1)]], biases=[(0, 0.5)])  # fmt: skip


def seed_network(loss: str = "mse") -> Network:
    activations = "relu,sigmoid" if loss == "mse" else "tanh,identity"
    return network((3, 4, 2), activations, loss=loss, seed=0)


def test_text_forward_pass_is_pinned() -> None:
    text = tiny().to_text()
    assert text.startswith("Dense network 2 -> 2: activations sigmoid; loss mse; seed 0\n")
    forward = text[text.index("Forward pass") : text.index("Backward pass")]
    assert forward == (
        "Forward pass\n"
        "  quantity  definition                shape  values\n"
        "  --------  ------------------------  -----  ----------------\n"
        "  x         input                     2×1    [1, -1]\n"
        "  z₁        W₁·x + b₁                 2×1    [1, -0.25]\n"
        "  h₁        σ(z₁)                     2×1    [0.7311, 0.4378]\n"
        "  y         target                    2×1    [0, 1]\n"
        "  L         (1/n)·(h₁ - y)ᵀ·(h₁ - y)  1×1    0.4252\n"
        "\n"
    )


def test_text_activation_step_is_pinned() -> None:
    text = tiny().to_text()
    start = text.index("  δ₁ = ")
    assert text[start : text.index("  ∂L/∂W₁ = ")] == (
        "  δ₁ = ∂L/∂z₁ = diag(σ′(z₁))·∂L/∂h₁\n"
        "    Through the activation h₁ = σ(z₁), applied entry by entry: its Jacobian ∂h₁/∂z₁ is "
        "diagonal, so the upstream gradient is multiplied entry by entry by σ′(z₁).\n"
        "    local Jacobian: ∂h₁/∂z₁ = diag(σ′(z₁)), where σ′(z) = (1 - σ(z))·σ(z)\n"
        "    shapes: (2×1) = (2×2)(2×1)\n"
        "      quantity      shape  values\n"
        "      ------------  -----  --------------------\n"
        "      diag(σ′(z₁))  2×2    diag(0.1966, 0.2461)\n"
        "      ∂L/∂h₁        2×1    [0.7311, -0.5622]\n"
        "      = δ₁          2×1    [0.1437, -0.1384]\n"
        "\n"
    )


def test_text_gradients_are_shaped_like_the_parameters() -> None:
    text = tiny().to_text()
    assert text.endswith(
        "Gradients (shaped like the parameters)\n"
        "  ∂L/∂W₁ (2×2) =\n"
        "    [ 0.1437  -0.1437]\n"
        "    [-0.1384   0.1384]\n"
        "  ∂L/∂b₁ (2×1) = [0.1437, -0.1384]\n"
    )


def test_text_settings_are_validated() -> None:
    assert "0.731059" in tiny().to_text(digits=6)
    with pytest.raises(UsageError, match=r"unknown render setting\(s\): colour"):
        tiny().to_text(colour=True)
    with pytest.raises(UsageError, match="digits must be a whole number from 1 to 15"):
        tiny().to_text(digits=0)


@pytest.mark.parametrize("loss", ["mse", "cross_entropy"])
def test_every_format_shows_every_step_and_shape(loss: str) -> None:
    net = seed_network(loss)
    text, markdown, latex, html = net.to_text(), net.to_markdown(), net.to_latex(), net.to_html()
    rich = views.render_rich_text(net, Settings(width=400))  # wide: no sentence wraps
    ascii_text = net.to_text(unicode=False)  # where the stream cannot encode Unicode
    for step in net.steps:
        assert step.text in ascii_text and ascii_text.isascii()
        assert f"({step.result.shape[0]}×{step.result.shape[1]})" in text
        assert f"({step.result.shape[0]}x{step.result.shape[1]})" in ascii_text
    assert "δ₂ = ∂L/∂z₂" in text and "δ₂ = ∂L/∂z₂" in rich
    assert markdown.count("$$\n\\begin{aligned}") == len(net.steps)
    assert latex.count(r"\begin{align*}") == len(net.steps) + 2  # plus parameters and gradients
    assert html.count('<div class="step">') == len(net.steps)
    for fmt in (text, rich):
        assert "Forward pass" in fmt and "Backward pass" in fmt and "Gradients" in fmt
    for name in ("W_{1}", "b_{2}", r"\frac{\partial L}{\partial W_{1}}"):
        assert name in latex and name in markdown
    if loss == "cross_entropy":
        assert "p - y" in text and r"p - y" in latex
        assert "softmax" in text and r"\operatorname{softmax}" in latex


def test_latex_typesets_matrices_as_bmatrix_with_their_shapes() -> None:
    latex = seed_network().to_latex()
    assert r"\underbrace{\begin{bmatrix}0.27 & -0.46 & -0.92\\" in latex
    assert r"}_{4 \times 3}" in latex
    delta = r"\delta_{2} = \frac{\partial L}{\partial z_{2}} &= "
    assert delta + r"\operatorname{diag}\left(\sigma'\left(z_{2}\right)\right)" in latex
    assert r"\sigma'\left(z\right) = \left(1 - \sigma\left(z\right)\right) \sigma\left(z\right)" in latex
    assert "\\documentclass" not in latex


def test_latex_escapes_nothing_as_rich_markup() -> None:
    latex = seed_network().to_latex()
    assert latex.count(r"\left[") == latex.count(r"\right]")
    assert latex.count("{") == latex.count("}")


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
@pytest.mark.parametrize(
    "net",
    [seed_network(), seed_network("cross_entropy"), network((12, 11, 3), "tanh,identity", seed=1)],
    ids=["mse", "cross_entropy", "wide"],
)
def test_standalone_latex_compiles_with_pdflatex(net: Network, tmp_path: Path) -> None:
    source = tmp_path / "network.tex"
    source.write_text(net.to_latex(standalone=True), encoding="utf-8")
    run = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", source.name],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-2000:]
    assert (tmp_path / "network.pdf").stat().st_size > 10_000
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", "network.pdf", "page"],
                       cwd=tmp_path, check=True, timeout=60)  # fmt: skip
        assert list(tmp_path.glob("page*.png"))


def test_html_is_self_contained_well_formed_and_mathml() -> None:
    html = seed_network().to_html()
    assert html.startswith("<!DOCTYPE html>")
    assert "<script" not in html and not re.search(r"(src|href)=\"https?:", html)
    assert "Content-Security-Policy" in html
    main = html[html.index("<main") : html.index("</main>") + len("</main>")]
    xml.dom.minidom.parseString(main)  # every MathML block is well-formed XML
    assert html.count("<math") > 40 and "<mtable>" in html and "<munder>" in html
    assert "Dense network 3 → 4 → 2" in html


def test_rich_renderable_and_notebook_hooks() -> None:
    net = tiny()
    console = Console(width=100, record=True, color_system=None)
    console.print(net)
    out = console.export_text()
    assert "Forward pass" in out and "diag(0.1966, 0.2461)" in out
    assert str(net) == net.to_text()
    assert net._repr_html_().startswith('<div class="chainrule">')


def test_json_is_plain_data_and_round_trips() -> None:
    net = seed_network("cross_entropy")
    data = json.loads(net.to_json())
    assert data == net.to_dict()
    assert data["probabilities"] == list(net.probabilities or ())
    first = data["steps"][0]
    assert first["kind"] == "loss" and first["operation"] == "difference"
    assert first["equation"] == "delta_2 = dL/dz_2 = p - y"
    assert [f["name"] for f in first["factors"]] == ["p", "y"]
    assert all(isinstance(step["latex"], str) and step["shape"] for step in data["steps"])
    assert [row["role"] for row in data["forward"]] == [
        "input", "pre-activation", "activation", "pre-activation", "activation", "softmax", "target", "loss",
    ]  # fmt: skip
