"""``chainrule worksheet``: a file of exercises in, a document with worked solutions out.

Exit code 0 when every line worked, else the highest exit code of the failed
lines (2 for bad input); the document holds every line that worked.
"""

from __future__ import annotations

import contextlib
import enum
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated

import typer

from chainrule.cli.io import (
    NoVerify,
    chosen,
    error_line,
    format_option,
    handle_errors,
    output_option,
    read_input,
    shown,
    write_output,
)

#: Show a progress bar (on a terminal) from this many exercises on.
PROGRESS_FROM = 10


class WorksheetFormat(str, enum.Enum):
    """Document formats of ``chainrule worksheet``."""

    latex = "latex"
    markdown = "markdown"


EXAMPLES = """\
Examples:

  chainrule worksheet exercises.txt -o sheet.tex

  chainrule worksheet exercises.txt --answers-only -o key.md

  chainrule worksheet exercises.txt --jobs 4 -o sheet.pdf

  printf 'sin(x^2)\\nx^2 y ; wrt=y\\n' | chainrule worksheet - --format markdown
"""


def worksheet(
    file: Annotated[
        str, typer.Argument(help="Exercises, one per line ('x^2 y ; wrt=y', '# comments'); - for stdin.")
    ],
    output: Annotated[
        Path | None, output_option("Write to FILE (atomically): .tex, .md, or .pdf (compiled with pdflatex).")
    ] = None,
    format: Annotated[
        WorksheetFormat | None,
        format_option("Document format (default: from the --output suffix, else latex)."),
    ] = None,  # noqa: A002
    solutions: Annotated[
        bool,
        typer.Option("--solutions/--answers-only", help="Worked solutions, or only an answer key."),
    ] = True,
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", min=1, max=256, help="Worker processes (same output for any N).")
    ] = 1,
    no_verify: NoVerify = False,
) -> None:
    """Turn a file of exercises into a worksheet with worked solutions (LaTeX, Markdown or PDF)."""
    with handle_errors():
        fmt = chosen(format)
        code = run_worksheet(file, output, fmt, solutions=solutions, jobs=jobs, verify=not no_verify)
    raise typer.Exit(code)


def run_worksheet(
    source: str, output: Path | None, fmt: str | None, *, solutions: bool, jobs: int, verify: bool = True
) -> int:
    """Build the worksheet from ``source`` (a path, or ``-`` for stdin); return the exit code."""
    from chainrule.homework.worksheet import error_lines
    from chainrule.views.worksheet import build, compile_pdf, format_for

    kind = format_for(output, fmt)
    text = read_input(source)
    with _progress_bar() as progress:
        sheet = build(text, format=kind, solutions=solutions, jobs=jobs, progress=progress, verify=verify)
    if output is not None and output.suffix.lower() == ".pdf":
        write_output(compile_pdf(sheet.document), output)
    else:
        write_output(sheet.document, output)
    if sheet.errors:
        for line in error_lines(sheet.errors).splitlines():
            error_line(shown(line))
    return sheet.exit_code


@contextlib.contextmanager
def _progress_bar() -> Iterator[Callable[[int, int], None] | None]:
    """A rich progress bar on stderr (a terminal only) for long files; yields the callback."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    console = Console(stderr=True)
    if not console.is_terminal:
        yield None
        return
    with Progress(
        TextColumn("deriving"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as bar:
        task = None

        def update(done: int, total: int) -> None:
            nonlocal task
            if total < PROGRESS_FROM:
                return
            if task is None:
                task = bar.add_task("worksheet", total=total)
            bar.update(task, completed=done)

        yield update
