r"""Worksheets: a file of exercises in, a document with worked solutions out.

The input has one exercise per line, options after ``;``::

    # Week 3: the chain rule
    sin(x**2)
    x^2 y ; wrt=y
    exp(2x) ; order=2
    x^2 + y^2 = 25 ; implicit=y
    x^2 + y^2 = 100 ; wrt=t ; implicit=y ; where=x=x(t)
    x = cos(t)^3, y = sin(t)^3 ; parametric

Blank lines and ``#`` comments are skipped. Each exercise is derived (and
every step verified) on its own, in worker processes when ``jobs`` > 1, and
the results are put back in line order, so the document is the same for any
number of jobs; ``chainrule.views.worksheet`` makes the document. A line
that fails is reported with its number; the others are still produced.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass

from chainrule.derivation.implicit import Implicit
from chainrule.derivation.model import Derivation
from chainrule.derivation.parametric import Parametric
from chainrule.errors import ChainruleError, UsageError
from chainrule.recursion import run_deep

FORMATS = ("latex", "markdown")
OPTIONS = ("wrt", "order", "implicit", "where", "parametric")
#: An option written alone, without ``=VALUE``.
FLAGS = ("parametric",)
INSTALL_TEX = "install it with: apt-get install texlive-latex-base texlive-latex-recommended"
_OPTION = re.compile(r"^\s*([A-Za-z_]+)\s*=\s*(\S(?:.*\S)?)\s*$")


@dataclass(frozen=True, kw_only=True)
class Exercise:
    """One line of the input: the expression text and its options."""

    line: int
    text: str
    wrt: str | None = None
    order: int = 1
    implicit: str | None = None
    where: tuple[str, ...] = ()
    parametric: bool = False


@dataclass(frozen=True, kw_only=True)
class LineError:
    """A line that could not be used, and why; ``exit_code`` as the error's."""

    line: int
    message: str
    exit_code: int = 2

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True, kw_only=True)
class Solved:
    """One exercise derived and verified, or the reason it could not be."""

    line: int
    derivation: Derivation | Implicit | Parametric | None = None
    error: LineError | None = None


# ---------------------------------------------------------------------------
# Reading the exercises.


def read_exercises(text: str) -> tuple[list[Exercise], list[LineError]]:
    """The exercises of a worksheet file, and the lines whose options are bad.

    >>> exercises, errors = read_exercises("# comment\\nsin(x)\\n\\nx^2 y ; wrt=y\\nx ; colour=red\\n")
    >>> [(e.line, e.text, e.wrt) for e in exercises]
    [(2, 'sin(x)', None), (4, 'x^2 y', 'y')]
    >>> print(errors[0])
    line 5: unknown option 'colour'; the options are wrt, order, implicit, where and parametric
    """
    exercises: list[Exercise] = []
    errors: list[LineError] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        expr, *options = line.split(";")
        try:
            exercises.append(_exercise(number, expr.strip(), options))
        except ChainruleError as err:
            errors.append(LineError(line=number, message=str(err), exit_code=err.exit_code))
    return exercises, errors


def _exercise(number: int, expr: str, options: list[str]) -> Exercise:
    if not expr:
        raise UsageError("the line has options but no expression")
    values: dict[str, str] = {}
    for option in options:
        if not option.strip():
            continue
        if option.strip() in FLAGS:
            option = f"{option.strip()}=yes"
        match = _OPTION.match(option)
        if match is None:
            raise UsageError(f"options are written NAME=VALUE after ';', not {option.strip()!r}")
        name, value = match.group(1), match.group(2)
        if name not in OPTIONS:
            listed = ", ".join(OPTIONS[:-1]) + " and " + OPTIONS[-1]
            raise UsageError(f"unknown option {name!r}; the options are {listed}")
        if name in values:
            raise UsageError(f"option {name!r} is given twice")
        values[name] = value
    order = 1
    if "order" in values:
        if not values["order"].isdigit():
            raise UsageError(f"order must be a whole number, not {values['order']!r}")
        order = int(values["order"])
    where = tuple(part.strip() for part in values["where"].split(",")) if "where" in values else ()
    return Exercise(
        line=number, text=expr, wrt=values.get("wrt"), order=order, implicit=values.get("implicit"),
        where=where, parametric="parametric" in values,
    )


# ---------------------------------------------------------------------------
# Solving (in worker processes when jobs > 1; derivations travel back pickled).


def solve(exercise: Exercise, verify: bool = True) -> Solved:
    """Derive and verify (unless ``verify`` is false) one exercise; a failure becomes ``Solved.error``.

    Each line runs with a time budget of its own: one line over it is reported, the others go on.
    """
    try:
        derivation = run_deep(_derive_and_verify, exercise, verify, own_budget=True)
    except ChainruleError as err:
        error = LineError(line=exercise.line, message=str(err), exit_code=err.exit_code)
        return Solved(line=exercise.line, error=error)
    return Solved(line=exercise.line, derivation=derivation)


def _derive_and_verify(exercise: Exercise, verify: bool) -> Derivation | Implicit | Parametric:
    from chainrule.derivation.entry import derive

    derivation = derive(
        exercise.text, exercise.wrt, order=exercise.order, implicit=exercise.implicit,
        where=exercise.where or None, parametric=exercise.parametric,
    )
    if verify:
        derivation.verify()
    return derivation


def solve_all(
    exercises: list[Exercise],
    *,
    jobs: int = 1,
    progress: Callable[[int], None] | None = None,
    verify: bool = True,
) -> list[Solved]:
    """Every exercise solved, in line order whatever the number of ``jobs``.

    ``progress`` is called with the number of exercises done so far.
    """
    if not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1:
        raise UsageError(f"{{jobs}} must be a whole number of at least 1, not {jobs!r}", parameters=("jobs",))
    results: list[Solved] = []
    if jobs <= 1 or len(exercises) <= 1:
        for exercise in exercises:
            results.append(solve(exercise, verify))
            if progress is not None:
                progress(len(results))
    else:
        with ProcessPoolExecutor(max_workers=min(jobs, len(exercises))) as pool:
            futures = [pool.submit(solve, exercise, verify) for exercise in exercises]
            for future in as_completed(futures):
                results.append(future.result())
                if progress is not None:
                    progress(len(results))
    return sorted(results, key=lambda s: s.line)


def error_lines(errors: Iterable[LineError]) -> str:
    """``error: line N: ...`` for each failure, as the CLI prints them."""
    return "".join(f"error: {e}\n" for e in errors)
