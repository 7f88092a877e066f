"""Run ``python -m chainrule`` in a child process, for what ``CliRunner`` cannot show: crashes,
hangs, closed or full standard streams, terminals, signals.

A hang fails the test instead of blocking the suite (a timeout), and the child's address
space is capped so a runaway read fails instead of exhausting the machine.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

HANG_TIMEOUT = 90  # seconds a child may take before the test calls it a hang
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def run_cli(
    *args: str,
    cwd: Path | None = None,
    timeout: float = HANG_TIMEOUT,
    input: bytes | None = None,  # noqa: A002 - subprocess's name
    env: dict[str, str] | None = None,
    shell_redirect: str = "",
    max_memory: int = 3 << 30,
) -> subprocess.CompletedProcess[bytes]:
    """``python -m chainrule ARGS``; ``shell_redirect`` (``">&-"``) runs it through ``sh -c``."""

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (max_memory, max_memory))

    argv = [sys.executable, "-m", "chainrule", *args]
    full_env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "100", **(env or {})}
    if shell_redirect:
        quoted = " ".join("'" + a.replace("'", "'\"'\"'") + "'" for a in argv)
        argv = ["sh", "-c", f"{quoted} {shell_redirect}"]
    try:
        return subprocess.run(
            argv, cwd=cwd, input=input, capture_output=True, timeout=timeout, env=full_env,
            check=False, preexec_fn=limit_memory,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"hung: chainrule {' '.join(a[:60] for a in args)} ran past {timeout} s")


def one_clean_error_line(stderr: bytes) -> str:
    """stderr is exactly one ``error: ...`` line: no traceback, no 'internal error'."""
    text = stderr.decode("utf-8", "replace")
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines, "expected an error message"
    assert len(lines) == 1 or lines[1].startswith(("  ", "hint:")), text
    assert lines[0].startswith("error: "), text
    assert "internal error" not in text and "Traceback" not in text, text
    return lines[0]
