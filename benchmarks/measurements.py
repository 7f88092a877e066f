"""Each part of a run: the workloads timed under the harness, and the figures they give.

1. ``derive()`` against SymPy on the homework and on the scaling families: the
   steps alone (``simplify=False``) against ``sympy.diff``; the whole derivation
   (steps, simplified answer, ``verify()``; each phase's median kept) against
   SymPy's ``simplify(diff(e))`` (the homework only).
2. ``backprop()`` on graphs up to tens of thousands of nodes: time, and peak
   memory (``tracemalloc``, in a separate run so it does not slow the timed one).
3. CLI start-up: ``chainrule derive "sin(x**2)" -f text`` against
   ``python -c "import sympy"``, whole processes, interleaved.
4. Worksheet throughput: ``chainrule worksheet FILE --jobs 1`` and ``--jobs 2``.
5. ``parse()`` of a long sum, up to the parser's length limit.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import sympy

from benchmarks import workloads
from benchmarks.harness import Log, Phases, Timing, brief, measure, not_run, over
from benchmarks.processes import CliResult, WorksheetResult, run_cli, run_worksheet
from benchmarks.workloads import Plan

PARTS = ("homework", "scaling", "backprop", "cli", "worksheet", "parse")


# --------------------------------------------------------------------------- part 1: derive


@dataclass(frozen=True, kw_only=True)
class Row:
    """One case of part 1: our figures and SymPy's."""

    family: str
    size: int
    label: str
    steps: Timing  # derive(simplify=False); its extra["value"] is the number of steps
    whole: Timing  # derive() and verify(), with the phases "derive" and "verify"
    diff: Timing  # sympy.diff
    simplified_diff: Timing | None = None  # sympy.simplify(sympy.diff(...)), the homework only

    @property
    def count(self) -> int | None:
        return self.steps.extra.get("value")

    @property
    def full(self) -> Timing:
        """``derive()`` with the final simplification: the whole derivation's first phase."""
        return self.whole.phase("derive")

    @property
    def verify(self) -> Timing:
        return self.whole.phase("verify")

    @property
    def ratio(self) -> float | None:
        """Steps over ``sympy.diff``."""
        return over(self.steps, self.diff)

    @property
    def whole_ratio(self) -> float | None:
        """The whole derivation over SymPy's ``simplify(diff(e))``."""
        return over(self.whole, self.simplified_diff)


def count_steps(expr: sympy.Expr, wrt: sympy.Symbol, where: workloads.Where | None) -> int:
    """Build the steps alone (``simplify=False``); the number of steps."""
    from chainrule import derive

    return len(derive(expr, wrt, simplify=False, where=where).steps)


def derive_and_verify(
    expr: sympy.Expr, wrt: sympy.Symbol, where: workloads.Where | None, *, verify: bool = True
) -> Phases:
    """The whole derivation: steps, simplified answer, then ``verify()``; each phase's seconds."""
    from chainrule import derive

    phases = Phases()
    with phases.timing("derive"):
        derivation = derive(expr, wrt, where=where)
    if verify:
        with phases.timing("verify"):
            derivation.verify()
    return phases


def _without_verify(derived: Timing, reason: str) -> Timing:
    """The whole derivation not run, verification skipped for ``reason``; its derive phase kept."""
    if not derived.ok:
        return derived
    return Timing(median=None, failure=f"not run ({reason})", phases=derived.phases, unfinished="verify")


