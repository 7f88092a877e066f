"""Deep work: SymPy's recursion on a stack that can hold it, inside a time budget.

SymPy builds, compares, substitutes and prints trees recursively, several
frames per level, so a deep but legitimate expression (``sin(sin(...(x)))``,
300 levels) needs more than Python's default 1000 frames. Raising the limit
alone is not safe: on some paths (``Subs.evalf``) the main thread's 8 MiB C
stack overflows at about 16,000 frames, and the process dies of a
segmentation fault instead of raising ``RecursionError``.

So every public call runs its work through :func:`run_deep`: in a worker
thread with a stack of :data:`STACK_BYTES`, the recursion limit raised while
any chainrule call runs, and the caller waiting for it at most the
:class:`Budget`'s ``seconds``. A call made from inside that work (``derive``
parsing its input) runs inline, under the same budget. A worker that finished
its call waits for the next one (at most :data:`MAX_IDLE` wait): starting a
thread on so large a stack costs more than a small derivation.

The recursion limit belongs to the interpreter, not to a thread, so it is
counted: the first call in flight raises it, the last one to end puts back
what it was (unless the host changed it meanwhile). Concurrent calls never
lower it under one another, and when no call runs, the host's settings are
as it left them; ``threading.stack_size`` is changed only while the worker
starts, under a lock.

>>> run_deep(sum, [1, 2, 3])
6
>>> with budget(seconds=5):
...     current_budget().seconds
5.0
"""

from __future__ import annotations

import contextlib
import contextvars
import ctypes
import dataclasses
import math
import os
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from chainrule.errors import ChainruleError, InternalError, LimitError, UsageError

T = TypeVar("T")

#: The recursion limit deep work runs under (the host's, if that is higher).
RECURSION_LIMIT = 20_000
#: The worker's stack: virtual memory, committed only as deep as the work goes.
STACK_BYTES = 256 << 20
#: C stack allowed per Python frame when a limit is checked against a stack size.
_BYTES_PER_FRAME = 4096
#: How long a worker past its budget may take to stop before it is abandoned.
GRACE_SECONDS = 5.0


@dataclasses.dataclass(frozen=True, kw_only=True)
class Budget:
    """How much one public call may spend.

    Args:
        seconds: wall-clock time for the whole call (a derivation, a check, a
            rendering); past it the call stops with a ``LimitError``.
        deadline: a ``time.monotonic()`` instant by which every call must end,
            whatever its ``seconds`` (the command line gives a whole command one
            budget this way); ``None``: each call has ``seconds`` of its own.
    """

    seconds: float = 60.0
    deadline: float | None = None

    def __post_init__(self) -> None:
        seconds = self.seconds
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not (
            math.isfinite(seconds) and seconds > 0
        ):
            raise UsageError(
                f"{{budget}} must be a positive number of seconds, not {seconds!r}", parameters=("budget",)
            )
        object.__setattr__(self, "seconds", float(seconds))

    def timeout(self) -> float:
        """How long the next call may take."""
        if self.deadline is None:
            return self.seconds
        return max(0.0, min(self.seconds, self.deadline - time.monotonic()))


_DEFAULT = Budget()
_BUDGET: contextvars.ContextVar[Budget | None] = contextvars.ContextVar("chainrule_budget", default=None)


def current_budget() -> Budget:
    """The budget of calls made here (the innermost :func:`budget` block's, else the default)."""
    return _BUDGET.get() or _DEFAULT


@contextlib.contextmanager
def budget(**changes: Any) -> Iterator[Budget]:
    """Give the public calls in the block another budget: ``with budget(seconds=60): derive(...)``.

    The setting belongs to the calling thread (and its context), so threads
    with different budgets do not disturb each other.
    """
    unknown = set(changes) - {f.name for f in dataclasses.fields(Budget)}
    if unknown:
        raise UsageError(f"unknown budget setting {sorted(unknown)[0]!r}; the settings are seconds, deadline")
    token = _BUDGET.set(dataclasses.replace(current_budget(), **changes))
    try:
        yield current_budget()
    finally:
        _BUDGET.reset(token)


@contextlib.contextmanager
def command_budget(*, seconds: float | None = None, whole: bool = False) -> Iterator[Budget]:
    """The budget of a whole command for the block: ``seconds`` (else the default) for each
    call, or, ``whole``, for all of them together by a deadline; put back after."""
    chosen = _DEFAULT if seconds is None else Budget(seconds=seconds)
    if whole:
        chosen = dataclasses.replace(chosen, deadline=time.monotonic() + chosen.seconds)
    token = _BUDGET.set(chosen)
    try:
        yield chosen
    finally:
        _BUDGET.reset(token)


