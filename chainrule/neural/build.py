"""network(): a dense network's forward and backward pass, step by step.

Layer ``k`` computes ``z_k = W_k h_{k−1} + b_k`` and ``h_k = act_k(z_k)``, with
``h_0 = x``. The backward pass starts at the loss and walks the layers in
reverse; in each layer the upstream gradient ``∂L/∂h_k`` passes the activation
(local Jacobian ``diag(act′(z_k))``) to give ``δ_k = ∂L/∂z_k``, from which
``∂L/∂W_k = δ_k h_{k−1}ᵀ`` and ``∂L/∂b_k = δ_k``, and then the affine map (local
Jacobian ``W_k``) to give ``∂L/∂h_{k−1} = W_kᵀ δ_k`` for the layer below.

Input is read, and missing values drawn, by ``chainrule.neural.inputs``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import sympy

from chainrule.errors import LimitError
from chainrule.neural import notation as nt
from chainrule.neural.activations import ACTIVATIONS
from chainrule.neural.inputs import (
    draw_all,
    read_activations,
    read_loss,
    read_matrices,
    read_seed,
    read_sizes,
    read_target,
    read_vector,
    read_vectors,
)
from chainrule.neural.model import (
    BackwardStep,
    ForwardRow,
    Layer,
    Network,
    Quantity,
    StepKind,
)
from chainrule.recursion import run_deep

__all__ = ["network"]

_N = sympy.Symbol("n", integer=True, positive=True)


def network(
    layers: Sequence[int] | str,
    activations: Sequence[str] | str,
    loss: str = "mse",
    seed: int = 0,
    input: Sequence[float] | str | None = None,  # noqa: A002 - the issue's name
    target: Sequence[float] | int | str | None = None,
    *,
    weights: Sequence[Any] | None = None,
    biases: Sequence[Any] | None = None,
) -> Network:
    """A dense network's forward and backward pass on one example.

    Args:
        layers: the sizes ``(n_0, n_1, ..., n_L)``, e.g. ``(3, 4, 2)`` or ``"3,4,2"``: input
            size 3, a hidden layer of 4, output 2.
        activations: one of ``relu``, ``sigmoid``, ``tanh``, ``identity`` per layer (``L``
            names), or a single name for every layer. With cross-entropy the output
            layer's activation is ``identity`` (softmax is part of the loss): a single
            name then applies to the hidden layers.
        loss: ``mse`` (mean over the outputs of the squared error) or ``cross_entropy``
            (softmax of ``z_L``, then ``−Σ y log p`` with a one-hot target).
        seed: the seed of every value not given.
        input: ``x``, ``n_0`` numbers.
        target: ``y``, ``n_L`` numbers; for cross-entropy one-hot, or a class index.
        weights: ``W_1, ..., W_L``, each ``n_k`` rows of ``n_{k−1}`` numbers.
        biases: ``b_1, ..., b_L``, each ``n_k`` numbers.

    Raises:
        UsageError: a value chainrule cannot use, named in the message.
        LimitError: more than ``MAX_UNITS`` units in a layer or ``MAX_LAYERS`` layers.

    >>> net = network((2, 2), "identity", seed=1, input=(1, 2), target=(0, 1),
    ...               weights=[[(1, 0), (0, 1)]], biases=[(0, 0)])
    >>> net.loss
    1.0
    >>> net.gradients["W1"]
    ((1.0, 2.0), (1.0, 2.0))
    """
    return run_deep(
        _network, layers, activations, loss, seed, input, target, weights=weights, biases=biases
    )


def _network(
    layers: Sequence[int] | str,
    activations: Sequence[str] | str,
    loss: str,
    seed: int,
    input: Sequence[float] | str | None,  # noqa: A002 - the issue's name
    target: Sequence[float] | int | str | None,
    *,
    weights: Sequence[Any] | None,
    biases: Sequence[Any] | None,
) -> Network:
    sizes = read_sizes(layers)
    loss_function = read_loss(loss, sizes)
    names = read_activations(activations, len(sizes) - 1, loss_function)
    drawn_w, drawn_b, drawn_x, drawn_y = draw_all(read_seed(seed), sizes, loss_function)
    ws = read_matrices(weights, sizes, "weights") if weights is not None else drawn_w
    bs = read_vectors(biases, sizes[1:], "biases") if biases is not None else drawn_b
    x = read_vector(input, sizes[0], "input") if input is not None else drawn_x
    y = read_target(target, sizes[-1], loss_function) if target is not None else drawn_y

    z, h = _forward(ws, bs, x, names)
    p = _softmax(z[-1]) if loss_function == "cross_entropy" else None
    loss_value = _loss(h[-1], z[-1], y, loss_function)
    if not np.isfinite(loss_value) or not all(np.all(np.isfinite(v)) for v in (*z, *h)):
        raise LimitError("the forward pass overflowed; use smaller input, weights or biases")
    built = tuple(
        Layer(index=k + 1, weights=_matrix(w), bias=_vector(b), activation=name)
        for k, (w, b, name) in enumerate(zip(ws, bs, names))
    )
    backward = _Backward(built, ws, z, h, p, y, loss_function)
    steps = backward.run()
    return Network(
        sizes=sizes,
        layers=built,
        loss_function=loss_function,
        seed=read_seed(seed),
        input=_vector(x),
        target=_vector(y),
        z=tuple(_vector(v) for v in z),
        h=tuple(_vector(v) for v in h),
        probabilities=None if p is None else _vector(p),
        loss=float(loss_value),
        forward=_forward_rows(built, z, h, p, y, loss_value, loss_function),
        steps=steps,
        weight_gradients=tuple(_matrix(g) for g in backward.weight_gradients),
        bias_gradients=tuple(_vector(g) for g in backward.bias_gradients),
        input_gradient=_vector(backward.upstream),
    )


# ------------------------------------------------------------------ the numbers


def _forward(
    ws: Sequence[np.ndarray], bs: Sequence[np.ndarray], x: np.ndarray, names: Sequence[str]
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    z: list[np.ndarray] = []
    h = [x]
    for w, b, name in zip(ws, bs, names):
        z.append(w @ h[-1] + b)
        h.append(ACTIVATIONS[name].value(z[-1]))
    return z, h


def _softmax(logits: np.ndarray) -> np.ndarray:
    e = np.exp(logits - np.max(logits))
    return e / e.sum()


def _loss(output: np.ndarray, logits: np.ndarray, y: np.ndarray, loss: str) -> float:
    if loss == "mse":
        return float(np.mean((output - y) ** 2))
    shifted = logits - np.max(logits)
    log_p = shifted - np.log(np.sum(np.exp(shifted)))  # log softmax, never log(0)
    return float(-np.dot(y, log_p))


def _vector(values: np.ndarray) -> tuple[float, ...]:
    return tuple(float(v) + 0.0 for v in values)


def _matrix(values: np.ndarray) -> tuple[tuple[float, ...], ...]:
    return tuple(_vector(row) for row in values)


# ------------------------------------------------------------------ the document


def _names(k: int, sizes: Sequence[int]) -> tuple[sympy.MatrixSymbol, sympy.MatrixSymbol]:
    """``z_k`` and ``h_k`` (``h_0`` is ``x``)."""
    h = nt.vector("x", sizes[0]) if k == 0 else nt.vector(f"h_{k}", sizes[k])
    return nt.vector(f"z_{k}", sizes[k]), h


def _column(symbol: sympy.Basic, values: np.ndarray) -> Quantity:
    return Quantity(symbol=symbol, values=_vector(values), shape=(len(values), 1))


def _forward_rows(
    layers: Sequence[Layer],
    z: Sequence[np.ndarray],
    h: Sequence[np.ndarray],
    p: np.ndarray | None,
    y: np.ndarray,
    loss_value: float,
    loss: str,
) -> tuple[ForwardRow, ...]:
    sizes = [len(h[0])] + [len(v) for v in z]
    rows = [ForwardRow(layer=0, role="input", quantity=_column(_names(0, sizes)[1], h[0]))]
    for layer in layers:
        k = layer.index
        zk, hk = _names(k, sizes)
        w = nt.matrix(f"W_{k}", sizes[k], sizes[k - 1])
        b = nt.vector(f"b_{k}", sizes[k])
        rows.append(
            ForwardRow(
                layer=k,
                role="pre-activation",
                quantity=_column(zk, z[k - 1]),
                definition=nt.MatAdd(nt.MatMul(w, _names(k - 1, sizes)[1]), b),
            )
        )
        act = zk if ACTIVATIONS[layer.activation].is_identity else nt.Apply(layer.activation, zk)
        rows.append(ForwardRow(layer=k, role="activation", quantity=_column(hk, h[k]), definition=act))
    last = len(layers)
    out = _names(last, sizes)[1]
    target = nt.vector("y", sizes[-1])
    if p is not None:
        prob = nt.vector("p", sizes[-1])
        rows.append(
            ForwardRow(
                layer=last,
                role="softmax",
                quantity=_column(prob, p),
                definition=nt.Apply("softmax", _names(last, sizes)[0]),
            )
        )
        definition = nt.Scaled(-1, nt.MatMul(nt.Transpose(target), nt.Apply("log", prob)))
    else:
        diff = nt.MatAdd(out, -target)
        definition = nt.Scaled(1 / _N, nt.MatMul(nt.Transpose(diff), diff))
    rows.append(ForwardRow(layer=last, role="target", quantity=_column(target, y)))
    rows.append(
        ForwardRow(
            layer=last,
            role="loss",
            definition=definition,
            quantity=Quantity(symbol=nt.LOSS, values=float(loss_value), shape=(1, 1)),
        )
    )
    return tuple(rows)


class _Backward:
    """The backward pass: the numbers and, beside them, the steps that explain them."""

    def __init__(
        self,
        layers: Sequence[Layer],
        ws: Sequence[np.ndarray],
        z: Sequence[np.ndarray],
        h: Sequence[np.ndarray],
        p: np.ndarray | None,
        y: np.ndarray,
        loss: str,
    ) -> None:
        self.layers, self.ws, self.z, self.h, self.p, self.y, self.loss = layers, ws, z, h, p, y, loss
        self.sizes = [len(h[0])] + [len(v) for v in z]
        self.steps: list[BackwardStep] = []
        self.weight_gradients: list[np.ndarray] = [np.zeros(0)] * len(layers)
        self.bias_gradients: list[np.ndarray] = [np.zeros(0)] * len(layers)
        self.upstream = np.zeros(0)

    def run(self) -> tuple[BackwardStep, ...]:
        delta = self._loss_step()
        for layer in reversed(self.layers):
            k = layer.index
            if delta is None:
                delta = self._activation_step(layer)
            self._parameter_steps(k, delta)
            self._linear_step(k, delta)
            delta = None
        return tuple(self.steps)

    def _loss_step(self) -> np.ndarray | None:
        """``∂L/∂h_L`` (mse); with cross-entropy ``δ_L = p − y``, returned as the first delta."""
        last = len(self.layers)
        zl, hl = _names(last, self.sizes)
        y_sym = nt.vector("y", self.sizes[-1])
        if self.p is not None:
            p_sym = nt.vector("p", self.sizes[-1])
            delta = self.p - self.y
            self.steps.append(
                BackwardStep(
                    kind=StepKind.LOSS,
                    layer=last,
                    operation="difference",
                    sentence=(
                        "Softmax and cross-entropy together: with ",
                        p_sym,
                        " = ",
                        nt.Apply("softmax", zl),
                        " and a one-hot target ",
                        y_sym,
                        ", the gradient of ",
                        nt.LOSS,
                        " = ",
                        nt.Scaled(-1, nt.MatMul(nt.Transpose(y_sym), nt.Apply("log", p_sym))),
                        " by the logits ",
                        zl,
                        " is ",
                        nt.MatAdd(p_sym, -y_sym),
                        ".",
                    ),
                    result=_column(nt.vector(f"delta_{last}", self.sizes[-1]), delta),
                    meaning=nt.Partial(nt.LOSS, zl),
                    formula=nt.MatAdd(p_sym, -y_sym),
                    factors=(_column(p_sym, self.p), _column(y_sym, self.y)),
                )
            )
            self.upstream = delta
            return delta
        n = self.sizes[-1]
        diff = self.h[-1] - self.y
        self.upstream = 2.0 / n * diff
        self.steps.append(
            BackwardStep(
                kind=StepKind.LOSS,
                layer=last,
                sentence=(
                    "The loss is the mean of the squared errors over the ",
                    _N,
                    f" = {n} outputs, so its gradient by the output ",
                    hl,
                    " is ",
                    nt.Scaled(2 / _N, nt.MatAdd(hl, -y_sym)),
                    ".",
                ),
                result=_column(nt.Partial(nt.LOSS, hl), self.upstream),
                formula=nt.Scaled(2 / _N, nt.MatAdd(hl, -y_sym)),
                factors=(
                    Quantity(symbol=2 / _N, values=2.0 / n, shape=(1, 1)),
                    _column(nt.MatAdd(hl, -y_sym), diff),
                ),
            )
        )
        return None

    def _activation_step(self, layer: Layer) -> np.ndarray:
        k = layer.index
        zk, hk = _names(k, self.sizes)
        act = ACTIVATIONS[layer.activation]
        slope = act.slope(self.z[k - 1])
        delta = slope * self.upstream
        n = slope.size
        compact = nt.Diag(nt.Apply(layer.activation, zk, 1))
        self.steps.append(
            BackwardStep(
                kind=StepKind.ACTIVATION,
                layer=k,
                activation=layer.activation,
                sentence=(
                    "Through the activation ",
                    hk,
                    " = ",
                    nt.Apply(layer.activation, zk),
                    ", applied entry by entry: its Jacobian ",
                    nt.Partial(hk, zk),
                    " is diagonal, so the upstream gradient is multiplied entry by entry by ",
                    nt.Apply(layer.activation, zk, 1),
                    ".",
                ),
                result=_column(nt.vector(f"delta_{k}", self.sizes[k]), delta),
                meaning=nt.Partial(nt.LOSS, zk),
                formula=nt.MatMul(compact, nt.Partial(nt.LOSS, hk)),
                factors=(
                    Quantity(symbol=compact, values=_vector(slope), shape=(n, n), diagonal=True),
                    _column(nt.Partial(nt.LOSS, hk), self.upstream),
                ),
                local=(nt.Partial(hk, zk), compact),
            )
        )
        return delta

    def _parameter_steps(self, k: int, delta: np.ndarray) -> None:
        h_prev = _names(k - 1, self.sizes)[1]
        d_sym = nt.vector(f"delta_{k}", self.sizes[k])
        w_sym = nt.matrix(f"W_{k}", self.sizes[k], self.sizes[k - 1])
        b_sym = nt.vector(f"b_{k}", self.sizes[k])
        grad_w = np.outer(delta, self.h[k - 1])
        self.weight_gradients[k - 1] = grad_w
        self.bias_gradients[k - 1] = delta
        rows, cols = grad_w.shape
        self.steps.append(
            BackwardStep(
                kind=StepKind.WEIGHTS,
                layer=k,
                sentence=(
                    "Entry (i, j) of ",
                    w_sym,
                    " multiplies entry j of ",
                    h_prev,
                    " into entry i of ",
                    _names(k, self.sizes)[0],
                    ", so its gradient is entry i of ",
                    d_sym,
                    " times entry j of ",
                    h_prev,
                    ": the outer product ",
                    nt.MatMul(d_sym, nt.Transpose(h_prev)),
                    ", shaped like ",
                    w_sym,
                    ".",
                ),
                result=Quantity(
                    symbol=nt.Partial(nt.LOSS, w_sym), values=_matrix(grad_w), shape=(rows, cols)
                ),
                formula=nt.MatMul(d_sym, nt.Transpose(h_prev)),
                factors=(
                    _column(d_sym, delta),
                    Quantity(symbol=nt.Transpose(h_prev), values=_vector(self.h[k - 1]), shape=(1, cols)),
                ),
            )
        )
        self.steps.append(
            BackwardStep(
                kind=StepKind.BIAS,
                layer=k,
                sentence=(
                    b_sym,
                    " is added to ",
                    _names(k, self.sizes)[0],
                    ": its local Jacobian ",
                    nt.Partial(_names(k, self.sizes)[0], b_sym),
                    " is the identity ",
                    nt.matrix("I", self.sizes[k], self.sizes[k]),
                    ", so its gradient is ",
                    d_sym,
                    " itself.",
                ),
                result=_column(nt.Partial(nt.LOSS, b_sym), delta),
                formula=d_sym,
                factors=(_column(d_sym, delta),),
            )
        )

    def _linear_step(self, k: int, delta: np.ndarray) -> None:
        zk = _names(k, self.sizes)[0]
        h_prev = _names(k - 1, self.sizes)[1]
        w = self.ws[k - 1]
        w_sym = nt.matrix(f"W_{k}", self.sizes[k], self.sizes[k - 1])
        d_sym = nt.vector(f"delta_{k}", self.sizes[k])
        self.upstream = w.T @ delta
        below = "the input" if k == 1 else f"layer {k - 1}"
        affine = nt.MatAdd(nt.MatMul(w_sym, h_prev), nt.vector(f"b_{k}", self.sizes[k]))
        self.steps.append(
            BackwardStep(
                kind=StepKind.LINEAR,
                layer=k,
                sentence=(
                    "Through ",
                    zk,
                    " = ",
                    affine,
                    ": its local Jacobian ",
                    nt.Partial(zk, h_prev),
                    " is ",
                    w_sym,
                    ", so the gradient passed down to ",
                    below,
                    " is ",
                    nt.MatMul(nt.Transpose(w_sym), d_sym),
                    ", shaped like ",
                    h_prev,
                    ".",
                ),
                result=_column(nt.Partial(nt.LOSS, h_prev), self.upstream),
                formula=nt.MatMul(nt.Transpose(w_sym), d_sym),
                factors=(
                    Quantity(symbol=nt.Transpose(w_sym), values=_matrix(w.T), shape=(w.shape[1], w.shape[0])),
                    _column(d_sym, delta),
                ),
                local=(nt.Partial(zk, h_prev), w_sym),
            )
        )
