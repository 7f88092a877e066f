r"""Worksheets: a file of exercises in, a document with worked solutions out.

The input has one exercise per line, options after ``;``::

    # Week 3: the chain rule
    sin(x**2)
    x^2 y ; wrt=y
    exp(2x) ; order=2

Blank lines and ``#`` comments are skipped. Each exercise is derived (and
every step verified) on its own, in worker processes when ``jobs`` > 1, and
the results are put back in line order, so the document is the same for any
number of jobs. The worked solutions are what ``chainrule derive`` renders
(``chainrule.views.render``), wrapped into one LaTeX or Markdown document.
A line that fails is reported with its number; the others are still produced.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from chainrule.errors import ChainruleError, UsageError

FORMATS = ("latex", "markdown")
OPTIONS = ("wrt", "order")
INSTALL_TEX = "install it with: apt-get install texlive-latex-base texlive-latex-recommended"
_OPTION = re.compile(r"^\s*([A-Za-z_]+)\s*=\s*(\S(?:.*\S)?)\s*$")


@dataclass(frozen=True, kw_only=True)
class Exercise:
    """One line of the input: the expression text and its options."""

    line: int
    text: str
    wrt: str | None = None
    order: int = 1


@dataclass(frozen=True, kw_only=True)
class LineError:
    """A line that could not be used, and why; ``exit_code`` as the error's."""

    line: int
    message: str
    exit_code: int = 2

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True, kw_only=True)
class Solved:
    """One exercise rendered: the statement, the answer and the worked solution.

    Strings only, so results travel between processes cheaply.
    """

    line: int
    statement: str = ""
    answer: str = ""
    solution: str = ""
    error: LineError | None = None


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


# ---------------------------------------------------------------------------
# Reading the exercises.


def read_exercises(text: str) -> tuple[list[Exercise], list[LineError]]:
    """The exercises of a worksheet file, and the lines whose options are bad.

    >>> exercises, errors = read_exercises("# comment\\nsin(x)\\n\\nx^2 y ; wrt=y\\nx ; colour=red\\n")
    >>> [(e.line, e.text, e.wrt) for e in exercises]
    [(2, 'sin(x)', None), (4, 'x^2 y', 'y')]
    >>> print(errors[0])
    line 5: unknown option 'colour'; the options are wrt and order
    """
    exercises: list[Exercise] = []
    errors: list[LineError] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        expr, *options = line.split(";")
        try:
            exercises.append(_exercise(number, expr.strip(), options))
        except ChainruleError as err:
            errors.append(LineError(line=number, message=str(err), exit_code=err.exit_code))
    return exercises, errors


def _exercise(number: int, expr: str, options: list[str]) -> Exercise:
    if not expr:
        raise UsageError("the line has options but no expression")
    values: dict[str, str] = {}
    for option in options:
        if not option.strip():
            continue
        match = _OPTION.match(option)
        if match is None:
            raise UsageError(f"options are written NAME=VALUE after ';', not {option.strip()!r}")
        name, value = match.group(1), match.group(2)
        if name not in OPTIONS:
            raise UsageError(f"unknown option {name!r}; the options are {' and '.join(OPTIONS)}")
        if name in values:
            raise UsageError(f"option {name!r} is given twice")
        values[name] = value
    order = 1
    if "order" in values:
        if not values["order"].isdigit():
            raise UsageError(f"order must be a whole number, not {values['order']!r}")
        order = int(values["order"])
    return Exercise(line=number, text=expr, wrt=values.get("wrt"), order=order)


# ---------------------------------------------------------------------------
# Solving one exercise (in a worker process when jobs > 1).


