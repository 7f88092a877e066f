"""Every command verifies what it prints (issue 17); ``--no-verify`` skips it; a false step is a bug."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from typer.testing import CliRunner

import chainrule
from chainrule.cli import app
from chainrule.derivation import model
from chainrule.errors import VerificationError
from chainrule.graph import model as graph_model

runner = CliRunner()
ENV = {"NO_COLOR": "1", "COLUMNS": "100"}

COMMANDS = {
    "derive": ["derive", "sin(x**2)", "-f", "text"],
    "gradient": ["derive", "x**2*y", "--wrt", "x", "--wrt", "y", "-f", "text"],
    "check": ["check", "sin(x^2)", "2x cos(x^2)"],
    "graph": ["graph", "(x + y)*z", "--at", "x=-2", "--at", "y=5", "--at", "z=-4", "-f", "text"],
}


def _false(self: object) -> None:
    raise VerificationError("step 'chain' is false: d/dx sin(x**2) is not x*cos(x**2)")


@pytest.mark.parametrize("name", COMMANDS)
def test_commands_verify_and_report_a_false_step_as_a_bug(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert runner.invoke(app, COMMANDS[name], env=ENV).exit_code == 0
    monkeypatch.setattr(model.Derivation, "verify", _false)
    monkeypatch.setattr(graph_model.Graph, "verify", _false)
    result = runner.invoke(app, COMMANDS[name], env=ENV)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("error: chainrule made a false step, which is a bug")
    assert "'chain' is false" in result.stderr
    skipped = runner.invoke(app, [*COMMANDS[name], "--no-verify"], env=ENV)
    assert skipped.exit_code == 0 and skipped.stdout


def test_worksheet_verifies_unless_asked_not_to(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "sheet.txt"
    source.write_text("sin(x^2)\nx^3\n", encoding="utf-8")
    monkeypatch.setattr(model.Derivation, "verify", _false)
    result = runner.invoke(app, ["worksheet", str(source), "-f", "markdown"], env=ENV)
    assert result.exit_code != 0 and "is false" in result.stderr
    result = runner.invoke(app, ["worksheet", str(source), "-f", "markdown", "--no-verify"], env=ENV)
    assert result.exit_code == 0, result.output


def test_plot_verifies_unless_asked_not_to(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("matplotlib")
    monkeypatch.setattr(model.Derivation, "verify", _false)
    out = tmp_path / "p.svg"
    result = runner.invoke(app, ["plot", "sin(x^2)", "-o", str(out)], env=ENV)
    assert result.exit_code == 1 and not out.exists()
    result = runner.invoke(app, ["plot", "sin(x^2)", "-o", str(out), "--no-verify"], env=ENV)
    assert result.exit_code == 0 and out.exists()


@pytest.mark.parametrize(
    ("expr", "at"),
    [
        ("(x + y)*z", {"x": -2, "y": 5, "z": -4}),
        ("1/(1 + exp(-(w0*x0 + w1*x1 + w2)))", {"w0": 2, "x0": -1, "w1": -3, "x1": -2, "w2": -3}),
        ("relu(x) + Max(x, y)*x", {"x": 0, "y": 0}),  # kinks at the point itself
        ("x*x + x", {"x": 3}),
        ("Dense_3(Dense_2(Dense_1(x)))", None),
        ("2*x*x + relu(x) + Max(x, y)", None),
        ("w1*x1 + w2*x2 + w3*x3 + w4*x4", None),
    ],
)
def test_graphs_verify_and_a_false_edge_is_caught(expr: str, at: dict | None) -> None:
    graph = chainrule.backprop(expr, at=at).verify()
    for i in (0, len(graph.edges) - 1):
        edge = graph.edges[i]
        local_value = None if edge.local_value is None else edge.local_value + 1
        changes = ({"local": edge.local + 1, "local_value": local_value}, {"downstream": edge.downstream + 1})
        for change in changes:
            edges = list(graph.edges)
            edges[i] = dataclasses.replace(edge, **change)
            with pytest.raises(VerificationError, match="is false"):
                dataclasses.replace(graph, edges=tuple(edges)).verify()
