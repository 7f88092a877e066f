r"""Rich display in Jupyter: HTML, LaTeX and Markdown for every kind of result.

A notebook cell ending in ``chainrule.derive("sin(x**2)")`` calls the
object's ``_repr_html_`` (or ``_repr_markdown_``/``_repr_latex_``, whichever
the front end prefers); ``chainrule.display`` sends them here, and the table
below picks the function for the kind of result. HTML is the page's content
in a ``<div class="chainrule">`` with a scoped style sheet and MathML; LaTeX is
what MathJax typesets (an ``align*`` or ``array``, no ``longtable``);
Markdown has ``$...$`` math.
"""

from __future__ import annotations

from typing import Any

from chainrule.recursion import run_deep
from chainrule.views import kind_of, render
from chainrule.views.registry import load

__all__ = ["html", "latex", "markdown"]

_V = "chainrule.views."

#: For each kind of result: the functions giving its HTML fragment, MathJax LaTeX and Markdown
#: (``None``: the kind's ordinary ``latex`` or ``markdown`` format).
_DISPLAY: dict[str, tuple[str, str | None, str | None]] = {
    "derivation": (_V + "html:render_html_fragment", None, None),
    "gradient": (_V + "gradient:render_html_fragment", None, None),
    "graph": (
        _V + "graph.html:render_html_fragment",
        _V + "graph.latex:render_jupyter_latex",
        _V + "graph.markdown:render_markdown",
    ),
    "jacobian": (_V + "jacobian:render_html_fragment", None, None),
    "network": (_V + "network:render_html_fragment", None, None),
    "check": (_V + "check:check_html", _V + "check:check_latex", _V + "check:check_markdown"),
}


def _show(result: Any, which: int, format: str) -> str:  # noqa: A002 - the format's name
    target = _DISPLAY[kind_of(result)][which]
    if target is None:
        return render(result, format)
    text: str = run_deep(load(target), result)
    return text


def html(result: Any) -> str:
    """The result as an HTML fragment with MathML."""
    return _show(result, 0, "html")


def latex(result: Any) -> str:
    """The result as LaTeX that MathJax typesets."""
    return _show(result, 1, "latex")


def markdown(result: Any) -> str:
    """The result as Markdown with ``$...$`` math."""
    return _show(result, 2, "markdown")
