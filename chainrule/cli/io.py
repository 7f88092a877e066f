"""What every command shares: errors as one line, format choice, output, rich printing.

- ``handle_errors()`` turns a ``ChainruleError`` into one ``error: ...`` line
  on stderr and its exit code (2 bad input, 1 otherwise), naming options as
  the command line spells them (``--wrt``, not the library's ``wrt``); any
  other exception becomes ``error: internal error: ...`` with exit code 1.
  Never a traceback.
- ``write_output(text, path)`` writes stdout, or a file whole or not at all.
- ``choose_format(kind, asked, output)`` picks the output format: the one asked
  for, else the output file's suffix, else ``rich`` on a terminal and
  ``text`` otherwise; the choices come from the views' registry.
- ``verified(result, verify)``: every result a command prints is checked step by
  step first (``--no-verify``, ``NoVerify``, skips it); a false step is a bug in
  chainrule, and the error says so.
"""

from __future__ import annotations

import contextlib
import enum
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from chainrule.errors import ChainruleError, ParseError, UsageError, VerificationError
from chainrule.views.registry import formats, suffixes

#: The library's parameter names and the options (or arguments) that give them.
OPTIONS = {
    "wrt": "--wrt",
    "at": "--at",
    "where": "--where",
    "order": "--order",
    "names": "--names",
    "format": "--format",
    "notation": "--notation",
    "standalone": "--standalone",
    "implicit": "--implicit",
    "parametric": "--parametric",
    "start": "--from",
    "stop": "--to",
    "jobs": "--jobs",
    "output": "--output",
    "layers": "--layers",
    "activations": "--activations",
    "loss": "--loss",
    "seed": "--seed",
    "input": "--input",
    "target": "--target",
    "digits": "--digits",
    "components": "COMPONENTS",
    "expr": "EXPR",
    "answer": "ANSWER",
}


#: The ``--no-verify`` option every command that prints derivations or graphs has.
NoVerify = Annotated[
    bool,
    typer.Option("--no-verify", help="Skip checking every step numerically before printing (faster)."),
]


def verified(result: Any, verify: bool) -> Any:
    """``result.verify()`` unless ``verify`` is false; a false step is reported as the bug it is."""
    if verify:
        try:
            result.verify()
        except VerificationError as err:
            raise VerificationError(
                f"chainrule made a false step, which is a bug (please report it with this command): {err}"
            ) from None
    return result


def fail(message: str, code: int) -> typer.Exit:
    """Print ``error: message`` on stderr and return the ``Exit`` to raise."""
    sys.stderr.write(f"error: {message}\n")
    sys.stderr.flush()
    return typer.Exit(code)


def message(err: ChainruleError) -> str:
    """The error's message with parameters named as this command line's options."""
    if isinstance(err, ParseError):
        return str(err)
    return err.with_names(OPTIONS)


@contextlib.contextmanager
def handle_errors() -> Iterator[None]:
    """Turn every failure into one ``error: ...`` line and an exit code."""
    try:
        yield
    except (typer.Exit, typer.Abort, typer.exceptions.TyperException):
        raise  # typer's own control flow and usage errors
    except ChainruleError as err:
        raise fail(message(err), err.exit_code) from None
    except RecursionError:
        raise fail("internal error: the expression is nested too deeply to handle", 1) from None
    except MemoryError:
        raise fail("internal error: out of memory", 1) from None
    except Exception as err:  # noqa: BLE001 - the CLI must never show a traceback
        raise fail(f"internal error: {type(err).__name__}: {err}", 1) from None


def write_output(data: str | bytes, path: Path | None) -> None:
    """Write ``data`` to stdout, or to ``path`` whole or not at all."""
    if path is None:
        if isinstance(data, bytes):
            sys.stdout.buffer.write(data)
        else:
            sys.stdout.write(data)
        sys.stdout.flush()
        return
    from chainrule.files import write_atomically

    write_atomically(data.encode("utf-8") if isinstance(data, str) else data, path)


def choose_format(kind: str, asked: str | None, output: Path | None) -> str:
    """The format asked for, else the output file's suffix, else rich/text by terminal."""
    if asked is not None:
        return asked
    if output is not None:
        by_suffix = suffixes(kind)
        fmt = by_suffix.get(output.suffix.lower())
        if fmt is None:
            known = ", ".join(sorted(by_suffix))
            raise UsageError(
                f"cannot tell the format from {output.name!r} (known suffixes: {known}); give --format"
            )
        return fmt
    return "rich" if sys.stdout.isatty() else "text"


def format_choices(kind: str, *, images: bool = False) -> type[enum.Enum]:
    """The ``--format`` choices of a kind of result, as the Enum typer wants."""
    names = formats(kind, images=images)
    return enum.Enum(f"{kind.title()}Format", {name: name for name in names}, type=str)  # type: ignore[return-value]


def print_rich(renderable: Any) -> None:
    """Print a rich renderable on stdout (colour only on a terminal; ``NO_COLOR`` honoured)."""
    from rich.console import Console

    Console(highlight=False, soft_wrap=False).print(renderable)


def show(result: Any, fmt: str, output: Path | None, **settings: Any) -> None:
    """Print or write ``result`` in ``fmt``: rich on a terminal, else the format's text."""
    from chainrule import views

    if fmt == "rich" and output is None:
        print_rich(views.renderable(result, **settings))
        return
    write_output(views.render(result, fmt, **settings), output)
