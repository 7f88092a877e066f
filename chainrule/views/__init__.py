"""Renderers: one module per output format, one dispatch style for all.

``render(derivation, format, **settings)`` is the entry point; settings are
validated (``chainrule.views.base.Settings``) and the same for every format.
The mathematics each step shows is computed once, in
``chainrule.views.notation``, and printed by each format's printer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from chainrule.derivation.model import Derivation
from chainrule.errors import UsageError
from chainrule.views.base import NOTATIONS, Settings, make_settings, recursion_limit

FORMATS = ("rich", "text", "latex", "markdown", "json", "html")

__all__ = [
    "FORMATS", "NOTATIONS", "Settings", "recursion_limit", "render", "render_many", "renderable", "to_data",
]


# TEMPORARY (graph branch only): results with a ``view_kind`` (the graph) go
# through the views' registry, as main's new views/__init__.py does for every
# result. At merge, take main's version of this file and drop these lines.
def _by_registry(result: object, format: str, **settings: Any) -> str:  # noqa: A002
    from chainrule.recursion import deep_recursion
    from chainrule.views.registry import view
    from chainrule.views.settings import make_settings

    row = view(str(type(result).view_kind), format)  # type: ignore[attr-defined]
    options = make_settings(format, **settings)
    with deep_recursion():
        return row.load()(result, options)


def to_data(result: object, **settings: Any) -> dict[str, Any]:
    """``result`` as its JSON object, in Python values (TEMPORARY, see ``_by_registry``)."""
    from chainrule.views.registry import load, view
    from chainrule.views.settings import make_settings

    row = view(str(type(result).view_kind), "json")  # type: ignore[attr-defined]
    assert row.data is not None
    data: dict[str, Any] = load(row.data)(result, make_settings("json", **settings))
    return data


def renderable(result: object, **settings: Any) -> Any:
    """A rich renderable of ``result`` (TEMPORARY, see ``_by_registry``)."""
    from chainrule.views.registry import load, view
    from chainrule.views.settings import make_settings

    row = view(str(type(result).view_kind), "rich")  # type: ignore[attr-defined]
    assert row.renderable is not None
    return load(row.renderable)(result, make_settings("rich", **settings))


def render(derivation: Derivation, format: str = "text", **settings: Any) -> str:
    """The derivation in ``format`` (one of ``FORMATS``) as a string.

    ``rich`` gives the terminal view without colour; the CLI prints the rich
    renderable itself so a terminal gets colour.
    """
    if getattr(type(derivation), "view_kind", ""):
        return _by_registry(derivation, format, **settings)
    options = make_settings(**settings)
    if options.standalone and format != "latex":
        raise UsageError("--standalone applies only to the latex format")
    with recursion_limit():
        if format == "text":
            from chainrule.views.text import render_text

            return render_text(derivation, options)
        if format == "latex":
            from chainrule.views.latex import render_latex

            return render_latex(derivation, options)
        if format == "markdown":
            from chainrule.views.markdown import render_markdown

            return render_markdown(derivation, options)
        if format == "json":
            from chainrule.views.json import render_json

            return render_json(derivation, indent=options.indent, settings=options)
        if format == "rich":
            from chainrule.views.rich import render_rich_text

            return render_rich_text(derivation, options)
        if format == "html":
            from chainrule.views.html import render_html

            return render_html(derivation, options)
    raise UsageError(f"unknown format {format!r}; choose one of {', '.join(FORMATS)}")


def render_many(derivations: Sequence[Derivation], format: str = "text", **settings: Any) -> str:
    """Several partial derivatives of one expression (a gradient) as one document."""
    if len(derivations) == 1:
        return render(derivations[0], format, **settings)
    options = make_settings(**settings)
    if options.standalone and format != "latex":
        raise UsageError("--standalone applies only to the latex format")
    if format not in FORMATS:
        raise UsageError(f"unknown format {format!r}; choose one of {', '.join(FORMATS)}")
    from chainrule.views.gradient import render_gradient

    with recursion_limit():
        return render_gradient(derivations, format, options)