def derive_case(
    plan: Plan,
    family: str,
    size: int,
    label: str,
    expr: sympy.Expr,
    wrt: sympy.Symbol,
    *,
    where: workloads.Where | None = None,
    diff_expr: sympy.Expr | None = None,
    skipped: dict[str, Timing] | None = None,
    skip_verify: str | None = None,
    simplified_diff: bool = False,
) -> Row:
    """Time one expression every way; a kind in ``skipped`` is reported as given instead, and
    with ``skip_verify`` (the reason) the whole derivation is timed without its verification."""
    target = diff_expr if diff_expr is not None else expr
    ours = {"repeats": plan.repeats, "budget": plan.case_budget, "timeout": plan.timeout}
    theirs = {**ours, "timeout": plan.diff_timeout}
    verify = skip_verify is None
    cases: dict[str, tuple[Callable[[], Any], dict[str, Any]]] = {
        "steps": (lambda: count_steps(expr, wrt, where), ours),
        "whole": (lambda: derive_and_verify(expr, wrt, where, verify=verify), ours),
        "diff": (lambda: sympy.diff(target, wrt), theirs),
    }
    if simplified_diff:
        cases["simplified_diff"] = (lambda: sympy.simplify(sympy.diff(target, wrt)), theirs)
    skipped = skipped or {}
    timings = {
        kind: skipped[kind] if kind in skipped else measure(fn, **limits)
        for kind, (fn, limits) in cases.items()
    }
    if skip_verify is not None:
        timings["whole"] = _without_verify(timings["whole"], skip_verify)
    return Row(
        family=family,
        size=size,
        label=label,
        steps=timings["steps"],
        whole=timings["whole"],
        diff=timings["diff"],
        simplified_diff=timings.get("simplified_diff"),
    )


def run_homework(plan: Plan, log: Log) -> list[Row]:
    rows = []
    for i, (text, expr) in enumerate(workloads.homework(plan.homework_limit), start=1):
        (wrt,) = expr.free_symbols
        rows.append(derive_case(plan, "homework", i, text, expr, wrt, simplified_diff=True))
        log(f"  homework {i}: {text}")
    return rows


def run_family(plan: Plan, name: str, log: Log) -> list[Row]:
    """One scaling family, size by size; a kind of case that timed out is not run at larger sizes
    (a whole derivation that timed out in its verification goes on without it)."""
    build = workloads.FAMILIES[name]
    rows: list[Row] = []
    stopped: dict[str, Timing] = {}
    skip_verify: str | None = None
    for size in plan.family_sizes[name]:
        built = build(size)
        if isinstance(built, tuple):
            expr, wrt, where = built
            diff_expr = workloads.substituted(expr, where)
        else:
            expr, wrt, where, diff_expr = built, workloads.X, None, None
        row = derive_case(
            plan,
            name,
            size,
            str(size),
            expr,
            wrt,
            where=where,
            diff_expr=diff_expr,
            skipped=stopped,
            skip_verify=skip_verify,
        )
        rows.append(row)
        for kind, timing in (("steps", row.steps), ("whole", row.whole), ("diff", row.diff)):
            if not timing.timed_out or kind in stopped:
                continue
            if kind == "whole" and timing.unfinished == "verify":
                skip_verify = skip_verify or f"{timing.failure} at size {size}"
            else:
                stopped[kind] = not_run(f"{timing.failure} at size {size}")
        log(f"  {name} {size}: steps {brief(row.steps)}, whole {brief(row.whole)}, diff {brief(row.diff)}")
    return rows


def run_scaling(plan: Plan, log: Log) -> dict[str, list[Row]]:
    return {name: run_family(plan, name, log) for name in workloads.FAMILIES if name in plan.family_sizes}


# --------------------------------------------------------------------------- part 2: backprop


@dataclass(frozen=True, kw_only=True)
class GraphRow:
    family: str
    size: int
    time: Timing  # its extra["value"] is the number of nodes
    memory: Timing  # its extra["peak"] is the peak traced bytes

    @property
    def nodes(self) -> int | None:
        return self.time.extra.get("value")

    @property
    def peak(self) -> int | None:
        return self.memory.extra.get("peak") if self.memory.ok else None


