"""Figures as the page shows them, and the sums and slopes that the tables and the targets share."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from benchmarks.harness import Timing, slope
from benchmarks.measurements import GraphRow, Row


def seconds_text(t: Timing | float | None) -> str:
    """``935 µs``, ``12.5 ms``, ``1.71 s``; a Timing's failure as it is."""
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


def ratio_text(r: float | None) -> str:
    return "–" if r is None else (f"{r:.2f}×" if r < 10 else f"{r:.0f}×")


def bytes_text(n: int | None) -> str:
    if n is None:
        return "–"
    if n < 1024**2:
        return f"{n / 1024:.0f} KiB"
    return f"{n / 1024**2:.1f} MiB"


def slope_text(s: float | None) -> str:
    return "–" if s is None else f"{s:.2f}"


def growth(rows: Iterable[Row], kind: str, largest: int = 4) -> float | None:
    """The slope of one kind of timing (``"steps"``, ``"whole"``, ``"diff"``, ...) over a family's sizes."""
    return slope([(r.size, getattr(r, kind).median) for r in rows], largest=largest)


def graph_growth(rows: list[GraphRow]) -> tuple[float | None, float | None]:
    """Slopes in time and in peak memory, on the three largest sizes."""
    return (
        slope([(r.size, r.time.median) for r in rows], largest=3),
        slope([(r.size, float(r.peak) if r.peak else None) for r in rows], largest=3),
    )


@dataclass(frozen=True, kw_only=True)
class HomeworkSummary:
    """The homework summed over the exercises where every figure was measured."""

    n: int
    complete: list[Row]  # every figure measured
    incomplete: list[Row]

    def total(self, kind: str) -> float:
        """Seconds of one kind (``"steps"``, ``"whole"``, ``"simplified_diff"``, ...), summed."""
        return sum(getattr(r, kind).median for r in self.complete)

    def ratio(self, ours: str, theirs: str) -> float | None:
        below = self.total(theirs)
        return self.total(ours) / below if below else None

    def median_ratio(self, ratio: Callable[[Row], float | None]) -> float | None:
        values = [v for v in map(ratio, self.complete) if v is not None]
        return statistics.median(values) if values else None

    @property
    def worst(self) -> Row | None:
        return max(self.complete, key=lambda r: r.ratio or 0.0, default=None)

    @property
    def slowest_whole(self) -> Row | None:
        """The slowest whole derivation; one that failed (timed out) counts as the slowest."""
        failed = [r for r in self.incomplete if not r.whole.ok]
        if failed:
            return failed[0]
        return max(self.complete, key=lambda r: r.whole.median or 0.0, default=None)


def homework_summary(rows: list[Row]) -> HomeworkSummary:
    def measured(r: Row) -> bool:
        return all(t is not None and t.ok for t in (r.steps, r.whole, r.diff, r.simplified_diff))

    return HomeworkSummary(
        n=len(rows),
        complete=[r for r in rows if measured(r)],
        incomplete=[r for r in rows if not measured(r)],
    )
