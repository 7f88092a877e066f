"""How a case is timed: in a forked child, with a time limit, from an empty SymPy cache.

Every case runs in a forked child process with a hard time limit, so an
exploding case is reported as ``timed out after N s`` (or ``RecursionError``)
instead of stopping the run, and no case inherits another's memory. Each timed
run starts from an empty SymPy cache (``clear_cache()``), for our code and for
SymPy's alike: a repeated run must not just read back the previous run's
results. Times are medians of repeated runs (``time.perf_counter``). Growth
exponents are least-squares slopes of log(time) over log(size), fitted on the
largest sizes, where fixed costs no longer hide the growth.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing
import os
import re
import statistics
import subprocess
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sympy.core.cache import clear_cache

#: Where a run reports its progress (stderr, or nowhere).
Log = Callable[[str], None]

#: The child's thread stack: SymPy hashes, compares and prints deep trees recursively.
CHILD_STACK_BYTES = 1024 * 1024 * 1024


def timed_out(seconds: float) -> str:
    """The failure text of a case stopped at its time limit."""
    return f"timed out after {seconds:g} s"


#: In a child only: the pipe to the parent, so a phase can say it has begun (see ``Phases.timing``).
_to_parent: Any = None


class Phases(dict[str, float]):
    """Seconds spent in each phase of one timed run, e.g. ``{"derive": 0.01, "verify": 0.02}``.

    A case returns this to have each phase's median reported beside the whole run's.
    Timing each phase with :meth:`timing` also tells the parent which phase is
    running, so a case stopped at its time limit says where it was
    (``timed out after 10 s in verify``) and what it had finished.
    """

    @contextlib.contextmanager
    def timing(self, name: str) -> Iterator[None]:
        if _to_parent is not None:
            _to_parent.send(("phase", name, dict(self)))
        start = time.perf_counter()
        yield
        self[name] = time.perf_counter() - start


@dataclass(frozen=True, kw_only=True)
class Timing:
    """The median of repeated runs, or why there is none (``timed out after 20 s``, ``RecursionError``)."""

    median: float | None
    runs: int = 0
    failure: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    phases: dict[str, float] = field(default_factory=dict)
    unfinished: str | None = None  # the phase that was running when the case failed

    @property
    def ok(self) -> bool:
        return self.median is not None

    @property
    def timed_out(self) -> bool:
        return (self.failure or "").startswith("timed out")

    def phase(self, name: str) -> Timing:
        """One phase's median as a Timing of its own; the failure, if it failed in this phase."""
        if name in self.phases:
            return Timing(median=self.phases[name], runs=max(1, self.runs))
        if self.failure and (name == self.unfinished or self.unfinished is None):
            return Timing(median=None, failure=self.failure.removesuffix(f" in {name}"))
        return Timing(median=None, failure="–")  # never reached


def over(ours: Timing, theirs: Timing | None) -> float | None:
    """Our median over theirs, when both were measured."""
    if theirs is not None and ours.ok and theirs.ok and theirs.median:
        return ours.median / theirs.median  # type: ignore[operator]
    return None


def brief(timing: Timing) -> str:
    """A timing for the progress log: ``0.0123 s`` or why there is none."""
    return f"{timing.median:.4f} s" if timing.ok else str(timing.failure)


def not_run(reason: str) -> Timing:
    """A case deliberately skipped (``not run (timed out after 10 s at depth 20)``)."""
    return Timing(median=None, failure=f"not run ({reason})")


# --------------------------------------------------------------------------- a case in a child


def _child(conn: Any, fn: Callable[..., Any], setup: Callable[[], Any] | None, settings: dict) -> None:
    """Run the case in a thread with a large stack."""
    global _to_parent
    _to_parent = conn
    threading.stack_size(CHILD_STACK_BYTES)
    worker = threading.Thread(target=_report_case, args=(conn, fn, setup, settings))
    worker.start()
    worker.join()


def _report_case(conn: Any, fn: Callable[..., Any], setup: Callable[[], Any] | None, settings: dict) -> None:
    try:
        call = fn
        if setup is not None:
            prepared = setup()  # untimed: the inputs exist before the first run
            call = lambda: fn(prepared)  # noqa: E731
        if settings["memory"]:
            conn.send(("ok", [0.0], {"peak": _peak_memory(call)}, {}))
        else:
            conn.send(("ok", *_repeat(call, settings["repeats"], settings["budget"])))
    except RecursionError:
        conn.send(("error", "RecursionError", {}, {}))
    except MemoryError:
        conn.send(("error", "MemoryError", {}, {}))
    except BaseException as err:  # noqa: BLE001 - reported in the table
        message = f"{type(err).__name__}: {str(err)[:80]}"
        conn.send(("error", message, {"trace": traceback.format_exc()}, {}))


def _peak_memory(call: Callable[[], Any]) -> int:
    """Peak bytes traced by ``tracemalloc`` during one run (the inputs exist before it)."""
    import tracemalloc

    clear_cache()
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _repeat(
    call: Callable[[], Any], repeats: int, budget: float
) -> tuple[list[float], dict[str, Any], dict[str, float]]:
    """Up to ``repeats`` timed runs, each from an empty cache; fewer once ``budget`` seconds are spent."""
    times: list[float] = []
    phases: dict[str, list[float]] = {}
    spent = 0.0
    value: Any = None
    while len(times) < repeats:
        clear_cache()
        start = time.perf_counter()
        value = call()
        elapsed = time.perf_counter() - start
        times.append(elapsed)
        if isinstance(value, Phases):
            for name, seconds in value.items():
                phases.setdefault(name, []).append(seconds)
        spent += elapsed
        if spent > budget and len(times) >= min(3, repeats):
            break
        if elapsed > budget:  # one run already over the budget: its figure stands alone
            break
    extra = {"value": value} if isinstance(value, int) and not isinstance(value, bool) else {}
    return times, extra, {name: statistics.median(values) for name, values in phases.items()}


