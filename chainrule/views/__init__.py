"""Views: every result in every format, one registry and one settings set for all.

``render(result, format, **settings)`` shows a derivation, a gradient, a
graph or a check result in any of its formats (``formats(kind)``); the rows
of :mod:`chainrule.views.registry` say which exist. A result's own methods
(``d.to_latex()``, ``str(d)``) come here through ``chainrule.display``.
"""

from __future__ import annotations

from typing import Any

from chainrule.errors import UsageError
from chainrule.recursion import run_deep
from chainrule.views.registry import formats, load, suffixes, view
from chainrule.views.settings import NOTATIONS, Settings, make_settings

__all__ = ["NOTATIONS", "Settings", "formats", "kind_of", "render", "renderable", "suffixes", "to_data"]


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
    return run_deep(row.load(), result, options)


def to_data(result: object, **settings: Any) -> dict[str, Any]:
    """``result`` as its JSON object, in Python values."""
    row = view(kind_of(result), "json")
    assert row.data is not None
    data: dict[str, Any] = run_deep(load(row.data), result, make_settings("json", **settings))
    return data


def renderable(result: object, **settings: Any) -> Any:
    """A rich renderable of ``result`` (colour on a terminal)."""
    row = view(kind_of(result), "rich")
    assert row.renderable is not None
    return run_deep(load(row.renderable), result, make_settings("rich", **settings))
