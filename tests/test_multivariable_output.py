"""Multivariable output: the dependency tree in every format, gradients (several --wrt), held variables."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

import chainrule
from chainrule.cli import app
from chainrule.derivation.dependencies import dependency_tree, edges, outline
from chainrule.derivation.model import Gradient
from chainrule.views import render


def render_many(ds, fmt, **settings):
    return render(Gradient(derivations=tuple(ds)), fmt, **settings)


runner = CliRunner()
WHERE = ["--where", "x=m*n", "--where", "y=m+n"]


def seed() -> chainrule.Derivation:
    return chainrule.derive("x**2*y", wrt="m", where={"x": "m*n", "y": "m + n"}).verify()


def test_dependency_tree_of_the_seed_examples() -> None:
    assert [(depth, text) for depth, text in outline(dependency_tree(seed()))] == [
        (0, "f = x²y"), (1, "x = mn"), (2, "m"), (2, "n"), (1, "y = m + n"), (2, "m"), (2, "n"),
    ]  # fmt: skip
    symbolic = chainrule.derive("f(x(m, n), y(m, n))", wrt="n").verify()
    assert edges(dependency_tree(symbolic)) == {"f": ["x", "y"], "x": ["m", "n"], "y": ["m", "n"]}
    assert dependency_tree(chainrule.derive("sin(x**2)").verify()) is None


def test_three_levels_show_every_path() -> None:
    d = chainrule.derive("x*t", wrt="s", where={"x": "t**2", "t": "s + 1"}).verify()
    assert [text for _, text in outline(dependency_tree(d))] == [
        "f = xt", "x = t²", "t = s + 1", "s", "t = s + 1", "s",
    ]  # fmt: skip


def test_dependency_tree_in_every_format() -> None:
    d = seed()
    text = render(d, "text")
    assert "Dependencies:\n  f = x²y\n    x = mn\n      m\n      n\n    y = m + n\n" in text
    assert "- `f = x²y`\n  - `x = mn`\n    - `m`" in render(d, "markdown")
    assert r"& f \rightarrow x,\ y && \text{depends on}" in render(d, "latex")
    assert r"\textbf{variable} & \textbf{depends on}" in render(d, "latex", standalone=True)
    assert "depends on: f = x²y" in render(d, "rich")
    assert json.loads(render(d, "json"))["dependencies"] == {
        "f": ["x", "y"],
        "x": ["m", "n"],
        "y": ["m", "n"],
    }


def test_plain_partial_says_what_is_held_constant() -> None:
    d = chainrule.derive("x**2*y + sin(x*y)", wrt="x").verify()
    assert render(d, "text").splitlines()[1] == "holding y constant"
    assert "Holding $y$ constant." in render(d, "markdown")
    assert "holding y constant" in render(d, "rich")


def test_gradient_sections_and_vector() -> None:
    ds = [chainrule.derive("x**2*y + sin(x*y)", wrt=v).verify() for v in ("x", "y")]
    text = render_many(ds, "text")
    assert text.count("== Partial derivative by") == 2
    assert text.endswith(
        "Gradient by (x, y):\n"
        "  partial/partial x = y*(2*x + cos(x*y))\n"
        "  partial/partial y = x*(x + cos(x*y))\n"
    )
    data = json.loads(render_many(ds, "json"))
    assert data["schema"] == "chainrule/gradient@1"
    assert data["wrt"] == ["x", "y"]
    assert data["gradient"] == {"x": "y*(2*x + cos(x*y))", "y": "x*(x + cos(x*y))"}
    assert [item["schema"] for item in data["derivations"]] == ["chainrule/derivation@1"] * 2
    assert render_many(ds, "markdown").count("# $") == 2
    assert render_many(ds, "html").count('<section class="partial">') == 2
    assert "Gradient by (x, y)" in render_many(ds, "rich")


def test_cli_where_and_several_wrt() -> None:
    result = runner.invoke(app, ["derive", "x**2*y", "--wrt", "m", *WHERE, "-f", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["where"] == {"x": "m*n", "y": "m + n"}
    assert {s["rule"] for s in data["steps"]} >= {"multivariable_chain", "constant_multiple", "power"}
    result = runner.invoke(app, ["derive", "x**2*y", "-x", "m", "-x", "n", *WHERE, "-f", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["gradient"] == {"m": "m*n**2*(3*m + 2*n)", "n": "m**2*n*(2*m + 3*n)"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--where", "x=y*m", "--where", "y=x"], "circular"),
        (["--where", "x=m", "--where", "x=n"], "defined twice in --where"),
        (["--where", "x=m*("], "ends too early"),
        (["--where", "x"], "NAME=EXPR"),
    ],
)
def test_cli_bad_where_is_one_line_and_exit_2(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["derive", "x*y", "--wrt", "m", *args, "-f", "text"])
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr


@pytest.mark.skipif(
    shutil.which("pdflatex") is None,
    reason="needs pdflatex: apt-get install texlive-latex-base texlive-latex-recommended",
)
def test_gradient_and_dependency_table_compile(tmp_path: Path) -> None:
    ds = [chainrule.derive("f(x(m, n), y(m, n))", wrt=v).verify() for v in ("m", "n")]
    source = tmp_path / "gradient.tex"
    source.write_text(render_many(ds, "latex", standalone=True))
    run = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", source.name],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-2000:]
    log = (tmp_path / "gradient.log").read_text(errors="replace")
    assert "Overfull \\hbox" not in log
