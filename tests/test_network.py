"""chainrule.neural: the gradients are true, the values reproducible, bad input refused.

Proof of truth, three ways: central finite differences of the loss (the
network's own loss, rebuilt with each parameter nudged), a hand-written NumPy
reference of forward and backward pass, and PyTorch's autograd where PyTorch
is installed. A Hypothesis property runs random layer sizes, activations,
losses and seeds against finite differences.
"""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from chainrule.errors import ChainruleError, LimitError, UsageError
from chainrule.neural import ACTIVATIONS, MAX_LAYERS, MAX_UNITS, Network, StepKind, network

ACTIVATION_NAMES = tuple(ACTIVATIONS)
EPS = 1e-6
TOLERANCE = 1e-6


# ------------------------------------------------------------------ references


def reference_forward(
    ws: list[np.ndarray], bs: list[np.ndarray], x: np.ndarray, names: tuple[str, ...]
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The forward pass written out by hand, independent of chainrule."""
    act = {
        "relu": lambda z: np.maximum(z, 0.0),
        "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
        "tanh": np.tanh,
        "identity": lambda z: z,
    }
    zs, hs = [], [x]
    for w, b, name in zip(ws, bs, names):
        zs.append(w @ hs[-1] + b)
        hs.append(act[name](zs[-1]))
    return zs, hs


def reference_loss(ws: list[np.ndarray], bs: list[np.ndarray], x: np.ndarray, y: np.ndarray,
                   names: tuple[str, ...], loss: str) -> float:  # fmt: skip
    zs, hs = reference_forward(ws, bs, x, names)
    if loss == "mse":
        return float(np.mean((hs[-1] - y) ** 2))
    p = np.exp(zs[-1] - zs[-1].max())
    p /= p.sum()
    return float(-np.sum(y * np.log(p)))


def reference_gradients(ws: list[np.ndarray], bs: list[np.ndarray], x: np.ndarray, y: np.ndarray,
                        names: tuple[str, ...], loss: str) -> dict[str, np.ndarray]:  # fmt: skip
    """Backpropagation written out by hand: delta_L, then delta_k = act'(z_k) * W_{k+1}^T delta_{k+1}."""
    slope = {
        "relu": lambda z, h: (z > 0).astype(float),
        "sigmoid": lambda z, h: h * (1 - h),
        "tanh": lambda z, h: 1 - h**2,
        "identity": lambda z, h: np.ones_like(z),
    }
    zs, hs = reference_forward(ws, bs, x, names)
    if loss == "mse":
        delta = 2 / len(y) * (hs[-1] - y) * slope[names[-1]](zs[-1], hs[-1])
    else:
        p = np.exp(zs[-1] - zs[-1].max())
        delta = p / p.sum() - y
    grads: dict[str, np.ndarray] = {}
    for k in range(len(ws) - 1, -1, -1):
        grads[f"W{k + 1}"] = np.outer(delta, hs[k])
        grads[f"b{k + 1}"] = delta
        if k:
            delta = (ws[k].T @ delta) * slope[names[k - 1]](zs[k - 1], hs[k])
    return grads


def arrays(net: Network) -> tuple[list[np.ndarray], list[np.ndarray], np.ndarray, np.ndarray]:
    ws = [np.array(layer.weights) for layer in net.layers]
    bs = [np.array(layer.bias) for layer in net.layers]
    return ws, bs, np.array(net.input), np.array(net.target)


def finite_differences(net: Network, loss_of: Any) -> dict[str, np.ndarray]:
    """Central differences of ``loss_of(ws, bs)`` for every weight and bias."""
    ws, bs, _, _ = arrays(net)
    found: dict[str, np.ndarray] = {}
    for k in range(len(ws)):
        for name, params in ((f"W{k + 1}", ws), (f"b{k + 1}", bs)):
            grad = np.zeros_like(params[k])
            for index in np.ndindex(params[k].shape):
                original = params[k][index]
                params[k][index] = original + EPS
                up = loss_of(ws, bs)
                params[k][index] = original - EPS
                down = loss_of(ws, bs)
                params[k][index] = original
                grad[index] = (up - down) / (2 * EPS)
            found[name] = grad
    return found


def away_from_kinks(net: Network) -> bool:
    """No relu input is so close to 0 that a nudge of EPS crosses the kink."""
    return all(layer.activation != "relu" or np.min(np.abs(z)) > 1e-3 for layer, z in zip(net.layers, net.z))


# ------------------------------------------------------------------ truth


CASES = [
    (activation, loss, seed)
    for activation in ACTIVATION_NAMES
    for loss in ("mse", "cross_entropy")
    for seed in (0, 7)
]


@pytest.mark.parametrize(("activation", "loss", "seed"), CASES)
def test_gradients_match_finite_differences_of_the_networks_own_loss(
    activation: str, loss: str, seed: int
) -> None:
    net = network((3, 4, 3, 2), activation, loss=loss, seed=seed)
    assert away_from_kinks(net), "pick another seed: a relu input sits on its kink"

    def loss_of(ws: list[np.ndarray], bs: list[np.ndarray]) -> float:
        nudged = network((3, 4, 3, 2), activation, loss=loss, input=net.input, target=net.target,
                         weights=ws, biases=bs)  # fmt: skip
        return nudged.loss

    expected = finite_differences(net, loss_of)
    assert set(net.gradients) == set(expected) == {"W1", "b1", "W2", "b2", "W3", "b3"}
    for name, grad in net.gradients.items():
        np.testing.assert_allclose(np.array(grad), expected[name], atol=TOLERANCE, rtol=0, err_msg=name)


@pytest.mark.parametrize(("activation", "loss", "seed"), CASES)
def test_gradients_match_a_hand_written_numpy_reference(activation: str, loss: str, seed: int) -> None:
    net = network((3, 4, 3, 2), activation, loss=loss, seed=seed)
    ws, bs, x, y = arrays(net)
    assert net.loss == pytest.approx(reference_loss(ws, bs, x, y, net.activations, loss), rel=1e-12)
    reference = reference_gradients(ws, bs, x, y, net.activations, loss)
    for name, grad in net.gradients.items():
        np.testing.assert_allclose(np.array(grad), reference[name], atol=1e-12, rtol=1e-10, err_msg=name)


def test_mixed_activations_per_layer_match_finite_differences() -> None:
    net = network((4, 5, 3, 2), ("tanh", "relu", "sigmoid"), seed=3)
    assert net.activations == ("tanh", "relu", "sigmoid")
    assert away_from_kinks(net)
    ws, bs, x, y = arrays(net)
    expected = finite_differences(net, lambda w, b: reference_loss(w, b, x, y, net.activations, "mse"))
    for name, grad in net.gradients.items():
        np.testing.assert_allclose(np.array(grad), expected[name], atol=TOLERANCE, rtol=0, err_msg=name)


def test_input_gradient_matches_finite_differences() -> None:
    net = network((3, 4, 2), "sigmoid", seed=5)
    ws, bs, x, y = arrays(net)
    expected = []
    for i in range(len(x)):
        up, down = x.copy(), x.copy()
        up[i] += EPS
        down[i] -= EPS
        diff = reference_loss(ws, bs, up, y, net.activations, "mse") - reference_loss(
            ws, bs, down, y, net.activations, "mse"
        )
        expected.append(diff / (2 * EPS))
    np.testing.assert_allclose(net.input_gradient, expected, atol=TOLERANCE)


def test_pytorch_autograd_agrees() -> None:
    torch = pytest.importorskip("torch", reason="PyTorch is not installed: pip install torch==2.13.0")
    for loss in ("mse", "cross_entropy"):
        net = network((3, 5, 4, 3), ("tanh", "sigmoid", "identity"), loss=loss, seed=11)
        params = [
            (torch.tensor(layer.weights, dtype=torch.float64, requires_grad=True),
             torch.tensor(layer.bias, dtype=torch.float64, requires_grad=True))
            for layer in net.layers
        ]  # fmt: skip
        h = torch.tensor(net.input, dtype=torch.float64)
        acts = {"tanh": torch.tanh, "sigmoid": torch.sigmoid, "identity": lambda t: t, "relu": torch.relu}
        for (w, b), name in zip(params, net.activations):
            z = w @ h + b
            h = acts[name](z)
        y = torch.tensor(net.target, dtype=torch.float64)
        value = torch.mean((h - y) ** 2) if loss == "mse" else -(y * torch.log_softmax(z, dim=0)).sum()
        value.backward()
        assert net.loss == pytest.approx(value.item(), rel=1e-12)
        for k, (w, b) in enumerate(params, start=1):
            np.testing.assert_allclose(net.gradients[f"W{k}"], w.grad.numpy(), atol=1e-12)
            np.testing.assert_allclose(net.gradients[f"b{k}"], b.grad.numpy(), atol=1e-12)


@st.composite
def random_networks(draw: st.DrawFn) -> tuple[tuple[int, ...], tuple[str, ...], str, int]:
    loss = draw(st.sampled_from(("mse", "cross_entropy")))
    depth = draw(st.integers(1, 4))
    sizes = tuple(draw(st.lists(st.integers(1, 5), min_size=depth + 1, max_size=depth + 1)))
    names = tuple(draw(st.lists(st.sampled_from(ACTIVATION_NAMES), min_size=depth, max_size=depth)))
    if loss == "cross_entropy":
        sizes = (*sizes[:-1], max(sizes[-1], 2))
        names = (*names[:-1], "identity")
    return sizes, names, loss, draw(st.integers(0, 2**32))


@settings(max_examples=60)
@given(random_networks())
def test_property_random_networks_match_finite_differences(
    case: tuple[tuple[int, ...], tuple[str, ...], str, int],
) -> None:
    sizes, names, loss, seed = case
    net = network(sizes, names, loss=loss, seed=seed)
    assume(away_from_kinks(net))
    _, _, x, y = arrays(net)
    expected = finite_differences(net, lambda w, b: reference_loss(w, b, x, y, names, loss))
    for name, grad in net.gradients.items():
        assert np.array(grad).shape == expected[name].shape
        np.testing.assert_allclose(np.array(grad), expected[name], atol=TOLERANCE, rtol=0, err_msg=name)


# ------------------------------------------------------------------ the pass, step by step


def test_steps_walk_back_layer_by_layer_with_shapes() -> None:
    net = network((3, 4, 2), "relu,sigmoid", seed=0)
    kinds = [(step.kind, step.layer) for step in net.steps]
    assert kinds == [
        (StepKind.LOSS, 2),
        (StepKind.ACTIVATION, 2), (StepKind.WEIGHTS, 2), (StepKind.BIAS, 2), (StepKind.LINEAR, 2),
        (StepKind.ACTIVATION, 1), (StepKind.WEIGHTS, 1), (StepKind.BIAS, 1), (StepKind.LINEAR, 1),
    ]  # fmt: skip
    shapes = {(s.kind, s.layer): (s.result.shape, [f.shape for f in s.factors]) for s in net.steps}
    assert shapes[(StepKind.ACTIVATION, 2)] == ((2, 1), [(2, 2), (2, 1)])  # diag(act'(z_2)) * dL/dh_2
    assert shapes[(StepKind.WEIGHTS, 2)] == ((2, 4), [(2, 1), (1, 4)])  # delta_2 h_1^T
    assert shapes[(StepKind.LINEAR, 2)] == ((4, 1), [(4, 2), (2, 1)])  # W_2^T delta_2
    assert shapes[(StepKind.WEIGHTS, 1)] == ((4, 3), [(4, 1), (1, 3)])


def test_each_step_is_the_product_of_its_factors() -> None:
    net = network((3, 4, 3), "tanh,sigmoid", seed=2)
    for step in net.steps:
        values = []
        for factor in step.factors:
            array = np.array(factor.values, dtype=float)
            values.append(np.diag(array) if factor.diagonal else array.reshape(factor.shape))
        if step.operation == "difference":
            expected = values[0] - values[1]
        else:
            expected = values[0]
            for value in values[1:]:
                expected = expected @ value if expected.shape != (1, 1) else expected[0, 0] * value
        got = np.array(step.result.values).reshape(step.result.shape)
        np.testing.assert_allclose(got, expected, atol=1e-15, err_msg=step.text)


def test_cross_entropy_output_delta_is_p_minus_y() -> None:
    net = network((2, 3), "identity", loss="cross_entropy", seed=4)
    first = net.steps[0]
    assert first.kind is StepKind.LOSS and first.operation == "difference"
    assert "p - y" in first.text
    p, y = np.array(net.probabilities), np.array(net.target)
    assert p.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(first.result.values, p - y)
    assert net.loss == pytest.approx(-np.log(p[np.argmax(y)]))


def test_a_single_activation_applies_to_every_layer_and_cross_entropy_keeps_logits() -> None:
    assert network((2, 3, 3, 2), "tanh").activations == ("tanh", "tanh", "tanh")
    assert network((2, 3, 3, 2), "tanh", loss="cross_entropy").activations == ("tanh", "tanh", "identity")


def test_seeded_values_are_reproducible_short_and_independent_of_what_is_given() -> None:
    a = network((3, 4, 2), "relu", seed=42)
    b = network((3, 4, 2), "relu", seed=42)
    assert a == b and a.to_dict() == b.to_dict()
    assert network((3, 4, 2), "relu", seed=43).layers != a.layers
    every = [v for layer in a.layers for row in layer.weights for v in row] + list(a.input)
    assert all(round(v, 2) == v and -1 <= v <= 1 for v in every)
    given_input = network((3, 4, 2), "relu", seed=42, input=(0.5, 0.5, 0.5))
    assert given_input.layers == a.layers and given_input.target == a.target
    other_loss = network((3, 4, 2), "relu", loss="cross_entropy", seed=42)
    assert [layer.weights for layer in other_loss.layers] == [layer.weights for layer in a.layers]


def test_given_values_are_used() -> None:
    net = network("2,2", "identity", input="1, 2", target=[0, 1], weights=[[[1, 0], [0, 1]]], biases=[[0, 0]])
    assert net.input == (1.0, 2.0) and net.output == (1.0, 2.0)
    assert net.loss == 1.0
    assert net.gradients == {"W1": ((1.0, 2.0), (1.0, 2.0)), "b1": (1.0, 1.0)}
    assert network((2, 3), "identity", loss="cross_entropy", target=2, seed=0).target == (0.0, 0.0, 1.0)


def test_gradients_are_shaped_like_the_parameters() -> None:
    net = network((5, 3, 4, 2), "sigmoid", seed=9)
    for layer in net.layers:
        assert np.array(net.gradients[f"W{layer.index}"]).shape == np.array(layer.weights).shape
        assert np.array(net.gradients[f"b{layer.index}"]).shape == np.array(layer.bias).shape


def test_json_holds_the_schema_fields() -> None:
    net = network((3, 4, 2), "relu,sigmoid", seed=0)
    data = json.loads(net.to_json())
    assert data["schema"] == "chainrule/network@1"
    assert [layer["activation"] for layer in data["layers"]] == ["relu", "sigmoid"]
    assert np.array(data["layers"][0]["W"]).shape == (4, 3) and len(data["layers"][0]["b"]) == 4
    assert data["loss"] == net.loss and data["loss_function"] == "mse"
    assert data["input"] == list(net.input) and data["target"] == list(net.target)
    assert set(data["gradients"]) == {"W1", "b1", "W2", "b2"}
    assert np.array(data["gradients"]["W1"]).shape == (4, 3)
    step = data["steps"][1]
    assert step["kind"] == "activation" and step["shape"] == [2, 1]
    assert [f["shape"] for f in step["factors"]] == [[2, 2], [2, 1]]
    assert step["local"]["compact"] == "diag(sigmoid'(z_2))"
    assert step["derivative"] == "sigmoid'(z) = (1 - sigmoid(z))*sigmoid(z)"


# ------------------------------------------------------------------ bad input

BAD = [
    ({"layers": (3,)}, UsageError, "layers must have at least two sizes"),
    ({"layers": "3,x,2"}, UsageError, "layers must be whole numbers"),
    ({"layers": (3, 0, 2)}, UsageError, "layers must be whole numbers of at least 1"),
    ({"layers": (3, 2.5)}, UsageError, "layers must be whole numbers"),
    ({"layers": (3, True)}, UsageError, "layers must be whole numbers"),
    ({"layers": 3}, UsageError, "layers must be a sequence"),
    ({"layers": (3, MAX_UNITS + 1)}, LimitError, f"at most {MAX_UNITS} units"),
    ({"layers": (2,) * (MAX_LAYERS + 2)}, LimitError, f"at most {MAX_LAYERS} layers"),
    ({"activations": "softplus"}, UsageError, "unknown activation 'softplus'"),
    ({"activations": "relu,relu,relu"}, UsageError, "one activation per layer (2)"),
    ({"activations": 3}, UsageError, "activations must be names"),
    ({"loss": "hinge"}, UsageError, "loss must be one of mse, cross_entropy"),
    (
        {"loss": "cross_entropy", "activations": "relu,relu"},
        UsageError,
        "last layer's activation must be identity",
    ),
    ({"seed": -1}, UsageError, "seed must be a whole number"),
    ({"seed": 1.5}, UsageError, "seed must be a whole number"),
    ({"input": (1, 2)}, UsageError, "input must have 3 numbers"),
    ({"input": ("a", 1, 2)}, UsageError, "input must hold numbers"),
    ({"input": (float("nan"), 1, 2)}, UsageError, "input must hold finite numbers"),
    ({"input": (1e9, 1, 2)}, LimitError, "input must hold numbers of magnitude at most"),
    ({"target": (1, 2, 3)}, UsageError, "target must have 2 numbers"),
    ({"loss": "cross_entropy", "activations": "identity", "target": (0.5, 0.5)}, UsageError, "one-hot"),
    ({"loss": "cross_entropy", "activations": "identity", "target": 5}, UsageError, "target class must be"),
    ({"weights": [np.zeros((4, 3))]}, UsageError, "weights must have one entry per layer (2)"),
    (
        {"weights": [np.zeros((4, 3)), np.zeros((4, 2))]},
        UsageError,
        "weights[1] (W_2) must have shape (2, 4)",
    ),
    ({"biases": [np.zeros(4), np.zeros(3)]}, UsageError, "biases[1] (b_2) must have 2 numbers"),
    ({"biases": "1,2"}, UsageError, "biases must be a sequence"),
]


@pytest.mark.parametrize(("change", "error", "message"), BAD, ids=[m for _, _, m in BAD])
def test_bad_input_is_one_clear_sentence(
    change: dict[str, Any], error: type[ChainruleError], message: str
) -> None:
    arguments: dict[str, Any] = {"layers": (3, 4, 2), "activations": "relu,identity", "seed": 0, **change}
    with pytest.raises(error) as caught:
        network(**arguments)
    assert message in str(caught.value)
    assert caught.value.exit_code == 2
    assert "\n" not in str(caught.value)


def test_cross_entropy_needs_two_outputs() -> None:
    with pytest.raises(UsageError, match="cross_entropy needs an output layer of at least two units"):
        network((3, 1), "identity", loss="cross_entropy")


def test_numpy_stays_out_of_import_chainrule_and_derive() -> None:
    code = (
        "import sys, chainrule; chainrule.derive('sin(x**2)'); import chainrule.derivation.jacobian;"
        "chainrule.derivation.jacobian.jacobian('r*cos(t), r*sin(t)', 'r,t').to_text();"
        "assert 'numpy' not in sys.modules, 'numpy was imported'; import chainrule.neural;"
        "assert 'numpy' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_package_is_callable_as_chainrule_network() -> None:
    import chainrule.neural

    called = chainrule.network((3, 4, 2), "relu,sigmoid", seed=0)  # type: ignore[operator]
    assert called == network((3, 4, 2), "relu,sigmoid", seed=0)
