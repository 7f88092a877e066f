"""Worksheets: reading exercise files, documents that compile, bad lines, identical output for any --jobs."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chainrule.cli import app
from chainrule.derivation.entry import derive
from chainrule.derivation.model import Derivation
from chainrule.errors import ChainruleError, UsageError
from chainrule.homework.worksheet import read_exercises
from chainrule.views import render
from chainrule.views.worksheet import build

PDFLATEX = shutil.which("pdflatex")
needs_pdflatex = pytest.mark.skipif(
    PDFLATEX is None,
    reason="pdflatex is not installed: apt-get install texlive-latex-base texlive-latex-recommended",
)

THREE = "sin(x**2)\nx^2 y ; wrt=y\ne^(2x) ; order=2\n"


def compiles(latex: str, tmp_path: Path) -> None:
    """pdflatex turns ``latex`` into a PDF without errors."""
    assert PDFLATEX is not None
    (tmp_path / "sheet.tex").write_text(latex)
    done = subprocess.run(
        [PDFLATEX, "-interaction=nonstopmode", "-halt-on-error", "sheet.tex"],
        cwd=tmp_path,
        capture_output=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stdout.decode(errors="replace")[-2000:]
    assert (tmp_path / "sheet.pdf").read_bytes().startswith(b"%PDF")


def derivations(text: str) -> list[Derivation]:
    """The derivations a worksheet of ``text`` shows, each verified."""
    exercises, _ = read_exercises(text)
    return [derive(e.text, e.wrt, order=e.order).verify() for e in exercises]


# -- reading -----------------------------------------------------------------------


def test_read_exercises_skips_comments_and_blank_lines() -> None:
    text = "# Week 3\n\nsin(x**2)\n   \nx^2 y ; wrt=y\n  # indented comment\ne^(2x) ; order=2 ; wrt=x\n"
    exercises, errors = read_exercises(text)
    assert errors == []
    assert [(e.line, e.text, e.wrt, e.order) for e in exercises] == [
        (3, "sin(x**2)", None, 1),
        (5, "x^2 y", "y", 1),
        (7, "e^(2x)", "x", 2),
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("x ; colour=red", "unknown option 'colour'"),
        ("x ; wrt", "options are written NAME=VALUE"),
        ("x ; order=two", "order must be a whole number"),
        ("x ; wrt=x ; wrt=y", "given twice"),
        ("; wrt=x", "no expression"),
    ],
)
def test_bad_options_are_line_errors(line: str, message: str) -> None:
    exercises, errors = read_exercises(f"sin(x)\n{line}\n")
    assert [e.line for e in exercises] == [1]
    assert len(errors) == 1 and errors[0].line == 2 and message in errors[0].message
    assert errors[0].exit_code == 2


def test_options_are_never_evaluated() -> None:
    exercises, errors = read_exercises("x ; order=__import__('os').system('false')\n")
    assert exercises == [] and "order must be a whole number" in errors[0].message


# -- documents -----------------------------------------------------------------------


def test_latex_worksheet_holds_the_derive_renderings(tmp_path: Path) -> None:
    sheet = build(THREE, format="latex")
    assert sheet.exercises == 3 and sheet.errors == () and sheet.exit_code == 0
    doc = sheet.document
    assert doc.startswith("\\documentclass") and doc.endswith("\\end{document}\n")
    assert doc.count("\\item ") == 3
    assert "\\section*{Solutions}" in doc
    for number, derivation in enumerate(derivations(THREE), start=1):
        assert f"\\subsection*{{Exercise {number}}}\n" + render(derivation, "latex") in doc


@needs_pdflatex
def test_three_line_worksheet_compiles(tmp_path: Path) -> None:
    derivations(THREE)
    compiles(build(THREE, format="latex").document, tmp_path)
    compiles(build(THREE, format="latex", solutions=False).document, tmp_path)


@pytest.mark.slow
@needs_pdflatex
def test_two_hundred_line_worksheet_compiles(tmp_path: Path) -> None:
    forms = ["x^{n}", "{a}x^{n} + x", "sin({a}x)", "e^({a}x)", "x^{n} y ; wrt=y"]
    lines = [forms[i % len(forms)].format(n=i % 9 + 2, a=i % 7 + 2) for i in range(200)]
    text = "\n".join(lines) + "\n"
    sheet = build(text, format="latex", jobs=2)
    assert sheet.exercises == 200 and sheet.errors == ()
    assert sheet.document.count("\\subsection*{Exercise ") == 200
    for derivation in derivations("\n".join(lines[:5])):
        assert render(derivation, "latex") in sheet.document
    compiles(sheet.document, tmp_path)


def test_answer_key_has_answers_not_steps() -> None:
    derivations(THREE)
    doc = build(THREE, format="latex", solutions=False).document
    assert "\\section*{Answers}" in doc and "\\section*{Solutions}" not in doc
    assert "\\text{1. chain}" not in doc and "Leibniz" not in doc  # no steps
    assert "& \\frac{d}{d x} \\sin{\\left(x^{2} \\right)} = 2 x \\cos{\\left(x^{2} \\right)}" in doc


def test_markdown_worksheet() -> None:
    (first, *_rest) = derivations(THREE)
    doc = build(THREE, format="markdown").document
    lines = doc.splitlines()
    assert lines[:6] == ["# Derivatives", "", "## Exercises", "", "Find each derivative.", ""]
    assert lines[6] == "1. $\\frac{d}{d x} \\sin{\\left(x^{2} \\right)}$"
    assert "### Exercise 1: $\\frac{d}{d x} \\sin{\\left(x^{2} \\right)}$" in lines
    # The derive rendering, its headings two levels down.
    solution = render(first, "markdown").splitlines()
    shifted = ["##" + line if line.startswith("#") else line for line in solution[1:]]
    start = lines.index("### Exercise 1: $\\frac{d}{d x} \\sin{\\left(x^{2} \\right)}$") + 1
    assert lines[start : start + len(shifted)] == shifted
    key = build(THREE, format="markdown", solutions=False).document
    assert "## Answers" in key and "#### Steps" not in key


def test_a_bad_line_in_the_middle() -> None:
    text = "sin(x**2)\ncos(x\nx^3\n"
    derivations("sin(x**2)\nx^3\n")
    sheet = build(text, format="latex")
    assert sheet.exercises == 2
    assert [(e.line, e.exit_code) for e in sheet.errors] == [(2, 2)]
    assert "never closed" in sheet.errors[0].message
    assert sheet.exit_code == 2
    assert "\\subsection*{Exercise 2}" in sheet.document and "x^{3}" in sheet.document


def test_nothing_to_do_is_an_error() -> None:
    with pytest.raises(UsageError, match="no exercises"):
        build("# only a comment\n\n")
    with pytest.raises(UsageError, match="no exercise could be derived"):
        build("sin(\n")
    with pytest.raises(UsageError, match="jobs"):
        build("x\n", jobs=0)


def test_progress_is_reported() -> None:
    derivations(THREE)
    seen: list[tuple[int, int]] = []
    build(THREE, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(0, 3), (1, 3), (2, 3), (3, 3)]


# -- the command ------------------------------------------------------------------------


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["worksheet", *args], input=input)
    return result.exit_code, result.stdout, result.stderr


def test_cli_jobs_1_and_2_give_identical_files(tmp_path: Path) -> None:
    text = THREE + "# a comment\ntan(x)/x\nsin(\n3x^2 sin x\nln(x^2 + 1)\natan(x y) ; wrt=y\n"
    (tmp_path / "ex.txt").write_text(text)
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"sheet{jobs}.tex"
        code, stdout, stderr = run(str(tmp_path / "ex.txt"), "-o", str(out), "--jobs", jobs)
        assert code == 2 and stdout == ""
        assert stderr.startswith("error: line 6: ")
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert outputs[0].count(b"\\subsection*{Exercise ") == 7


def test_cli_stdin_markdown_to_stdout() -> None:
    derivations("sin(x^2)\n")
    code, out, err = run("-", "--format", "markdown", "--answers-only", input="sin(x^2)\n")
    assert (code, err) == (0, "")
    assert out.startswith("# Derivatives\n") and "## Answers" in out


def test_cli_format_from_suffix(tmp_path: Path) -> None:
    derivations("x^2\n")
    (tmp_path / "ex.txt").write_text("x^2\n")
    code, _, _ = run(str(tmp_path / "ex.txt"), "-o", str(tmp_path / "sheet.md"))
    assert code == 0
    assert (tmp_path / "sheet.md").read_text().startswith("# Derivatives\n")
    code, _, err = run(str(tmp_path / "ex.txt"), "-o", str(tmp_path / "sheet.docx"))
    assert code == 2 and "cannot tell the format" in err
    assert not (tmp_path / "sheet.docx").exists()


def test_cli_missing_file() -> None:
    code, out, err = run("/nonexistent/exercises.txt")
    assert code == 2 and out == "" and err == "error: no such file: /nonexistent/exercises.txt\n"


@needs_pdflatex
def test_cli_pdf(tmp_path: Path) -> None:
    derivations(THREE)
    (tmp_path / "ex.txt").write_text(THREE)
    code, out, err = run(str(tmp_path / "ex.txt"), "-o", str(tmp_path / "sheet.pdf"))
    assert (code, out, err) == (0, "", "")
    assert (tmp_path / "sheet.pdf").read_bytes().startswith(b"%PDF")


def test_cli_pdf_without_pdflatex_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    derivations("x^2\n")
    import chainrule.views.worksheet as worksheet

    monkeypatch.setattr(worksheet.shutil, "which", lambda name: None)
    with pytest.raises(ChainruleError, match="apt-get install texlive-latex-base"):
        worksheet.compile_pdf("\\documentclass{article}\\begin{document}x\\end{document}")
    (tmp_path / "ex.txt").write_text("x^2\n")
    code, _, err = run(str(tmp_path / "ex.txt"), "-o", str(tmp_path / "sheet.pdf"))
    assert code == 1 and "pdflatex, which is not installed" in err
    assert not (tmp_path / "sheet.pdf").exists()
