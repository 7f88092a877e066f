"""``chainrule derive`` through typer's CliRunner: formats, options, every error path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sympy
from typer.testing import CliRunner

import chainrule
from chainrule.cli import app, main

runner = CliRunner()
ENV = {"NO_COLOR": "1", "COLUMNS": "100"}


def run(*args: str):
    return runner.invoke(app, list(args), env=ENV)


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout == f"chainrule {chainrule.__version__}\n"


def test_help_shows_examples() -> None:
    result = run("--help")
    assert result.exit_code == 0 and "derive" in result.stdout
    result = run("derive", "--help")
    assert result.exit_code == 0
    assert 'chainrule derive "sin(x**2)"' in result.stdout
    assert "--notation" in result.stdout and "--standalone" in result.stdout


def test_default_format_off_a_terminal_is_text() -> None:
    result = run("derive", "sin(x**2)")
    assert result.exit_code == 0, result.output
    derivation = chainrule.derive("sin(x**2)").verify()
    assert result.stdout == derivation.to_text()
    assert result.stdout.startswith("d/dx sin(x²)\n")
    assert "Answer: d/dx sin(x²) = 2x cos(x²)" in result.stdout


@pytest.mark.parametrize("fmt", ["rich", "text", "latex", "markdown", "json"])
def test_every_format(fmt: str) -> None:
    result = run("derive", "x*exp(x)", "--format", fmt)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    out = result.stdout
    chainrule.derive("x*exp(x)").verify()
    if fmt == "json":
        data = json.loads(out)
        assert data["schema"] == "chainrule/derivation@1"
        assert sympy.simplify(sympy.sympify(data["result"]) - sympy.sympify("(x + 1)*exp(x)")) == 0
    elif fmt == "latex":
        assert "\\begin{align*}" in out and "\\frac{d}{d x}" in out
    elif fmt == "markdown":
        assert out.startswith("# $") and "## Answer" in out
    elif fmt == "rich":
        assert "Answer" in out and " product " in out
        assert "\x1b[" not in out  # no colour off a terminal
    else:
        assert "[product]" in out


def test_json_is_exactly_one_object() -> None:
    result = run("derive", "g(h(i(x)))", "-f", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)  # raises if there is anything else
    assert data["steps"][0]["rule"] == "chain"
    assert data["steps"][0]["leibniz"] is not None
    chainrule.derive("g(h(i(x)))").verify()


def test_wrt_order_names_notation_no_simplify() -> None:
    result = run("derive", "x**2*y", "--wrt", "y", "-f", "json")
    assert json.loads(result.stdout)["result"] == "x**2"
    result = run("derive", "x**4", "-n", "2", "-f", "json")
    data = json.loads(result.stdout)
    assert data["order"] == 2 and data["result"] == "12*x**2"
    result = run("derive", "sin(x**2)", "--names", "t")
    assert "t = x²" in result.stdout
    result = run("derive", "sin(x**2)", "--notation", "leibniz")
    assert "Leibniz:" in result.stdout and "Lagrange:" not in result.stdout
    result = run("derive", "sin(x**2)", "--notation", "lagrange")
    assert "Lagrange:" in result.stdout and "Leibniz:" not in result.stdout
    simplified = json.loads(run("derive", "(x+1)**2*(x-1)", "-f", "json").stdout)
    raw = json.loads(run("derive", "(x+1)**2*(x-1)", "-f", "json", "--no-simplify").stdout)
    assert raw["result"] == raw["raw_result"]
    assert "simplify" not in [s["rule"] for s in raw["steps"]]
    assert sympy.expand(sympy.sympify(raw["result"]) - sympy.sympify(simplified["result"])) == 0
    for args in (("x**2*y", "y"), ("x**4", None), ("sin(x**2)", None)):
        chainrule.derive(args[0], args[1]).verify()


def test_where_multivariable() -> None:
    result = run("derive", "x**2*y", "--wrt", "m", "--where", "x=m*n", "--where", "y=m+n", "-f", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["where"] == {"x": "m*n", "y": "m + n"}
    m, n = sympy.symbols("m n")
    expected = sympy.diff((m * n) ** 2 * (m + n), m)
    assert sympy.expand(sympy.sympify(data["result"]) - expected) == 0


def test_at_point() -> None:
    result = run("derive", "x**3 - 2*x", "--at", "x=2")
    assert result.exit_code == 0, result.output
    assert "f′(2) = 10" in result.stdout
    assert "tangent line: y - 4 = 10(x - 2), i.e. y = 10x - 16" in result.stdout
    data = json.loads(run("derive", "sin(x)", "--at", "x=pi/3", "-f", "json").stdout)
    assert data["at"]["value"] == "1/2"
    chainrule.derive("x**3 - 2*x").verify()


def test_standalone_latex() -> None:
    result = run("derive", "sin(x**2)", "-f", "latex", "--standalone")
    assert result.exit_code == 0
    assert result.stdout.startswith("\\documentclass")
    assert result.stdout.rstrip().endswith("\\end{document}")


@pytest.mark.parametrize(
    ("suffix", "start"),
    [(".tex", "\\noindent "), (".md", "# $"), (".json", "{"), (".txt", "d/dx")],
)
def test_output_infers_format_from_suffix(tmp_path: Path, suffix: str, start: str) -> None:
    target = tmp_path / f"out{suffix}"
    result = run("derive", "x**3", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert target.read_text().startswith(start)
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temporary left


def test_output_format_option_wins_over_suffix(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    assert run("derive", "x**3", "-o", str(target), "-f", "json").exit_code == 0
    json.loads(target.read_text())


# --- errors: one line on stderr, the right exit code, no traceback, no file touched ---


def _assert_error(result, code: int, *fragments: str) -> None:
    assert result.exit_code == code, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("error: ")
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in result.stderr


def test_parse_error_shows_caret() -> None:
    result = run("derive", "sin(x**")
    _assert_error(result, 2)
    lines = result.stderr.splitlines()
    assert lines[1] == "  sin(x**"
    assert lines[2].endswith("^")


def test_ambiguous_variable_lists_free_symbols() -> None:
    _assert_error(run("derive", "x*y"), 2, "x, y", "--wrt")


def test_a_variable_the_expression_lacks_gives_zero() -> None:
    result = run("derive", "x**2", "--wrt", "q", "-f", "text")
    assert result.exit_code == 0
    assert "x² does not depend on q, so its derivative is 0." in result.stdout


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--at", "x"], "--at expects VAR=VALUE"),
        (["--at", "q=1"], "not a free symbol"),
        (["--standalone"], "--standalone"),
        (["--names", "x"], "already used"),
        (["--where", "x"], "--where expects NAME=EXPR"),
    ],
)
def test_bad_option_values(args: list[str], fragment: str) -> None:
    _assert_error(run("derive", "x**2", *args), 2, fragment)


def test_unknown_suffix_needs_format(tmp_path: Path) -> None:
    _assert_error(run("derive", "x**2", "-o", str(tmp_path / "a.log")), 2, "give --format")


@pytest.mark.parametrize("args", [["-f", "html5"], ["-n", "0"], ["--notation", "newton"], ["--bogus"]])
def test_usage_errors_exit_2(args: list[str]) -> None:
    result = run("derive", "x**2", *args)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Traceback" not in result.output


def test_failed_run_leaves_existing_file_untouched(tmp_path: Path) -> None:
    target = tmp_path / "keep.txt"
    target.write_text("precious\n")
    _assert_error(run("derive", "sin(x**", "-o", str(target)), 2)
    _assert_error(run("derive", "x*y", "-o", str(target)), 2)
    assert target.read_text() == "precious\n"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_unwritable_output_is_one_line_exit_1(tmp_path: Path) -> None:
    result = run("derive", "x**2", "-o", str(tmp_path / "missing" / "out.txt"))
    _assert_error(result, 1, "cannot write")


def test_internal_error_is_one_line_exit_1(monkeypatch: pytest.MonkeyPatch) -> None:
    import chainrule.derivation.entry

    def broken(*args: object, **kwargs: object) -> None:
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(chainrule.derivation.entry, "derive", broken)
    _assert_error(run("derive", "x**2"), 1, "internal error", "boom")


def test_main_entry_point(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["derive", "x**2", "-f", "json"])
    assert exit_info.value.code in (0, None)
    assert json.loads(capsys.readouterr().out)["result"] == "2*x"
    with pytest.raises(SystemExit) as exit_info:
        main(["derive", "x*y"])
    assert exit_info.value.code == 2


def test_python_dash_m_and_no_color_on_a_real_process() -> None:
    env = {**os.environ, "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "chainrule", "derive", "x**2", "-f", "rich"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "\x1b[" not in done.stdout
    assert "Answer" in done.stdout


def test_deep_nest_through_the_cli() -> None:
    expr = "sin(" * 300 + "x" + ")" * 300
    result = run("derive", expr, "-f", "json")
    assert result.exit_code == 0, result.output[-500:]
    data = json.loads(result.stdout)
    assert data["steps"][0]["rule"] == "chain"


@pytest.mark.parametrize("command", ["derive", "check", "graph", "worksheet", "jacobian", "network"])
def test_help_keeps_the_default_of_format(command: str) -> None:
    # Rich reads "[default: ...]" as markup and drops it; the help says its default in words.
    result = CliRunner().invoke(app, [command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "Output format (default:" in result.stdout or "Document format (default:" in result.stdout


def test_help_keeps_the_default_budget() -> None:
    result = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "200"})
    assert "(default: 60)" in result.stdout
