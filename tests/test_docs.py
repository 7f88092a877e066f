"""Every command shown in README.md and in docs/cli.md, api.md, contributing.md
prints what the page says, and every ``>>>`` example there runs.

- ```` ```console ```` blocks start with ``$ chainrule ...`` (or
  ``$ python -m chainrule ...``); the rest of the block is what the command
  prints (stdout, then stderr), run through typer's CliRunner from the
  repository root with ``NO_COLOR=1`` and 100 columns. Exit codes are checked
  too: a block whose output starts with ``error:`` must fail, any other must
  succeed.
- ``>>>`` examples run as doctests.
- The README's test command is the one ``.ci/run`` runs.

After a deliberate change of the output, regenerate the console blocks with
``python tests/test_docs.py --regenerate`` and review the diff.
(docs/homework.md and docs/graph.md have their own checks.)
"""

from __future__ import annotations

import doctest
import os
import re
import shlex
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [
    ROOT / "README.md",
    ROOT / "docs" / "cli.md",
    ROOT / "docs" / "api.md",
    ROOT / "docs" / "contributing.md",
    ROOT / "docs" / "multivariable.md",
    ROOT / "docs" / "answers.md",
    ROOT / "docs" / "implicit.md",
]
BLOCK = re.compile(r"^```console\n\$ ((?:chainrule|python -m chainrule) [^\n]*)\n(.*?)^```\n", re.M | re.S)
ENV = {"NO_COLOR": "1", "COLUMNS": "100", "TERM": "dumb"}


def run(command: str) -> tuple[str, int]:
    from typer.testing import CliRunner

    from chainrule.cli import app

    words = shlex.split(command)
    args = words[3:] if words[0] == "python" else words[1:]
    before = Path.cwd()
    os.chdir(ROOT)
    try:
        result = CliRunner().invoke(app, args, env=ENV)
    finally:
        os.chdir(before)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{command!r} crashed: {result.exception!r}")
    return result.stdout + result.stderr, result.exit_code


def blocks() -> list[tuple[Path, str, str]]:
    found = []
    for page in PAGES:
        for match in BLOCK.finditer(page.read_text(encoding="utf-8")):
            found.append((page, match.group(1), match.group(2)))
    return found


@pytest.mark.parametrize(
    ("page", "command", "shown"),
    blocks(),
    ids=[f"{p.name}:{c[:60]}" for p, c, _ in blocks()],
)
def test_console_block_is_what_the_tool_prints(page: Path, command: str, shown: str) -> None:
    output, code = run(command)
    assert output == shown, (
        f"{page.name}: the output of {command!r} changed; "
        "run `python tests/test_docs.py --regenerate` and review the diff"
    )
    if shown.startswith("error:"):
        assert code != 0
    else:
        assert code == 0


def test_every_page_shows_commands() -> None:
    for page in PAGES:
        if page.name != "contributing.md":
            assert any(p == page for p, _, _ in blocks()), f"{page.name} shows no command"


def test_cli_page_covers_every_option() -> None:
    text = (ROOT / "docs" / "cli.md").read_text()
    commands = " ".join(c for p, c, _ in blocks() if p.name == "cli.md")
    for option in (
        "--wrt",
        "--order",
        "--format",
        "--notation",
        "--names",
        "--no-simplify",
        "--at",
        "--where",
        "--implicit",
        "--parametric",
        "--standalone",
        "--output",
        "--version",
        "--no-verify",
    ):
        assert option in text, option
        assert option in commands or option == "--output", f"no example uses {option}"
    assert 'chainrule derive "sin(x**2)" --standalone -f latex -o sin.tex' in text


def test_readme_shows_every_format() -> None:
    commands = [c for p, c, _ in blocks() if p.name == "README.md"]
    for fmt in ("latex", "markdown", "json", "rich"):
        assert any(f"-f {fmt}" in c or f"--format {fmt}" in c for c in commands), fmt
    assert 'chainrule derive "sin(x**2)"' in commands


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_doctests(page: Path) -> None:
    failures, _ = doctest.testfile(
        str(page), module_relative=False, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
    )
    assert failures == 0


def test_readme_test_command_is_what_ci_runs() -> None:
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    assert "python -m pytest" in readme
    assert re.search(r"^\s*python -m pytest", ci, re.M)
    assert "pip install -e '.[test]'" in readme and "pip install -e '.[test]'" in ci


def regenerate() -> None:
    for page in PAGES:
        text = page.read_text(encoding="utf-8")

        def replace(match: re.Match[str]) -> str:
            output, _ = run(match.group(1))
            return f"```console\n$ {match.group(1)}\n{output}```\n"

        page.write_text(BLOCK.sub(replace, text), encoding="utf-8")
        print(f"regenerated {page.relative_to(ROOT)}")


if __name__ == "__main__":
    if sys.argv[1:] == ["--regenerate"]:
        regenerate()
    else:
        print(__doc__)
