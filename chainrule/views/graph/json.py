"""A graph as plain data in the ``chainrule/graph@1`` schema (see docs/graph.md).

Expressions and values are text that ``chainrule.parse`` reads back as the
same expression (``printing.machine``; exact values stay exact: ``"1/3"``);
the ``*_float`` fields give numbers as floats (``null`` in symbolic mode). This is data, not the document the
other formats print: local gradients are SymPy's (``Heaviside(n2, 0)``).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import sympy

from chainrule.graph import SCHEMA
from chainrule.printing import machine
from chainrule.views.settings import Settings

if TYPE_CHECKING:
    from chainrule.graph import Graph

__all__ = ["graph_to_dict", "render_json"]


def _text(value: sympy.Expr | None) -> str | None:
    """A value as SymPy ``str()`` (``-12``, ``1/3``, ``0.731058578630005``)."""
    return None if value is None else machine(value)


def _float(value: sympy.Expr | None) -> float | None:
    """A numeric value as a float, ``None`` for a formula or no value."""
    if value is None or not value.is_Number:
        return None
    return float(value)


def graph_to_dict(graph: Graph, settings: Settings | None = None) -> dict[str, Any]:
    """The graph as plain data in the ``chainrule/graph@1`` schema."""
    expr = machine(graph.expr) if graph.printable else None
    nodes = [
        {
            "id": n.id,
            "name": n.name,
            "op": n.op,
            "expr": machine(n.expr),
            "inputs": list(n.inputs),
            "value": _text(n.value),
            "value_float": _float(n.value),
            "grad": machine(n.grad),
            "grad_float": _float(n.grad),
        }
        for n in graph.nodes
    ]
    edges = [
        {
            "id": e.id,
            "source": e.source,
            "target": e.target,
            "position": e.position,
            "local": machine(e.local),
            "local_value": _text(e.local_value),
            "upstream": machine(e.upstream),
            "downstream": machine(e.downstream),
        }
        for e in graph.edges
    ]
    gradients = graph.gradients
    return {
        "schema": SCHEMA,
        "input": graph.text if graph.text is not None else expr,
        "expr": expr,
        "symbolic": graph.symbolic,
        "inputs": {i.name: _text(i.value) for i in graph.inputs},
        "output": graph.output,
        "value": _text(graph.value),
        "value_float": _float(graph.value),
        "nodes": nodes,
        "edges": edges,
        "gradients": {name: machine(g) for name, g in gradients.items()},
        "gradients_float": {name: _float(g) for name, g in gradients.items()},
    }


def render_json(graph: Graph, settings: Settings | None = None) -> str:
    """:func:`graph_to_dict` as JSON text (``settings.indent``), one object and a newline."""
    indent = settings.indent if settings is not None else 2
    return json.dumps(graph_to_dict(graph, settings), indent=indent, ensure_ascii=False) + "\n"