def measure(
    fn: Callable[..., Any],
    *,
    repeats: int,
    budget: float,
    timeout: float,
    setup: Callable[[], Any] | None = None,
    memory: bool = False,
) -> Timing:
    """Time ``fn`` in a forked child: up to ``repeats`` runs, at most ``timeout`` seconds in all.

    Args:
        fn: the case; called as ``fn()``, or ``fn(setup())`` when ``setup`` is given.
        repeats: the most timed runs.
        budget: seconds of timed runs after which three runs suffice.
        timeout: the hard limit for the child, inputs and all.
        setup: builds the inputs in the child, untimed, before the first run.
        memory: instead of timing, report the peak traced memory of one run
            (``Timing.extra["peak"]``), in its own child so tracing slows no timed run.
    """
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    settings = {"repeats": repeats, "budget": budget, "memory": memory}
    process = ctx.Process(target=_child, args=(send, fn, setup, settings), daemon=True)
    process.start()
    send.close()
    message, began = _await_message(receive, process, timeout)
    if message is None:
        failure = timed_out(timeout) if process.is_alive() else None
        process.kill()
        process.join()
        failure = failure or f"crashed (exit {process.exitcode})"
        if began is None:
            return Timing(median=None, failure=failure)
        phase, done = began
        return Timing(median=None, failure=f"{failure} in {phase}", phases=done, unfinished=phase)
    process.join(5)
    if process.is_alive():
        process.kill()
        process.join()
    status, payload, extra, phases = message
    if status != "ok":
        if began is None:
            return Timing(median=None, failure=payload, extra=extra)
        phase, done = began
        return Timing(
            median=None, failure=f"{payload} in {phase}", extra=extra, phases=done, unfinished=phase
        )
    return Timing(median=statistics.median(payload), runs=len(payload), extra=extra, phases=phases)


def _await_message(receive: Any, process: Any, timeout: float) -> tuple[Any, tuple[str, dict] | None]:
    """The child's result, or ``None`` if it died or ran past ``timeout``; and the last phase it began."""
    deadline = time.monotonic() + timeout
    began: tuple[str, dict] | None = None
    while time.monotonic() < deadline:
        if receive.poll(min(0.5, max(0.0, deadline - time.monotonic()))):
            try:
                message = receive.recv()
            except EOFError:
                return None, began
            if message[0] != "phase":
                return message, began
            began = (message[1], message[2])
        elif not process.is_alive():
            return None, began
    return None, began


# --------------------------------------------------------------------------- growth


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


# --------------------------------------------------------------------------- whole processes


#: Where whole processes keep their bytecode: an installed wheel has its ``.pyc`` files, so
#: processes are timed with a bytecode cache (``PYTHONDONTWRITEBYTECODE`` is dropped for them).
BYTECODE_CACHE = Path(tempfile.gettempdir()) / "chainrule-benchmarks-pycache"


def process_env() -> dict[str, str]:
    """The environment of a timed process: no colour, and the bytecode cache."""
    env = {**os.environ, "NO_COLOR": "1", "TERM": "dumb", "PYTHONPYCACHEPREFIX": str(BYTECODE_CACHE)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_process(args: Sequence[str], *, timeout: float, cwd: Path) -> float:
    """Seconds one whole process takes; raises ``subprocess`` errors on a failure or a timeout."""
    env = process_env()
    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True, timeout=timeout, env=env, cwd=cwd)
    return time.perf_counter() - start


def _process_failure(err: subprocess.SubprocessError, timeout: float) -> str:
    if isinstance(err, subprocess.TimeoutExpired):
        return timed_out(timeout)
    assert isinstance(err, subprocess.CalledProcessError)
    tail = (err.stderr or b"").decode(errors="replace").strip().splitlines()[-1:] or [""]
    return f"exit {err.returncode}: {tail[0][:120]}"


def time_process(args: Sequence[str], *, timeout: float, cwd: Path) -> Timing:
    """One whole process, timed once; a failure or a timeout is reported, not raised."""
    try:
        return Timing(median=run_process(args, timeout=timeout, cwd=cwd), runs=1)
    except subprocess.SubprocessError as err:
        return Timing(median=None, failure=_process_failure(err, timeout))


def time_processes(
    commands: Mapping[str, Sequence[str]], *, runs: int, timeout: float, cwd: Path
) -> dict[str, Timing]:
    """Median seconds of each command over ``runs`` whole-process runs, interleaved.

    Interleaving makes drift on a shared machine hit every command alike. One
    untimed run of each warms the file cache and the bytecode first. A command
    that fails or passes ``timeout`` is not run again and reports why.
    """
    times: dict[str, list[float]] = {name: [] for name in commands}
    failures: dict[str, Timing] = {}
    for round_ in range(runs + 1):
        for name, args in commands.items():
            if name in failures:
                continue
            timing = time_process(args, timeout=timeout, cwd=cwd)
            if not timing.ok:
                failures[name] = timing
            elif round_:
                times[name].append(timing.median)  # type: ignore[arg-type]
    return {
        name: failures.get(name) or Timing(median=statistics.median(times[name]), runs=runs)
        for name in commands
    }


def top_imports(importtime: str, count: int = 5) -> list[tuple[str, float]]:
    """The slowest top-level imports in ``python -X importtime`` output (cumulative seconds)."""
    found = []
    for line in importtime.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)", line)
        if match and len(match.group(2)) == 1:
            found.append((match.group(3), int(match.group(1)) / 1e6))
    return sorted(found, key=lambda item: -item[1])[:count]
