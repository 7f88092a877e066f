"""The targets of issues 17 and 9: each one met or missed, with the figures that decide it.

A target is ``(what, met, figures)``; ``met`` is ``None`` when the run did not measure it.
A case that timed out or failed misses its target and says so in the figures.
"""

from __future__ import annotations

from benchmarks.figures import (
    HomeworkSummary,
    bytes_text,
    graph_growth,
    growth,
    homework_summary,
    ratio_text,
    seconds_text,
    slope_text,
)
from benchmarks.harness import Timing, over, slope
from benchmarks.measurements import GraphRow, Results, Row, TextRow
from benchmarks.processes import CliResult

Target = tuple[str, bool | None, str]

#: The scaling family and depth of the deep-nest target, and its limit in seconds ("well under 1 s").
DEEP_NEST, DEEP_NEST_DEPTH, DEEP_NEST_LIMIT = "sin(exp(cos(log(...)))) nest", 20, 0.5
#: The slowest single homework exercise's whole derivation, in seconds.
SLOWEST_EXERCISE_LIMIT = 0.050


def _within(timing: Timing, limit: float) -> bool:
    return timing.median is not None and timing.median <= limit


def _unmeasured(hw: HomeworkSummary) -> str:
    if not hw.incomplete:
        return ""
    shown = ", ".join(f"`{r.label}`" for r in hw.incomplete[:3])
    more = f" and {len(hw.incomplete) - 3} more" if len(hw.incomplete) > 3 else ""
    return f"; not every figure measured for {shown}{more} (left out of the sums)"


def homework_targets(rows: list[Row]) -> list[Target]:
    hw = homework_summary(rows)
    tx, n, gaps = seconds_text, len(hw.complete), _unmeasured(hw)

    def compare(ours: str, theirs: str, limit: float, what: str, median: float | None) -> Target:
        r = hw.ratio(ours, theirs)
        against = {"simplified_diff": "`simplify(diff)`", "diff": "`sympy.diff`"}.get(theirs, theirs)
        figures = (
            f"{n} exercises: {ours} {tx(hw.total(ours))} in all against {against} "
            f"{tx(hw.total(theirs))}: {ratio_text(r)} (median per exercise {ratio_text(median)}){gaps}"
        )
        return what, r is not None and r <= limit and not hw.incomplete, figures

    out = [
        compare(
            "whole",
            "simplified_diff",
            1.0,
            "Homework: the whole derivation (steps, simplified answer, `verify()`) at most 1× SymPy's "
            "`simplify(diff(e))` (#17)",
            hw.median_ratio(lambda r: r.whole_ratio),
        ),
        compare(
            "steps",
            "diff",
            0.5,
            "Homework: the steps alone at most 0.5× `sympy.diff` (#17)",
            hw.median_ratio(lambda r: r.ratio),
        ),
        compare(
            "verify",
            "steps",
            2.0,
            "Homework: verification at most 2× the steps (#17)",
            hw.median_ratio(lambda r: over(r.verify, r.steps)),
        ),
    ]
    slowest = hw.slowest_whole
    if slowest is not None:
        over_limit = len([r for r in rows if not _within(r.whole, SLOWEST_EXERCISE_LIMIT)])
        out.append(
            (
                f"Homework: the slowest exercise, whole, at most {SLOWEST_EXERCISE_LIMIT * 1e3:.0f} ms (#17)",
                over_limit == 0,
                f"`{slowest.label}`: {tx(slowest.whole)} (full {tx(slowest.full)}, verify "
                f"{tx(slowest.verify)}); {over_limit} of {hw.n} exercises over the limit",
            )
        )
    return out


def cli_target(cli: CliResult) -> Target:
    ours, bare, verified = (cli.timings[name] for name in ("cli", "bare", "verified"))
    unverified = cli.timings.get("unverified")
    skipped = (
        f"; with `--no-verify` {seconds_text(unverified)} ({ratio_text(over(unverified, bare))})"
        if unverified is not None
        else " (the CLI did not verify then)"
    )
    return (
        'CLI `chainrule derive "sin(x**2)" -f text` at most 1.3× the bare `import sympy` (#17)',
        cli.ratio is not None and cli.ratio <= 1.3,
        f"{seconds_text(ours)} against {seconds_text(bare)}: {ratio_text(cli.ratio)}, medians of "
        f"{cli.runs} interleaved runs{skipped}; a process deriving, verifying and printing through the "
        f"library: {seconds_text(verified)} ({ratio_text(over(verified, bare))})",
    )


def _first_failure(rows: list[Row], pick: str) -> str:
    failed = next((r for r in rows if not getattr(r, pick).ok), None)
    if failed is None:
        return ""
    return f"; {pick}: {getattr(failed, pick).failure} at size {failed.size}"


def family_target(name: str, rows: list[Row]) -> Target:
    """Growth including verification: slope ≤ 1.2; a product's ≤ 2.0 and below ``sympy.diff``'s."""
    whole, steps, diff = (growth(rows, kind) for kind in ("whole", "steps", "diff"))
    failure = _first_failure(rows, "whole")
    limit = 2.0 if name == "product" else 1.2
    met = whole is not None and whole <= limit and not failure
    what = f"Growth of the {name}" if "nest" in name else f"Growth of {name}s"
    what += f" including verification: slope ≤ {limit:.1f}"
    if name == "product":
        met = met and diff is not None and whole is not None and whole < diff
        what += " and below `sympy.diff`'s"
    figures = (
        f"slope {slope_text(whole)} (whole, with verification); steps {slope_text(steps)}; "
        f"`sympy.diff` {slope_text(diff)}{failure}"
    )
    return f"{what} (#17)", met, figures


