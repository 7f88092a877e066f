"""Deep work runs where the stack can hold it, inside a budget, and leaves the host's
interpreter as it was, whatever its threads do (issue #13)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time

import pytest

import chainrule
from chainrule.errors import InternalError, LimitError, UsageError
from chainrule.recursion import Budget, BudgetError, budget, current_budget, deep_recursion, run_deep

THREADS_SCRIPT = textwrap.dedent("""
    import signal, sys, threading, time
    sys.setrecursionlimit(1000)
    stack_size = threading.stack_size()
    import chainrule
    assert sys.getrecursionlimit() == 1000, "import changed the limit"
    signal.signal(signal.SIGALRM, lambda *a: None)
    signal.setitimer(signal.ITIMER_REAL, 60.0)
    chainrule.derive("x*exp(x)")
    assert signal.getitimer(signal.ITIMER_REAL)[0] > 0, "the host's interval timer was cancelled"
    signal.setitimer(signal.ITIMER_REAL, 0)
    deep = "sin(" * 150 + "x" + ")" * 150
    deeper = "sin(" * 400 + "x" + ")" * 400
    sequential = str(chainrule.derive(deep).result), str(chainrule.derive("x**2").result)
    deeper_hash = hash(chainrule.derive(deeper).result)
    assert sys.getrecursionlimit() == 1000, "a call changed the limit"
    results, errors, stop = [], [], threading.Event()
    def quick():
        while not stop.is_set():
            try:
                results.append(("q", str(chainrule.derive("x**2").result)))
            except BaseException as e:
                errors.append(repr(e))
    def deepwork():
        try:
            for _ in range(3):
                results.append(("d", str(chainrule.derive(deep).result)))
                results.append(("D", hash(chainrule.derive(deeper).result)))
        except BaseException as e:
            errors.append(repr(e))
        finally:
            stop.set()
    quicks = [threading.Thread(target=quick) for _ in range(7)]
    for t in quicks: t.start()
    time.sleep(0.2)
    d = threading.Thread(target=deepwork); d.start(); d.join()
    for t in quicks: t.join()
    assert not errors, errors[:3]
    assert {r for k, r in results if k == "d"} == {sequential[0]}
    assert {r for k, r in results if k == "D"} == {deeper_hash}
    assert {r for k, r in results if k == "q"} == {sequential[1]}
    assert sys.getrecursionlimit() == 1000, sys.getrecursionlimit()
    assert threading.stack_size() == stack_size
    print("OK")
