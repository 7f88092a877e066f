"""``chainrule network``: a dense network's forward and backward pass, with every shape."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from chainrule.cli.io import (
    Standalone,
    choose_format,
    chosen,
    format_choices,
    format_option,
    handle_errors,
    output_option,
    show,
)

EXAMPLES = """\
Examples:

  chainrule network --layers 3,4,2 --activations relu,sigmoid --loss mse --seed 0

  chainrule network --layers 2,3,3 --activations tanh,identity --loss cross_entropy --target 1

  chainrule network --layers 2,2,1 --activations sigmoid --input 0.5,-1 --target 1 -f latex -o net.tex
"""

NetworkFormat = format_choices("network")


def network(
    layers: Annotated[str, typer.Option("--layers", help="Layer sizes, input first: 3,4,2.")],
    activations: Annotated[
        str,
        typer.Option("--activations", help="One per layer (relu, sigmoid, tanh, identity), or one for all."),
    ],
    loss: Annotated[str, typer.Option("--loss", help="mse or cross_entropy.")] = "mse",
    seed: Annotated[int, typer.Option("--seed", help="Seed of the weights, input and target not given.")] = 0,
    input: Annotated[  # noqa: A002 - the option is called --input
        str | None, typer.Option("--input", help="The input vector, e.g. 0.5,-1,2 (default: seeded).")
    ] = None,
    target: Annotated[
        str | None,
        typer.Option(
            "--target", help="The target vector, or a class index for cross_entropy (default: seeded)."
        ),
    ] = None,
    digits: Annotated[int, typer.Option("--digits", min=1, max=15, help="Significant digits shown.")] = 4,
    format: Annotated[NetworkFormat | None, format_option()] = None,  # type: ignore[valid-type]  # noqa: A002
    standalone: Standalone = False,
    output: Annotated[Path | None, output_option()] = None,
) -> None:
    """Run a dense network forward and backward, layer by layer: downstream = local × upstream."""
    with handle_errors():
        from chainrule.neural import network as build_network

        fmt = choose_format("network", chosen(format), output)
        result = build_network(layers, activations, loss=loss, seed=seed, input=input, target=target)
        show(result, fmt, output, digits=digits, standalone=standalone)
