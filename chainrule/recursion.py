"""Room for deep expressions in SymPy's recursive code.

SymPy builds, compares, substitutes and prints trees recursively, once (or
more) per level, so a deep but legitimate expression (``sin(sin(...(x)))``,
300 levels) needs more than Python's default 1000 frames. Our own code walks
unbounded depths with explicit stacks; this is only for SymPy's.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

#: Enough for a few hundred nested functions in SymPy's builders and printers.
RECURSION_LIMIT = 20_000


@contextlib.contextmanager
def deep_recursion(limit: int = RECURSION_LIMIT) -> Iterator[None]:
    """Raise Python's recursion limit to at least ``limit`` for the block, then restore it."""
    before = sys.getrecursionlimit()
    sys.setrecursionlimit(max(before, limit))
    try:
        yield
    finally:
        sys.setrecursionlimit(before)
