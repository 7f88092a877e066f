"""Every way a result can be shown: one row per (kind of result, format).

The rows are the single source of the format lists: the CLI's ``--format``
choices, the output-file suffixes each format implies, the formats a
result's ``render`` accepts. Renderers are named as ``module:function`` and
imported only when used, so reading the table costs nothing at start-up.

A renderer is ``function(result, settings) -> str``; a ``rich`` row may also
name a ``renderable`` (``function(result, settings)`` giving a rich
renderable, for colour on a terminal); a ``json`` row names ``data``
(``function(result, settings)`` giving the plain dictionary).

How to add a format: write the renderer in its own module under
``chainrule/views/`` and add one ``View`` row here per kind it shows.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chainrule.errors import UsageError


@dataclass(frozen=True, kw_only=True)
class View:
    """One format of one kind of result.

    Args:
        kind: the kind of result (``derivation``, ``gradient``, ``graph``, ``check``...).
        format: the format's name, as ``--format`` takes it.
        renderer: ``module:function`` giving the text.
        suffixes: output-file suffixes that choose this format.
        renderable: ``module:function`` giving a rich renderable (terminal colour).
        data: ``module:function`` giving the JSON object as Python data.
        image: the format is drawn by an outside program into a binary image.
    """

    kind: str
    format: str
    renderer: str
    suffixes: tuple[str, ...] = ()
    renderable: str | None = None
    data: str | None = None
    image: bool = False

    def load(self) -> Callable[..., str]:
        return _load(self.renderer)


def _load(target: str) -> Callable[..., Any]:
    module, _, name = target.partition(":")
    function: Callable[..., Any] = getattr(importlib.import_module(module), name)
    return function


_V = "chainrule.views."

VIEWS: tuple[View, ...] = (
    # A derivation: d/dx of one expression, step by step.
    View(
        kind="derivation",
        format="rich",
        renderer=_V + "rich:render_rich_text",
        renderable=_V + "rich:derivation_renderable",
    ),
    View(kind="derivation", format="text", renderer=_V + "text:render_text", suffixes=(".txt",)),
    View(kind="derivation", format="latex", renderer=_V + "latex:render_latex", suffixes=(".tex",)),
    View(kind="derivation", format="markdown", renderer=_V + "markdown:render_markdown", suffixes=(".md",)),
    View(
        kind="derivation",
        format="json",
        renderer=_V + "json:render_json",
        suffixes=(".json",),
        data=_V + "json:derivation_to_dict",
    ),
    View(kind="derivation", format="html", renderer=_V + "html:render_html", suffixes=(".html", ".htm")),
    # A gradient: several partial derivatives of one expression.
    View(
        kind="gradient",
        format="rich",
        renderer=_V + "gradient:render_rich_text",
        renderable=_V + "gradient:gradient_renderable",
    ),
    View(kind="gradient", format="text", renderer=_V + "gradient:render_text", suffixes=(".txt",)),
    View(kind="gradient", format="latex", renderer=_V + "gradient:render_latex", suffixes=(".tex",)),
    View(kind="gradient", format="markdown", renderer=_V + "gradient:render_markdown", suffixes=(".md",)),
    View(
        kind="gradient",
        format="json",
        renderer=_V + "gradient:render_json",
        suffixes=(".json",),
        data=_V + "gradient:gradient_to_dict",
    ),
    View(kind="gradient", format="html", renderer=_V + "gradient:render_html", suffixes=(".html", ".htm")),
    # A computational graph after its forward and backward pass.
    View(
        kind="graph",
        format="rich",
        renderer=_V + "graph.text:render_rich_text",
        renderable=_V + "graph.text:render_rich",
    ),
    View(kind="graph", format="text", renderer=_V + "graph.text:render_text", suffixes=(".txt",)),
    View(kind="graph", format="latex", renderer=_V + "graph.latex:render_latex", suffixes=(".tex",)),
    View(kind="graph", format="markdown", renderer=_V + "graph.markdown:render_markdown", suffixes=(".md",)),
    View(
        kind="graph",
        format="json",
        renderer=_V + "graph.json:render_json",
        suffixes=(".json",),
        data=_V + "graph.json:graph_to_dict",
    ),
    View(kind="graph", format="dot", renderer=_V + "graph.dot:render_dot", suffixes=(".dot", ".gv")),
    View(kind="graph", format="html", renderer=_V + "graph.html:render_html", suffixes=(".html", ".htm")),
    View(kind="graph", format="svg", renderer=_V + "graph.dot:render_dot", suffixes=(".svg",), image=True),
    View(kind="graph", format="png", renderer=_V + "graph.dot:render_dot", suffixes=(".png",), image=True),
    View(kind="graph", format="pdf", renderer=_V + "graph.dot:render_dot", suffixes=(".pdf",), image=True),
    # A Jacobian matrix: each entry's derivation, and the matrix chain rule.
    View(
        kind="jacobian",
        format="rich",
        renderer=_V + "jacobian:render_rich_text",
        renderable=_V + "jacobian:render_rich",
    ),
    View(kind="jacobian", format="text", renderer=_V + "jacobian:render_text", suffixes=(".txt",)),
    View(kind="jacobian", format="latex", renderer=_V + "jacobian:render_latex", suffixes=(".tex",)),
    View(kind="jacobian", format="markdown", renderer=_V + "jacobian:render_markdown", suffixes=(".md",)),
    View(
        kind="jacobian",
        format="json",
        renderer=_V + "jacobian:render_json",
        suffixes=(".json",),
        data=_V + "jacobian:jacobian_to_dict",
    ),
    View(kind="jacobian", format="html", renderer=_V + "jacobian:render_html", suffixes=(".html", ".htm")),
    # A dense network's forward and backward pass.
    View(
        kind="network",
        format="rich",
        renderer=_V + "network:render_rich_text",
        renderable=_V + "network:render_rich",
    ),
    View(kind="network", format="text", renderer=_V + "network:render_text", suffixes=(".txt",)),
    View(kind="network", format="latex", renderer=_V + "network:render_latex", suffixes=(".tex",)),
    View(kind="network", format="markdown", renderer=_V + "network:render_markdown", suffixes=(".md",)),
    View(
        kind="network",
        format="json",
        renderer=_V + "network:render_json",
        suffixes=(".json",),
        data=_V + "network:network_to_dict",
    ),
    View(kind="network", format="html", renderer=_V + "network:render_html", suffixes=(".html", ".htm")),
    # Implicit differentiation and related rates; parametric curves: one set of views for both.
    *(
        row
        for kind in ("implicit", "parametric")
        for row in (
            View(
                kind=kind,
                format="rich",
                renderer=_V + "applications.text:render_rich_text",
                renderable=_V + "applications.text:renderable",
            ),
            View(kind=kind, format="text", renderer=_V + "applications.text:render_text", suffixes=(".txt",)),
            View(
                kind=kind, format="latex", renderer=_V + "applications.latex:render_latex", suffixes=(".tex",)
            ),
            View(
                kind=kind,
                format="markdown",
                renderer=_V + "applications.markdown:render_markdown",
                suffixes=(".md",),
            ),
            View(
                kind=kind,
                format="json",
                renderer=_V + "applications.json:render_json",
                suffixes=(".json",),
                data=_V + "applications.json:to_dict",
            ),
            View(
                kind=kind,
                format="html",
                renderer=_V + "applications.html:render_html",
                suffixes=(".html", ".htm"),
            ),
        )
    ),
    # The verdict on a student's answer.
    View(
        kind="check",
        format="rich",
        renderer=_V + "check:render_rich_text",
        renderable=_V + "check:renderable",
    ),
    View(kind="check", format="text", renderer=_V + "check:render_text", suffixes=(".txt",)),
    View(
        kind="check",
        format="json",
        renderer=_V + "check:render_json",
        suffixes=(".json",),
        data=_V + "check:check_to_dict",
    ),
)


def formats(kind: str, *, images: bool = True) -> tuple[str, ...]:
    """The formats a kind of result can be shown in, in the table's order."""
    return tuple(v.format for v in VIEWS if v.kind == kind and (images or not v.image))


def suffixes(kind: str) -> dict[str, str]:
    """Output-file suffixes of a kind of result, and the format each chooses."""
    return {suffix: v.format for v in VIEWS if v.kind == kind for suffix in v.suffixes}


def view(kind: str, format: str) -> View:  # noqa: A002 - the format's name
    """The row for ``kind`` in ``format``; a ``UsageError`` naming the choices otherwise."""
    for row in VIEWS:
        if row.kind == kind and row.format == format:
            return row
    choices = ", ".join(formats(kind, images=False))
    raise UsageError(
        f"unknown format {format!r}; choose one of {choices} ({{format}})", parameters=("format",)
    )


def load(target: str) -> Callable[..., Any]:
    """The function a ``module:function`` name stands for."""
    return _load(target)
