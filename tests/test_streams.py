"""The standard streams and the terminal: a closed or full stdout, a closed stdin or
stderr, an ASCII terminal, escape sequences in the input (issue #13). Each case runs in a
child process; a full device is a private ``os.mknod`` copy of ``/dev/full`` (root only)."""

from __future__ import annotations

import os
import select
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from cli_process import HANG_TIMEOUT, IS_ROOT, one_clean_error_line, run_cli
from typer.testing import CliRunner

from chainrule.cli import app
from chainrule.cli.io import shown


@pytest.mark.parametrize(
    "args, redirect, code",
    [
        (["derive", "x^2", "-f", "text"], ">&-", 1),  # closed stdout
        (["derive", "x^2"], ">&-", 1),  # closed stdout, default format
        (["check", "x^2", "2x", "-f", "json"], ">&-", 1),
        (["graph", "x*y", "-f", "text"], ">&-", 1),
        (["worksheet", "-", "-f", "markdown"], "<&-", 1),  # closed stdin
    ],
)
def test_closed_streams_give_one_clean_line(
    args: list[str], redirect: str, code: int, tmp_path: Path
) -> None:
    r = run_cli(*args, cwd=tmp_path, shell_redirect=redirect)
    assert r.returncode == code, (r.returncode, r.stderr)
    line = one_clean_error_line(r.stderr)
    assert "closed" in line, line


@pytest.mark.skipif(not IS_ROOT, reason="mknod of a character device needs root")
@pytest.mark.parametrize(
    "args",
    [["derive", "x^2", "-f", "text"], ["--version"], ["--help"], ["check", "x^2", "2x", "-f", "text"],
     ["graph", "x*y", "-f", "text"], ["worksheet", "-", "-f", "markdown"]],
)
def test_stdout_on_a_full_device_is_one_clean_line(args: list[str], tmp_path: Path) -> None:
    full = tmp_path / "full"
    os.mknod(full, stat.S_IFCHR | 0o666, os.makedev(1, 7))
    r = run_cli(*args, cwd=tmp_path, shell_redirect="> full", input=b"x^2\n")
    assert r.returncode == 1
    assert "cannot write to standard output: No space left on device" in one_clean_error_line(r.stderr)


@pytest.mark.parametrize("args, code", [(["derive", "x^^2"], 2), (["derive", "x^2", "-f", "text"], 0),
                                        (["check", "x^2", "3x", "-f", "text"], 1)])
def test_closed_stderr_keeps_the_documented_exit_code(args: list[str], code: int, tmp_path: Path) -> None:
    r = run_cli(*args, cwd=tmp_path, shell_redirect="2>&-")
    assert r.returncode == code


def _run_on_pty(argv: list[str], env: dict[str, str]) -> tuple[int, bytes]:
    master, slave = os.openpty()
    p = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    out = b""
    while True:
        ready, _, _ = select.select([master], [], [], HANG_TIMEOUT)
        if not ready:
            p.kill()
            pytest.fail("hung on a terminal")
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    return p.wait(), out


@pytest.mark.parametrize("args", [["derive", "sin(x^2)"], ["derive", "theta^2"], ["check", "x^2", "2x"],
                                  ["graph", "x*y", "--at", "x=2", "--at", "y=3"], ["derive", "x^^2"]])
def test_an_ascii_terminal_gets_plain_ascii(args: list[str]) -> None:
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "NO_COLOR": "1", "COLUMNS": "100"}
    code, out = _run_on_pty([sys.executable, "-m", "chainrule", *args], env)
    assert code == (2 if "x^^2" in args else 0), out[-400:]
    assert all(b < 128 for b in out), out[-400:]
    assert b"internal error" not in out and b"Traceback" not in out


# -- terminal escapes ---------------------------------------------------------------------


@pytest.mark.parametrize("text", ["x\x1b[31m^2", "sin(x)\x07", "x\u202e^2", "x\x9b31m", "x\u200b+1"])
def test_control_characters_are_never_echoed_raw(text: str, tmp_path: Path) -> None:
    r = run_cli("derive", text, "-f", "text", cwd=tmp_path)
    assert r.returncode == 2
    err = r.stderr.decode("utf-8")
    assert not any(c in err for c in "\x1b\x07\u202e\x9b\u200b"), repr(err)
    lines = err.splitlines()
    shown_input, caret = lines[1], lines[2]
    assert "\\" in shown_input, "the character is shown escaped"
    assert shown_input[caret.index("^")] == "\\", "the caret points at the escaped character"


def test_worksheet_error_lines_escape_control_characters(tmp_path: Path) -> None:
    (tmp_path / "w.txt").write_text("sin(x)\n\x1b]0;pwned\x07x^2\n\x1b[2Jx^3\n")
    r = run_cli("worksheet", "w.txt", "-f", "markdown", cwd=tmp_path)
    assert b"\x1b" not in r.stderr and b"\x07" not in r.stderr
    assert b"\x1b" not in r.stdout
    assert r.stderr.decode().count("error: line ") == 2


def test_a_file_name_with_escapes_is_shown_escaped(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["worksheet", "no\x1b[2Jfile.txt"])
    assert result.exit_code == 2 and "\x1b" not in result.output and "no\\x1b[2Jfile.txt" in result.output


def test_shown_escapes_what_could_drive_a_terminal() -> None:
    assert shown("a\x1b[31mb\u202ec\u00e9\u03b8") == "a\\x1b[31mb\\u202ec\u00e9\u03b8"


# -- input files ----------------------------------------------------------------------------


def test_a_worksheet_with_a_byte_order_mark_keeps_its_first_exercise(tmp_path: Path) -> None:
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbfsin(x)\nx^2\n")
    r = run_cli("worksheet", "bom.txt", "-f", "markdown", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.decode().count("### Exercise") == 2
    r = run_cli("worksheet", "-", "-f", "markdown", cwd=tmp_path, input=b"\xef\xbb\xbfsin(x)\n")
    assert r.returncode == 0 and r.stdout.decode().count("### Exercise") == 1


def test_a_directory_or_a_binary_file_is_not_a_worksheet(tmp_path: Path) -> None:
    (tmp_path / "bin").write_bytes(b"sin(x)\n\x00\x01")
    for name, fragment in (("bin", "not a text file"), (".", "is a directory")):
        result = CliRunner().invoke(app, ["worksheet", str(tmp_path / name)])
        assert result.exit_code == 2 and fragment in result.output


def test_a_reader_that_goes_away_ends_the_command_quietly(tmp_path: Path) -> None:
    deep = "sin(" * 200 + "x" + ")" * 200  # about 300 kB of text: more than a pipe holds
    p = subprocess.Popen([sys.executable, "-m", "chainrule", "derive", deep, "-f", "text"], cwd=tmp_path,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert p.stdout is not None and p.stderr is not None
    assert p.stdout.read(100)
    p.stdout.close()
    err = p.stderr.read()
    assert p.wait(HANG_TIMEOUT) == 1, "the output was cut: not a success"
    assert err == b""
