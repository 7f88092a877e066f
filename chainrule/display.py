"""The one place where results know they can be displayed.

A ``Derivation``, a ``Graph`` or a ``CheckResult`` is data; how it looks is
the business of :mod:`chainrule.views`. This mixin (after SymPy's
``Printable``) gives every result ``str()``, ``rich.print``, Jupyter's rich
display and ``to_<format>()`` methods by importing the views lazily, inside
each method. It is the only place where a lower layer reaches up to the
views; the layer contract (``tests/test_architecture.py``) allows exactly it.
"""

from __future__ import annotations

from typing import Any, ClassVar


class Displayable:
    """Display methods for a result; ``view_kind`` names its row in the views' registry."""

    view_kind: ClassVar[str] = ""

    def render(self, format: str = "text", **settings: Any) -> str:  # noqa: A002 - the format's name
        """The result in ``format`` (see ``chainrule.views.formats``) as a string."""
        from chainrule.views import render

        return render(self, format, **settings)

    def to_text(self, **settings: Any) -> str:
        return self.render("text", **settings)

    def to_latex(self, **settings: Any) -> str:
        return self.render("latex", **settings)

    def to_markdown(self, **settings: Any) -> str:
        return self.render("markdown", **settings)

    def to_html(self, **settings: Any) -> str:
        return self.render("html", **settings)

    def to_json(self, **settings: Any) -> str:
        return self.render("json", **settings)

    def to_dict(self) -> dict[str, Any]:
        """The result as plain data: the JSON object as Python values."""
        from chainrule.views import to_data

        return to_data(self)

    def __str__(self) -> str:
        return self.to_text()

    def __rich__(self) -> Any:
        from chainrule.views import renderable

        return renderable(self)

    # Jupyter: a cell ending in a result shows it rendered.
    def _repr_html_(self) -> str:
        from chainrule.views.jupyter import html

        return html(self)

    def _repr_latex_(self) -> str:
        from chainrule.views.jupyter import latex

        return latex(self)

    def _repr_markdown_(self) -> str:
        from chainrule.views.jupyter import markdown

        return markdown(self)