class BudgetError(LimitError):
    """A call ran past its time budget. ``abandoned``: its worker did not stop and still runs."""

    def __init__(self, seconds: float, *, abandoned: bool = False) -> None:
        super().__init__(
            f"the work took longer than its budget of {seconds:g} s ({{budget}}); "
            "the input is too large to finish in time",
            parameters=("budget",),
        )
        self.abandoned = abandoned


class _Stop(BaseException):
    """Raised asynchronously in a worker past its budget (a ``BaseException``, so SymPy's
    ``except Exception`` blocks cannot swallow it)."""


# -- the recursion limit, counted -------------------------------------------------------

_limit_lock = threading.Lock()
_users = 0
_saved_limit = 0
_our_limit = 0
_local = threading.local()


def _acquire(limit: int) -> None:
    """Count one more user of a limit of at least ``limit`` (never lowering it)."""
    global _users, _saved_limit, _our_limit
    with _limit_lock:
        current = sys.getrecursionlimit()
        if _users == 0:
            _saved_limit = current
        if limit > current:
            sys.setrecursionlimit(limit)
        _our_limit = sys.getrecursionlimit()
        _users += 1
        _local.held = getattr(_local, "held", 0) + 1


def _release(count: int = 1) -> None:
    """``count`` users fewer; the last puts back the host's limit, unless the host changed it."""
    global _users
    with _limit_lock:
        count = min(count, getattr(_local, "held", 0))
        _users -= count
        _local.held = getattr(_local, "held", 0) - count
        if count and _users == 0 and sys.getrecursionlimit() == _our_limit and _our_limit != _saved_limit:
            with contextlib.suppress(RecursionError, ValueError):
                sys.setrecursionlimit(_saved_limit)


def _stack_frames() -> int:
    """How many frames this thread's stack holds safely."""
    stack = getattr(_local, "stack", 0)
    if not stack:
        stack = 8 << 20  # a main thread's usual stack, a thread's default
    return max(1000, stack // _BYTES_PER_FRAME)


@contextlib.contextmanager
def deep_recursion(limit: int = RECURSION_LIMIT) -> Iterator[None]:
    """The recursion limit at least ``limit`` for the block, as far as this thread's stack allows.

    Inside :func:`run_deep`'s worker the stack is large; elsewhere the limit
    is raised only as far as an ordinary stack holds, so deep input ends in
    ``RecursionError`` rather than a crash.
    """
    _acquire(min(limit, _stack_frames()))
    try:
        yield
    finally:
        _release()


# -- the worker ---------------------------------------------------------------------------

_start_lock = threading.Lock()
#: How many finished workers wait for the next call (a new thread's deep stack is mapped
#: afresh and faulted in page by page: about 0.5 ms a call, more than a small derivation).
MAX_IDLE = 2
_idle: list[_Worker] = []
_idle_lock = threading.Lock()


class _Run:
    """One call: its outcome, whether it is done, and whether it may still be stopped."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.done = threading.Event()
        self.running = False
        self.stopped = False
        self.result: Any = None
        self.error: BaseException | None = None


class _Worker:
    """A thread with a deep stack that runs calls one after another, waiting in ``_idle`` between
    them; a worker that was stopped, or finds ``MAX_IDLE`` others waiting, ends instead."""

    def __init__(self) -> None:
        self.jobs: queue.SimpleQueue[tuple[Any, ...]] = queue.SimpleQueue()
        self.thread: threading.Thread | None = None


def run_deep(
    function: Callable[..., T],
    /,
    *args: Any,
    own_budget: bool = False,
    limit: int = RECURSION_LIMIT,
    **kwargs: Any,
) -> T:
    """``function(*args, **kwargs)`` in a worker with a deep stack, within the current budget.

    Called from inside such work, it runs inline (the outer call's budget
    covers it), unless ``own_budget``: then it gets a worker and a budget of
    its own (a worksheet's lines). At the outermost call, an exception that is
    not a ``ChainruleError`` becomes one: ``RecursionError`` and ``MemoryError``
    a ``LimitError``, anything else an ``InternalError`` naming it.
    """
    if getattr(_local, "inside", False) and not own_budget:
        with deep_recursion(limit):
            return function(*args, **kwargs)
    allowed = current_budget()
    if own_budget:  # its own seconds, whatever is left of an outer deadline
        allowed = dataclasses.replace(allowed, deadline=time.monotonic() + allowed.seconds)
    seconds, timeout = allowed.seconds, allowed.timeout()
    run = _Run()
    context = contextvars.copy_context()
    context.run(_BUDGET.set, allowed)
    worker = _take_worker()
    if worker is None:  # no thread could be started: run here, with the stack there is
        try:
            with deep_recursion(limit):
                _local.inside = True
                return function(*args, **kwargs)
        except BaseException as err:
            raise _public(err) from err
        finally:
            _local.inside = False
    worker.jobs.put((run, function, args, kwargs, context, limit))
    thread = worker.thread
    assert thread is not None
    try:
        if not run.done.wait(timeout):
            _stop(run, thread)
            if not run.done.wait(GRACE_SECONDS):
                raise BudgetError(seconds, abandoned=True)
    except BaseException:  # KeyboardInterrupt in the caller: stop the worker too
        _stop(run, thread)
        raise
    if run.error is not None:
        if isinstance(run.error, _Stop) or (run.stopped and not isinstance(run.error, ChainruleError)):
            raise BudgetError(seconds) from None
        raise _public(run.error) from run.error
    return run.result


def _take_worker() -> _Worker | None:
    """An idle worker, else a new one; ``None`` if no thread could be started."""
    with _idle_lock:
        if _idle:
            return _idle.pop()
    return _start()


def _start() -> _Worker | None:
    """Start a worker thread on a large stack (a smaller one if refused); ``None`` if none starts."""
    for stack in (STACK_BYTES, 32 << 20):
        worker = _Worker()
        thread = threading.Thread(target=_serve, args=(worker, stack), name="chainrule", daemon=True)
        worker.thread = thread
        with _start_lock:
            try:
                previous = threading.stack_size(stack)
            except (ValueError, RuntimeError):
                continue
            try:
                thread.start()
            except RuntimeError:
                continue
            finally:
                threading.stack_size(previous)
        return worker
    return None


def _serve(worker: _Worker, stack: int) -> None:
    """The worker's loop: each call, then back among the idle workers (unless it was stopped,
    or enough wait already), and only then is the caller told that its call is done."""
    _local.inside = True
    _local.stack = stack
    while True:
        job = worker.jobs.get()
        run, parked = job[0], False
        try:
            _work(*job)
        except _Stop:  # a stop that arrived as its call ended: this worker ends
            pass
        finally:
            with _idle_lock:
                parked = not run.stopped and len(_idle) < MAX_IDLE
                if parked:
                    _idle.append(worker)
            run.done.set()
        if not parked:
            return


def _forget_workers() -> None:
    """In a forked child: the parent's workers do not exist there."""
    global _idle_lock
    _idle.clear()
    _idle_lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_workers)


