"""A dense network's forward and backward pass, as data.

Everything here is a frozen dataclass holding tuples of floats (no NumPy
arrays: two equal runs compare equal, and nothing can be changed after the
fact) and, for every quantity, its symbolic name as a SymPy matrix expression
(``chainrule.neural.notation``), so that each format prints the same
document. The numbers are computed in ``chainrule.neural.build``.

Shapes are matrix shapes: a vector is a column ``(n, 1)``, its transpose a
row ``(1, n)``, and ``diag(v)`` is ``(n, n)`` though only its diagonal is
stored.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, ClassVar, TypeAlias

import sympy

from chainrule.display import Displayable

__all__ = [
    "BackwardStep",
    "ForwardRow",
    "Layer",
    "Matrix",
    "Network",
    "Quantity",
    "Sentence",
    "StepKind",
    "Values",
    "Vector",
]

Vector: TypeAlias = "tuple[float, ...]"
Matrix: TypeAlias = "tuple[tuple[float, ...], ...]"
#: A quantity's numbers: a scalar, a vector (or a diagonal), or a matrix as rows.
Values: TypeAlias = "float | tuple[float, ...] | tuple[tuple[float, ...], ...]"
#: A sentence of words and symbols, so each format can typeset the symbols.
Sentence: TypeAlias = "tuple[str | sympy.Basic, ...]"


@dataclass(frozen=True, kw_only=True)
class Layer:
    """Layer ``k``: ``z_k = W_k h_{k-1} + b_k``, then ``h_k = act_k(z_k)``.

    Args:
        index: ``k``, from 1.
        weights: ``W_k``, ``n_k`` rows of ``n_{k-1}`` numbers.
        bias: ``b_k``, ``n_k`` numbers.
        activation: the name of ``act_k`` (a key of ``ACTIVATIONS``).
    """

    index: int
    weights: Matrix
    bias: Vector
    activation: str

    @property
    def inputs(self) -> int:
        return len(self.weights[0])

    @property
    def outputs(self) -> int:
        return len(self.weights)


@dataclass(frozen=True, kw_only=True)
class Quantity:
    """A named vector or matrix and its numbers.

    Args:
        symbol: its name as a SymPy matrix expression (``z_2``, ``W_2ᵀ``,
            ``diag(σ′(z_2))``, ``∂L/∂h_2``); a scalar for a coefficient.
        values: the numbers; for a diagonal matrix, only its diagonal.
        shape: its matrix shape, as the product it takes part in uses it.
        diagonal: ``values`` hold the diagonal of a diagonal matrix.
    """

    symbol: sympy.Basic
    values: Values
    shape: tuple[int, int]
    diagonal: bool = False

    def as_list(self) -> Any:
        """``values`` as JSON lists (a float for a scalar)."""
        if isinstance(self.values, tuple):
            return [list(v) if isinstance(v, tuple) else v for v in self.values]
        return self.values


@dataclass(frozen=True, kw_only=True)
class ForwardRow:
    """One row of the forward pass: a quantity, what it is, and how it is computed.

    Args:
        layer: the layer it belongs to (0 for the input and target, ``L`` for
            the loss).
        role: ``input``, ``pre-activation``, ``activation``, ``softmax``,
            ``target`` or ``loss``.
        quantity: its name, numbers and shape.
        definition: its formula in the names of earlier rows (``W_1 h_0 + b_1``);
            ``None`` for given data.
    """

    layer: int
    role: str
    quantity: Quantity
    definition: sympy.Basic | None = None


class StepKind(str, enum.Enum):
    """What a backward step computes.

    - ``loss``: the gradient of the loss by the network's output,
      ``∂L/∂h_L = (2/n)(h_L − y)``; with cross-entropy, softmax and loss
      together give ``δ_L = ∂L/∂z_L = p − y``.
    - ``activation``: through ``h_k = act(z_k)``: ``δ_k = diag(act′(z_k)) ∂L/∂h_k``.
    - ``weights``: ``∂L/∂W_k = δ_k h_{k−1}ᵀ``.
    - ``bias``: ``∂L/∂b_k = δ_k``.
    - ``linear``: through ``z_k = W_k h_{k−1} + b_k``: ``∂L/∂h_{k−1} = W_kᵀ δ_k``.
    """

    LOSS = "loss"
    ACTIVATION = "activation"
    WEIGHTS = "weights"
    BIAS = "bias"
    LINEAR = "linear"


@dataclass(frozen=True, kw_only=True)
class BackwardStep:
    """One named step of the backward pass: ``result = formula``, in symbols and numbers.

    Args:
        kind: what the step computes.
        layer: the layer ``k`` it belongs to.
        sentence: what happens and why, as words and symbols (``text`` joins them
            in plain text).
        result: what the step computes (``δ_2``, ``∂L/∂W_2``).
        meaning: another name of the result (``δ_2`` is ``∂L/∂z_2``), or ``None``.
        formula: the right-hand side in symbols (``diag(σ′(z_2)) ∂L/∂h_2``).
        factors: the right-hand side in numbers: the result is their matrix
            product (a diagonal multiplies entry by entry), or, when
            ``operation`` is ``difference``, the first minus the second.
        operation: ``product`` or ``difference``.
        local: the local gradient as a Jacobian and its compact form,
            ``(∂h_2/∂z_2, diag(σ′(z_2)))`` or ``(∂z_2/∂h_1, W_2)``; ``None``
            for a step that passes no node.
        activation: the activation whose derivative the step uses, if any.
    """

    kind: StepKind
    layer: int
    sentence: Sentence
    result: Quantity
    formula: sympy.Basic
    factors: tuple[Quantity, ...]
    operation: str = "product"
    meaning: sympy.Basic | None = None
    local: tuple[sympy.Basic, sympy.Basic] | None = None
    activation: str | None = None

    @property
    def text(self) -> str:
        """The sentence in plain text."""
        from chainrule.printing import plain

        return "".join(part if isinstance(part, str) else plain(part) for part in self.sentence)


@dataclass(frozen=True, kw_only=True)
class Network(Displayable):
    """A dense network with one input and target, forward and backward.

    Args:
        sizes: the layer sizes ``(n_0, n_1, ..., n_L)``; ``n_0`` is the input's.
        layers: the ``L`` layers, ``W_k`` of shape ``(n_k, n_{k-1})``.
        loss_function: ``mse`` or ``cross_entropy``.
        seed: the seed of the values that were not given.
        input: ``x = h_0``.
        target: ``y`` (one-hot for cross-entropy).
        z: the pre-activations ``z_1, ..., z_L``.
        h: the activations ``h_0 = x, h_1, ..., h_L``.
        probabilities: ``p = softmax(z_L)`` for cross-entropy, else ``None``.
        loss: the loss ``L``.
        forward: the forward pass, row by row.
        steps: the backward pass, step by step, from the loss back to layer 1.
        weight_gradients: ``∂L/∂W_1, ..., ∂L/∂W_L``, shaped like the weights.
        bias_gradients: ``∂L/∂b_1, ..., ∂L/∂b_L``.
        input_gradient: ``∂L/∂x``.
    """

    view_kind: ClassVar[str] = "network"

    sizes: tuple[int, ...]
    layers: tuple[Layer, ...]
    loss_function: str
    seed: int
    input: Vector
    target: Vector
    z: tuple[Vector, ...]
    h: tuple[Vector, ...]
    probabilities: Vector | None
    loss: float
    forward: tuple[ForwardRow, ...]
    steps: tuple[BackwardStep, ...]
    weight_gradients: tuple[Matrix, ...]
    bias_gradients: tuple[Vector, ...]
    input_gradient: Vector

    @property
    def output(self) -> Vector:
        """The network's output ``h_L``."""
        return self.h[-1]

    @property
    def gradients(self) -> dict[str, Matrix | Vector]:
        """``{"W1": ∂L/∂W_1, "b1": ∂L/∂b_1, ...}``, shaped like the parameters."""
        found: dict[str, Matrix | Vector] = {}
        for layer, dw, db in zip(self.layers, self.weight_gradients, self.bias_gradients):
            found[f"W{layer.index}"] = dw
            found[f"b{layer.index}"] = db
        return found

    @property
    def activations(self) -> tuple[str, ...]:
        return tuple(layer.activation for layer in self.layers)

    # The views are imported when asked for, so the data never depends on them.
