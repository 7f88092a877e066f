"""Reading a network's input: every user value checked, and the seeded values drawn.

Each function reads one kind of value and raises ``UsageError`` (or
``LimitError`` for hostile sizes) with one sentence naming the parameter.
Values that are not given are drawn from ``numpy.random.default_rng(seed)``
in a fixed order — for each layer ``W_k`` then ``b_k``, then the input, then
the target — uniformly from [−1, 1] (a regression target from [0, 1]; a
cross-entropy target is one-hot at a random class) and rounded to two
decimals, so the tables print short numbers. Giving one value does not
change the others.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from chainrule.errors import ChainruleError, LimitError, UsageError
from chainrule.neural.activations import ACTIVATIONS

__all__ = ["DECIMALS", "LOSSES", "MAX_LAYERS", "MAX_MAGNITUDE", "MAX_UNITS"]

#: The most units one layer may have, and the most weight layers: beyond them the
#: tables and matrices stop being readable.
MAX_UNITS = 64
MAX_LAYERS = 10
#: The largest magnitude of a given number (input, target, weight, bias).
MAX_MAGNITUDE = 1e6
#: The losses, with their names in words.
LOSSES = {"mse": "mean squared error", "cross_entropy": "softmax cross-entropy"}
#: Decimals of the seeded values.
DECIMALS = 2


def _refuse(parameter: str, message: str = "", *, kind: type[ChainruleError] = UsageError) -> ChainruleError:
    """An error whose sentence starts with the parameter, named as the library or the CLI spells it."""
    return kind("{" + parameter + "} " + message, parameters=(parameter,))


def whole(value: object) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def read_sizes(layers: object) -> tuple[int, ...]:
    if isinstance(layers, str):
        try:
            items: list[Any] = [int(part) for part in layers.split(",")]
        except ValueError:
            raise _refuse(
                "layers", f"must be whole numbers separated by commas, such as 3,4,2, not {layers!r}"
            ) from None
    elif isinstance(layers, (Sequence, np.ndarray)):
        items = list(layers)
    else:
        raise _refuse("layers", f"must be a sequence of layer sizes, such as (3, 4, 2), not {layers!r}")
    if len(items) < 2:
        raise _refuse("layers", "must have at least two sizes: the input's and the output's")
    if len(items) - 1 > MAX_LAYERS:
        raise _refuse(
            "layers",
            kind=LimitError,
            message=f"may describe at most {MAX_LAYERS} layers ({MAX_LAYERS + 1} sizes) so the output "
            f"stays readable, not {len(items) - 1}",
        )
    for size in items:
        if not whole(size) or size < 1:
            raise _refuse("layers", f"must be whole numbers of at least 1, not {size!r}")
        if size > MAX_UNITS:
            raise _refuse(
                "layers",
                kind=LimitError,
                message=f"may have at most {MAX_UNITS} units each so the output stays readable, not {size}",
            )
    return tuple(int(size) for size in items)


def read_loss(loss: object, sizes: Sequence[int]) -> str:
    name = loss.strip().lower().replace("-", "_") if isinstance(loss, str) else None
    if name not in LOSSES:
        raise _refuse("loss", f"must be one of {', '.join(LOSSES)}, not {loss!r}")
    if name == "cross_entropy" and sizes[-1] < 2:
        raise _refuse("loss", "cross_entropy needs an output layer of at least two units")
    return name


def read_seed(seed: object) -> int:
    if not whole(seed) or seed < 0:  # type: ignore[operator]
        raise _refuse("seed", f"must be a whole number of at least 0, not {seed!r}")
    return int(seed)  # type: ignore[call-overload]


def read_activations(activations: object, count: int, loss: str) -> tuple[str, ...]:
    if isinstance(activations, str):
        names = [part.strip().lower() for part in activations.split(",")]
    elif isinstance(activations, Sequence) and all(isinstance(a, str) for a in activations):
        names = [a.strip().lower() for a in activations]
    else:
        raise _refuse("activations", f"must be names such as relu,sigmoid, not {activations!r}")
    for name in names:
        if name not in ACTIVATIONS:
            choices = ", ".join(ACTIVATIONS)
            raise _refuse("activations", f"names an unknown activation {name!r}; choose from {choices}")
    if len(names) == 1:
        if loss == "cross_entropy":
            return (names[0],) * (count - 1) + ("identity",)
        return (names[0],) * count
    if len(names) != count:
        raise _refuse(
            "activations",
            f"must name one activation per layer ({count}) or one for all layers, not {len(names)}",
        )
    if loss == "cross_entropy" and names[-1] != "identity":
        raise UsageError(
            "with loss cross_entropy: the last layer's activation must be identity, "
            "since the loss takes the softmax of its z"
        )
    return tuple(names)


def read_numbers(value: object, what: str) -> np.ndarray:
    if isinstance(value, str):
        value = [part for part in value.replace(";", ",").split(",") if part.strip()]
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise _refuse(what, f"must hold numbers, not {value!r}") from None
    if not np.all(np.isfinite(array)):
        raise _refuse(what, "must hold finite numbers")
    if array.size and float(np.max(np.abs(array))) > MAX_MAGNITUDE:
        raise _refuse(
            what, kind=LimitError, message=f"must hold numbers of magnitude at most {MAX_MAGNITUDE:g}"
        )
    return array + 0.0  # no -0.0


def read_vector(value: object, size: int, what: str) -> np.ndarray:
    array = read_numbers(value, what)
    if array.shape != (size,):
        raise _refuse(what, f"must have {size} numbers, not shape {tuple(array.shape)}")
    return array


def read_target(target: object, size: int, loss: str) -> np.ndarray:
    if loss == "cross_entropy" and whole(target):
        if not 0 <= int(target) < size:  # type: ignore[call-overload]
            raise _refuse("target", f"class must be from 0 to {size - 1}, not {target!r}")
        return np.eye(size)[int(target)]  # type: ignore[call-overload]
    y = read_vector(target, size, "target")
    if loss == "cross_entropy" and not (np.all((y == 0) | (y == 1)) and y.sum() == 1):
        raise _refuse("target", "must be one-hot for cross_entropy (one 1, the rest 0), or a class index")
    return y


def read_matrices(value: object, sizes: tuple[int, ...], what: str) -> list[np.ndarray]:
    items = _items(value, len(sizes) - 1, what)
    found = []
    for k, item in enumerate(items):
        array = read_numbers(item, f"{what}[{k}]")
        shape = (sizes[k + 1], sizes[k])
        if array.shape != shape:
            raise UsageError(
                f"{{{what}}}[{k}] (W_{k + 1}) must have shape {shape}, not {tuple(array.shape)}",
                parameters=(what,),
            )
        found.append(array)
    return found


def read_vectors(value: object, sizes: Sequence[int], what: str) -> list[np.ndarray]:
    items = _items(value, len(sizes), what)
    return [
        read_vector(item, size, f"{what}[{k}] (b_{k + 1})")
        for k, (item, size) in enumerate(zip(items, sizes))
    ]


def _items(value: object, count: int, what: str) -> list[Any]:
    if isinstance(value, str) or not isinstance(value, (Sequence, np.ndarray)):
        raise _refuse(what, f"must be a sequence with one entry per layer ({count})")
    items = list(value)
    if len(items) != count:
        raise _refuse(what, f"must have one entry per layer ({count}), not {len(items)}")
    return items


def draw_all(
    seed: int, sizes: tuple[int, ...], loss: str
) -> tuple[list[np.ndarray], list[np.ndarray], np.ndarray, np.ndarray]:
    """Every seeded value, always in the same order, so giving one changes no other."""
    rng = np.random.default_rng(seed)

    def draw(shape: tuple[int, ...], low: float = -1.0) -> np.ndarray:
        return np.round(rng.uniform(low, 1.0, shape), DECIMALS) + 0.0

    ws, bs = [], []
    for k in range(1, len(sizes)):
        ws.append(draw((sizes[k], sizes[k - 1])))
        bs.append(draw((sizes[k],)))
    x = draw((sizes[0],))
    if loss == "cross_entropy":
        y = np.eye(sizes[-1])[int(rng.integers(sizes[-1]))]
    else:
        y = draw((sizes[-1],), low=0.0)
    return ws, bs, x, y
