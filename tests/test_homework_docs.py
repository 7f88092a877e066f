"""The examples in docs/homework.md are what the tool prints.

- ```` ```console ```` blocks start with ``$ chainrule ...``; the rest of the
  block is what the command shows (stdout, then stderr, as a terminal does),
  run from ``docs/`` through typer's CliRunner. Exit codes 0 and 1 are both
  fine here: ``check`` exits 1 for a wrong answer, by design.
- ``>>>`` examples run as doctests.

- the catalogue table between ``<!-- catalogue -->`` markers is made from
  ``chainrule.homework.catalogue.CATALOGUE``.

After a deliberate change of the output, regenerate the console blocks and the
table with ``python tests/test_homework_docs.py --regenerate`` and review the diff.
"""

from __future__ import annotations

import doctest
import os
import re
import shlex
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parent.parent / "docs"
DOC = DOCS / "homework.md"
BLOCK = re.compile(r"^```console\n\$ (chainrule [^\n]*)\n(.*?)^```\n", re.M | re.S)
TABLE = re.compile(r"(<!-- catalogue -->\n)(.*?)(<!-- /catalogue -->)", re.S)


def catalogue_table() -> str:
    """The catalogue as a Markdown table: rule, name, what it is, its own example."""
    from chainrule.homework.catalogue import CATALOGUE

    lines = [
        f"{len(CATALOGUE)} entries.",
        "",
        "| Rule | Name | The mistake | Example: exercise → wrong answer |",
        "| --- | --- | --- | --- |",
    ]
    for mistake in CATALOGUE:
        expr, answer = mistake.example
        title = mistake.title.replace("|", "\\|")
        lines.append(f"| {mistake.rule.title} | `{mistake.name}` | {title} | `{expr}` → `{answer}` |")
    return "\n".join(lines) + "\n"


def console_blocks(text: str) -> list[re.Match[str]]:
    return list(BLOCK.finditer(text))


def run(command: str) -> str:
    from typer.testing import CliRunner

    from chainrule.cli import app

    before = Path.cwd()
    os.chdir(DOCS)
    try:
        result = CliRunner().invoke(app, shlex.split(command)[1:])
    finally:
        os.chdir(before)
    if result.exit_code not in (0, 1, 2) or result.exception and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{command!r} crashed ({result.exit_code}): {result.output}")
    return result.output


def test_docs_show_both_commands_and_list_the_catalogue() -> None:
    from chainrule.homework.catalogue import CATALOGUE

    text = DOC.read_text()
    commands = [m.group(1) for m in console_blocks(text)]
    assert any(c.startswith("chainrule check") for c in commands)
    assert any(c.startswith("chainrule worksheet") for c in commands)
    table = TABLE.search(text)
    assert table is not None, "docs/homework.md has no <!-- catalogue --> table"
    assert table.group(2) == catalogue_table(), (
        "docs/homework.md's catalogue is out of date; run python tests/test_homework_docs.py --regenerate"
    )
    for mistake in CATALOGUE:
        assert f"`{mistake.name}`" in text, mistake.name
    shown = "".join(m.group(2) for m in console_blocks(text))
    for kind in ("Mistake: ", "each one alone:", "together give this answer:", "It first differs"):
        assert kind in shown, f"no example shows a diagnosis with {kind!r}"


def test_docs_list_every_option() -> None:
    text = DOC.read_text()
    for option in ("--wrt", "--format", "--output", "--solutions", "--answers-only", "--jobs"):
        assert f"`{option}`" in text, option


def test_console_examples_match_the_tool() -> None:
    for match in console_blocks(DOC.read_text()):
        command, shown = match.group(1), match.group(2)
        assert run(command).rstrip("\n") == shown.rstrip("\n"), (
            f"docs/homework.md is out of date for {command!r}; "
            "run python tests/test_homework_docs.py --regenerate"
        )


def test_python_examples_run() -> None:
    pytest.importorskip("chainrule.parsing")
    result = doctest.testfile(
        str(DOC), module_relative=False, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
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
    text = "".join(pieces)
    DOC.write_text(TABLE.sub(lambda m: m.group(1) + catalogue_table() + m.group(3), text))


if __name__ == "__main__":
    if sys.argv[1:] != ["--regenerate"]:
        sys.exit("usage: python tests/test_homework_docs.py --regenerate")
    regenerate()
