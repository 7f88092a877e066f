"""chainrule's benchmarks: one command, one machine, one Markdown report.

    python benchmarks/run.py            # the full run (about 10 minutes on 2 cores)
    python benchmarks/run.py --quick    # a smoke run on tiny sizes (seconds)

writes ``docs/performance.md`` (``--output`` to write elsewhere): the machine,
the date, the command, one table per part, and a note on each target.

What is measured, and how:

1. ``derive()`` -- the steps alone (``simplify=False``) and with the final
   bounded simplification -- against plain ``sympy.diff`` on the same SymPy
   expression: the 50 homework exercises of ``benchmarks/homework.txt`` (read
   by ``chainrule.parse``, not timed), nests of ``sin`` and of
   ``exp(cos(log(...)))``, ``tanh`` chains, wide sums, long products and
   ``where`` chains.
2. ``backprop()`` on a chain of ``tanh`` layers and on a wide sum: time, and
   peak memory (``tracemalloc``, in a separate run so it does not slow the
   timed one).
3. CLI start-up: ``chainrule derive "sin(x**2)"`` against
   ``python -c "import sympy"``, whole processes, interleaved.
4. Worksheet throughput: ``chainrule worksheet FILE --jobs 1`` and ``--jobs 2``.

Every case runs in a forked child process with a hard time limit, so an
exploding ``sympy.diff`` is reported as ``> N s`` (or ``RecursionError``)
instead of stopping the run, and no case inherits another's memory. Each
timed run starts from an empty SymPy cache (``clear_cache()``), for our code
and for ``sympy.diff`` alike: a repeated run must not just read back the
previous run's results. Times are medians of repeated runs
(``time.perf_counter``). Growth exponents are least-squares slopes of
log(time) over log(size), fitted on the largest sizes, where fixed costs no
longer hide the growth.
"""

from __future__ import annotations

import argparse
import datetime
import math
import multiprocessing
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sympy  # noqa: E402
from sympy.core.cache import clear_cache  # noqa: E402

COMMAND = "python benchmarks/run.py"


# --------------------------------------------------------------------------- settings


@dataclass(frozen=True, kw_only=True)
class Plan:
    """Sizes and budgets of one run; ``full()`` is the documented run, ``quick()`` a smoke run."""

    quick: bool
    repeats: int
    case_budget: float  # seconds of repeated runs per case, after which fewer repeats suffice
    timeout: float  # hard limit per case (one child process)
    diff_timeout: float  # hard limit for one sympy.diff case
    homework_limit: int | None
    nest_depths: tuple[int, ...]
    tanh_depths: tuple[int, ...]
    sum_sizes: tuple[int, ...]
    product_sizes: tuple[int, ...]
    where_sizes: tuple[int, ...]
    graph_sizes: tuple[int, ...]
    cli_runs: int
    worksheet_exercises: int

    @staticmethod
    def full() -> Plan:
        return Plan(
            quick=False,
            repeats=5,
            case_budget=1.0,
            timeout=60.0,
            diff_timeout=20.0,
            homework_limit=None,
            nest_depths=(10, 20, 40, 80, 150, 300),
            tanh_depths=(4, 5, 6, 7, 8, 9, 10, 11, 12),
            sum_sizes=(10, 30, 100, 300, 1000),
            product_sizes=(5, 10, 20, 50, 100),
            where_sizes=(2, 5, 10, 20, 50),
            graph_sizes=(10, 100, 1_000, 10_000, 100_000),
            cli_runs=10,
            worksheet_exercises=500,
        )

    @staticmethod
    def quick_plan() -> Plan:
        return Plan(
            quick=True,
            repeats=3,
            case_budget=0.5,
            timeout=60.0,
            diff_timeout=5.0,
            homework_limit=5,
            nest_depths=(2, 4, 8),
            tanh_depths=(2, 3, 4),
            sum_sizes=(3, 6, 12),
            product_sizes=(2, 4, 8),
            where_sizes=(2, 3, 4),
            graph_sizes=(10, 30, 100),
            cli_runs=2,
            worksheet_exercises=6,
        )


# --------------------------------------------------------------------------- measuring


@dataclass(frozen=True, kw_only=True)
class Timing:
    """The median of repeated runs, or why there is none (``> 20 s``, ``RecursionError``)."""

    median: float | None
    runs: int = 0
    failure: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.median is not None


def _child(conn: Any, fn: Callable[[], Any], repeats: int, budget: float, memory: bool) -> None:
    """Run the case in a thread with a large stack: SymPy hashes and prints deep trees recursively."""
    import threading

    threading.stack_size(1024 * 1024 * 1024)
    worker = threading.Thread(target=_work, args=(conn, fn, repeats, budget, memory))
    worker.start()
    worker.join()


