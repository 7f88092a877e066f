"""The same input gives the same output, byte for byte, whatever Python's hash seed."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

CASES = [
    ["derive", "f(x(m, n), y(m, n))", "--wrt", "m", "-f", "json"],
    ["derive", "g(h(i(x))) + x^x sin(x^2)", "-f", "text"],
    ["derive", "x**2*y", "-x", "m", "-x", "n", "--where", "x=m*n", "--where", "y=m+n", "-f", "latex"],
]


@pytest.mark.parametrize("argv", CASES, ids=[" ".join(c[:2]) for c in CASES])
def test_output_does_not_depend_on_the_hash_seed(argv: list[str]) -> None:
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "NO_COLOR": "1"}
        run = subprocess.run(
            [sys.executable, "-m", "chainrule", *argv], capture_output=True, env=env, timeout=120, check=True
        )
        outputs.append(run.stdout)
    assert outputs[0] == outputs[1]
    assert outputs[0]