def deep_nest_target(scaling: dict[str, list[Row]]) -> Target:
    what = (
        f"The {DEEP_NEST} of depth {DEEP_NEST_DEPTH} derived and verified well under 1 s "
        f"(at most {DEEP_NEST_LIMIT:g} s) (#17)"
    )
    row = next((r for r in scaling.get(DEEP_NEST, []) if r.size == DEEP_NEST_DEPTH), None)
    if row is None:
        return what, None, "not measured in this run"
    tx = seconds_text
    return (
        what,
        _within(row.whole, DEEP_NEST_LIMIT),
        f"whole {tx(row.whole)} (steps {tx(row.steps)}, full {tx(row.full)}, verify {tx(row.verify)}); "
        f"`sympy.diff` {tx(row.diff)}",
    )


def backprop_target(name: str, rows: list[GraphRow]) -> Target:
    in_time, in_memory = graph_growth(rows)
    # Memory "not run" is either a failed timed run (counted already) or a size the plan does not trace.
    failed = [
        r
        for r in rows
        if not r.time.ok or not (r.memory.ok or (r.memory.failure or "").startswith("not run"))
    ]
    gaps = "; ".join(
        f"{r.size} nodes: time {seconds_text(r.time)}, "
        f"memory {bytes_text(r.peak) if r.peak is not None else seconds_text(r.memory)}"
        for r in failed
    )
    issue = "#9" if name == "tanh layers" else "#17"
    return (
        f"backprop linear in nodes up to {max(r.size for r in rows):,} ({name}) ({issue})",
        in_time is not None and in_memory is not None and in_time <= 1.2 and in_memory <= 1.2 and not failed,
        f"slope {slope_text(in_time)} in time, {slope_text(in_memory)} in peak memory (sizes measured)"
        + (f"; {gaps}" if gaps else ""),
    )


def parse_target(rows: list[TextRow]) -> Target:
    in_time = slope([(r.size, r.time.median) for r in rows])
    failed = [r for r in rows if not r.time.ok]
    largest = rows[-1]
    return (
        f"Parsing a long sum linear in its length, up to {largest.size:,} characters (#17)",
        in_time is not None and in_time <= 1.2 and not failed,
        f"slope {slope_text(in_time)}; {seconds_text(largest.time)} at {largest.size:,} characters"
        + "".join(f"; {r.size} characters: {r.time.failure}" for r in failed),
    )


def nest_targets(scaling: dict[str, list[Row]]) -> list[Target]:
    """Issue 9: deep nests faster than ``sympy.diff``, and the deepest working where it fails."""
    nests = [r for name in ("sin nest", "exp(cos(log(...))) nest") for r in scaling.get(name, [])]
    deep = [r for r in nests if r.size >= 40]
    if not deep:
        return []
    faster = all(r.steps.ok and (not r.diff.ok or r.ratio is not None and r.ratio < 1.0) for r in deep)
    figures = "; ".join(
        f"{r.family.split(' nest')[0]} {r.size}: {ratio_text(r.ratio) if r.ratio else r.diff.failure}"
        for r in deep
    )
    deepest = max(r.size for r in nests)
    at_max = [r for r in nests if r.size == deepest]
    diff_fails = [f"{r.family}: {r.diff.failure}" for r in at_max if not r.diff.ok]
    works = "; ".join(
        f"{r.family}: steps {seconds_text(r.steps)}, with simplification {seconds_text(r.full)}"
        for r in at_max
    )
    works += "; `sympy.diff`: " + ", ".join(diff_fails) if diff_fails else "; `sympy.diff` succeeds"
    return [
        ("Nests of depth ≥ 40: steps faster than `sympy.diff` (#9)", faster, figures),
        (
            f"Depth {deepest} works (`sympy.diff` fails there) (#9)",
            all(r.steps.ok and r.full.ok for r in at_max),
            works,
        ),
    ]


def tanh_target(rows: list[Row]) -> Target:
    """Issue 9: the steps of a tanh chain linear in its depth."""
    s = growth(rows, "steps")
    last_diff = [r for r in rows if r.diff.ok]
    stop = next((r for r in rows if not r.diff.ok), None)
    return (
        "tanh chains linear in depth (#9)",
        s is not None and s <= 1.2,
        f"slope of the steps {slope_text(s)}; `sympy.diff` measurable up to depth "
        f"{last_diff[-1].size if last_diff else '–'}"
        + (f" ({seconds_text(last_diff[-1].diff)})" if last_diff else "")
        + (f", {stop.diff.failure} at depth {stop.size}" if stop else ""),
    )


def targets(res: Results) -> list[Target]:
    """Every target the run measured, those of issue 17 first."""
    out: list[Target] = []
    if res.homework:
        out += homework_targets(res.homework)
    if res.cli is not None:
        out.append(cli_target(res.cli))
    if res.scaling:
        out.append(deep_nest_target(res.scaling))
        out += [family_target(name, rows) for name, rows in res.scaling.items()]
    for name, graph_rows in res.backprop.items():
        out.append(backprop_target(name, graph_rows))
    if res.parsing:
        out.append(parse_target(res.parsing))
    out += nest_targets(res.scaling)
    if res.scaling.get("tanh chain"):
        out.append(tanh_target(res.scaling["tanh chain"]))
    return out
