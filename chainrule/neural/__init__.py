"""A dense network's forward and backward pass, explained with shapes.

``network((3, 4, 2), "relu,sigmoid")`` builds a network with input size 3, a
hidden layer of 4 and 2 outputs, runs one example forward, and explains the
backward pass layer by layer: upstream gradient, local Jacobian, downstream
gradient, and ``∂L/∂W_k = δ_k h_{k−1}ᵀ``, ``∂L/∂b_k = δ_k``, every shape
stated, the symbolic form beside the numbers.

This package is the only part of chainrule that uses NumPy.

>>> from chainrule.neural import network
>>> net = network((3, 4, 2), "relu,sigmoid", seed=0)
>>> [len(row) for row in net.gradients["W1"]], len(net.gradients["b2"])
([3, 3, 3, 3], 2)
"""

from __future__ import annotations

from chainrule.neural.activations import ACTIVATIONS, Activation
from chainrule.neural.build import network
from chainrule.neural.inputs import LOSSES, MAX_LAYERS, MAX_UNITS
from chainrule.neural.model import (
    BackwardStep,
    ForwardRow,
    Layer,
    Network,
    Quantity,
    StepKind,
)

__all__ = [
    "ACTIVATIONS",
    "LOSSES",
    "MAX_LAYERS",
    "MAX_UNITS",
    "Activation",
    "BackwardStep",
    "ForwardRow",
    "Layer",
    "Network",
    "Quantity",
    "StepKind",
    "network",
]
