"""Every ``>>>`` example in docs/network.md runs and prints what the page shows.

After a deliberate change of the output, regenerate the page's outputs with
``python tests/test_network_docs.py --regenerate`` and review the diff: each
example is run in order and the text under it replaced by what it prints
(examples that show a traceback are left as written).
"""

from __future__ import annotations

import contextlib
import doctest
import io
import sys
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "network.md"
FLAGS = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS


def test_docs_have_examples_of_both_features() -> None:
    examples = [e.source for e in doctest.DocTestParser().get_examples(DOC.read_text(encoding="utf-8"))]
    assert len(examples) >= 20
    assert any("network((3, 4, 3, 2)" in source for source in examples)
    assert any('jacobian("r*cos(t), r*sin(t)"' in source for source in examples)
    assert any("where=" in source and "u = x*y" in source for source in examples)


def test_python_examples_run_and_print_what_the_page_shows() -> None:
    result = doctest.testfile(str(DOC), module_relative=False, optionflags=FLAGS, verbose=False)
    assert result.failed == 0, (
        f"{result.failed} example(s) in docs/network.md print something else; "
        "run `python tests/test_network_docs.py --regenerate` and review the diff"
    )
    assert result.attempted >= 20


def regenerate() -> None:
    """Rewrite the outputs of docs/network.md from what its examples print now."""
    parts = doctest.DocTestParser().parse(DOC.read_text(encoding="utf-8"))
    namespace: dict[str, object] = {}
    out: list[str] = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
            continue
        pad = " " * part.indent
        lines = part.source.rstrip("\n").split("\n")
        out.append(pad + ">>> " + lines[0] + "\n" + "".join(f"{pad}... {line}\n" for line in lines[1:]))
        if part.exc_msg is not None:  # a traceback: keep it as written, check it still raises
            try:
                exec(compile(part.source, "<doc>", "single"), namespace)  # noqa: S102 - the doc's own code
            except Exception:  # noqa: BLE001 - any error the page shows
                out.append("".join(pad + line + "\n" for line in part.want.rstrip("\n").split("\n")))
                continue
            raise SystemExit(f"{part.source!r} no longer raises")
        buffer = io.StringIO()
        with contextlib.redirect_stdout(buffer):
            exec(compile(part.source, "<doc>", "single"), namespace)  # noqa: S102 - the doc's own code
        shown = buffer.getvalue().rstrip("\n")
        for line in shown.split("\n") if shown else []:
            out.append(pad + (line if line.strip() else "<BLANKLINE>") + "\n")
    DOC.write_text("".join(out), encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:] == ["--regenerate"]:
        regenerate()
    else:
        raise SystemExit(__doc__)
