"""The activation vocabulary: each entry's NumPy forms agree with its symbolic forms.

The numbers of the backward pass use an activation's NumPy ``slope``; the
formula shown beside them is ``chainrule.derive`` of its scalar form. They
are one fact written twice, so this checks they say the same thing.
"""

from __future__ import annotations

import numpy as np
import pytest
import sympy

from chainrule.neural.activations import ACTIVATIONS, Z
from chainrule.printing import latex, plain

POINTS = np.array([-3.0, -1.2, -0.3, 0.4, 0.9, 2.5])


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_numpy_value_and_slope_agree_with_the_symbolic_forms(name: str) -> None:
    act = ACTIVATIONS[name]
    for point in POINTS:
        value = float(act.expr.xreplace({Z: sympy.Float(point)}).evalf())
        slope = float(act.derivative.xreplace({Z: sympy.Float(point)}).evalf())
        assert act.value(np.array([point]))[0] == pytest.approx(value, rel=1e-12, abs=1e-15)
        assert act.slope(np.array([point]))[0] == pytest.approx(slope, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_the_derivative_is_a_verified_derivation_of_the_formula(name: str) -> None:
    act = ACTIVATIONS[name]
    derivation = act.derivation
    assert derivation.expr == act.expr and derivation.wrt == Z
    derivation.verify()
    difference = (act.derivative - sympy.diff(act.expr, Z)).rewrite(sympy.Piecewise)
    assert all(difference.xreplace({Z: sympy.Float(p)}).evalf() == 0 for p in POINTS)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_every_activation_prints_in_every_format(name: str) -> None:
    act = ACTIVATIONS[name]
    assert act.name == name and act.plain and act.latex and act.mathml
    assert plain(act.derivative) and latex(act.derivative)


def test_sigmoid_does_not_overflow_far_from_zero() -> None:
    sigmoid = ACTIVATIONS["sigmoid"]
    with np.errstate(over="raise", invalid="raise"):
        values = sigmoid.value(np.array([-800.0, 800.0]))
        slopes = sigmoid.slope(np.array([-800.0, 800.0]))
    assert values.tolist() == [0.0, 1.0] and slopes.tolist() == [0.0, 0.0]


def test_relu_slope_at_zero_is_zero_like_its_formula() -> None:
    relu = ACTIVATIONS["relu"]
    assert relu.slope(np.array([0.0]))[0] == 0.0
    assert relu.derivative.xreplace({Z: 0}) == 0
