"""``chainrule graph``: an expression's computational graph, forward values and backward gradients.

Images (``--output graph.svg|png|pdf``) are drawn by Graphviz's ``dot``
program when it is installed; otherwise the command says how to install it,
exits 1, and writes nothing.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Annotated

import typer

from chainrule.cli.io import (
    NoVerify,
    Standalone,
    choose_format,
    chosen,
    format_choices,
    format_option,
    handle_errors,
    output_option,
    show,
    verified,
    write_output,
)
from chainrule.errors import ChainruleError

INSTALL_GRAPHVIZ = (
    "install Graphviz (Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz), "
    "or write the DOT source with --format dot -o graph.dot"
)

GraphFormat = format_choices("graph")

EXAMPLES = """\
Examples:

  chainrule graph "(x + y)*z" --at x=-2 --at y=5 --at z=-4

  chainrule graph "1/(1 + exp(-(w0*x0 + w1*x1 + w2)))" --at w0=2 --at x0=-1 --at w1=-3 --at x1=-2 --at w2=-3

  chainrule graph "Dense_3(Dense_2(Dense_1(x)))"

  chainrule graph "x*x + x" --at x=3 -o graph.svg
"""


def graph(
    expr: Annotated[str, typer.Argument(help='The expression, e.g. "(x + y)*z".')],
    at: Annotated[
        list[str] | None,
        typer.Option(
            "--at",
            metavar="VAR=VALUE",
            help="A value for a variable (repeatable); without values the graph is symbolic.",
        ),
    ] = None,
    format: Annotated[GraphFormat | None, format_option()] = None,  # type: ignore[valid-type]  # noqa: A002
    standalone: Standalone = False,
    output: Annotated[
        Path | None,
        output_option("Write to FILE (atomically); .svg, .png or .pdf draws the graph with Graphviz."),
    ] = None,
    no_verify: NoVerify = False,
) -> None:
    """Show EXPR's computational graph: forward values, then backward gradients."""
    with handle_errors():
        from chainrule.graph import backprop
        from chainrule.parsing.inputs import read_point
        from chainrule.views import render
        from chainrule.views.registry import view

        fmt = choose_format("graph", chosen(format), output)
        suffix_format = choose_format("graph", None, output) if output is not None else None
        image = fmt if view("graph", fmt).image else None
        if fmt == "dot" and suffix_format is not None and view("graph", suffix_format).image:
            image = suffix_format  # --format dot -o graph.svg draws it too
        dot_program = shutil.which("dot") if image else None
        if image and dot_program is None:
            target = output.name if output is not None else f"a {image} file"
            raise ChainruleError(
                f"drawing {target} needs Graphviz's dot program, which is not installed; " + INSTALL_GRAPHVIZ
            )
        points = dict(read_point(at)) if at else None
        result = verified(backprop(expr, at=points), not no_verify)
        if image:
            assert dot_program is not None
            write_output(draw(render(result, "dot"), image, dot_program), output)
            return
        show(result, fmt, output, standalone=standalone)


def draw(source: str, image: str, dot_program: str) -> bytes:
    """Graphviz's drawing of DOT ``source`` as ``image`` (svg, png or pdf)."""
    try:
        result = subprocess.run(
            [dot_program, f"-T{image}"],
            input=source.encode("utf-8"),
            capture_output=True,
            timeout=300,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as err:
        raise ChainruleError(f"Graphviz's dot failed: {err}") from err
    if result.returncode != 0:
        message = result.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ChainruleError(
            "Graphviz's dot failed: " + (message[0] if message else f"exit {result.returncode}")
        )
    return result.stdout