def solve(exercise: Exercise, format: str = "latex") -> Solved:
    """Derive, verify and render one exercise; a failure becomes ``Solved.error``."""
    from chainrule.derivation.engine import derive
    from chainrule.views import render
    from chainrule.views.latex import LineBreaker
    from chainrule.views.notation import Diff, Equation, LatexMathPrinter, answer_equation

    try:
        derivation = derive(exercise.text, exercise.wrt, order=exercise.order).verify()
        printer = LatexMathPrinter()
        statement = printer.doprint(Equation((Diff(derivation.expr, derivation.wrt, derivation.order),)))
        if format == "latex":
            answer = " \\\\\n".join(
                ("& " if i == 0 else "& \\qquad ") + line
                for i, line in enumerate(LineBreaker(printer).lines(answer_equation(derivation)))
            )
        else:
            answer = printer.doprint(answer_equation(derivation))
        solution = render(derivation, format)
    except ChainruleError as err:
        return Solved(
            line=exercise.line, error=LineError(line=exercise.line, message=str(err), exit_code=err.exit_code)
        )
    except RecursionError:
        message = "the expression is nested too deeply to handle"
        return Solved(line=exercise.line, error=LineError(line=exercise.line, message=message, exit_code=1))
    return Solved(line=exercise.line, statement=statement, answer=answer, solution=solution)


def _solve_latex(exercise: Exercise) -> Solved:
    return solve(exercise, "latex")


def _solve_markdown(exercise: Exercise) -> Solved:
    return solve(exercise, "markdown")


def solve_all(
    exercises: list[Exercise],
    format: str,
    *,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
) -> list[Solved]:
    """Every exercise solved, in line order whatever the number of ``jobs``.

    ``progress`` is called with the number of exercises done so far.
    """
    worker = _solve_latex if format == "latex" else _solve_markdown
    results: list[Solved] = []
    if jobs <= 1 or len(exercises) <= 1:
        for exercise in exercises:
            results.append(worker(exercise))
            if progress is not None:
                progress(len(results))
    else:
        with ProcessPoolExecutor(max_workers=min(jobs, len(exercises))) as pool:
            futures = [pool.submit(worker, exercise) for exercise in exercises]
            for future in as_completed(futures):
                results.append(future.result())
                if progress is not None:
                    progress(len(results))
    return sorted(results, key=lambda s: s.line)


# ---------------------------------------------------------------------------
# The document.


def build(
    text: str,
    *,
    format: str = "latex",
    solutions: bool = True,
    jobs: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> Worksheet:
    """A worksheet from the text of an exercise file.

    Args:
        text: the exercise file's contents.
        format: ``latex`` (a document pdflatex compiles) or ``markdown``.
        solutions: worked solutions (``True``) or only an answer key.
        jobs: worker processes; the document is the same for any number.
        progress: called with ``(done, total)`` as exercises finish.
    """
    if format not in FORMATS:
        raise UsageError(f"unknown worksheet format {format!r}; choose one of {', '.join(FORMATS)}")
    if not isinstance(jobs, int) or jobs < 1:
        raise UsageError(f"jobs must be a whole number of at least 1, not {jobs!r}")
    exercises, errors = read_exercises(text)
    if not exercises and not errors:
        raise UsageError("the worksheet has no exercises (one expression per line)")
    total = len(exercises)
    done = None
    if progress is not None:
        progress(0, total)
        done = lambda n: progress(n, total)  # noqa: E731
    solved = solve_all(exercises, format, jobs=jobs, progress=done)
    errors.extend(s.error for s in solved if s.error is not None)
    good = [s for s in solved if s.error is None]
    errors.sort(key=lambda e: e.line)
    if not good:
        raise UsageError("no exercise could be derived: " + "; ".join(str(e).splitlines()[0] for e in errors))
    assemble = _latex_document if format == "latex" else _markdown_document
    return Worksheet(
        document=assemble(good, solutions), format=format, exercises=len(good), errors=tuple(errors)
    )


def _latex_document(items: list[Solved], solutions: bool) -> str:
    parts = [
        "\\documentclass[11pt]{article}\n"
        "\\usepackage[margin=1in]{geometry}\n"
        "\\usepackage{amsmath}\n"
        "\\allowdisplaybreaks\n"
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


def _markdown_document(items: list[Solved], solutions: bool) -> str:
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


def error_lines(errors: Iterable[LineError]) -> str:
    """``error: line N: ...`` for each failure, as the CLI prints them."""
    return "".join(f"error: {e}\n" for e in errors)