def graph_case(plan: Plan, name: str, size: int) -> GraphRow:
    """``backprop()`` on one graph: timed, then traced for its peak memory in a second child."""
    from chainrule import backprop
    from chainrule.recursion import deep_recursion

    limit = max(20_000, 4 * size)

    def build() -> tuple[sympy.Expr, workloads.Point | None]:
        with deep_recursion(limit):
            expr, at = workloads.GRAPHS[name](size)
            hash(expr)  # hashed in the child, before the first timed run
            return expr, at

    def run(graph: tuple[sympy.Expr, workloads.Point | None]) -> int:
        with deep_recursion(limit):
            return len(backprop(*graph).nodes)

    timing = measure(run, setup=build, repeats=plan.repeats, budget=plan.case_budget, timeout=plan.timeout)
    if not timing.ok:
        memory = not_run("the timed run failed")
    elif size > plan.traced_nodes:
        memory = not_run(f"not traced above {plan.traced_nodes:,} nodes in the {plan.name} plan")
    else:
        memory = measure(run, setup=build, repeats=1, budget=0, timeout=plan.timeout * 2, memory=True)
    return GraphRow(family=name, size=size, time=timing, memory=memory)


def run_backprop(plan: Plan, log: Log) -> dict[str, list[GraphRow]]:
    result: dict[str, list[GraphRow]] = {}
    for name in workloads.GRAPHS:
        rows: list[GraphRow] = []
        stopped: Timing | None = None
        for size in plan.graph_sizes:
            if stopped is not None:
                rows.append(GraphRow(family=name, size=size, time=stopped, memory=stopped))
                continue
            row = graph_case(plan, name, size)
            rows.append(row)
            if row.time.timed_out:
                stopped = not_run(f"{row.time.failure} at {size} nodes")
            log(f"  backprop {name} {size}: {brief(row.time)}")
        result[name] = rows
    return result


# --------------------------------------------------------------------------- part 5: parse


@dataclass(frozen=True, kw_only=True)
class TextRow:
    size: int  # characters
    time: Timing


def run_parse(plan: Plan, log: Log) -> list[TextRow]:
    """``chainrule.parse`` on long sums, up to the parser's length limit."""
    from chainrule import parse

    limit = workloads.parser_length_limit()
    rows: list[TextRow] = []
    for share in plan.parse_shares:
        text = workloads.long_sum_text(int(limit * share))
        timing = measure(
            lambda text=text: parse(text), repeats=plan.repeats, budget=plan.case_budget, timeout=plan.timeout
        )
        rows.append(TextRow(size=len(text), time=timing))
        log(f"  parse {len(text)} characters: {brief(timing)}")
    return rows


# --------------------------------------------------------------------------- a whole run


@dataclass
class Results:
    plan: Plan
    homework: list[Row] = field(default_factory=list)
    scaling: dict[str, list[Row]] = field(default_factory=dict)
    backprop: dict[str, list[GraphRow]] = field(default_factory=dict)
    parsing: list[TextRow] = field(default_factory=list)
    cli: CliResult | None = None
    worksheet: WorksheetResult | None = None
    seconds: float = 0.0


def warm_up() -> None:
    """Pay SymPy's one-time lazy imports (sympy.tensor on the first sum, sympy.physics.units in
    the first simplify) once, before the children are forked: part 1 measures differentiation,
    not imports (part 3 measures start-up)."""
    from chainrule import derive, parse

    expr = parse("sin(x^2) + x")
    derive(expr).verify()
    sympy.simplify(sympy.diff(expr))


def collect(plan: Plan, parts: Sequence[str], log: Log) -> Results:
    """Run the ``parts`` of ``plan``; every case is bounded by the plan's time limits."""
    start = time.perf_counter()
    warm_up()
    res = Results(plan=plan)
    if "homework" in parts:
        log("part 1: homework")
        res.homework = run_homework(plan, log)
    if "scaling" in parts:
        log("part 1: scaling")
        res.scaling = run_scaling(plan, log)
    if "backprop" in parts:
        log("part 2: backprop")
        res.backprop = run_backprop(plan, log)
    if "cli" in parts:
        log("part 3: cli")
        res.cli = run_cli(plan, log)
    if "worksheet" in parts:
        log("part 4: worksheet")
        res.worksheet = run_worksheet(plan, log)
    if "parse" in parts:
        log("part 5: parse")
        res.parsing = run_parse(plan, log)
    res.seconds = time.perf_counter() - start
    return res