def _work(conn: Any, fn: Callable[[], Any], repeats: int, budget: float, memory: bool) -> None:
    try:
        if memory:
            import tracemalloc

            clear_cache()
            if type(fn()) is int:  # the first call built the inputs: trace the second
                clear_cache()
            tracemalloc.start()
            fn()
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            conn.send(("ok", [0.0], {"peak": peak}))
            return
        times: list[float] = []
        spent = 0.0
        while len(times) < repeats:
            clear_cache()
            start = time.perf_counter()
            value = fn()
            if type(value) is int and value == -1:  # the first call only built the inputs
                continue
            elapsed = time.perf_counter() - start
            times.append(elapsed)
            spent += elapsed
            if spent > budget and len(times) >= min(3, repeats):
                break
            if elapsed > budget:  # one run already over the budget: its figure stands alone
                break
        conn.send(("ok", times, {"value": value} if isinstance(value, int) else {}))
    except RecursionError:
        conn.send(("error", "RecursionError", {}))
    except MemoryError:
        conn.send(("error", "MemoryError", {}))
    except BaseException as err:  # noqa: BLE001 - reported in the table
        conn.send(("error", f"{type(err).__name__}: {str(err)[:80]}", {"trace": traceback.format_exc()}))


def measure(
    fn: Callable[[], Any], *, repeats: int, budget: float, timeout: float, memory: bool = False
) -> Timing:
    """Run ``fn`` in a forked child: up to ``repeats`` times, at most ``timeout`` seconds in all."""
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(send, fn, repeats, budget, memory), daemon=True)
    process.start()
    send.close()
    deadline = time.monotonic() + timeout
    message = None
    while time.monotonic() < deadline:
        if receive.poll(min(0.5, max(0.0, deadline - time.monotonic()))):
            try:
                message = receive.recv()
            except EOFError:
                message = None
            break
        if not process.is_alive() and not receive.poll():
            break
    if message is None:
        if process.is_alive():
            process.kill()
            process.join()
            return Timing(median=None, failure=f"> {timeout:g} s")
        process.join()
        return Timing(median=None, failure=f"crashed (exit {process.exitcode})")
    process.join(5)
    if process.is_alive():
        process.kill()
        process.join()
    status, payload, extra = message
    if status != "ok":
        return Timing(median=None, failure=payload, extra=extra)
    return Timing(median=statistics.median(payload), runs=len(payload), extra=extra)


def slope(points: Sequence[tuple[float, float | None]], largest: int = 4) -> float | None:
    """Least-squares slope of log(time) over log(size), on the ``largest`` sizes measured."""
    usable = [(s, t) for s, t in points if t is not None and t > 0 and s > 0][-largest:]
    if len(usable) < 2:
        return None
    xs = [math.log(s) for s, _ in usable]
    ys = [math.log(t) for _, t in usable]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx


# --------------------------------------------------------------------------- inputs

X = sympy.Symbol("x", real=True)


