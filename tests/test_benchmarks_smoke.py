"""The benchmarks run and write their tables; no speed is asserted (figures vary by machine)."""

from __future__ import annotations

import dataclasses
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import harness, measurements, report, run, targets, workloads  # noqa: E402
from benchmarks.harness import Timing  # noqa: E402
from benchmarks.workloads import Plan  # noqa: E402


def test_homework_list_has_fifty_parsable_exercises() -> None:
    exercises = workloads.homework()
    assert len(exercises) == 50
    assert all(len(expr.free_symbols) == 1 for _, expr in exercises)


def test_inputs_have_the_asked_sizes() -> None:
    import sympy

    x = workloads.X
    assert workloads.sin_nest(3) == sympy.sin(sympy.sin(sympy.sin(x)))
    assert str(workloads.mixed_nest(3)) == "exp(cos(log(x)))"
    assert str(workloads.four_function_nest(5)) == "sin(exp(cos(log(sin(x)))))"
    assert str(workloads.tanh_chain(2)) == "tanh(0.5*tanh(x))"
    assert len(workloads.wide_sum(12).args) == 12
    assert len(workloads.long_product(9).args) == 9
    expr, m, where = workloads.where_chain(4)
    assert len(where) == 4 and workloads.substituted(expr, where).free_symbols == {m}
    lines = workloads.worksheet_lines(60)
    assert len(lines) == 60 and lines[50] == lines[0].replace("x", "t")
    fan_out, at = workloads.fan_out_graph(31)
    assert at is None and len(fan_out.args) == 10


def test_long_sum_fills_the_parser_limit() -> None:
    from chainrule import parse

    limit = workloads.parser_length_limit()
    assert limit == 10_000
    text = workloads.long_sum_text(limit)
    assert limit - 30 < len(text) <= limit
    assert len(parse(workloads.long_sum_text(300)).args) > 10


def test_measure_reports_timeouts_errors_and_phases() -> None:
    ok = harness.measure(lambda: 1, repeats=3, budget=1.0, timeout=30)
    assert ok.ok and ok.runs == 3
    slow = harness.measure(lambda: time.sleep(5), repeats=1, budget=1.0, timeout=0.5)
    assert not slow.ok and slow.timed_out and slow.failure == "timed out after 0.5 s"

    def deep() -> None:
        deep()

    broken = harness.measure(deep, repeats=1, budget=1.0, timeout=30)
    assert broken.failure == "RecursionError"
    phased = harness.measure(lambda: harness.Phases(a=1.0, b=2.0), repeats=2, budget=1.0, timeout=30)
    assert phased.phase("a").median == 1.0 and phased.phase("b").median == 2.0

    def stuck_in_second_phase() -> harness.Phases:
        phases = harness.Phases()
        with phases.timing("first"):
            pass
        with phases.timing("second"):
            time.sleep(5)
        with phases.timing("third"):
            pass
        return phases

    stuck = harness.measure(stuck_in_second_phase, repeats=1, budget=1.0, timeout=0.5)
    assert stuck.failure == "timed out after 0.5 s in second"
    assert stuck.phase("first").ok and stuck.phase("second").failure == "timed out after 0.5 s"
    assert stuck.phase("third").failure == "–"
    built = harness.measure(len, setup=lambda: [1, 2, 3], repeats=1, budget=1.0, timeout=30)
    assert built.extra["value"] == 3
    traced = harness.measure(lambda: [0] * 100_000, repeats=1, budget=0, timeout=30, memory=True)
    assert traced.extra["peak"] > 100_000


def test_processes_report_failures_instead_of_raising() -> None:
    fast = [sys.executable, "-c", "pass"]
    failing = [sys.executable, "-c", "raise SystemExit('no such luck')"]
    slow = [sys.executable, "-c", "import time; time.sleep(5)"]
    timings = harness.time_processes({"fast": fast, "failing": failing}, runs=2, timeout=30, cwd=ROOT)
    assert timings["fast"].ok and timings["fast"].runs == 2
    assert timings["failing"].failure == "exit 1: no such luck"
    assert harness.time_process(slow, timeout=0.5, cwd=ROOT).failure == "timed out after 0.5 s"


def test_a_case_that_times_out_is_not_run_at_larger_sizes(monkeypatch: pytest.MonkeyPatch) -> None:
    def always_late(fn: object, *, timeout: float, **_: object) -> Timing:
        return Timing(median=None, failure=harness.timed_out(timeout))

    monkeypatch.setattr(measurements, "measure", always_late)
    nest = "sin(exp(cos(log(...)))) nest"
    plan = dataclasses.replace(Plan.smoke(), family_sizes={nest: (20, 30)})
    first, second = measurements.run_family(plan, nest, lambda _: None)
    assert first.whole.failure == "timed out after 60 s"
    assert second.whole.failure == "not run (timed out after 60 s at size 20)"
    res = measurements.Results(plan=plan, scaling={nest: [first, second]})
    (deep,) = [t for t in targets.targets(res) if "derived and verified" in t[0]]
    assert deep[1] is False and "whole timed out after 60 s" in deep[2]
    page = report.render(res)
    assert f"| {nest} | 20 | – | timed out after 60 s |" in page
    assert "; whole: timed out after 60 s at size 20 |" in page


def test_smoke_run_writes_the_table(tmp_path: Path) -> None:
    out = tmp_path / "performance.md"
    parts = ("homework", "scaling", "backprop", "parse")
    run.measure_and_report(Plan.smoke(), parts, out, notes=None, log=lambda _: None)
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Performance")
    assert "python benchmarks/run.py  # the smoke plan" in text
    for heading in (
        "## Targets",
        "### Typical homework",
        "### Deep and wide expressions",
        "## 2. `backprop()`",
        "## 5. `parse()`",
    ):
        assert heading in text
    for family in workloads.FAMILIES:
        assert f"| {family} | 2 | " in text
    for graph in workloads.GRAPHS:
        assert f"| {graph} | 100 | " in text
    for target in (
        "Homework: the whole derivation",
        "Homework: the steps alone at most 0.5×",
        "Homework: verification at most 2× the steps",
        "Homework: the slowest exercise",
        "Growth of products including verification: slope ≤ 2.0",
        "Growth of the sin nest including verification",
        "backprop linear in nodes up to 100 (symbolic fan-out)",
        "Parsing a long sum linear",
        "tanh chains linear in depth",
    ):
        assert target in text
    assert "| `x^3 - 4x^2 + 7x - 2` |" in text
    # Parts not run are marked as pending, not left out silently.
    assert "## 4. Worksheets" in text and "Pending: not measured in this run." in text


@pytest.mark.slow
def test_smoke_run_times_whole_processes(tmp_path: Path) -> None:
    out = tmp_path / "performance.md"
    res = run.measure_and_report(Plan.smoke(), ("cli", "worksheet"), out, notes=None, log=lambda _: None)
    assert res.cli is not None and all(t.ok for t in res.cli.timings.values())
    assert res.worksheet is not None and all(t.ok for t in res.worksheet.by_jobs.values())
    text = out.read_text(encoding="utf-8")
    assert '| `chainrule derive "sin(x**2)" -f text` |' in text
    assert 'CLI `chainrule derive "sin(x**2)" -f text` at most 1.3×' in text
    assert "## 4. Worksheets" in text and "| 2 | " in text


def test_command_line_checks_its_parts(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        run.main(["--parts", "homework,nonsense"])
    assert "unknown part 'nonsense'" in capsys.readouterr().err
