"""Views: every result in every format, one registry and one settings set for all.

``render(result, format, **settings)`` shows a derivation, a gradient, a
graph or a check result in any of its formats (``formats(kind)``); the rows
of :mod:`chainrule.views.registry` say which exist. A result's own methods
(``d.to_latex()``, ``str(d)``) come here through ``chainrule.display``.
"""

from __future__ import annotations

from typing import Any

from chainrule.errors import LimitError, UsageError
from chainrule.recursion import run_deep
from chainrule.views.registry import formats, load, suffixes, view
from chainrule.views.settings import NOTATIONS, Settings, make_settings

__all__ = [
    "MAX_SHOWN", "NOTATIONS", "Settings", "formats", "kind_of", "render", "renderable", "suffixes", "to_data",
]

#: The most expression parts (tree nodes, each shared subtree counted where it is printed) one
#: result may ask to print. A 300-deep nest has 140,000 and prints in seconds; printing grows
#: faster than that, and SymPy's printers hold the interpreter for minutes at a time (no budget
#: can stop them) on derivations of millions (1000 nested ``sin``).
MAX_SHOWN = 400_000


def kind_of(result: object) -> str:
    """The registry's kind for a result (its ``view_kind``)."""
    kind = getattr(type(result), "view_kind", "")
    if not kind:
        raise UsageError(f"cannot render a {type(result).__name__}")
    return str(kind)


def render(result: object, format: str = "text", **settings: Any) -> str:  # noqa: A002 - the format's name
    """``result`` in ``format`` as a string (``rich`` gives the terminal view without colour)."""
    row = view(kind_of(result), format)
    options = make_settings(format, **settings)
    check_size(result)
    return run_deep(row.load(), result, options)


def to_data(result: object, **settings: Any) -> dict[str, Any]:
    """``result`` as its JSON object, in Python values."""
    row = view(kind_of(result), "json")
    assert row.data is not None
    check_size(result)
    data: dict[str, Any] = run_deep(load(row.data), result, make_settings("json", **settings))
    return data


def renderable(result: object, **settings: Any) -> Any:
    """A rich renderable of ``result`` (colour on a terminal)."""
    row = view(kind_of(result), "rich")
    assert row.renderable is not None
    check_size(result)
    return run_deep(load(row.renderable), result, make_settings("rich", **settings))


def check_size(result: object) -> None:
    """Refuse, at once, a result too large to print (see :data:`MAX_SHOWN`)."""
    derivations = list(getattr(result, "derivations", ()))
    for candidate in (result, getattr(result, "derivation", None)):
        if hasattr(candidate, "walk") and hasattr(candidate, "raw_result"):
            derivations.append(candidate)
    exprs: list[Any] = []
    for derivation in derivations:
        exprs += [derivation.expr, derivation.result, derivation.raw_result]
        for step, _, _ in derivation.walk():
            exprs += [step.expr, step.result, *(value for _, value in step.bindings)]
    size = _printed_size(exprs)
    if size > MAX_SHOWN:
        raise LimitError(
            f"the result is too large to show: about {size:,} expression parts to print, more than "
            f"{MAX_SHOWN:,}; ask for a smaller expression or a lower order"
        )


def _printed_size(exprs: list[Any]) -> int:
    """The expressions' sizes as printed: shared subtrees counted once per place (no recursion)."""
    size: dict[int, int] = {}
    total = 0
    for expr in exprs:
        stack = [expr]
        while stack:
            node = stack[-1]
            if id(node) in size:
                stack.pop()
                continue
            pending = [a for a in node.args if id(a) not in size]
            if pending:
                stack.extend(pending)
                continue
            stack.pop()
            size[id(node)] = 1 + sum(size[id(a)] for a in node.args)
        total += size[id(expr)]
        if total > MAX_SHOWN:
            break
    return total
