"""The logic of ``chainrule check`` and ``chainrule worksheet``.

The typer commands in :mod:`chainrule.cli` forward their options here and
reuse that module's helpers (format choice, atomic writes, rich printing).
Each function returns the exit code: ``check`` 0 when the answer is right, 1
when it is wrong or cannot be decided; ``worksheet`` 0 when every line
worked, else the highest exit code of the failed lines (2 for bad input).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from chainrule.errors import ChainruleError, UsageError

#: Show a progress bar (on a terminal) from this many exercises on.
PROGRESS_FROM = 10


def run_check(expr: str, answer: str, wrt: str | None, fmt: str | None) -> int:
    """Print the verdict on ``answer`` in ``fmt`` (rich, text or json); return the exit code."""
    from chainrule.cli.app import choose_format, print_rich, write_output
    from chainrule.homework.check import check

    result = check(expr, answer, wrt)
    kind = choose_format(fmt, None)
    if kind == "rich":
        print_rich(result)
    elif kind == "json":
        write_output(result.to_json(), None)
    else:
        write_output(result.to_text(), None)
    return result.exit_code


def run_worksheet(source: str, output: Path | None, fmt: str | None, *, solutions: bool, jobs: int) -> int:
    """Build the worksheet from ``source`` (a path, or ``-`` for stdin); return the exit code."""
    from chainrule.cli.app import write_output
    from chainrule.homework.worksheet import build, compile_pdf, error_lines, format_for

    kind = format_for(output, fmt)
    text = _read_source(source)
    with _progress_bar() as progress:
        sheet = build(text, format=kind, solutions=solutions, jobs=jobs, progress=progress)
    if output is not None and output.suffix.lower() == ".pdf":
        from chainrule.files import write_atomically

        write_atomically(compile_pdf(sheet.document), output)
    else:
        write_output(sheet.document, output)
    if sheet.errors:
        sys.stderr.write(error_lines(sheet.errors))
        sys.stderr.flush()
    return sheet.exit_code


def _read_source(source: str) -> str:
    if source == "-":
        return sys.stdin.read()
    path = Path(source)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"no such file: {source}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{source} is not a UTF-8 text file") from None
    except OSError as err:
        raise ChainruleError(f"cannot read {source}: {err.strerror or err}") from None


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
