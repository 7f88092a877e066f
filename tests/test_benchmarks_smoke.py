"""The benchmark script runs and writes its table; no speed is asserted (figures vary by machine)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def bench():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("chainrule_benchmarks", ROOT / "benchmarks" / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_homework_list_has_fifty_parsable_exercises(bench) -> None:  # type: ignore[no-untyped-def]
    exercises = bench.homework()
    assert len(exercises) == 50
    assert all(len(expr.free_symbols) == 1 for _, expr in exercises)


def test_inputs_have_the_asked_sizes(bench) -> None:  # type: ignore[no-untyped-def]
    import sympy

    assert bench.sin_nest(3) == sympy.sin(sympy.sin(sympy.sin(bench.X)))
    assert str(bench.mixed_nest(3)) == "exp(cos(log(x)))"
    assert str(bench.tanh_chain(2)) == "tanh(0.5*tanh(x))"
    assert len(bench.wide_sum(12).args) == 12
    assert len(bench.long_product(9).args) == 9
    expr, m, where = bench.where_chain(4)
    assert len(where) == 4 and bench.substituted(expr, where).free_symbols == {m}
    lines = bench.worksheet_lines(60)
    assert len(lines) == 60 and lines[50] == lines[0].replace("x", "t")


def test_measure_reports_timeouts_and_errors(bench) -> None:  # type: ignore[no-untyped-def]
    import time

    ok = bench.measure(lambda: 1, repeats=3, budget=1.0, timeout=30)
    assert ok.ok and ok.runs == 3
    slow = bench.measure(lambda: time.sleep(5), repeats=1, budget=1.0, timeout=0.5)
    assert not slow.ok and slow.failure == "> 0.5 s"

    def deep() -> None:
        deep()

    broken = bench.measure(deep, repeats=1, budget=1.0, timeout=30)
    assert broken.failure == "RecursionError"


def test_quick_run_writes_the_table(bench, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "performance.md"
    assert bench.main(["--quick", "--quiet", "--parts", "homework,scaling,backprop", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Performance")
    assert "python benchmarks/run.py --quick" in text
    for heading in (
        "## Targets",
        "### Typical homework",
        "### Deep and wide expressions",
        "## 2. `backprop()`",
    ):
        assert heading in text
    for family in ("sin nest", "exp(cos(log(...))) nest", "tanh chain", "sum", "product", "where chain"):
        assert f"| {family} | " in text
    for target in ("Typical homework", "tanh chains linear in depth", "backprop linear in nodes"):
        assert target in text
    assert "| `x^3 - 4x^2 + 7x - 2` |" in text
    assert "| tanh layers | 100 |" in text and "| wide sum | 100 |" in text
    # Parts not run are marked as pending, not left out silently.
    assert "## 4. Worksheets" in text and "Pending: not measured in this run." in text
