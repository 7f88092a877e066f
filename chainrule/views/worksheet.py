r"""A worksheet's document: exercises, then worked solutions or an answer key.

The worked solutions are what ``chainrule derive`` renders, wrapped into one
LaTeX (or Markdown) document; ``compile_pdf`` runs pdflatex on the LaTeX.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from chainrule.derivation.implicit import Implicit
from chainrule.derivation.model import Derivation
from chainrule.derivation.parametric import Parametric
from chainrule.errors import ChainruleError, UsageError
from chainrule.homework.worksheet import LineError, read_exercises, solve_all
from chainrule.views import render
from chainrule.views.applications.latex import worksheet_parts
from chainrule.views.latex import PREAMBLE, LineBreaker
from chainrule.views.notation import Diff, Equation, LatexMathPrinter, answer_equation

FORMATS = ("latex", "markdown")
INSTALL_TEX = "install it with: apt-get install texlive-latex-base texlive-latex-recommended"


@dataclass(frozen=True, kw_only=True)
class Worksheet:
    """The document and what went wrong on the way."""

    document: str
    format: str
    exercises: int
    errors: tuple[LineError, ...] = field(default=())

    @property
    def exit_code(self) -> int:
        """0 when every line worked; otherwise the highest exit code among the failures."""
        return max((e.exit_code for e in self.errors), default=0)


@dataclass(frozen=True, kw_only=True)
class _Shown:
    """One exercise as the document shows it: the statement, the answer and the worked solution."""

    statement: str
    answer: str
    solution: str


def _show(derivation: Derivation | Implicit | Parametric, format: str) -> _Shown:  # noqa: A002 - the format's name
    if not isinstance(derivation, Derivation):
        statement, rows, inline = worksheet_parts(derivation)
        answer = rows if format == "latex" else inline
        return _Shown(statement=statement, answer=answer, solution=render(derivation, format))
    printer = LatexMathPrinter()
    statement = printer.doprint(Equation((Diff(derivation.expr, derivation.wrt, derivation.order),)))
    if format == "latex":
        answer = " \\\\\n".join(
            ("& " if i == 0 else "& \\qquad ") + line
            for i, line in enumerate(LineBreaker(printer).lines(answer_equation(derivation)))
        )
    else:
        answer = printer.doprint(answer_equation(derivation))
    return _Shown(statement=statement, answer=answer, solution=render(derivation, format))


def build(
    text: str,
    *,
    format: str = "latex",
    solutions: bool = True,
    jobs: int = 1,
    progress: Callable[[int, int], None] | None = None,
    verify: bool = True,
) -> Worksheet:
    """A worksheet from the text of an exercise file.

    Args:
        text: the exercise file's contents.
        format: ``latex`` (a document pdflatex compiles) or ``markdown``.
        solutions: worked solutions (``True``) or only an answer key.
        jobs: worker processes; the document is the same for any number.
        progress: called with ``(done, total)`` as exercises finish.
        verify: check every step of every derivation (``False``: skip the check).
    """
    if format not in FORMATS:
        raise UsageError(f"unknown worksheet format {format!r}; choose one of {', '.join(FORMATS)}")
    exercises, errors = read_exercises(text)
    if not exercises and not errors:
        raise UsageError("the worksheet has no exercises (one expression per line)")
    total = len(exercises)
    done = None
    if progress is not None:
        progress(0, total)
        done = lambda n: progress(n, total)  # noqa: E731
    solved = solve_all(exercises, jobs=jobs, progress=done, verify=verify)
    errors.extend(s.error for s in solved if s.error is not None)
    good = [_show(s.derivation, format) for s in solved if s.derivation is not None]
    errors.sort(key=lambda e: e.line)
    if not good:
        raise UsageError("no exercise could be derived: " + "; ".join(str(e).splitlines()[0] for e in errors))
    assemble = _latex_document if format == "latex" else _markdown_document
    return Worksheet(
        document=assemble(good, solutions), format=format, exercises=len(good), errors=tuple(errors)
    )


def _latex_document(items: list[_Shown], solutions: bool) -> str:
    parts = [
        f"{PREAMBLE}"
        "\\title{Derivatives}\n"
        "\\author{chainrule}\n"
        "\\date{}\n"
        "\\begin{document}\n"
        "\\maketitle\n"
        "\\section*{Exercises}\n"
        "Find each derivative.\n"
        "\\begin{enumerate}\n"
    ]
    parts.extend(f"\\item \\(\\displaystyle {item.statement}\\)\n" for item in items)
    parts.append("\\end{enumerate}\n\\clearpage\n")
    parts.append("\\section*{Solutions}\n" if solutions else "\\section*{Answers}\n")
    for number, item in enumerate(items, start=1):
        parts.append(f"\\subsection*{{Exercise {number}}}\n")
        if solutions:
            parts.append(item.solution)
        else:
            parts.append(f"\\begin{{align*}}\n{item.answer}\n\\end{{align*}}\n")
    parts.append("\\end{document}\n")
    return "".join(parts)


def _markdown_document(items: list[_Shown], solutions: bool) -> str:
    lines = ["# Derivatives", "", "## Exercises", "", "Find each derivative.", ""]
    lines.extend(f"{n}. ${item.statement}$" for n, item in enumerate(items, start=1))
    lines.extend(["", "## Solutions" if solutions else "## Answers", ""])
    for number, item in enumerate(items, start=1):
        if not solutions:
            lines.extend([f"### Exercise {number}", "", "$$", item.answer, "$$", ""])
            continue
        body = item.solution.rstrip("\n").split("\n")
        # The solution's own headings, two levels down: "# <exercise>" becomes the exercise's heading.
        lines.append(f"### Exercise {number}: " + body[0].lstrip("# "))
        lines.extend("##" + line if line.startswith("#") else line for line in body[1:])
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


# ---------------------------------------------------------------------------
# PDF.


def compile_pdf(latex: str, *, runs: int = 1, timeout: float = 300) -> bytes:
    """The PDF pdflatex makes of ``latex``; a clear error when pdflatex is missing or fails."""
    program = shutil.which("pdflatex")
    if program is None:
        raise ChainruleError(f"making a PDF needs pdflatex, which is not installed; {INSTALL_TEX}")
    with tempfile.TemporaryDirectory(prefix="chainrule-") as tmp:
        source = Path(tmp) / "worksheet.tex"
        source.write_text(latex, encoding="utf-8")
        for _ in range(runs):
            try:
                result = subprocess.run(
                    [program, "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", source.name],
                    cwd=tmp,
                    capture_output=True,
                    timeout=timeout,
                    check=False,
                )
            except (OSError, subprocess.TimeoutExpired) as err:
                raise ChainruleError(f"pdflatex failed: {err}") from err
            if result.returncode != 0:
                raise ChainruleError("pdflatex failed: " + _first_tex_error(result.stdout))
        return (Path(tmp) / "worksheet.pdf").read_bytes()


def _first_tex_error(log: bytes) -> str:
    lines = log.decode("utf-8", "replace").splitlines()
    errors = [line for line in lines if line.startswith("!")]
    return errors[0].lstrip("! ") if errors else "see its log"


def format_for(output: Path | None, asked: str | None) -> str:
    """The document format: asked for, else from the output's suffix, else LaTeX."""
    suffixes = {".tex": "latex", ".md": "markdown", ".markdown": "markdown", ".pdf": "latex"}
    if output is not None:
        by_suffix = suffixes.get(output.suffix.lower())
        if by_suffix is None:
            raise UsageError(
                f"cannot tell the format from {output.name!r}; use .tex, .md or .pdf (or --format)"
            )
        if asked is not None and asked != by_suffix:
            raise UsageError(f"--format {asked} does not match the output file {output.name!r}")
        return by_suffix
    return asked or "latex"
