"""What every command shares: errors as one line, format choice, output, rich printing.

- ``handle_errors()`` turns a ``ChainruleError`` into one ``error: ...`` line
  on stderr and its exit code (2 bad input, 1 otherwise), naming options as
  the command line spells them (``--wrt``, not the library's ``wrt``); any
  other exception becomes ``error: internal error: ...`` with exit code 1.
  Never a traceback.
- ``write_output(text, path)`` writes stdout, or a file (``chainrule.files``:
  whole or not at all, devices and FIFOs written through); a closed or full
  standard output is one clean error, exit 1.
- ``read_input(source)`` reads a file or standard input, at most
  ``MAX_INPUT_BYTES``, refusing what is not UTF-8 text.
- ``choose_format(kind, asked, output)`` picks the output format: the one asked
  for, else the output file's suffix, else ``rich`` on a terminal that can
  show it and ``text`` otherwise; the choices come from the views' registry.
- ``error_line(text)`` writes one line on stderr, and nothing if stderr is closed.
- ``shown(text)`` escapes control and invisible characters in user text echoed back.
- ``verified(result, verify)``: every result a command prints is checked step by
  step first (``--no-verify``, ``NoVerify``, skips it); a false step is a bug in
  chainrule, and the error says so.
"""

from __future__ import annotations

import contextlib
import enum
import os
import sys
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import typer

from chainrule.errors import ChainruleError, LimitError, ParseError, UsageError, VerificationError
from chainrule.files import write_all
from chainrule.views.registry import formats, suffixes

#: The most bytes a worksheet (file or standard input) may have.
MAX_INPUT_BYTES = 1 << 20
#: Characters the rich view draws with; a terminal whose encoding lacks them gets text.
_RICH_CHARACTERS = "─│└├²′∂⋅·≈"

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
    "budget": "--budget",
    "components": "COMPONENTS",
    "expr": "EXPR",
    "answer": "ANSWER",
}


def error_line(text: str) -> None:
    """Write ``text`` and a newline on stderr; nothing if stderr is closed or broken."""
    stream = sys.stderr
    if stream is None:
        return
    with contextlib.suppress(OSError, ValueError):
        stream.write(text + "\n")
        stream.flush()


#: The ``--no-verify`` option every command that prints derivations or graphs has.
NoVerify = Annotated[
    bool,
    typer.Option("--no-verify", help="Skip checking every step numerically before printing (faster)."),
]


#: ``--standalone``, for the commands that write LaTeX.
Standalone = Annotated[bool, typer.Option("--standalone", help="LaTeX: a complete document that compiles.")]

#: What ``--format`` says when the rich view is the default on a terminal.
FORMAT_HELP = "Output format (default: rich on a terminal, text otherwise, or from the --output suffix)."


def format_option(help: str = FORMAT_HELP) -> Any:  # noqa: A002 - typer's word
    """The ``--format``/``-f`` option's declaration (its choices are the annotation's Enum)."""
    return typer.Option("--format", "-f", case_sensitive=False, help=help, show_default=False)


def output_option(help: str = "Write to FILE (atomically).") -> Any:  # noqa: A002 - typer's word
    """The ``--output``/``-o`` option's declaration: a file, written atomically."""
    return typer.Option("--output", "-o", dir_okay=False, help=help)


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
    error_line(f"error: {message}")
    return typer.Exit(code)


def shown(text: str) -> str:
    """``text`` with control, format and unassigned characters escaped (``\\x1b``, ``\\u202e``),
    so that user input echoed in a message can never drive the terminal."""
    out = []
    for ch in text:
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


def message(err: ChainruleError) -> str:
    """The error's message with parameters named as this command line's options, user text
    escaped: the caret under a parse error points at the escaped character."""
    if isinstance(err, ParseError):
        if err.text and err.column is not None and "\n" not in err.text and len(err.text) <= 200:
            column = len(shown(err.text[: err.column]))
            escaped = ParseError(err.message, text=shown(err.text), column=column, hint=err.hint)
            return shown_lines(str(escaped))
        return shown_lines(str(err))
    return shown_lines(err.with_names(OPTIONS))


def shown_lines(text: str) -> str:
    """Each line of ``text`` escaped as :func:`shown` does (the line breaks kept)."""
    return "\n".join(shown(line) for line in text.split("\n"))


@contextlib.contextmanager
def handle_errors() -> Iterator[None]:
    """Turn every failure into one ``error: ...`` line and an exit code."""
    try:
        yield
    except (typer.Exit, typer.Abort, typer.exceptions.TyperException):
        raise  # typer's own control flow and usage errors
    except ReaderGone:
        raise typer.Exit(1) from None  # as a shell pipeline expects: no message
    except ChainruleError as err:
        line = message(err)
        if getattr(err, "abandoned", False):  # a worker that would not stop: end the process now
            error_line(f"error: {line}")
            _flush_quietly()
            os._exit(err.exit_code)
        raise fail(line, err.exit_code) from None
    except RecursionError:
        raise fail("internal error: the expression is nested too deeply to handle", 1) from None
    except MemoryError:
        raise fail("internal error: out of memory", 1) from None
    except OSError as err:  # the standard streams: a full disk, a closed pipe
        raise fail(f"input/output failed: {err.strerror or err}", 1) from None
    except Exception as err:  # noqa: BLE001 - the CLI must never show a traceback
        raise fail(shown(f"internal error: {type(err).__name__}: {err}"), 1) from None


