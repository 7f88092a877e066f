"""A network's document: the parts every view prints, built once.

The title, the sentence that says how a layer computes, the backward steps
grouped by layer, the parameters and their gradients as named quantities,
an activation's derivative, and numbers rounded for display as SymPy
numbers (so SymPy's printers typeset them: ``1.2 · 10⁻⁵``). The views only
choose how each part looks.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeAlias

import sympy

from chainrule.neural import notation as nt
from chainrule.neural.activations import ACTIVATIONS
from chainrule.neural.inputs import LOSSES
from chainrule.neural.model import BackwardStep, Network, Quantity, Sentence, StepKind

__all__ = [
    "Parameter",
    "as_sympy",
    "derivative",
    "gradients",
    "intro",
    "number",
    "parameters",
    "sections",
    "shape_text",
    "title",
]

#: ``(W_k, b_k, activation)`` of one layer.
Parameter: TypeAlias = "tuple[Quantity, Quantity, str]"
_Z = sympy.MatrixSymbol("z", 1, 1)


def title(net: Network) -> str:
    sizes = " -> ".join(map(str, net.sizes))
    return (
        f"Dense network {sizes}: activations {', '.join(net.activations)}; "
        f"loss {net.loss_function}; seed {net.seed}"
    )


def intro(net: Network) -> Sentence:
    """How a layer computes, as words and symbols."""
    z, h, h_prev, w, b, h0, x = (
        nt.matrix(name, 1, 1) for name in ("z_k", "h_k", "h_{k-1}", "W_k", "b_k", "h_0", "x")
    )
    return (
        "Layer ", sympy.Symbol("k"), " computes ", z, " = ", nt.MatAdd(nt.MatMul(w, h_prev), b),
        " and ", h, " = ", nt.Apply("act_k", z), ", with ", h0, " = ", x,
        f"; the loss is the {LOSSES[net.loss_function]}. Vectors are columns; a shape is rows x columns.",
    )  # fmt: skip


def sections(net: Network) -> list[tuple[str, list[BackwardStep]]]:
    """The backward steps grouped: the loss, then each layer from the last."""
    found: list[tuple[str, list[BackwardStep]]] = [("Loss", [])]
    for step in net.steps:
        if step.kind is StepKind.LOSS:
            found[0][1].append(step)
            continue
        heading = f"Layer {step.layer}"
        if found[-1][0] != heading:
            found.append((heading, []))
        found[-1][1].append(step)
    return found


def derivative(activation: str) -> tuple[sympy.Basic, sympy.Expr]:
    """``(act′(z), its formula)``, from the activation's vocabulary entry."""
    return nt.Apply(activation, _Z, 1), ACTIVATIONS[activation].derivative


def parameters(net: Network) -> list[Parameter]:
    """Each layer's ``W_k`` and ``b_k`` as named quantities, and its activation."""
    return [
        (
            Quantity(symbol=nt.matrix(f"W_{layer.index}", layer.outputs, layer.inputs),
                     values=layer.weights, shape=(layer.outputs, layer.inputs)),
            Quantity(symbol=nt.vector(f"b_{layer.index}", layer.outputs), values=layer.bias,
                     shape=(layer.outputs, 1)),
            layer.activation,
        )
        for layer in net.layers
    ]  # fmt: skip


def gradients(net: Network) -> list[Quantity]:
    """``∂L/∂W_1, ∂L/∂b_1, ...``, shaped like the parameters."""
    found = []
    for (w, b, _), dw, db in zip(parameters(net), net.weight_gradients, net.bias_gradients):
        found.append(Quantity(symbol=nt.Partial(nt.LOSS, w.symbol), values=dw, shape=w.shape))
        found.append(Quantity(symbol=nt.Partial(nt.LOSS, b.symbol), values=db, shape=b.shape))
    return found


def number(value: float, digits: int = 4) -> str:
    """``value`` to ``digits`` significant digits: ``0.1953``, ``-1.2e-05``, ``0``."""
    return "0" if value == 0 else f"{value:.{digits}g}"


def _sympy_number(value: float, digits: int) -> sympy.Expr:
    text = number(value, digits)
    if text.lstrip("-").isdigit():
        return sympy.Integer(text)
    mantissa = text.lstrip("-").split("e")[0].replace(".", "").lstrip("0")
    return sympy.Float(text, max(len(mantissa), 1))


def as_sympy(q: Quantity, digits: int) -> sympy.Basic:
    """``q``'s values, rounded, as a SymPy number, explicit matrix or ``diag(...)``."""
    if not isinstance(q.values, tuple):
        return _sympy_number(q.values, digits)
    if q.values and isinstance(q.values[0], tuple):
        return sympy.ImmutableMatrix([[_sympy_number(v, digits) for v in row] for row in q.values])
    column = sympy.ImmutableMatrix([_sympy_number(v, digits) for v in q.values])  # type: ignore[arg-type]
    if q.diagonal:
        return nt.Diag(column)
    return column.T if q.shape[0] == 1 else column


def shape_text(shape: Sequence[int], times: str = "x") -> str:
    """``2x4`` (``2×4`` with ``times="×"``)."""
    return times.join(map(str, shape))
