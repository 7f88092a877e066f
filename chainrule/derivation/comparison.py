"""Comparisons at random points: two expressions (``compare``), or one step on its own.

``compare(expected, got)`` is what ``chainrule check`` and the tests use: the two
expressions at seeded random points, skipping points where either (or the
``domain``) is undefined or not real, and only where no real point exists at all,
complex points. Each point is first evaluated by compiled programs
(:mod:`chainrule.derivation.evaluate`): equal floats (to 1e-8, with error bounds
under 1e-9) accept the point, and anything else is decided in mpmath at today's
tolerance (1e-12). A point where the floats find a value undefined is handed to
SymPy's ``evalf`` (30 digits), so the points compared, and the first point of a
difference, are those SymPy's own evaluation gives.

``verify_step`` is the reference check of one step, kept for the steps the
compiled verifier (:mod:`chainrule.derivation.verify`) cannot decide, those with
no real point: against SymPy, at several random points,

- the expected derivative is ``sympy.diff`` of the step's expression when
  that is cheap (small, shallow expressions), and otherwise a high-precision
  numerical derivative of the expression (mpmath);
- undefined functions (``f``, ``g``) are replaced by fixed stand-ins
  (:mod:`chainrule.derivation.numeric`), the same on both sides;
- the names a step's ancestors bind (``u = x**2``) and the derivation's
  ``where`` are substituted, unless the step differentiates by one of those
  names, in which case all names are independent (a partial derivative).

Points come from a seeded generator, so a check gives the same verdict every
time. A step with no usable point at all fails, because a check that cannot
fail is no check. ``reference_verify`` checks a whole derivation this way, one
step after the other (slow: the tests compare the compiled verifier with it).
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import mpmath
import sympy

from chainrule.derivation import evaluate
from chainrule.derivation.bindings import resolver
from chainrule.derivation.numeric import EPS, concrete, exact
from chainrule.errors import VerificationError
from chainrule.printing import plain
from chainrule.recursion import deep_recursion

if TYPE_CHECKING:
    from chainrule.derivation.model import Derivation, Step

POINTS = 3
ATTEMPTS = 90
REAL_ATTEMPTS = 60
DIGITS = 30
SYMBOLIC_MAX_NODES = 120
SYMBOLIC_MAX_DEPTH = 6
#: Floats accept two values this close (relative to 1 + |a| + |b|)...
TOL_FLOAT = 1e-8
#: ...while their error bounds are this small; everything else is decided in mpmath.
ERR_FLOAT = 1e-9
#: The decisive tolerance, in mpmath.
TOL = 1e-12

Point = dict[sympy.Symbol, float]


def reference_verify(derivation: Derivation) -> None:
    """Check every step of ``derivation`` on its own with ``verify_step`` (slow; for tests)."""
    with deep_recursion():
        where = derivation.where_dict
        context: dict[int, dict[sympy.Symbol, sympy.Expr]] = {}
        for step, parent, _depth in derivation.walk():
            inherited = context.get(id(parent), where) if parent is not None else where
            inherited = {name: value for name, value in inherited.items() if name not in step.held}
            context[id(step)] = {**inherited, **step.bindings_dict}
            verify_step(step, inherited)


@dataclass(frozen=True, kw_only=True)
class Comparison:
    """How two expressions compared at random points.

    ``checked`` counts the points where both were defined and real;
    ``difference`` is the first point where they differ, if any.
    """

    checked: int
    difference: dict[sympy.Symbol, sympy.Float] | None = None
    expected_value: mpmath.mpf | None = None
    got_value: mpmath.mpf | None = None

    @property
    def equal(self) -> bool:
        return self.checked > 0 and self.difference is None


def compare(
    expected: sympy.Expr,
    got: sympy.Expr,
    *,
    domain: sympy.Expr | None = None,
    seed: int = 0,
    points: int = POINTS,
) -> Comparison:
    """Compare two expressions numerically at seeded random points.

    Points where ``domain`` (say, the function being differentiated) is
    undefined or not real are skipped, like points where either side is.

    >>> import sympy
    >>> x = sympy.Symbol("x", real=True)
    >>> compare(sympy.tan(x) ** 2 + 1, sympy.sec(x) ** 2).equal
    True
    >>> compare(sympy.cos(x), -sympy.cos(x)).equal
    False
    """
    expected, got = exact(concrete(expected)), exact(concrete(got))
    domain = exact(concrete(domain)) if domain is not None else None
    return _compare(
        lambda point, complex_ok: _value(expected, point, complex_ok=complex_ok),
        got,
        domain,
        expected.free_symbols,
        seed,
        points,
        fast=_Compiled(expected, got, domain),
    )


class _Compiled:
    """``expected``, ``got`` and ``domain`` compiled into one program, compared at a real point.

    ``at(point)`` says True where they are equal, else False: a value is undefined in
    the program, or they differ, and SymPy's own evaluation decides (a difference is
    then reported with SymPy's values at the point's 30-digit decimal).
    """

    def __init__(self, expected: sympy.Expr, got: sympy.Expr, domain: sympy.Expr | None) -> None:
        tape = self.tape = evaluate.Tape()
        self.expected, self.got = tape.add(expected), tape.add(got)
        self.domain = tape.add(domain) if domain is not None else None
        roots = [self.expected, self.got] + ([self.domain] if self.domain is not None else [])
        self.code = tape.needed(roots)

    def at(self, point: Point) -> bool:
        tape = self.tape
        slots = {tape.var[s]: v for s, v in point.items() if s in tape.var}
        values, bounds = tape.float_values(slots)
        evaluate.run_float(self.code, values, bounds)
        a, b = values[self.expected], values[self.got]
        if a != a or b != b or (self.domain is not None and values[self.domain] != values[self.domain]):
            return False
        ca, cb = bounds[self.expected], bounds[self.got]
        scale = 1.0 + abs(a) + abs(b)
        small = EPS * ((ca + 1) * abs(a) + (cb + 1) * abs(b)) <= ERR_FLOAT * scale
        if small and abs(a - b) <= TOL_FLOAT * scale:
            return True
        code = tape.needed([self.expected, self.got])
        prec = evaluate.needed_prec(max(ca, cb), 100)
        found = evaluate.value_mp(tape, code, slots, [self.expected, self.got], prec)
        return found is not None and _close(*found)


def verify_step(step: Step, bindings: Mapping[sympy.Symbol, sympy.Expr] | None = None) -> None:
    """Check one step, with the names bound around it; raise ``VerificationError`` if false."""
    bindings = dict(bindings or {})
    expr, result = step.expr, step.result
    if step.wrt not in bindings:
        resolve_all = resolver(bindings)
        expr, result = resolve_all(expr), resolve_all(result)
    expr, result = exact(concrete(expr)), exact(concrete(result))
    expected = _symbolic_derivative(expr, step.wrt, step.order)
    if expected is not None:
        comparison = _compare(
            lambda point, complex_ok: _value(expected, point, complex_ok=complex_ok),
            result,
            expr,
            {step.wrt},
            _seed(step),
            POINTS,
        )
    else:
        comparison = _compare(
            lambda point, complex_ok: _numeric_derivative(expr, step, point, complex_ok),
            result,
            expr,
            {step.wrt},
            _seed(step),
            POINTS,
        )
    if comparison.difference is not None:
        raise VerificationError(
            f"step {step.rule.value!r} is false: d/d{step.wrt} {plain(step.expr)} "
            f"is not {plain(step.result)} (at {_show(comparison.difference)}: expected "
            f"{mpmath.nstr(comparison.expected_value, 12)}, got {mpmath.nstr(comparison.got_value, 12)})",
            step=step,
        )
    if comparison.checked == 0:
        raise VerificationError(
            f"step {step.rule.value!r} could not be checked: no point where "
            f"d/d{step.wrt} {plain(step.expr)} is defined and real",
            step=step,
        )


def _compare(
    expected: Callable[[dict[sympy.Symbol, sympy.Float], bool], mpmath.mpf | None],
    got: sympy.Expr,
    domain: sympy.Expr | None,
    extra_symbols: Iterable[sympy.Symbol],
    seed: int,
    points: int,
    *,
    fast: _Compiled | None = None,
) -> Comparison:
    rng = random.Random(seed)
    symbols = set(got.free_symbols) | set(extra_symbols)
    if domain is not None:
        symbols |= domain.free_symbols
    ordered = sorted(symbols, key=lambda s: s.name)
    checked = 0
    # Complex points, used only when no real point exists, are not decisive one by one:
    # a textbook formula and SymPy's may sit on different branches (acosh' for x < -1).
    agree: list[dict[sympy.Symbol, sympy.Float]] = []
    differ: list[tuple[dict[sympy.Symbol, sympy.Float], Any, Any]] = []
    for attempt in range(ATTEMPTS):
        numbers = {s: _sample(rng, attempt) for s in ordered}
        complex_ok = attempt >= REAL_ATTEMPTS
        if complex_ok and checked:
            break
        if fast is not None and not complex_ok and fast.at(numbers):
            checked += 1
            if checked == points:
                break
            continue
        # Undefined in the program, or different: SymPy's evaluation decides, as it always did.
        point = {s: sympy.Float(repr(v), DIGITS) for s, v in numbers.items()}
        if domain is not None and _value(domain, point, complex_ok=complex_ok) is None:
            continue  # outside the (real) domain of the function itself
        want = expected(point, complex_ok)
        have = _value(got, point, complex_ok=complex_ok)
        if want is None or have is None:
            continue
        if complex_ok:
            if _close(want, have):
                agree.append(point)
            else:
                differ.append((point, want, have))
            continue
        if not _close(want, have):
            return Comparison(checked=checked, difference=point, expected_value=want, got_value=have)
        checked += 1
        if checked == points:
            break
    if checked == 0 and (agree or differ):
        # Real nowhere: equal if they agree somewhere (on some branch), different if nowhere.
        if agree:
            return Comparison(checked=len(agree))
        point, want, have = differ[0]
        return Comparison(checked=0, difference=point, expected_value=want, got_value=have)
    return Comparison(checked=checked)


def _seed(step: Step) -> int:
    return zlib.crc32(f"{step.rule.value}|{sympy.srepr(step.expr)[:2000]}|{step.wrt}".encode())


def _sample(rng: random.Random, attempt: int) -> float:
    """Mostly moderate values; wider ones later, for domains like acosh or sqrt(x - 5)."""
    width = 2.5 if attempt < 20 else (6.0 if attempt < 40 else 40.0)
    value = rng.uniform(-width, width)
    if abs(value) < 0.05:
        value += 0.37
    return value


# -- the expected derivative ---------------------------------------------------


def _symbolic_derivative(expr: sympy.Expr, wrt: sympy.Symbol, order: int) -> sympy.Expr | None:
    """``sympy.diff`` when the expression is small and shallow; else ``None`` (go numeric)."""
    nodes, depth = _size(expr)
    if nodes > SYMBOLIC_MAX_NODES or depth > SYMBOLIC_MAX_DEPTH * 3:
        return None
    return sympy.diff(expr, wrt, order)


def _size(expr: sympy.Expr) -> tuple[int, int]:
    nodes, deepest = 0, 0
    stack = [(expr, 1)]
    while stack:
        node, depth = stack.pop()
        nodes += 1
        deepest = max(deepest, depth)
        stack.extend((a, depth + 1) for a in node.args)
    return nodes, deepest


def _numeric_derivative(
    expr: sympy.Expr, step: Step, point: dict[sympy.Symbol, sympy.Float], complex_ok: bool
) -> mpmath.mpf | mpmath.mpc | None:
    at = point[step.wrt]

    def f(t: mpmath.mpf) -> mpmath.mpf | mpmath.mpc:
        shifted = {**point, step.wrt: sympy.Float(t, DIGITS + 20)}
        value = _value(expr, shifted, digits=DIGITS + 20, complex_ok=complex_ok)
        if value is None:
            raise ValueError("undefined")
        return value

    try:
        with mpmath.workdps(DIGITS + 20):
            # A fixed central step: the error is O(h^2) ~ 1e-20, far under the tolerance,
            # while the function is evaluated with 50 digits.
            return mpmath.diff(f, mpmath.mpf(str(at)), step.order, h=mpmath.mpf("1e-10"))
    except (ValueError, ZeroDivisionError, TypeError):
        return None


def _value(
    expr: sympy.Expr,
    point: Mapping[sympy.Symbol, sympy.Float],
    digits: int = DIGITS,
    *,
    complex_ok: bool = False,
) -> mpmath.mpf | mpmath.mpc | None:
    """The real value of ``expr`` at ``point``; ``None`` where undefined, or complex unless allowed."""
    try:
        value = expr.xreplace(dict(point)).evalf(digits)
    except (ValueError, TypeError, ZeroDivisionError, ArithmeticError):
        return None
    if not value.is_number or value.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
        return None
    re, im = value.as_real_imag()
    try:
        re_value, im_value = mpmath.mpf(re.evalf(digits)), mpmath.mpf(im.evalf(digits))
    except (TypeError, ValueError):
        return None
    if not (mpmath.isfinite(re_value) and mpmath.isfinite(im_value)):
        return None
    if abs(im_value) > mpmath.mpf(10) ** (-digits // 2) * (1 + abs(re_value)):
        return mpmath.mpc(re_value, im_value) if complex_ok else None
    return re_value


def _close(a: mpmath.mpf, b: mpmath.mpf) -> bool:
    return bool(abs(a - b) <= mpmath.mpf(10) ** -12 * (1 + abs(a) + abs(b)))


def _show(point: Mapping[sympy.Symbol, sympy.Float]) -> str:
    return ", ".join(f"{s} = {mpmath.nstr(mpmath.mpf(v), 6)}" for s, v in point.items())
