"""JSON: exactly one ``chainrule/derivation@1`` object.

Machine fields (``expr``, ``wrt``, ``result``, bindings) are the text
``chainrule.parse`` reads back as the same expression (``printing.machine``;
never read them with ``sympy.sympify``, which evaluates Python); ``latex``,
``leibniz`` and ``lagrange`` are the step's equations in LaTeX (``null`` where
a rule has no such form). A derivation of SymPy objects is printed in
chainrule's own names; ``renamed`` maps those that differ to the caller's.
"""

from __future__ import annotations

import dataclasses
import json as _json
from collections.abc import Callable
from typing import Any

import sympy

from chainrule.derivation.dependencies import edges
from chainrule.derivation.equations import function_form
from chainrule.derivation.model import Derivation
from chainrule.printing import latex, machine
from chainrule.recursion import run_deep
from chainrule.views.document import Document, NumberedStep, PointSection, StepRenderer, document
from chainrule.views.notation import LatexMathPrinter, dependents_of
from chainrule.views.numbers import as_float
from chainrule.views.settings import Settings

SCHEMA = "chainrule/derivation@1"


def _s(expr: sympy.Basic) -> str:
    return machine(expr)


class JsonRenderer(StepRenderer[dict[str, Any]]):
    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.printer = LatexMathPrinter()
        #: Quantities that change with the variable (``r = r(t)``), written ``r(t)`` in expressions:
        #: a bare ``r`` beside ``Derivative(r(t), t)`` would read back as ``r*t``.
        self.functions: dict[sympy.Symbol, sympy.Expr] = {}

    def _e(self, expr: sympy.Basic) -> str:
        """An expression as ``chainrule.parse`` reads it back."""
        return machine(function_form(expr, self.functions) if self.functions else expr)

    def to_dict(self, doc: Document) -> dict[str, Any]:
        derivation = doc.derivation
        self.functions = dependents_of(derivation)
        out: dict[str, Any] = {
            "schema": SCHEMA,
            "input": derivation.input,
            "expr": self._e(derivation.expr),
            "wrt": _s(derivation.wrt),
            "order": derivation.order,
            "where": {_s(name): _s(value) for name, value in derivation.where},
            "result": self._e(derivation.result),
            "result_latex": latex(derivation.result),
            "raw_result": self._e(derivation.raw_result),
            "steps": self.render_steps(doc),
        }
        if derivation.renamed:
            out["renamed"] = dict(derivation.renamed)
        if doc.dependencies is not None:
            out["dependencies"] = edges(doc.dependencies)
        point = doc.point
        if point is not None:
            p = self.printer
            out["at"] = point_dict(point, p, self._e)
        return out

    def _print_step(self, item: NumberedStep) -> dict[str, Any]:
        step, math, p = item.step, item.math, self.printer
        entry: dict[str, Any] = {
            "id": item.index,
            "parent": item.parent,
            "depth": item.depth,
            "rule": step.rule.value,
            "expr": self._e(step.expr),
            "wrt": _s(step.wrt),
            "result": self._e(step.result),
            "bindings": {_s(name): self._e(value) for name, value in step.bindings},
            "text": str(step.text),
            "latex": p.doprint(math.equation),
            "leibniz": p.doprint(math.leibniz) if math.leibniz is not None else None,
            "lagrange": p.doprint(math.lagrange) if math.lagrange is not None else None,
        }
        if step.order != 1 or step.rule.value == "higher_order":
            entry["order"] = step.order
        if step.held:
            entry["held"] = [_s(name) for name in step.held]
        return entry


def point_dict(
    point: PointSection, p: LatexMathPrinter, written: Callable[[sympy.Basic], str] = _s
) -> dict[str, Any]:
    """The ``at`` object: the values there and what is true there (docs/api.md); ``written``
    writes the derivative's value (related rates: ``r'`` as ``parse`` reads it back)."""
    value = point.value
    sides = value.one_sided
    forms = [p.doprint(eq) for eq in point.tangent]
    return {
        "point": {_s(s): _s(v) for s, v in value.point},
        "kind": value.kind,
        "function_value": _s(value.function_value) if value.function_value is not None else None,
        "value": written(value.value) if value.value is not None else None,
        "value_latex": p.doprint(point.derivative) if point.derivative is not None else None,
        "numeric": as_float(value.value) if value.value is not None else None,
        "one_sided": None
        if sides is None
        else {k: _s(v) if v is not None else None for k, v in zip(("left", "right"), sides)},
        "tangent": _s(value.tangent) if value.tangent is not None else None,
        "vertical_tangent": _s(value.vertical) if value.vertical is not None else None,
        "tangent_latex": forms[-1] if forms else None,
        "tangent_point_slope_latex": forms[0] if len(forms) == 2 else None,
        "notes": [str(note) for note in point.notes],
    }


def derivation_to_dict(derivation: Derivation, settings: Settings | None = None) -> dict[str, Any]:
    """The derivation as a ``chainrule/derivation@1`` dictionary."""
    settings = settings or Settings()
    own = derivation.internal or derivation  # chainrule's names, which parse reads back
    if derivation.renamed:
        own = dataclasses.replace(own, renamed=derivation.renamed)
    return run_deep(lambda: JsonRenderer(settings).to_dict(document(own, settings, detail="full")))


def dumps(data: dict[str, Any], settings: Settings) -> str:
    """A JSON object as text with a final newline, indented as ``settings`` say."""
    return _json.dumps(data, indent=settings.indent, ensure_ascii=False) + "\n"


def render_json(derivation: Derivation, settings: Settings | None = None) -> str:
    """The derivation as one ``chainrule/derivation@1`` JSON object (with a final newline)."""
    settings = settings or Settings()
    return dumps(derivation_to_dict(derivation, settings), settings)
