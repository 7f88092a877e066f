"""The console-script entry point: usage errors are one line and exit 2, never typer's panel."""

from __future__ import annotations

import pytest

from chainrule.cli import main


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["derive", "sin(x)", "-f", "bogus"], "error: Invalid value for '--format'"),
        (["derive"], "error: Missing argument 'expr'. (see: chainrule derive --help)"),
        (["derive", "sin(x)", "--order", "0"], "error: Invalid value for '--order'"),
        (["bogus"], "error: No such command 'bogus'. (see: chainrule --help)"),
        (["check", "sin(x)", "-cos(x)"], 'goes after --, as in chainrule check "cos(x)" -- "-sin(x)"'),
        (["derive", "sin(x"], "error: 'sin(' opened at column 0 is never closed"),
    ],
)
def test_bad_input_is_one_clear_line_and_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err
    first = captured.err.splitlines()[0]
    assert first.startswith("error: ") and "╭" not in captured.err and "Traceback" not in captured.err


def test_success_and_wrong_answer_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as ok:
        main(["derive", "sin(x**2)", "-f", "text"])
    assert ok.value.code == 0
    assert capsys.readouterr().out.endswith("Answer: d/dx sin(x²) = 2x cos(x²)\n")
    with pytest.raises(SystemExit) as wrong:
        main(["check", "sin(x)", "--format", "text", "--", "-cos(x)"])
    assert wrong.value.code == 1
