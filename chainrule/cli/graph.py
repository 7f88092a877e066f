"""The logic of ``chainrule graph``: options in, a graph out, in the chosen format.

The typer command only forwards its options here. The formats and the
output suffixes that imply them are the graph rows of
:mod:`chainrule.views.registry`; ``--at VAR=VALUE`` pairs are read by
:func:`chainrule.parsing.inputs.read_point` (inside :func:`chainrule.graph.backprop`).
Images (rows marked ``image``: ``-o graph.svg|png|pdf``) are drawn by
Graphviz's ``dot`` program when it is installed; otherwise the command says
how to install it, exits 1, and writes nothing.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

from chainrule.errors import ChainruleError, UsageError
from chainrule.files import write_atomically
from chainrule.views.registry import formats, suffixes, view

#: Output suffixes and the format each implies when ``--format`` is not given.
GRAPH_SUFFIXES = suffixes("graph")

#: Formats Graphviz draws from the DOT source.
IMAGE_FORMATS = tuple(f for f in formats("graph") if view("graph", f).image)

INSTALL_GRAPHVIZ = (
    "install Graphviz (Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz), "
    "or write the DOT source with --format dot -o graph.dot"
)


def run_graph(
    expr_text: str,
    at_pairs: Sequence[str],
    fmt: str | None,
    output: Path | None,
    *,
    standalone: bool = False,
) -> None:
    """Build the graph of ``expr_text`` and print or write it.

    Args:
        expr_text: the expression as the user typed it.
        at_pairs: ``VAR=VALUE`` strings; none gives a symbolic graph.
        fmt: a graph format of the registry; ``None`` picks one from the output
            suffix (``.svg``/``.png``/``.pdf`` draw the graph), else rich on a
            terminal and text otherwise.
        output: a file to write (atomically), or ``None`` for stdout.
        standalone: LaTeX only: a whole document.
    """
    from chainrule.cli.app import choose_format, print_rich, write_output
    from chainrule.graph import backprop

    kind = choose_format(fmt, output, suffixes=GRAPH_SUFFIXES)
    image = _image(kind, output)
    if standalone and kind != "latex":
        raise UsageError("--standalone applies only to --format latex")
    dot_program = shutil.which("dot") if image else None
    if image and dot_program is None:
        target = output.name if output is not None else f"a {image} file"
        raise ChainruleError(
            f"drawing {target} needs Graphviz's dot program, which is not installed; " + INSTALL_GRAPHVIZ
        )

    graph = backprop(expr_text, at=list(at_pairs) or None)

    if image:
        if output is None:
            raise UsageError(f"--format {image} draws an image: give the file to write with --output")
        assert dot_program is not None
        write_atomically(draw(graph.to_dot(), image, dot_program), output)
        return
    if kind == "rich" and output is None:
        print_rich(graph)
        return
    write_output(graph.render(kind, **({"standalone": True} if standalone else {})), output)


def _image(kind: str, output: Path | None) -> str | None:
    """The image format to draw: an image format, or ``dot`` written to an image suffix."""
    if kind in IMAGE_FORMATS:
        return kind
    suffix_kind = GRAPH_SUFFIXES.get(output.suffix.lower()) if output is not None else None
    if kind == "dot" and suffix_kind in IMAGE_FORMATS:
        return suffix_kind  # --format dot -o graph.svg draws it too
    return None


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