def write_output(data: str | bytes, path: Path | None) -> None:
    """Write ``data`` to stdout, or to ``path`` (see ``chainrule.files``)."""
    if path is None:
        stream = sys.stdout
        if stream is None:
            raise ChainruleError("cannot write to standard output: it is closed")
        try:
            fd = _descriptor(stream)
            if fd is None:  # a stream of Python's own (tests, an embedding host)
                if isinstance(data, bytes):
                    stream.buffer.write(data)
                else:
                    stream.write(data)
                stream.flush()
            else:  # every byte, or an error: a buffered write may stop short silently
                stream.flush()
                encoded = (
                    data
                    if isinstance(data, bytes)
                    else data.encode(stream.encoding or "utf-8", errors="backslashreplace")
                )
                write_all(fd, encoded)
        except OSError as err:
            raise stdout_failed(err) from None
        return
    from chainrule.files import write_file

    write_file(data.encode("utf-8") if isinstance(data, str) else data, path)


def _descriptor(stream: Any) -> int | None:
    """The file descriptor under ``stream``, when it has one."""
    try:
        fd = stream.fileno()
    except (AttributeError, OSError, ValueError):
        return None
    return fd if isinstance(fd, int) and fd >= 0 else None


class ReaderGone(ChainruleError):
    """Standard output's reader has gone (``chainrule ... | head -1``): exit 1, quietly."""


def stdout_failed(err: OSError) -> ChainruleError:
    """The error for a failed write to stdout; stdout is then sent to the null device, so that
    Python's own flush at exit cannot print a second, raw error."""
    discard_stdout()
    if isinstance(err, BrokenPipeError):
        return ReaderGone("standard output was closed by its reader")
    return ChainruleError(f"cannot write to standard output: {err.strerror or err}")


def discard_stdout() -> None:
    """Point file descriptor 1 at the null device (what is left in the buffer goes nowhere)."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)


def _flush_quietly() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            stream.flush()


def read_input(source: str) -> str:
    """A worksheet's text: the file ``source`` or, for ``-``, standard input.

    At most ``MAX_INPUT_BYTES`` are read (``/dev/zero`` ends at once), a NUL
    byte means it is not text, and a UTF-8 byte-order mark is dropped.
    """
    if source == "-":
        stream = sys.stdin
        if stream is None:
            raise ChainruleError("cannot read standard input: it is closed")
        try:
            data = (
                stream.buffer.read(MAX_INPUT_BYTES + 1)
                if hasattr(stream, "buffer")
                else stream.read(MAX_INPUT_BYTES + 1).encode("utf-8")
            )
        except OSError as err:
            raise ChainruleError(f"cannot read standard input: {err.strerror or err}") from None
        name = "standard input"
    else:
        path = Path(source)
        if path.is_dir():
            raise UsageError(f"{shown(source)} is a directory, not a file of exercises")
        try:
            with open(path, "rb") as handle:
                data = handle.read(MAX_INPUT_BYTES + 1)
        except FileNotFoundError:
            raise UsageError(f"no such file: {shown(source)}") from None
        except OSError as err:
            raise ChainruleError(f"cannot read {shown(source)}: {err.strerror or err}") from None
        name = shown(source)
    if len(data) > MAX_INPUT_BYTES:
        raise LimitError(f"{name} is too large: more than {MAX_INPUT_BYTES:,} bytes (1 MiB)")
    if b"\0" in data:
        raise UsageError(f"{name} is not a text file (it has NUL bytes)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError(f"{name} is not a UTF-8 text file") from None


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
    return "rich" if rich_terminal() else "text"


def rich_terminal() -> bool:
    """Whether stdout is a terminal that can show the rich view's characters."""
    stream = sys.stdout
    try:
        if stream is None or not stream.isatty():
            return False
        _RICH_CHARACTERS.encode(stream.encoding or "ascii")
    except (UnicodeEncodeError, LookupError, ValueError, OSError):
        return False
    return True


def format_choices(kind: str, *, images: bool = False) -> type[enum.Enum]:
    """The ``--format`` choices of a kind of result, as the Enum typer wants."""
    names = formats(kind, images=images)
    return enum.Enum(f"{kind.title()}Format", {name: name for name in names}, type=str)  # type: ignore[return-value]


def chosen(format: enum.Enum | None) -> str | None:
    """The ``--format`` given, as its name, or ``None``."""
    return None if format is None else str(format.value)


def print_rich(renderable: Any) -> None:
    """Print a rich renderable on stdout (colour only on a terminal; ``NO_COLOR`` honoured)."""
    from rich.console import Console

    if sys.stdout is None:
        raise ChainruleError("cannot write to standard output: it is closed")
    try:
        Console(highlight=False, soft_wrap=False).print(renderable)
        sys.stdout.flush()
    except OSError as err:
        raise stdout_failed(err) from None


def show(result: Any, fmt: str, output: Path | None, **settings: Any) -> None:
    """Print or write ``result`` in ``fmt``: rich on a terminal, else the format's text."""
    from chainrule import views

    if fmt == "rich" and output is None:
        print_rich(views.renderable(result, **settings))
        return
    if output is None and not _shows_unicode():
        settings.setdefault("unicode", False)  # x**2 where the terminal cannot show x²
    write_output(views.render(result, fmt, **settings), output)


def _shows_unicode() -> bool:
    """Whether standard output can take the Unicode mathematics of the text formats."""
    encoding = getattr(sys.stdout, "encoding", None) or "ascii"
    try:
        "x²·√π∂′≈".encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True
