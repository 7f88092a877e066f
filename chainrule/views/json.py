"""JSON: exactly one ``chainrule/derivation@1`` object.

Machine fields (``expr``, ``wrt``, ``result``, bindings) are ``sympy.sstr``
forms that ``sympy.sympify`` reads back; ``latex``, ``leibniz`` and
``lagrange`` are the step's equations in LaTeX (``null`` where a rule has no
such form).
"""

from __future__ import annotations

import json as _json
from typing import Any

import sympy

from chainrule.derivation.dependencies import dependency_tree, edges
from chainrule.derivation.model import Derivation
from chainrule.printing import latex
from chainrule.views.base import (
    NumberedStep,
    Settings,
    StepRenderer,
    evaluate_at,
    recursion_limit,
)
from chainrule.views.notation import LatexMathPrinter

SCHEMA = "chainrule/derivation@1"


def _number(expr: sympy.Basic) -> float | None:
    """The value as a float when it is a real number, else ``None``."""
    value = sympy.N(expr, 17)
    return float(value) if value.is_real and value.is_Number else None


def _s(expr: sympy.Basic) -> str:
    return str(sympy.sstr(expr))


class JsonRenderer(StepRenderer[dict[str, Any]]):
    format = "json"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.printer = LatexMathPrinter()

    def to_dict(self, derivation: Derivation) -> dict[str, Any]:
        out: dict[str, Any] = {
            "schema": SCHEMA,
            "input": derivation.input,
            "expr": _s(derivation.expr),
            "wrt": _s(derivation.wrt),
            "order": derivation.order,
            "where": {_s(name): _s(value) for name, value in derivation.where},
            "result": _s(derivation.result),
            "result_latex": latex(derivation.result),
            "raw_result": _s(derivation.raw_result),
            "steps": self.render_steps(derivation),
        }
        tree = dependency_tree(derivation)
        if tree is not None:
            out["dependencies"] = edges(tree)
        point = evaluate_at(derivation, self.settings.at)
        if point is not None:
            p = self.printer
            out["at"] = {
                "point": {_s(s): _s(v) for s, v in point.point},
                "value": _s(point.value_expr),
                "value_latex": p.doprint(point.value),
                "numeric": _number(point.value_expr),
                "tangent": _s(point.tangent_expr) if point.tangent_expr is not None else None,
                "tangent_latex": p.doprint(point.tangent) if point.tangent is not None else None,
            }
        return out

    def _print_step(self, item: NumberedStep) -> dict[str, Any]:
        step, math, p = item.step, item.math, self.printer
        entry: dict[str, Any] = {
            "id": item.index,
            "parent": item.parent,
            "depth": item.depth,
            "rule": step.rule.value,
            "expr": _s(step.expr),
            "wrt": _s(step.wrt),
            "result": _s(step.result),
            "bindings": {_s(name): _s(value) for name, value in step.bindings},
            "text": step.text,
            "latex": p.doprint(math.equation),
            "leibniz": p.doprint(math.leibniz) if math.leibniz is not None else None,
            "lagrange": p.doprint(math.lagrange) if math.lagrange is not None else None,
        }
        if step.order != 1 or step.rule.value == "higher_order":
            entry["order"] = step.order
        if step.held:
            entry["held"] = [_s(name) for name in step.held]
        return entry


def derivation_to_dict(derivation: Derivation, settings: Settings | None = None) -> dict[str, Any]:
    """The derivation as a ``chainrule/derivation@1`` dictionary."""
    with recursion_limit():
        return JsonRenderer(settings or Settings()).to_dict(derivation)


def render_json(derivation: Derivation, *, indent: int | None = 2, settings: Settings | None = None) -> str:
    """The derivation as one ``chainrule/derivation@1`` JSON object (with a final newline)."""
    data = derivation_to_dict(derivation, settings)
    return _json.dumps(data, indent=indent, ensure_ascii=False) + "\n"
