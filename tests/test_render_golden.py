"""Golden files: every example in every format, through the CLI, byte for byte.

After an intended change to the output, regenerate with
``python tests/regenerate_golden.py`` and review ``git diff tests/golden``.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from golden_cases import CASES, FORMATS, golden_path, run_case

import chainrule

PDFLATEX = shutil.which("pdflatex")
NEEDS_PDFLATEX = pytest.mark.skipif(
    PDFLATEX is None,
    reason="pdflatex is missing: apt-get install texlive-latex-base texlive-latex-recommended",
)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("case", CASES)
def test_golden(case: str, fmt: str) -> None:
    expected = golden_path(case, fmt).read_text(encoding="utf-8")
    assert run_case(case, fmt) == expected, (
        f"{golden_path(case, fmt)} differs; if the change is intended, run "
        "`python tests/regenerate_golden.py` and review the diff"
    )


@pytest.mark.parametrize("case", [c for c in CASES if "--where" not in CASES[c]])
def test_golden_cases_verify(case: str) -> None:
    args = CASES[case]
    expr = args[0]
    options = dict(zip(args[1::2], args[2::2], strict=False))
    derivation = chainrule.derive(
        expr,
        options.get("--wrt"),
        order=int(options.get("--order", 1)),
        names=options.get("--names"),
    )
    derivation.verify()


def test_multivariable_case_verifies() -> None:
    chainrule.derive("x**2*y", "m", where={"x": "m*n", "y": "m+n"}).verify()


@NEEDS_PDFLATEX
@pytest.mark.parametrize("case", CASES)
def test_standalone_latex_compiles_without_overfull_lines(case: str, tmp_path: Path) -> None:
    source = tmp_path / "doc.tex"
    source.write_text(golden_path(case, "standalone").read_text(encoding="utf-8"))
    run = subprocess.run(
        [PDFLATEX, "-interaction=nonstopmode", "-halt-on-error", "doc.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    log = (tmp_path / "doc.log").read_text(errors="replace")
    assert run.returncode == 0, log[-2000:]
    assert (tmp_path / "doc.pdf").stat().st_size > 0
    assert "Overfull \\hbox" not in log, [line for line in log.splitlines() if "Overfull" in line]
    assert "! " not in log
