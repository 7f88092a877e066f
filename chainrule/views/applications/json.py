"""JSON of implicit differentiation and related rates (``chainrule/implicit@1``) and of parametric
curves (``chainrule/parametric@1``); docs/api.md documents both.

Machine fields are the text ``chainrule.parse`` reads back (``printing.machine``): in the
equation and the answers a quantity that changes with the variable is its name (``y``);
in the steps, where its derivative appears beside it, it is ``y(x)`` and its derivative
``Derivative(y(x), x)``. The ``*latex`` fields and each step's ``latex`` and ``lines``
are LaTeX, written as a textbook writes them (``\\frac{dy}{dx}``).
"""

from __future__ import annotations

from typing import Any

import sympy

from chainrule.derivation.implicit import Implicit
from chainrule.derivation.parametric import Parametric
from chainrule.printing import machine
from chainrule.recursion import deep_recursion
from chainrule.views.applications.document import AppDocument, PointLines, Result, application_document
from chainrule.views.document import NumberedStep
from chainrule.views.json import JsonRenderer, dumps
from chainrule.views.numbers import as_float
from chainrule.views.settings import Settings

SCHEMAS = {"implicit": "chainrule/implicit@1", "parametric": "chainrule/parametric@1"}


def _s(expr: sympy.Basic) -> str:
    return machine(expr)


class AppJsonRenderer(JsonRenderer):
    """The derivation's step entries, with ``lines`` (LaTeX) for the lines of algebra."""

    def _print_step(self, item: NumberedStep) -> dict[str, Any]:
        entry = super()._print_step(item)
        if item.math.lines:
            entry["lines"] = [self.printer.doprint(eq) for eq in item.math.lines]
        return entry

    def to_dict_app(self, doc: AppDocument) -> dict[str, Any]:
        result, p = doc.result, self.printer
        out: dict[str, Any] = {"schema": SCHEMAS[result.view_kind], "input": result.input}
        self.functions = dict(result.functions) if isinstance(result, Implicit) else {}
        if isinstance(result, Implicit):
            out.update(
                kind="related_rates" if result.related_rates else "implicit",
                equation={"lhs": _s(result.equation.lhs), "rhs": _s(result.equation.rhs)},
                equation_latex=p.doprint(doc.given[0]),
                wrt=_s(result.wrt),
                unknown=_s(result.unknown),
                functions={_s(name): _s(f) for name, f in result.where},
            )
        else:
            assert isinstance(result, Parametric)
            out.update(
                x={_s(result.x[0]): _s(result.x[1])},
                y={_s(result.y[0]): _s(result.y[1])},
                wrt=_s(result.wrt),
            )
        out.update(
            order=result.order,
            answers=[
                {"order": k, "result": _s(answer), "latex": p.doprint(shown)}
                for k, (answer, shown) in enumerate(zip(result.answers, doc.answers), start=1)
            ],
            result=_s(result.result),
            result_latex=p.doprint(doc.answers[-1]),
            steps=[self.render_step(item) for item in doc.steps],
        )
        if doc.point is not None:
            out["at"] = self.point_app(doc.point)
        return out

    def point_app(self, point: PointLines) -> dict[str, Any]:
        value, p = point.value, self.printer
        return {
            "point": {_s(s): _s(v) for s, v in value.point},
            "on_curve": value.curve is not None or None,
            "coordinates": [_s(c) for c in value.coordinates] if value.coordinates is not None else None,
            "values": [
                {"order": k, "value": _s(v) if v is not None else None,
                 "numeric": as_float(v) if v is not None else None}
                for k, v in value.values
            ],
            "vertical": value.vertical,
            "singular": value.singular,
            "tangent": _s(value.tangent) if value.tangent is not None else None,
            "lines": [{"label": label, "latex": p.doprint(eq)} for label, eq in point.lines],
        }


def to_dict(result: Result, settings: Settings | None = None) -> dict[str, Any]:
    """``result`` as its JSON object, in Python values."""
    settings = settings or Settings()
    with deep_recursion():
        return AppJsonRenderer(settings).to_dict_app(application_document(result, settings, detail="full"))


def render_json(result: Result, settings: Settings | None = None) -> str:
    """``result`` as one JSON object (with a final newline)."""
    settings = settings or Settings()
    return dumps(to_dict(result, settings), settings)
