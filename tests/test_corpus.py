"""Real-world expressions: integrands and antiderivatives from a published test suite.

Every line of ``tests/data/integration_corpus.txt`` (SymPy's port of the Rubi
integration tests; see the file's header for the source, license and what was
left out) is derived by the engine, verified step by step, and both the raw and
the simplified answer are compared with ``sympy.diff`` of the parsed expression
at random real points. Each line is one test case, named by its line number.

Every line must have points where it can be compared: a line without one would
be a check that cannot fail, so it fails instead.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sympy

import chainrule
from chainrule.derivation.verify import compare

CORPUS = Path(__file__).parent / "data" / "integration_corpus.txt"
x = sympy.Symbol("x", real=True)

# Known engine bugs this corpus exposes, by expression text: strict, so fixing
# the bug turns the case into an XPASS failure and the entry must be removed.
XFAIL: dict[str, str] = {}

# The heaviest lines, marked slow (deselect with -m "not slow"). None now: the nine lines
# that spent 1.3-15 s in sympy.simplify (trigsimp of sinh(a + b*x) and friends) and the
# three that spent it checking at random points take under 0.2 s each since the final
# form is built from bounded passes and steps are verified on compiled programs (#17).
SLOW: set[str] = set()

# Fraction of the lines allowed to have no comparable real point.


def _load() -> list[tuple[int, str, str]]:
    cases = []
    for number, line in enumerate(CORPUS.read_text().splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        text, _, source = line.partition("  # ")
        cases.append((number, text.strip(), source.strip()))
    return cases


CASES = _load()


def _param(number: int, text: str, source: str) -> object:
    marks = []
    if text in XFAIL:
        marks.append(pytest.mark.xfail(strict=True, reason=XFAIL[text]))
    if text in SLOW:
        marks.append(pytest.mark.slow)
    return pytest.param(number, text, source, id=f"line{number}", marks=marks)


def test_corpus_is_loaded() -> None:
    assert len(CASES) >= 300
    assert len({text for _, text, _ in CASES}) == len(CASES), "duplicate lines"
    stale = (XFAIL.keys() | SLOW) - {text for _, text, _ in CASES}
    assert not stale, f"XFAIL/SLOW entries not in the corpus: {stale}"


@pytest.mark.parametrize(("number", "text", "source"), [_param(*case) for case in CASES])
def test_corpus_line(number: int, text: str, source: str) -> None:
    parsed = chainrule.parse(text)
    d = chainrule.derive(text, wrt="x")
    d.verify()
    expected = sympy.diff(parsed, x)
    for name, got in (("raw_result", d.raw_result), ("result", d.result)):
        comparison = compare(expected, got, domain=parsed)
        # Every line of this corpus has points where it is defined; a line without one
        # would be a check that cannot fail.
        assert comparison.checked > 0, f"{source}: no point to compare d/dx {text} at"
        assert comparison.equal, (
            f"{source}: d/dx {text}: {name} {got} differs from sympy.diff at "
            f"{comparison.difference} (expected {comparison.expected_value}, got {comparison.got_value})"
        )