""")


@pytest.mark.slow
def test_threads_leave_the_host_as_it_was_and_agree_with_sequential_calls() -> None:
    r = subprocess.run([sys.executable, "-c", THREADS_SCRIPT], capture_output=True, timeout=300, check=False)
    assert r.returncode == 0 and r.stdout.strip() == b"OK", (r.returncode, r.stderr[-800:])


def test_the_limit_is_counted_across_concurrent_calls() -> None:
    before = sys.getrecursionlimit()
    inside: list[int] = []
    release = threading.Event()

    def hold() -> None:
        inside.append(sys.getrecursionlimit())
        release.wait(10)

    worker = threading.Thread(target=run_deep, args=(hold,))
    worker.start()
    while not inside:
        time.sleep(0.01)
    assert chainrule.derive("x**2").result is not None  # a quick call ends while the other runs
    assert sys.getrecursionlimit() >= inside[0] > before, "the quick call did not lower it"
    release.set()
    worker.join()
    assert sys.getrecursionlimit() == before


def test_a_host_change_meanwhile_is_kept() -> None:
    before = sys.getrecursionlimit()
    try:
        run_deep(sys.setrecursionlimit, 4321)
        assert sys.getrecursionlimit() == 4321
    finally:
        sys.setrecursionlimit(before)


def test_deep_recursion_outside_a_worker_stays_within_an_ordinary_stack() -> None:
    before = sys.getrecursionlimit()
    with deep_recursion(10**6):
        assert before < sys.getrecursionlimit() <= (8 << 20) // 4096
    assert sys.getrecursionlimit() == before


def test_nested_calls_run_inline_in_the_same_worker() -> None:
    def outer() -> tuple[str, str]:
        return threading.current_thread().name, run_deep(lambda: threading.current_thread().name)

    first, second = run_deep(outer)
    assert first == second == "chainrule"


def test_exceptions_become_chainrule_errors_at_the_outermost_call() -> None:
    with pytest.raises(InternalError, match="ValueError: bad"):
        run_deep(lambda: (_ for _ in ()).throw(ValueError("bad")))

    def deep(n: int) -> int:
        return deep(n + 1)

    with pytest.raises(LimitError, match="nested too deeply"):
        run_deep(deep, 0)
    with pytest.raises(KeyboardInterrupt):
        run_deep(lambda: (_ for _ in ()).throw(KeyboardInterrupt()))


def test_the_budget_stops_work_that_runs_past_it() -> None:
    def forever() -> None:
        while True:
            time.sleep(0.01)

    start = time.monotonic()
    with budget(seconds=0.5), pytest.raises(BudgetError, match=r"budget of 0\.5 s") as info:
        run_deep(forever)
    assert time.monotonic() - start < 5
    assert info.value.exit_code == 2 and not info.value.abandoned
    assert current_budget() == Budget()


def test_budgets_are_validated_and_belong_to_their_block() -> None:
    for bad in (0, -1, float("inf"), float("nan"), "10", True):
        with pytest.raises(UsageError, match="budget"):
            Budget(seconds=bad)  # type: ignore[arg-type]
    with pytest.raises(UsageError, match="unknown budget setting"):
        with budget(minutes=1):
            pass
    with budget(seconds=7):
        assert current_budget().seconds == 7.0
        seen: list[float] = []
        run_deep(lambda: seen.append(current_budget().seconds))
        assert seen == [7.0], "the worker sees the caller's budget"
    assert current_budget().seconds == Budget().seconds


def test_a_worksheet_line_has_a_budget_of_its_own() -> None:
    from chainrule.homework.worksheet import Exercise, solve

    def slow(*args: object, **kwargs: object) -> None:
        for _ in range(2000):
            time.sleep(0.01)

    with budget(seconds=3):
        solved = solve(Exercise(line=3, text="x^2"))
        assert solved.derivation is not None
        import chainrule.derivation.entry as engine

        original = engine.derive
        engine.derive = slow  # type: ignore[assignment]
        try:
            failed = solve(Exercise(line=4, text="x^3"))
        finally:
            engine.derive = original
    assert failed.error is not None and "budget" in failed.error.message and failed.error.exit_code == 2


def test_a_deadline_is_shared_by_every_call_inside_it() -> None:
    def slow() -> None:
        for _ in range(500):
            time.sleep(0.01)

    start = time.monotonic()
    with budget(seconds=30, deadline=time.monotonic() + 0.3), pytest.raises(BudgetError):
        run_deep(slow)
    assert time.monotonic() - start < 3
    with budget(seconds=2, deadline=time.monotonic() - 1):  # past: a worksheet line still gets its own
        assert run_deep(lambda: "done", own_budget=True) == "done"


def test_a_result_too_large_to_show_is_refused_at_once() -> None:
    from render_examples import deep_chain

    from chainrule.views import MAX_SHOWN

    d = run_deep(deep_chain, 800)  # SymPy builds it recursively: deep work
    start = time.monotonic()
    for fmt in ("text", "json", "rich"):
        with pytest.raises(LimitError, match="too large to show") as info:
            chainrule.render(d, fmt)
        assert f"{MAX_SHOWN:,}" in str(info.value)
    with pytest.raises(LimitError, match="too large to show"):
        d.to_dict()
    assert time.monotonic() - start < 5