def _work(
    run: _Run,
    function: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    context: contextvars.Context,
    limit: int,
) -> None:
    _acquire(min(limit, _local.stack // _BYTES_PER_FRAME))
    try:
        try:
            with run.lock:
                run.running = True
            try:
                run.result = context.run(function, *args, **kwargs)
            except BaseException as err:  # noqa: BLE001 - handed to the caller
                run.error = err
            finally:
                with run.lock:
                    run.running = False
        except _Stop as err:  # it arrived in the bookkeeping above
            run.error = err
    finally:
        _release(getattr(_local, "held", 0))  # its own, and any a stop cut short inside


def _stop(run: _Run, thread: threading.Thread) -> None:
    """Raise ``_Stop`` in the worker at its next bytecode, if it is still in the work."""
    with run.lock:
        if run.running and not run.stopped and thread.ident is not None:
            run.stopped = True
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread.ident), ctypes.py_object(_Stop))


def _public(err: BaseException) -> BaseException:
    """The exception a public call raises for ``err``: a ``ChainruleError`` whenever it can be."""
    if isinstance(err, ChainruleError) or not isinstance(err, Exception):
        return err
    if isinstance(err, RecursionError):
        return LimitError("the expression is nested too deeply to handle (max_depth)")
    if isinstance(err, MemoryError):
        return LimitError("the work needs more memory than there is; the input is too large")
    try:
        detail = str(err).splitlines()[0] if str(err) else ""
    except Exception:  # noqa: BLE001 - some SymPy exceptions cannot print themselves
        detail = ""
    return InternalError(f"{type(err).__name__}{': ' + detail if detail else ''}")


__all__ = [
    "GRACE_SECONDS",
    "RECURSION_LIMIT",
    "STACK_BYTES",
    "Budget",
    "BudgetError",
    "budget",
    "command_budget",
    "current_budget",
    "deep_recursion",
    "run_deep",
]
