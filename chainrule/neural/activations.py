"""The activations a dense layer may use: one vocabulary entry each.

An entry holds everything chainrule knows about one activation: its name, how
it prints in each format, its scalar formula (a SymPy expression in ``z``
that ``chainrule.derive`` differentiates, so the derivative shown beside the
numbers is itself a checked derivation) and its NumPy forms, value and
derivative, used for the numbers. ``tests/test_network_activations.py``
checks that the NumPy derivative agrees with the symbolic one.

Adding an activation is one entry in ``ACTIVATIONS``.

>>> ACTIVATIONS["sigmoid"].derivative
(1 - sigmoid(z))*sigmoid(z)
>>> ACTIVATIONS["relu"].derivative
Piecewise((0, z <= 0), (1, True))
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

import numpy as np
import sympy

if TYPE_CHECKING:
    from chainrule.derivation.model import Derivation

__all__ = ["ACTIVATIONS", "Activation", "Z", "activation_names"]

#: The variable of every activation's scalar formula.
Z = sympy.Symbol("z", real=True)

ArrayFunction = Callable[[np.ndarray], np.ndarray]


@dataclass(frozen=True, kw_only=True)
class Activation:
    """One activation function, applied elementwise: ``h = act(z)``.

    Args:
        name: the name users type (``relu``).
        formula: the scalar form as chainrule reads it (``relu(z)``).
        plain: its name in plain text (``relu``).
        latex: its name in LaTeX (``\\operatorname{relu}``).
        mathml: its name in MathML (``relu``; ``σ`` for the sigmoid).
        value: the NumPy form, elementwise.
        slope: the NumPy derivative, elementwise, as a function of ``z``.
    """

    name: str
    formula: str
    plain: str
    latex: str
    mathml: str
    value: ArrayFunction
    slope: ArrayFunction

    @property
    def expr(self) -> sympy.Expr:
        """The scalar formula, ``act(z)``, as SymPy."""
        return _derivation(self.formula).expr

    @property
    def derivation(self) -> Derivation:
        """``d/dz act(z)``, step by step (``chainrule.derive``), verified."""
        return _derivation(self.formula)

    @property
    def derivative(self) -> sympy.Expr:
        """``act'(z)`` as SymPy; a step function is written as a ``Piecewise``."""
        result = self.derivation.result
        return result.rewrite(sympy.Piecewise) if result.has(sympy.Heaviside) else result

    @property
    def is_identity(self) -> bool:
        return self.name == "identity"


@functools.cache
def _derivation(formula: str) -> Derivation:
    # Imported here: chainrule.derive loads the engine, which the numbers never need.
    import chainrule

    derive = cast("Callable[..., Derivation]", chainrule.derive)
    return derive(formula, Z.name, simplify=False).verify()


def _sigmoid(z: np.ndarray) -> np.ndarray:
    # exp(-|z|) never overflows: sigmoid(z) = 1/(1 + e^-z) for z >= 0, e^z/(1 + e^z) below.
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _sigmoid_slope(z: np.ndarray) -> np.ndarray:
    s = _sigmoid(z)
    return s * (1.0 - s)


ACTIVATIONS: dict[str, Activation] = {
    "relu": Activation(
        name="relu",
        formula="relu(z)",
        plain="relu",
        latex=r"\operatorname{relu}",
        mathml="relu",
        value=lambda z: np.maximum(z, 0.0),
        # relu'(0) is taken as 0, as SymPy's Heaviside(z, 0) and PyTorch do.
        slope=lambda z: (z > 0).astype(float),
    ),
    "sigmoid": Activation(
        name="sigmoid",
        formula="sigmoid(z)",
        plain="sigmoid",
        latex=r"\sigma",
        mathml="σ",
        value=_sigmoid,
        slope=_sigmoid_slope,
    ),
    "tanh": Activation(
        name="tanh",
        formula="tanh(z)",
        plain="tanh",
        latex=r"\tanh",
        mathml="tanh",
        value=np.tanh,
        slope=lambda z: 1.0 - np.tanh(z) ** 2,
    ),
    "identity": Activation(
        name="identity",
        formula="z",
        plain="id",
        latex=r"\operatorname{id}",
        mathml="id",
        value=lambda z: np.array(z, dtype=float),
        slope=lambda z: np.ones_like(z, dtype=float),
    ),
}


def activation_names() -> tuple[str, ...]:
    """The names users may type, in the order the docs list them."""
    return tuple(ACTIVATIONS)
