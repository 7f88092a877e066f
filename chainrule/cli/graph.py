"""The logic of ``chainrule graph``: options in, a graph out, in the chosen format.

The typer command in :mod:`chainrule.cli` only forwards its options here, and
reuses that module's helpers (format choice, error handling, atomic writes,
rich printing). Images (``--output graph.svg|png|pdf``) are drawn by
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

#: Output suffixes and the format each implies when ``--format`` is not given.
GRAPH_SUFFIXES = {
    ".txt": "text",
    ".tex": "latex",
    ".json": "json",
    ".dot": "dot",
    ".gv": "dot",
    ".html": "html",
    ".htm": "html",
    ".svg": "svg",
    ".png": "png",
    ".pdf": "pdf",
}

#: Formats Graphviz draws from the DOT source.
IMAGE_FORMATS = ("svg", "png", "pdf")

INSTALL_GRAPHVIZ = (
    "install Graphviz (Debian/Ubuntu: apt-get install graphviz; macOS: brew install graphviz), "
    "or write the DOT source with --format dot -o graph.dot"
)


def parse_points(pairs: Sequence[str]) -> dict[str, str]:
    """``--at x=-2 --at y=1/3`` as ``{"x": "-2", "y": "1/3"}`` (values stay text:
    :func:`chainrule.graph.backprop` reads them exactly, never with ``eval``)."""
    points: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name, value = name.strip(), value.strip()
        if not sep or not name or not value:
            raise UsageError(f"--at expects VAR=VALUE, not {pair!r}")
        if not name.isidentifier():
            raise UsageError(f"--at: {name!r} is not a variable name")
        if name in points:
            raise UsageError(f"--at gives {name} twice")
        points[name] = value
    return points


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
        fmt: ``rich``, ``text``, ``latex``, ``json``, ``dot`` or ``html``; ``None`` picks
            one from the output suffix (``.svg``/``.png``/``.pdf`` draw the graph),
            else rich on a terminal and text otherwise.
        output: a file to write (atomically), or ``None`` for stdout.
        standalone: LaTeX only: a whole document.
    """
    from chainrule.cli.app import choose_format, print_rich, write_output
    from chainrule.graph import backprop
    from chainrule.views.graph import render_graph

    kind = choose_format(fmt, output, suffixes=GRAPH_SUFFIXES)
    suffix_kind = GRAPH_SUFFIXES.get(output.suffix.lower()) if output is not None else None
    image: str | None = None
    if kind in IMAGE_FORMATS:
        image = kind
    elif kind == "dot" and suffix_kind in IMAGE_FORMATS:
        image = suffix_kind  # --format dot -o graph.svg draws it too
    if standalone and kind != "latex":
        raise UsageError("--standalone applies only to --format latex")
    dot_program = shutil.which("dot") if image else None
    if image and dot_program is None:
        target = output.name if output is not None else f"a {image} file"
        raise ChainruleError(
            f"drawing {target} needs Graphviz's dot program, which is not installed; "
            + INSTALL_GRAPHVIZ
        )

    points = parse_points(at_pairs)
    graph = backprop(expr_text, at=points or None)

    if image:
        assert output is not None and dot_program is not None
        write_atomically(draw(graph.to_dot(), image, dot_program), output)
        return
    if kind == "rich" and output is None:
        print_rich(graph)
        return
    write_output(render_graph(graph, kind, standalone=standalone), output)


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
