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

# The heaviest lines: more than 2 s of CPU each (all 300 lines: ~175 s; these 12: ~58 s).
# Nine spend it in the engine's final simplification (bounded_simplify calls
# sympy.simplify on answers of up to 40 ops, and its trigsimp expands sinh(a + b*x)
# and friends: 1.3-15 s); three in numeric checking, where random points rarely
# land in the real domain of log(c*(d*(k + f*x)**p)**q). Deselect with -m "not slow".
SLOW: set[str] = {
    # final simplification
    "-(c + d*x)/(b*tanh(a + b*x)) + d*log(sinh(a + b*x))/b**2",
    "(a + b*sinh(k + f*x))**2*(c + d*x)**2",
    "(c + d*x)**3/(a + b*sinh(k + f*x))",
    "1/((a + b*sinh(k + f*x))*(c + d*x)**2)",
    "1/((a + b*sinh(k + f*x))**2*(c + d*x)**2)",
    "(a + b*sinh(k + f*x))**3*(c + d*x)**m",
    "log(sin(a + b*x))/b - cot(a + b*x)**4/(4*b) + cot(a + b*x)**2/(2*b)",
    "log(cos(c + d*x))/d + tan(c + d*x)**6/(6*d) - tan(c + d*x)**4/(4*d) + tan(c + d*x)**2/(2*d)",
    "(a*sin(k + f*x))**m*(b*tan(k + f*x))**n",
    # verification and comparison at random points
    "(a + b*log(c*(d*(k + f*x)**p)**q))**(3/2)*(g + h*x)**3",
    "(a + b*log(c*(d*(k + f*x)**p)**q))**2*sqrt(g + h*x)",
    "log(a*log(b*x**n)**p)",
}

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
