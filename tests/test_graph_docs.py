"""The examples in docs/graph.md are what the tool prints.

- ```` ```console ```` blocks start with ``$ chainrule ...``; the rest of the
  block is that command's standard output, checked through typer's CliRunner.
- ``>>>`` examples run as doctests.

After a deliberate change of the output, regenerate the console blocks with
``python tests/test_graph_docs.py --regenerate`` and review the diff.
"""

from __future__ import annotations

import doctest
import re
import shlex
import sys
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parent.parent / "docs" / "graph.md"
BLOCK = re.compile(r"^```console\n\$ (chainrule [^\n]*)\n(.*?)^```\n", re.M | re.S)


def console_blocks(text: str) -> list[re.Match[str]]:
    return list(BLOCK.finditer(text))


def run(command: str) -> str:
    from typer.testing import CliRunner

    from chainrule.cli import app

    args = shlex.split(command)[1:]
    result = CliRunner().invoke(app, args)
    if result.exit_code != 0:
        raise AssertionError(f"{command!r} exited {result.exit_code}: {result.output}")
    return result.stdout


def test_docs_have_console_examples() -> None:
    commands = [m.group(1) for m in console_blocks(DOC.read_text())]
    assert len(commands) >= 5
    assert any("--format json" in c for c in commands)


def test_console_examples_match_the_tool() -> None:
    pytest.importorskip("chainrule.parsing", reason="the CLI reads text with chainrule.parsing")
    for match in console_blocks(DOC.read_text()):
        command, shown = match.group(1), match.group(2)
        assert run(command).rstrip("\n") == shown.rstrip("\n"), (
            f"docs/graph.md is out of date for {command!r}; "
            "run python tests/test_graph_docs.py --regenerate"
        )


def test_python_examples_run() -> None:
    result = doctest.testfile(
        str(DOC),
        module_relative=False,
        optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS,
    )
    assert result.attempted >= 5
    assert result.failed == 0


def regenerate() -> None:
    text = DOC.read_text()
    pieces, last = [], 0
    for match in console_blocks(text):
        pieces.append(text[last : match.start(2)])
        pieces.append(run(match.group(1)).rstrip("\n") + "\n")
        last = match.end(2)
    pieces.append(text[last:])
    DOC.write_text("".join(pieces))


if __name__ == "__main__":
    if sys.argv[1:] != ["--regenerate"]:
        sys.exit("usage: python tests/test_graph_docs.py --regenerate")
    regenerate()