def homework(limit: int | None = None) -> list[tuple[str, sympy.Expr]]:
    """The exercises of ``homework.txt``, read by chainrule's own parser."""
    from chainrule.parsing import parse

    lines = [
        line.strip()
        for line in (HERE / "homework.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    return [(line, parse(line)) for line in lines[:limit]]


def sin_nest(depth: int) -> sympy.Expr:
    """``sin(sin(...sin(x)))``, ``depth`` applications."""
    expr: sympy.Expr = X
    for _ in range(depth):
        expr = sympy.sin(expr)
    return expr


def mixed_nest(depth: int) -> sympy.Expr:
    """``exp(cos(log(exp(cos(log(...x))))))``, ``depth`` applications, from the outside in.

    Built unevaluated: SymPy would otherwise fold ``log(exp(u))`` into ``u`` for real u.
    """
    cycle = (sympy.exp, sympy.cos, sympy.log)
    funcs = [cycle[i % 3] for i in range(depth)]
    expr: sympy.Expr = X
    with sympy.evaluate(False):
        for func in reversed(funcs):
            expr = func(expr)
    return expr


def tanh_chain(depth: int) -> sympy.Expr:
    """``tanh(0.5*tanh(0.5*tanh(...x)))``: ``depth`` layers of a tiny network."""
    expr: sympy.Expr = X
    half = sympy.Float(0.5)
    for i in range(depth):
        expr = sympy.tanh(half * expr if i else expr)
    return expr


def wide_sum(terms: int) -> sympy.Expr:
    """``1*x + sin(2x) + exp(3x)/3 + log(x + 4) + 5x**5 + ...``: ``terms`` different terms."""
    kinds: list[Callable[[int], sympy.Expr]] = [
        lambda k: k * X**k,
        lambda k: sympy.sin(k * X),
        lambda k: sympy.exp(k * X) / k,
        lambda k: sympy.log(X + k),
    ]
    return sympy.Add(*(kinds[k % 4](k) for k in range(1, terms + 1)))


def long_product(factors: int) -> sympy.Expr:
    """``(x + 1)·sin(2x)·log(x + 3)·(x + 4)·...``: ``factors`` different factors."""
    kinds: list[Callable[[int], sympy.Expr]] = [
        lambda k: X + k,
        lambda k: sympy.sin(k * X),
        lambda k: sympy.log(X + k),
    ]
    return sympy.Mul(*(kinds[(k - 1) % 3](k) for k in range(1, factors + 1)))


def where_chain(length: int) -> tuple[sympy.Expr, sympy.Symbol, list[tuple[sympy.Symbol, sympy.Expr]]]:
    """``cos(y_n)`` with ``y_1 = m**2``, ``y_k = sin(y_(k-1)) + m``: ``length`` intermediates."""
    m = sympy.Symbol("m", real=True)
    ys = sympy.symbols(f"y1:{length + 1}", real=True)
    where = [(ys[0], m**2)] + [(ys[k], sympy.sin(ys[k - 1]) + m) for k in range(1, length)]
    return sympy.cos(ys[-1]), m, where


def substituted(expr: sympy.Expr, where: list[tuple[sympy.Symbol, sympy.Expr]]) -> sympy.Expr:
    """``expr`` with the where-definitions substituted, innermost last, for ``sympy.diff``."""
    for name, definition in reversed(where):
        expr = expr.xreplace({name: definition})
    return expr


def tanh_graph(nodes: int) -> tuple[sympy.Expr, dict[str, float]]:
    """A chain of ``tanh(0.5*...)`` layers with about ``nodes`` graph nodes (2 per layer)."""
    layers = max(1, (nodes - 2) // 2)
    expr: sympy.Expr = X
    half = sympy.Float(0.5)
    with sympy.evaluate(False):  # evaluating asks assumptions of the whole argument: quadratic
        for _ in range(layers):
            expr = sympy.tanh(sympy.Mul(half, expr))
    return expr, {"x": 0.3}


def sum_graph(nodes: int) -> tuple[sympy.Expr, dict[str, float]]:
    """A neuron's wide sum ``w1*x1 + w2*x2 + ...``: about ``nodes`` graph nodes (3 per term)."""
    terms = max(1, (nodes - 1) // 3)
    ws = sympy.symbols(f"w1:{terms + 1}", real=True)
    xs = sympy.symbols(f"x1:{terms + 1}", real=True)
    expr = sympy.Add(*(w * x for w, x in zip(ws, xs)))
    at = {s.name: 0.5 + (i % 7) / 10 for i, s in enumerate(ws + xs)}
    return expr, at


# --------------------------------------------------------------------------- part 1: derive


@dataclass(frozen=True, kw_only=True)
class Row:
    """One case of part 1: our two figures and sympy.diff's."""

    family: str
    size: int
    label: str
    steps: Timing
    full: Timing
    diff: Timing
    count: int | None = None  # number of steps in the derivation

    @property
    def ratio(self) -> float | None:
        if self.steps.ok and self.diff.ok and self.diff.median:
            return self.steps.median / self.diff.median  # type: ignore[operator]
        return None


def _step_count(expr: sympy.Expr, wrt: sympy.Symbol, where: Any = None) -> int | None:
    from chainrule.derivation.engine import derive

    try:
        return len(derive(expr, wrt, simplify=False, where=where).steps)
    except Exception:  # noqa: BLE001 - the table shows the timing's failure instead
        return None


def derive_case(
    plan: Plan,
    family: str,
    size: int,
    label: str,
    expr: sympy.Expr,
    wrt: sympy.Symbol,
    *,
    where: list[tuple[sympy.Symbol, sympy.Expr]] | None = None,
    diff_expr: sympy.Expr | None = None,
    skip_diff: str | None = None,
    count: bool = True,
) -> Row:
    from chainrule.derivation.engine import derive

    target = diff_expr if diff_expr is not None else expr
    steps = measure(
        lambda: derive(expr, wrt, simplify=False, where=where),
        repeats=plan.repeats,
        budget=plan.case_budget,
        timeout=plan.timeout,
    )
    full = measure(
        lambda: derive(expr, wrt, where=where),
        repeats=plan.repeats,
        budget=plan.case_budget,
        timeout=plan.timeout,
    )
    if skip_diff is not None:
        diff = Timing(median=None, failure=skip_diff)
    else:
        diff = measure(
            lambda: sympy.diff(target, wrt),
            repeats=plan.repeats,
            budget=plan.case_budget,
            timeout=plan.diff_timeout,
        )
    n = _step_count(expr, wrt, where) if count and steps.ok else None
    return Row(family=family, size=size, label=label, steps=steps, full=full, diff=diff, count=n)


def run_homework(plan: Plan, log: Callable[[str], None]) -> list[Row]:
    rows = []
    for i, (text, expr) in enumerate(homework(plan.homework_limit), start=1):
        (wrt,) = expr.free_symbols
        rows.append(derive_case(plan, "homework", i, text, expr, wrt))
        log(f"  homework {i}: {text}")
    return rows


def run_scaling(plan: Plan, log: Callable[[str], None]) -> dict[str, list[Row]]:
    families: dict[str, list[Row]] = {}

    def family(name: str, sizes: Sequence[int], build: Callable[[int], Any], stop_diff: bool) -> None:
        rows: list[Row] = []
        diff_stopped: str | None = None
        for size in sizes:
            built = build(size)
            if isinstance(built, tuple):
                expr, wrt, where = built
                diff_expr = substituted(expr, where)
            else:
                expr, wrt, where, diff_expr = built, X, None, None
            row = derive_case(
                plan,
                name,
                size,
                str(size),
                expr,
                wrt,
                where=where,
                diff_expr=diff_expr,
                skip_diff=diff_stopped,
            )
            rows.append(row)
            if stop_diff and diff_stopped is None and not row.diff.ok:
                diff_stopped = f"not run ({row.diff.failure} at depth {size})"
            log(f"  {name} {size}: steps {_fmt(row.steps)}, diff {_fmt(row.diff)}")
        families[name] = rows

    family("sin nest", plan.nest_depths, sin_nest, stop_diff=False)
    family("exp(cos(log(...))) nest", plan.nest_depths, mixed_nest, stop_diff=False)
    family("tanh chain", plan.tanh_depths, tanh_chain, stop_diff=True)
    family("sum", plan.sum_sizes, wide_sum, stop_diff=False)
    family("product", plan.product_sizes, long_product, stop_diff=False)
    family("where chain", plan.where_sizes, where_chain, stop_diff=False)
    return families


# --------------------------------------------------------------------------- part 2: backprop


@dataclass(frozen=True, kw_only=True)
class GraphRow:
    family: str
    size: int
    nodes: int | None
    time: Timing
    peak: int | None


def run_backprop(plan: Plan, log: Callable[[str], None]) -> dict[str, list[GraphRow]]:
    from chainrule.derivation.engine import deep_recursion
    from chainrule.graph import backprop

    result: dict[str, list[GraphRow]] = {}
    for name, build in (("tanh layers", tanh_graph), ("wide sum", sum_graph)):
        rows = []
        for size in plan.graph_sizes:
            inputs: dict[str, Any] = {}

            def run(
                build: Callable[[int], Any] = build, size: int = size, inputs: dict[str, Any] = inputs
            ) -> int:
                with deep_recursion(max(20_000, 4 * size)):
                    if not inputs:  # built (and hashed) in the child, before the first timed run
                        inputs["expr"], inputs["at"] = build(size)
                        hash(inputs["expr"])
                        return -1
                    return len(backprop(inputs["expr"], inputs["at"]).nodes)

            timing = measure(run, repeats=plan.repeats, budget=plan.case_budget, timeout=plan.timeout)
            memory = measure(run, repeats=1, budget=0, timeout=plan.timeout * 2, memory=True)
            rows.append(
                GraphRow(
                    family=name,
                    size=size,
                    nodes=timing.extra.get("value"),
                    time=timing,
                    peak=memory.extra.get("peak") if memory.ok else None,
                )
            )
            log(f"  backprop {name} {size}: {_fmt(timing)}")
        result[name] = rows
    return result


# --------------------------------------------------------------------------- part 3 and 4: processes


def chainrule_command() -> list[str]:
    """The installed ``chainrule`` script next to this Python (not a shell shim), else ``-m``."""
    script = Path(sys.executable).with_name("chainrule")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "chainrule"]


def _run_process(args: Sequence[str], timeout: float) -> float:
    env = {**os.environ, "NO_COLOR": "1", "TERM": "dumb"}
    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True, timeout=timeout, env=env, cwd=ROOT)
    return time.perf_counter() - start


def run_cli(plan: Plan, log: Callable[[str], None]) -> dict[str, Any]:
    ours = [*chainrule_command(), "derive", "sin(x**2)"]
    bare = [sys.executable, "-c", "import sympy"]
    _run_process(ours, 120)  # warm the file cache and the bytecode
    _run_process(bare, 120)
    times: dict[str, list[float]] = {"ours": [], "bare": []}
    for _ in range(plan.cli_runs):  # interleaved, so drift on a shared machine hits both
        times["ours"].append(_run_process(ours, 120))
        times["bare"].append(_run_process(bare, 120))
    result = {
        "ours": statistics.median(times["ours"]),
        "bare": statistics.median(times["bare"]),
        "runs": plan.cli_runs,
        "command": " ".join(["chainrule", "derive", '"sin(x**2)"']),
    }
    modules = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import chainrule.cli"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stderr
    result["top_imports"] = _top_imports(modules)
    log(f"  cli: ours {result['ours']:.3f} s, bare import sympy {result['bare']:.3f} s")
    return result


def _top_imports(importtime: str, count: int = 5) -> list[tuple[str, float]]:
    """The slowest top-level packages in ``python -X importtime`` output (cumulative seconds)."""
    found = []
    for line in importtime.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)", line)
        if match and len(match.group(2)) == 1:
            found.append((match.group(3), int(match.group(1)) / 1e6))
    return sorted(found, key=lambda item: -item[1])[:count]


def worksheet_lines(count: int) -> list[str]:
    """``count`` exercises: the homework list, its variable renamed in each round."""
    base = [
        line.strip()
        for line in (HERE / "homework.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    letters = "xtszrpqykm"
    lines = []
    for i in range(count):
        letter = letters[(i // len(base)) % len(letters)]
        lines.append(re.sub(r"(?<![A-Za-z])x(?![A-Za-z])", letter, base[i % len(base)]))
    return lines


def run_worksheet(plan: Plan, log: Callable[[str], None]) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "exercises.txt"
        source.write_text("\n".join(worksheet_lines(plan.worksheet_exercises)) + "\n", encoding="utf-8")
        result: dict[str, Any] = {"exercises": plan.worksheet_exercises}
        for jobs in (1, 2):
            out = Path(tmp) / f"sheet-{jobs}.md"
            args = [*chainrule_command(), "worksheet", str(source), "--jobs", str(jobs), "-o", str(out)]
            try:
                result[jobs] = _run_process(args, 1800)
            except subprocess.CalledProcessError as err:
                result[jobs] = None
                result[f"error{jobs}"] = (err.stderr or b"").decode(errors="replace").strip()[-200:]
            log(f"  worksheet --jobs {jobs}: {result[jobs]}")
    return result


# --------------------------------------------------------------------------- the report


def _fmt(t: Timing | float | None) -> str:
    if isinstance(t, Timing):
        if not t.ok:
            return t.failure or "failed"
        t = t.median
    if t is None:
        return "–"
    if t < 1e-3:
        return f"{t * 1e6:.0f} µs"
    if t < 1:
        return f"{t * 1e3:.1f} ms"
    return f"{t:.2f} s"


def _ratio(r: float | None) -> str:
    return "–" if r is None else (f"{r:.2f}×" if r < 10 else f"{r:.0f}×")


def _bytes(n: int | None) -> str:
    if n is None:
        return "–"
    if n < 1024**2:
        return f"{n / 1024:.0f} KiB"
    return f"{n / 1024**2:.1f} MiB"


def _slope(s: float | None) -> str:
    return "–" if s is None else f"{s:.2f}"


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


@dataclass
class Results:
    plan: Plan
    homework: list[Row] = field(default_factory=list)
    scaling: dict[str, list[Row]] = field(default_factory=dict)
    backprop: dict[str, list[GraphRow]] = field(default_factory=dict)
    cli: dict[str, Any] = field(default_factory=dict)
    worksheet: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0


def homework_summary(rows: list[Row]) -> dict[str, Any]:
    both = [r for r in rows if r.steps.ok and r.diff.ok]
    total = lambda pick: sum(pick(r) for r in both)  # noqa: E731
    steps = total(lambda r: r.steps.median)
    full = total(lambda r: r.full.median if r.full.ok else 0.0)
    diff = total(lambda r: r.diff.median)
    ratios = sorted(r.ratio for r in both if r.ratio is not None)
    return {
        "n": len(rows),
        "steps": steps,
        "full": full,
        "diff": diff,
        "ratio": steps / diff if diff else None,
        "full_ratio": full / diff if diff else None,
        "median_ratio": statistics.median(ratios) if ratios else None,
        "worst": max(both, key=lambda r: r.ratio or 0.0) if both else None,
        "slowest_full": max((r for r in rows if r.full.ok), key=lambda r: r.full.median, default=None),
    }


def targets(res: Results) -> list[tuple[str, bool | None, str]]:
    """Each target of issue 9: (target, met?, the figures)."""
    out: list[tuple[str, bool | None, str]] = []
    hw = homework_summary(res.homework)
    if hw["ratio"] is not None:
        out.append(
            (
                "Typical homework: building the steps at most 2× `sympy.diff`",
                hw["ratio"] <= 2.0,
                f"{hw['n']} exercises: steps {_fmt(hw['steps'])} in all against `sympy.diff` "
                f"{_fmt(hw['diff'])}: {_ratio(hw['ratio'])} "
                f"(median per exercise {_ratio(hw['median_ratio'])})",
            )
        )
    nests = [r for name in ("sin nest", "exp(cos(log(...))) nest") for r in res.scaling.get(name, [])]
    deep = [r for r in nests if r.size >= 40]
    if deep:
        faster = all(r.steps.ok and (not r.diff.ok or r.ratio is not None and r.ratio < 1.0) for r in deep)
        figures = "; ".join(
            f"{r.family.split(' nest')[0]} {r.size}: {_ratio(r.ratio) if r.ratio else r.diff.failure}"
            for r in deep
        )
        out.append(("Nests of depth ≥ 40: steps faster than `sympy.diff`", faster, figures))
        deepest = max(r.size for r in nests)
        at_max = [r for r in nests if r.size == deepest]
        works = all(r.steps.ok and r.full.ok for r in at_max)
        diff_fails = [f"{r.family}: {r.diff.failure}" for r in at_max if not r.diff.ok]
        out.append(
            (
                f"Depth {deepest} works (`sympy.diff` fails there)",
                works,
                "; ".join(
                    f"{r.family}: steps {_fmt(r.steps)}, with simplification {_fmt(r.full)}" for r in at_max
                )
                + ("; `sympy.diff`: " + ", ".join(diff_fails) if diff_fails else "; `sympy.diff` succeeds"),
            )
        )
    tanh = res.scaling.get("tanh chain", [])
    if tanh:
        s = slope([(r.size, r.steps.median) for r in tanh])
        last_diff = [r for r in tanh if r.diff.ok]
        stop = next((r for r in tanh if not r.diff.ok), None)
        out.append(
            (
                "tanh chains linear in depth",
                s is not None and s <= 1.2,
                f"slope of the steps {_slope(s)}; `sympy.diff` measurable up to depth "
                f"{last_diff[-1].size if last_diff else '–'}"
                + (f" ({_fmt(last_diff[-1].diff)})" if last_diff else "")
                + (f", {stop.diff.failure} at depth {stop.size}" if stop else ""),
            )
        )
    for name in ("sum", "product", "sin nest", "exp(cos(log(...))) nest"):
        rows = res.scaling.get(name, [])
        if rows:
            s = slope([(r.size, r.steps.median) for r in rows])
            out.append(
                (
                    f"Growth of {name}s: slope ≤ 1.2"
                    if "nest" not in name
                    else f"Growth of the {name}: slope ≤ 1.2",
                    s is not None and s <= 1.2,
                    f"slope {_slope(s)} (steps); "
                    f"`sympy.diff` {_slope(slope([(r.size, r.diff.median) for r in rows]))}",
                )
            )
    if res.cli:
        ratio = res.cli["ours"] / res.cli["bare"]
        out.append(
            (
                "CLI start-up at most 1.3× the bare `import sympy`",
                ratio <= 1.3,
                f"{_fmt(res.cli['ours'])} against {_fmt(res.cli['bare'])}: {_ratio(ratio)}",
            )
        )
    for name, rows in res.backprop.items():
        st = slope([(r.size, r.time.median) for r in rows], largest=3)
        sm = slope([(r.size, float(r.peak) if r.peak else None) for r in rows], largest=3)
        failed = [r for r in rows if not r.time.ok or r.peak is None]
        gaps = "; ".join(
            f"{r.size} nodes: time {_fmt(r.time)}, "
            f"memory {'not measured (timed out)' if r.peak is None else 'ok'}"
            for r in failed
        )
        out.append(
            (
                f"backprop linear in nodes ({name})",
                st is not None and sm is not None and st <= 1.2 and sm <= 1.2 and not failed,
                f"slope {_slope(st)} in time, {_slope(sm)} in peak memory (sizes measured)"
                + (f"; {gaps}" if gaps else ""),
            )
        )
    return out


def render(res: Results, *, notes: str = "") -> str:
    plan = res.plan
    lines: list[str] = []
    add = lines.append
    add("# Performance")
    add("")
    add("How fast chainrule builds and explains derivatives, against plain `sympy.diff`, and how it")
    add("scales. Produced by one command; do not edit by hand:")
    add("")
    add("```")
    add(COMMAND + (" --quick" if plan.quick else ""))
    add("```")
    add("")
    if plan.quick:
        add("**A quick smoke run on tiny sizes: these figures say nothing about speed.**")
        add("")
    add(f"- Date: {datetime.date.today().isoformat()}")
    add(f"- Machine: {machine()}")
    add(f"- Run time: {res.seconds / 60:.1f} minutes")
    add(
        "- Method: every case in a forked child process with a time limit; SymPy's cache emptied "
        "before every timed run (ours and `sympy.diff` alike); medians of up to "
        f"{plan.repeats} runs (fewer once a case has spent {plan.case_budget:g} s); `time.perf_counter`."
    )
    add(
        "- *steps*: `derive(expr, simplify=False)` (the whole step tree and the raw answer); *full*: "
        "`derive(expr)` (plus the final bounded simplification); *diff*: `sympy.diff(expr, x)` on the "
        "same SymPy expression. *ratio*: steps / diff. Parsing is not timed. *slope*: growth exponent, "
        "the least-squares slope of log(time) over log(size) on the four largest sizes."
    )
    add("")

    add("## Targets")
    add("")
    add("| Target | Met | Figures |")
    add("|---|---|---|")
    for target, met, figures in targets(res):
        add(f"| {target} | {'yes' if met else ('no' if met is False else '–')} | {figures} |")
    if not res.worksheet:
        add("| Worksheet throughput (no target) | – | pending: not measured in this run |")
    add("")

    if res.homework:
        hw = homework_summary(res.homework)
        add("## 1. `derive()` against `sympy.diff`")
        add("")
        add(f"### Typical homework ({hw['n']} exercises of `benchmarks/homework.txt`)")
        add("")
        add("| | steps | full | diff | steps / diff | full / diff |")
        add("|---|---|---|---|---|---|")
        add(
            f"| all {hw['n']}, summed | {_fmt(hw['steps'])} | {_fmt(hw['full'])} | {_fmt(hw['diff'])} | "
            f"{_ratio(hw['ratio'])} | {_ratio(hw['full_ratio'])} |"
        )
        add(f"| median of the per-exercise ratios | | | | {_ratio(hw['median_ratio'])} | |")
        if hw["worst"] is not None:
            w = hw["worst"]
            add(
                f"| highest ratio: `{w.label}` | {_fmt(w.steps)} | {_fmt(w.full)} | {_fmt(w.diff)} | "
                f"{_ratio(w.ratio)} | |"
            )
        if hw["slowest_full"] is not None:
            w = hw["slowest_full"]
            add(
                f"| slowest with simplification: `{w.label}` | {_fmt(w.steps)} | {_fmt(w.full)} | "
                f"{_fmt(w.diff)} | {_ratio(w.ratio)} | |"
            )
        add("")
        add("<details><summary>Every exercise</summary>")
        add("")
        add("| # | exercise | steps | full | diff | steps / diff |")
        add("|---|---|---|---|---|---|")
        for r in res.homework:
            add(
                f"| {r.size} | `{r.label}` | {_fmt(r.steps)} | {_fmt(r.full)} | {_fmt(r.diff)} | "
                f"{_ratio(r.ratio)} |"
            )
        add("")
        add("</details>")
        add("")

    if res.scaling:
        add("### Deep and wide expressions")
        add("")
        add("| family | size | steps in the tree | steps | full | diff | steps / diff |")
        add("|---|---|---|---|---|---|---|")
        for name, rows in res.scaling.items():
            for r in rows:
                add(
                    f"| {name} | {r.size} | {r.count if r.count is not None else '–'} | {_fmt(r.steps)} | "
                    f"{_fmt(r.full)} | {_fmt(r.diff)} | {_ratio(r.ratio)} |"
                )
        add("")
        add("Growth exponents (slope of log time over log size, four largest sizes):")
        add("")
        add("| family | sizes | steps | full | diff |")
        add("|---|---|---|---|---|")
        for name, rows in res.scaling.items():
            sizes = f"{rows[0].size}–{rows[-1].size}"
            add(
                f"| {name} | {sizes} | {_slope(slope([(r.size, r.steps.median) for r in rows]))} | "
                f"{_slope(slope([(r.size, r.full.median) for r in rows]))} | "
                f"{_slope(slope([(r.size, r.diff.median) for r in rows]))} |"
            )
        add("")
        add(
            "Sizes: nest depth (function applications); tanh layers; terms of the sum; factors of the "
            "product; intermediates of the `where` chain (`cos(y_n)`, `y_1 = m**2`, "
            "`y_k = sin(y_(k-1)) + m`, by `m`; `sympy.diff` gets the substituted expression). The "
            "`exp(cos(log(...)))` nest is built unevaluated, or SymPy would fold `log(exp(u))` to `u`."
        )
        add("")

    if res.backprop:
        add("## 2. `backprop()`")
        add("")
        add("| graph | size asked | nodes | time | peak memory (tracemalloc) |")
        add("|---|---|---|---|---|")
        for name, rows in res.backprop.items():
            for r in rows:
                add(
                    f"| {name} | {r.size} | {r.nodes if r.nodes else '≈ ' + str(r.size)} | "
                    f"{_fmt(r.time)} | {_bytes(r.peak)} |"
                )
        add("")
        add("| graph | slope in time | slope in memory |")
        add("|---|---|---|")
        for name, rows in res.backprop.items():
            add(
                f"| {name} | {_slope(slope([(r.size, r.time.median) for r in rows], largest=3))} | "
                f"{_slope(slope([(r.size, float(r.peak) if r.peak else None) for r in rows], largest=3))} |"
            )
        add("")
        add(
            "`tanh layers`: `tanh(0.5*tanh(0.5*...x))` at x = 0.3 (two nodes a layer); `wide sum`: "
            "`w1*x1 + w2*x2 + ...` with every variable given (three nodes a term). Slopes on the three "
            "largest sizes. Memory is the peak traced during `backprop()` alone (the input expression "
            "exists before)."
        )
        add("")

    if res.cli:
        add("## 3. CLI start-up")
        add("")
        add(f"Whole processes, medians of {res.cli['runs']} interleaved runs each.")
        add("")
        add("| command | median |")
        add("|---|---|")
        add(f"| `{res.cli['command']}` | {_fmt(res.cli['ours'])} |")
        add(f'| `python -c "import sympy"` | {_fmt(res.cli["bare"])} |')
        add(f"| ratio | {_ratio(res.cli['ours'] / res.cli['bare'])} |")
        add("")
        if res.cli.get("top_imports"):
            slow = ", ".join(f"`{name}` {_fmt(sec)}" for name, sec in res.cli["top_imports"])
            add(f"Slowest imports of `chainrule.cli` (`python -X importtime`, cumulative): {slow}.")
            add("")

    add("## 4. Worksheets")
    add("")
    if res.worksheet:
        n = res.worksheet["exercises"]
        add(f"`chainrule worksheet FILE -o sheet.md`, {n} exercises (the homework list, its variable renamed")
        add("in each round of 50), each derived, verified and rendered; one whole process per figure.")
        add("")
        add("| jobs | time | exercises / s |")
        add("|---|---|---|")
        for jobs in (1, 2):
            t = res.worksheet.get(jobs)
            rate = f"{n / t:.1f}" if t else "–"
            add(
                f"| {jobs} | {_fmt(t) if t else 'failed: ' + str(res.worksheet.get(f'error{jobs}', ''))} "
                f"| {rate} |"
            )
        if res.worksheet.get(1) and res.worksheet.get(2):
            add("")
            add(
                f"Speed-up with 2 jobs: {res.worksheet[1] / res.worksheet[2]:.2f}× "
                f"on {os.cpu_count()} logical CPUs."
            )
    else:
        add("Pending: not measured in this run.")
    add("")
    if notes:
        add("## Notes")
        add("")
        add(notes.strip())
        add("")
    return "\n".join(lines)


def warm_up() -> None:
    """Pay SymPy's one-time lazy imports (sympy.tensor on the first sum, sympy.physics.units in
    the first simplify) once, before the children are forked: part 1 measures differentiation,
    not imports (part 3 measures start-up)."""
    from chainrule.derivation.engine import derive

    derive(sympy.sin(X**2) + X, X)
    sympy.diff(sympy.sin(X**2) + X, X)


def collect(plan: Plan, parts: Sequence[str], log: Callable[[str], None]) -> Results:
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
    res.seconds = time.perf_counter() - start
    return res


PARTS = ("homework", "scaling", "backprop", "cli", "worksheet")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run on tiny sizes")
    parser.add_argument("--output", "-o", type=Path, default=ROOT / "docs" / "performance.md")
    parser.add_argument(
        "--parts", default=",".join(PARTS), help=f"comma-separated subset of {','.join(PARTS)}"
    )
    parser.add_argument("--notes", type=Path, default=HERE / "notes.md", help="closing notes to append")
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument(
        "--render-only", action="store_true", help="redo the page from the last run's figures"
    )
    args = parser.parse_args(argv)
    parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    unknown = [p for p in parts if p not in PARTS]
    if unknown:
        parser.error(f"unknown part {unknown[0]!r}; choose from {', '.join(PARTS)}")
    plan = Plan.quick_plan() if args.quick else Plan.full()
    log = (
        (lambda message: None)
        if args.quiet
        else (lambda message: print(message, file=sys.stderr, flush=True))
    )
    res = collect(plan, parts, log)
    notes = args.notes.read_text(encoding="utf-8") if args.notes and args.notes.exists() else ""
    text = render(res, notes=notes)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    tmp = args.output.with_name(f".{args.output.name}.tmp")
    tmp.write_text(text + "\n", encoding="utf-8")
    os.replace(tmp, args.output)
    log(f"wrote {args.output} in {res.seconds:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
