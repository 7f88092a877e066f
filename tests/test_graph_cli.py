"""``chainrule graph`` through typer's CliRunner: formats, files, images, errors."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

pytest.importorskip("chainrule.parsing", reason="the graph command reads text with chainrule.parsing")

from chainrule.cli import app  # noqa: E402
from chainrule.graph import backprop  # noqa: E402

runner = CliRunner()

LECTURE = ["graph", "(x + y)*z", "--at", "x=-2", "--at", "y=5", "--at", "z=-4"]
NEURON = [
    "graph",
    "1/(1 + exp(-(w0*x0 + w1*x1 + w2)))",
    *("--at", "w0=2", "--at", "x0=-1", "--at", "w1=-3", "--at", "x1=-2", "--at", "w2=-3"),
]


def test_text_output_is_the_library_text() -> None:
    result = runner.invoke(app, [*LECTURE, "--format", "text"])
    assert result.exit_code == 0, result.output
    expected = backprop("(x + y)*z", at={"x": -2, "y": 5, "z": -4}).to_text()
    assert result.stdout == expected
    assert "Computational graph of (x + y)*z at x = -2, y = 5, z = -4; output f" in result.stdout
    assert "  df/dz = 3\n" in result.stdout


def test_neuron_json() -> None:
    result = runner.invoke(app, [*NEURON, "-f", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["schema"] == "chainrule/graph@1"
    assert list(data["gradients"]) == ["w0", "x0", "w1", "x1", "w2"]
    rounded = {k: round(v, 2) for k, v in data["gradients_float"].items()}
    assert rounded == {"w0": -0.2, "x0": 0.39, "w1": -0.39, "x1": -0.59, "w2": 0.2}


def test_symbolic_without_values() -> None:
    result = runner.invoke(app, ["graph", "Dense_3(Dense_2(Dense_1(x)))", "-f", "text"])
    assert result.exit_code == 0, result.output
    assert "df/dx = Dense_1'(x)*Dense_2'(Dense_1(x))*Dense_3'(Dense_2(Dense_1(x)))" in result.stdout


def test_rich_and_dot_and_latex() -> None:
    rich = runner.invoke(app, [*LECTURE, "-f", "rich"])
    assert rich.exit_code == 0 and "Backward pass" in rich.stdout and "∂f/∂input" in rich.stdout
    dot = runner.invoke(app, [*LECTURE, "-f", "dot"])
    assert dot.exit_code == 0 and dot.stdout.startswith("digraph chainrule {")
    tex = runner.invoke(app, [*LECTURE, "-f", "latex", "--standalone"])
    assert tex.exit_code == 0 and tex.stdout.startswith("\\documentclass")


def test_output_file_format_from_suffix(tmp_path: Path) -> None:
    out = tmp_path / "graph.json"
    result = runner.invoke(app, [*LECTURE, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert json.loads(out.read_text())["value"] == "-12"


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed: apt-get install graphviz")
@pytest.mark.parametrize("suffix", [".svg", ".png"])
def test_image_output_through_graphviz(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"graph{suffix}"
    result = runner.invoke(app, [*LECTURE, "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith(b"\x89PNG") if suffix == ".png" else b"<svg" in data


def test_image_without_graphviz_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import chainrule.cli.graph

    monkeypatch.setattr(chainrule.cli.graph.shutil, "which", lambda name: None)
    out = tmp_path / "graph.svg"
    result = runner.invoke(app, [*LECTURE, "-o", str(out)])
    assert result.exit_code == 1
    assert "apt-get install graphviz" in result.stderr
    assert not out.exists() and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["graph", "x*y", "--at", "x=1"], "error: no value for y"),
        # The library names the parameter (at), the CLI its option (--at).
        (["graph", "x", "--at", "x"], "--at expects VAR=VALUE"),
        (["graph", "x", "--at", "x=1", "--at", "x=2"], "at gives x twice"),
        (["graph", "log(x)", "--at", "x=-1"], "undefined at x = -1"),
        (["graph", "x", "--at", "q=1", "--at", "x=1"], "q is not a variable"),
        (["graph", "x", "-f", "text", "--standalone"], "--standalone applies only"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert message in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
