"""The Markdown page (``docs/performance.md``): the machine, the method, the targets, one table a part."""

from __future__ import annotations

import datetime
import os
import platform
from pathlib import Path
from typing import Any

import sympy

from benchmarks import workloads
from benchmarks.figures import (
    bytes_text,
    graph_growth,
    growth,
    homework_summary,
    ratio_text,
    seconds_text,
    slope_text,
)
from benchmarks.harness import over, slope
from benchmarks.measurements import GraphRow, Results, Row
from benchmarks.processes import CLI_COMMANDS
from benchmarks.targets import targets

COMMAND = "python benchmarks/run.py"
#: What the page shows after ``COMMAND`` for each plan.
COMMAND_SUFFIX = {
    "full": "",
    "quick": " --quick",
    "smoke": "  # the smoke plan of tests/test_benchmarks_smoke.py",
}


# --------------------------------------------------------------------------- the page


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f", {int(line.split()[1]) / 1024**2:.1f} GiB RAM"
                break
    except OSError:
        pass
    import chainrule

    return (
        f"{cpu}, {os.cpu_count()} logical CPUs{memory}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, SymPy {sympy.__version__}, chainrule {chainrule.__version__}"
    )


def header(res: Results) -> list[str]:
    plan = res.plan
    lines = [
        "# Performance",
        "",
        "How fast chainrule builds, explains and checks derivatives, against plain SymPy, and how it",
        "scales. Produced by one command; do not edit by hand:",
        "",
        "```",
        COMMAND + COMMAND_SUFFIX[plan.name],
        "```",
        "",
    ]
    if plan.name == "quick":
        lines += [
            "**A quick run: fewer sizes and repeats and short time limits; the full run gives the "
            "figures to quote.**",
            "",
        ]
    elif plan.name == "smoke":
        lines += ["**A smoke run on tiny sizes: these figures say nothing about speed.**", ""]
    lines += [
        f"- Date: {datetime.date.today().isoformat()}",
        f"- Machine: {machine()}",
        f"- Run time: {res.seconds / 60:.1f} minutes",
        "- Method: every case in a forked child process with a time limit "
        f"({plan.timeout:g} s; {plan.diff_timeout:g} s for SymPy's own); SymPy's cache emptied before "
        "every timed run (ours and SymPy's alike); medians of up to "
        f"{plan.repeats} runs (fewer once a case has spent {plan.case_budget:g} s); `time.perf_counter`.",
        "- *steps*: `derive(expr, simplify=False)` (the whole step tree and the raw answer); *full*: "
        "`derive(expr)` (plus the answer in textbook form, docs/answers.md); *verify*: `.verify()` of that "
        "derivation, right after it in the same run; *whole*: full and verify together; *diff*: "
        "`sympy.diff(expr, x)` on the same SymPy expression; *simplify(diff)*: "
        "`sympy.simplify(sympy.diff(expr, x))`. Parsing is not timed (part 5 times it). *slope*: "
        "growth exponent, the least-squares slope of log(time) over log(size) on the four largest sizes.",
        "",
    ]
    return lines


def targets_table(res: Results) -> list[str]:
    lines = ["## Targets", "", "| Target | Met | Figures |", "|---|---|---|"]
    for target, met, figures in targets(res):
        lines.append(f"| {target} | {'yes' if met else ('no' if met is False else '–')} | {figures} |")
    if res.worksheet is None:
        lines.append("| Worksheet throughput (no target) | – | pending: not measured in this run |")
    return [*lines, ""]


