"""Never a crash or a hang: each case in a child process with a timeout (issue #13).

Short inputs that once ran for minutes either finish in seconds or stop with a clear
error inside the budget; these run with a budget of 8 s (``CHAINRULE_BUDGET``).
"""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pytest
from cli_process import one_clean_error_line, run_cli

BUDGET = {"CHAINRULE_BUDGET": "8"}
MAX_SECONDS = 30  # what "finishes in seconds, or stops inside its budget" means here


def test_derivative_of_an_undefined_function_at_a_point_does_not_crash(tmp_path: Path) -> None:
    r = run_cli("derive", "f(x)", "--at", "x=1", "-f", "text", cwd=tmp_path)
    assert r.returncode == 0, (r.returncode, r.stderr[-300:])  # was -11 (SIGSEGV), nothing printed
    assert "f′(1)".encode() in r.stdout
    r = run_cli("derive", "f(x)", "--at", "x=1", "-f", "json", cwd=tmp_path)
    assert r.returncode == 0
    assert json.loads(r.stdout)["at"]["numeric"] is None


def test_endless_recursion_in_sympy_is_a_clean_error_not_a_crash(tmp_path: Path) -> None:
    script = (
        "import sympy, chainrule\n"
        "from chainrule.recursion import run_deep\n"
        "f = sympy.Function('f'); x = sympy.Symbol('x')\n"
        "s = sympy.Subs(sympy.Derivative(f(x), x), x, 1)\n"
        "try:\n"
        "    run_deep(sympy.N, s)\n"
        "except chainrule.ChainruleError as err:\n"
        "    print(type(err).__name__)\n"
    )
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=120, check=False)
    assert r.returncode == 0 and r.stdout.strip() == b"LimitError", (r.returncode, r.stderr[-300:])


def _tanh_layers(n: int, inner: str) -> str:
    s = inner
    for _ in range(n):
        s = f"tanh(0.5*{s})"
    return s


def _continued_fraction(n: int) -> str:
    s = "x"
    for _ in range(n):
        s = f"1/(1+{s})"
    return s


HANG_CASES = {
    "tanh12-log": ["derive", _tanh_layers(12, "log(x)"), "-f", "text"],
    "atan-n20": ["derive", "atan(x)", "-n", "20", "-f", "text"],
    "rational-n14": ["derive", "1/(1+x^2)", "-n", "14", "-f", "text"],
    "xx-at-9^9^2": ["derive", "x^x", "--at", "x=9^9^2", "-f", "text"],
    "factorial-at-10^100": ["derive", "x!", "--at", "x=10^100", "-f", "text"],
    "sin-nest-1000": ["derive", "sin(" * 1000 + "x" + ")" * 1000, "-f", "text"],
    "continued-fraction-300": ["derive", _continued_fraction(300), "-f", "text"],
    "graph-max-64": ["graph", "max(" + ",".join(f"x{i}" for i in range(64)) + ")", "-f", "text"],
}
FINISH = {"tanh12-log", "atan-n20", "rational-n14", "xx-at-9^9^2", "factorial-at-10^100"}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(HANG_CASES))
def test_short_inputs_finish_in_seconds_or_stop_inside_the_budget(name: str, tmp_path: Path) -> None:
    start = time.monotonic()
    r = run_cli(*HANG_CASES[name], cwd=tmp_path, env=BUDGET)
    elapsed = time.monotonic() - start
    assert elapsed < MAX_SECONDS, f"{name} took {elapsed:.0f} s"
    if name in FINISH:
        assert r.returncode == 0, r.stderr[-300:]
    elif r.returncode != 0:
        line = one_clean_error_line(r.stderr)
        assert "budget of 8 s (--budget)" in line or "too large to show" in line, line
        assert r.returncode == 2, "a limit is bad input: exit 2"


def test_a_huge_exact_value_at_a_point_is_kept_as_written(tmp_path: Path) -> None:
    r = run_cli("derive", "x^x", "--at", "x=9^9^2", "-f", "json", cwd=tmp_path, timeout=MAX_SECONDS)
    assert r.returncode == 0, r.stderr[-300:]
    at = json.loads(r.stdout)["at"]
    assert "**" in at["value"] and at["numeric"] is None  # (9**81)**(9**81)*...; no float holds it


@pytest.mark.slow
def test_worksheet_reading_an_endless_stream_stops_with_a_limit(tmp_path: Path) -> None:
    big = tmp_path / "zeros.txt"
    with open(big, "wb") as handle:  # a sparse file of NUL bytes, like /dev/zero
        handle.truncate(512 << 10)
    fifo = tmp_path / "zero-fifo"
    os.mkfifo(fifo)

    def feed() -> None:
        try:
            with open(fifo, "wb") as w:
                while True:
                    w.write(b"x^2\n" * 16384)
        except (BrokenPipeError, OSError):
            pass

    r = run_cli("worksheet", str(big), "-f", "markdown", cwd=tmp_path, timeout=MAX_SECONDS)
    assert r.returncode == 2 and "not a text file" in one_clean_error_line(r.stderr)
    threading.Thread(target=feed, daemon=True).start()
    r = run_cli("worksheet", str(fifo), "-f", "markdown", cwd=tmp_path, timeout=MAX_SECONDS)
    assert r.returncode == 2 and "too large" in one_clean_error_line(r.stderr)
    r = run_cli("worksheet", "-", "-f", "markdown", cwd=tmp_path, timeout=MAX_SECONDS,
                input=b"x^2\n" * (1 << 19))
    assert r.returncode == 2 and "standard input is too large" in one_clean_error_line(r.stderr)


@pytest.mark.slow
def test_a_worksheet_line_over_budget_is_reported_and_the_rest_goes_on(tmp_path: Path) -> None:
    (tmp_path / "w.txt").write_text(
        "sin(x)\natan(x) ; order=20\n" + _continued_fraction(300) + "\nx^2\n"
    )
    start = time.monotonic()
    r = run_cli("worksheet", "w.txt", "-f", "markdown", cwd=tmp_path, env={"CHAINRULE_BUDGET": "5"})
    assert time.monotonic() - start < 2 * MAX_SECONDS
    out = r.stdout.decode()
    assert "\\sin{\\left(x \\right)}" in out and "x^{2}" in out, out[:500]
    lines = r.stderr.decode().splitlines()
    assert lines and all(line.startswith(("error: line 2: ", "error: line 3: ")) for line in lines), lines
    assert any("budget" in line for line in lines) and r.returncode == 2