def homework_section(rows: list[Row]) -> list[str]:
    hw = homework_summary(rows)
    tx = seconds_text
    lines = [
        "## 1. `derive()` against SymPy",
        "",
        f"### Typical homework ({hw.n} exercises of `benchmarks/workloads.py`)",
        "",
        "| | steps | full | verify | whole | diff | simplify(diff) |",
        "|---|---|---|---|---|---|---|",
        f"| all {len(hw.complete)} measured, summed | "
        + " | ".join(tx(hw.total(k)) for k in ("steps", "full", "verify", "whole", "diff", "simplified_diff"))
        + " |",
    ]
    for title, r in (("highest steps / diff", hw.worst), ("slowest whole", hw.slowest_whole)):
        if r is not None:
            figures = (r.steps, r.full, r.verify, r.whole, r.diff, r.simplified_diff)
            lines.append(f"| {title}: `{r.label}` | " + " | ".join(tx(t) for t in figures) + " |")
    lines += [
        "",
        "| ratio | all, summed | median per exercise |",
        "|---|---|---|",
        f"| steps / diff | {ratio_text(hw.ratio('steps', 'diff'))} | "
        f"{ratio_text(hw.median_ratio(lambda r: r.ratio))} |",
        f"| verify / steps | {ratio_text(hw.ratio('verify', 'steps'))} | "
        f"{ratio_text(hw.median_ratio(lambda r: over(r.verify, r.steps)))} |",
        f"| whole / simplify(diff) | {ratio_text(hw.ratio('whole', 'simplified_diff'))} | "
        f"{ratio_text(hw.median_ratio(lambda r: r.whole_ratio))} |",
        f"| full / diff | {ratio_text(hw.ratio('full', 'diff'))} | |",
        "",
        "<details><summary>Every exercise</summary>",
        "",
        "| # | exercise | steps | full | verify | whole | diff | simplify(diff) | steps / diff "
        "| whole / simplify(diff) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        figures = (r.steps, r.full, r.verify, r.whole, r.diff, r.simplified_diff)
        lines.append(
            f"| {r.size} | `{r.label}` | "
            + " | ".join(tx(t) for t in figures)
            + f" | {ratio_text(r.ratio)} | {ratio_text(r.whole_ratio)} |"
        )
    return [*lines, "", "</details>", ""]


def scaling_section(scaling: dict[str, list[Row]]) -> list[str]:
    tx = seconds_text
    lines = [
        "### Deep and wide expressions",
        "",
        "| family | size | steps in the tree | steps | full | verify | whole | diff | steps / diff |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, rows in scaling.items():
        for r in rows:
            lines.append(
                f"| {name} | {r.size} | {r.count if r.count is not None else '–'} | {tx(r.steps)} | "
                f"{tx(r.full)} | {tx(r.verify)} | {tx(r.whole)} | {tx(r.diff)} | {ratio_text(r.ratio)} |"
            )
    lines += [
        "",
        "Growth exponents (slope of log time over log size, four largest sizes measured):",
        "",
        "| family | sizes | steps | full | whole | diff |",
        "|---|---|---|---|---|---|",
    ]
    for name, rows in scaling.items():
        slopes = [growth(rows, kind) for kind in ("steps", "full", "whole", "diff")]
        lines.append(
            f"| {name} | {rows[0].size}–{rows[-1].size} | " + " | ".join(map(slope_text, slopes)) + " |"
        )
    return [*lines, "", workloads.FAMILY_SIZES, ""]


def backprop_section(backprop: dict[str, list[GraphRow]]) -> list[str]:
    lines = [
        "## 2. `backprop()`",
        "",
        "| graph | size asked | nodes | time | peak memory (tracemalloc) |",
        "|---|---|---|---|---|",
    ]
    for name, rows in backprop.items():
        for r in rows:
            peak = bytes_text(r.peak) if r.memory.ok else seconds_text(r.memory)
            lines.append(
                f"| {name} | {r.size} | {r.nodes if r.nodes else '≈ ' + str(r.size)} | "
                f"{seconds_text(r.time)} | {peak} |"
            )
    lines += ["", "| graph | slope in time | slope in memory |", "|---|---|---|"]
    for name, rows in backprop.items():
        in_time, in_memory = graph_growth(rows)
        lines.append(f"| {name} | {slope_text(in_time)} | {slope_text(in_memory)} |")
    return [
        *lines,
        "",
        workloads.GRAPH_SIZES
        + " Slopes on the three largest sizes measured. Memory is the peak traced during `backprop()` "
        "alone (the input expression exists before).",
        "",
    ]


def cli_section(res: Results) -> list[str]:
    cli = res.cli
    assert cli is not None
    lines = [
        "## 3. CLI start-up",
        "",
        f"Whole processes, medians of {cli.runs} interleaved runs each.",
        "",
        "| command | median |",
        "|---|---|",
    ]
    lines += [f"| `{CLI_COMMANDS[name]}` | {seconds_text(t)} |" for name, t in cli.timings.items()]
    lines += [f"| ratio, the CLI over `import sympy` | {ratio_text(cli.ratio)} |", ""]
    if cli.top_imports:
        slow = ", ".join(f"`{name}` {seconds_text(sec)}" for name, sec in cli.top_imports)
        lines += [f"Slowest imports of `chainrule.cli` (`python -X importtime`, cumulative): {slow}.", ""]
    return lines


def worksheet_section(res: Results) -> list[str]:
    lines = ["## 4. Worksheets", ""]
    sheet = res.worksheet
    if sheet is None:
        return [*lines, "Pending: not measured in this run.", ""]
    n = sheet.exercises
    lines += [
        f"`chainrule worksheet FILE -o sheet.md`, {n} exercises (the homework list, its variable renamed",
        "in each round of 50), each derived, verified and rendered; one whole process per figure.",
        "",
        "| jobs | time | exercises / s |",
        "|---|---|---|",
    ]
    for jobs, t in sheet.by_jobs.items():
        rate = f"{n / t.median:.1f}" if t.ok and t.median else "–"
        lines.append(f"| {jobs} | {seconds_text(t) if t.ok else 'failed: ' + str(t.failure)} | {rate} |")
    one, two = sheet.by_jobs.get(1), sheet.by_jobs.get(2)
    if one and two and one.ok and two.ok and two.median:
        speedup = one.median / two.median  # type: ignore[operator]
        lines += ["", f"Speed-up with 2 jobs: {speedup:.2f}× on {os.cpu_count()} logical CPUs."]
    return [*lines, ""]


def parse_section(res: Results) -> list[str]:
    rows = res.parsing
    lines = [
        "## 5. `parse()`",
        "",
        "A long sum in student syntax (`ln(x + 1) + 2x^3 + sin(3x) + e^(4x)/4 + ...`), up to the",
        f"parser's length limit ({workloads.parser_length_limit():,} characters).",
        "",
        "| characters | time |",
        "|---|---|",
    ]
    lines += [f"| {r.size} | {seconds_text(r.time)} |" for r in rows]
    s = slope([(r.size, r.time.median) for r in rows])
    return [*lines, "", f"Slope of log time over log length: {slope_text(s)}.", ""]


def before_and_after(res: Results, before: dict[str, Any]) -> list[str]:
    """The targets of the run kept in ``before.json`` beside this run's, target by target."""
    earlier = {row["target"]: row for row in before["targets"]}

    def shown(met: bool | None, figures: str) -> str:
        return f"**{'yes' if met else ('no' if met is False else '–')}**: {figures}"

    lines = [
        f"## Before and after ({before['label']})",
        "",
        f"The targets as the run kept in `benchmarks/before.json` found them ({before['plan']} plan), "
        "and as this run finds them.",
        "",
        "| Target | Before | After |",
        "|---|---|---|",
    ]
    for what, met, figures in targets(res):
        old = earlier.get(what)
        then = shown(old["met"], old["figures"]) if old else "–"
        lines.append(f"| {what} | {then} | {shown(met, figures)} |")
    return [*lines, ""]


def render(res: Results, *, notes: str = "", before: dict[str, Any] | None = None) -> str:
    """The whole page; with ``before`` (``before.json``), the targets then and now."""
    lines = header(res) + targets_table(res)
    if before is not None:
        lines += before_and_after(res, before)
    if res.homework:
        lines += homework_section(res.homework)
    if res.scaling:
        lines += scaling_section(res.scaling)
    if res.backprop:
        lines += backprop_section(res.backprop)
    if res.cli is not None:
        lines += cli_section(res)
    lines += worksheet_section(res)
    if res.parsing:
        lines += parse_section(res)
    if notes:
        lines += ["## Notes", "", notes.strip(), ""]
    return "\n".join(lines)
