"""Is the answer the derivative? Decided exactly where it can be, by evidence where it must be.

A checker that says "Correct" to a wrong answer does more harm than none, so
``decide`` says ``equal=None`` ("could not decide") rather than guess. It looks
at the difference ``D = expected - answer`` (decimals read as the decimals
they show, ``0.1`` as ``1/10``):

1. **Exactly.** ``D`` is 0 as SymPy builds it, after ``expand`` or after
   ``cancel`` (functions taken as unknowns): equal. ``D`` a nonzero number, or
   a nonzero rational function of the variables: different. Impulses
   (``DiracDelta(g)``, the derivative of a step) are weighed at the roots of
   ``g``, where sampling never lands.
2. **At points.** Otherwise ``D`` is evaluated with 80 digits at ordinary
   points, at the scales of the numbers in the exercise and the answer
   (``10**6`` in ``max(x - 10**6, 0)``) and on both sides of every point where a
   piecewise or non-smooth part switches (``Heaviside``, ``Abs``, ``sign``,
   ``Max``, ``Min``, ``Piecewise``, ``relu``). ``D`` counts as zero at a point
   only when it is below ``10**-60`` of its largest term there: terms that
   cancel. So ``10**-100*x`` is not zero, and ``10**100*x + 1`` differs from
   ``10**100*x``.
3. **Undecided** when too few points can be compared or the switch points of a
   part cannot all be found (``floor``, a step of ``sin(x)``).

Answers with undefined functions (``f(x**2)``) are compared by
``chainrule.derivation.verify.compare``, which replaces them by fixed concrete
functions; that is numeric evidence, and is labelled so.

>>> import sympy
>>> x = sympy.Symbol("x", real=True)
>>> decide(2 * x, 2 * x + sympy.Heaviside(x - 50)).equal
False
>>> decide(sympy.tan(x) ** 2 + 1, sympy.sec(x) ** 2).by
'exact'
>>> decide(sympy.sign(x), x / sympy.Abs(x)).by
'numeric'
>>> decide(x / 5, sympy.Float(0.2) * x).by
'exact'
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import mpmath
import sympy
from sympy.core.function import AppliedUndef

from chainrule.derivation.simplify import bounded_simplify
from chainrule.derivation.verify import compare
from chainrule.functions import relu
from chainrule.printing import plain

#: Digits of every evaluation of the difference.
DIGITS = 80
#: A difference below this fraction of its largest term is rounding: the terms cancel.
CANCELLED = mpmath.mpf(10) ** -60
#: The same for answers with decimals (floating point), relative to both sides.
CANCELLED_DECIMALS = mpmath.mpf(10) ** -14
#: Points that must be compared before sampling alone may say "equal".
MIN_POINTS = 4
#: Ordinary points compared before the scaled and switching ones.
ORDINARY_POINTS = 6
#: Ordinary points tried (most fail only where an expression is undefined).
ATTEMPTS = 60
#: Past this size, ``expand`` and ``cancel`` are not tried.
MAX_EXACT_OPS = 400
MAX_EXPANDED_POWER = 40
#: Switch points looked for in each piecewise part; more means "could not decide".
MAX_ROOTS = 24

Point = dict[sympy.Symbol, sympy.Expr]
Value = "mpmath.mpf | mpmath.mpc"

_STEPS = (sympy.Heaviside, sympy.sign, sympy.Abs, relu)
_UNSURE = (sympy.floor, sympy.ceiling, sympy.frac, sympy.Mod, sympy.arg, sympy.re, sympy.im)


@dataclass(frozen=True, kw_only=True)
class Decision:
    """Whether two expressions are equal, and how that was decided.

    Args:
        equal: ``True``, ``False``, or ``None`` when it could not be decided.
        by: ``"exact"`` (algebra), ``"numeric"`` (points) or ``"undecided"``.
        reason: one sentence: how it was decided, or why it could not be.
        checked: the points where both were compared (before a difference).
        point: a point where they differ, when one was found.
        expected_value: the first expression's value there.
        answer_value: the second's.
        difference: the first minus the second there, with all the digits it needs.
    """

    equal: bool | None
    by: str
    reason: str
    checked: int = 0
    point: tuple[tuple[sympy.Symbol, sympy.Expr], ...] | None = None
    expected_value: mpmath.mpf | mpmath.mpc | None = None
    answer_value: mpmath.mpf | mpmath.mpc | None = None
    difference: mpmath.mpf | mpmath.mpc | None = None


def decide(
    expected: sympy.Expr,
    answer: sympy.Expr,
    *,
    domain: sympy.Expr | None = None,
    seed: int = 0,
) -> Decision:
    """Whether ``answer`` equals ``expected`` wherever ``domain`` (the exercise) is defined and real.

    Args:
        expected: the right derivative.
        answer: the proposed one.
        domain: the expression differentiated: points where it is undefined or not real
            are not compared (unless it is real nowhere; then values may be complex).
        seed: the seed of the ordinary points, so a decision is the same every time.
    """
    expected, answer = sympy.sympify(expected), sympy.sympify(answer)
    if _has_undefined(expected, answer, domain):
        return _by_compare(expected, answer, domain, seed)
    decimals = bool(expected.atoms(sympy.Float) or answer.atoms(sympy.Float))
    difference = _as_decimals(expected) - _as_decimals(answer)
    if difference == 0:
        return Decision(equal=True, by="exact", reason="the difference is 0")
    impulse, difference = _impulses(difference, expected, answer)
    if impulse is not None and impulse.equal is False:
        return impulse
    if difference == 0 and impulse is None:
        return Decision(equal=True, by="exact", reason="the difference simplifies to 0")
    proof = _zero_by_algebra(difference)
    if proof is not None and impulse is None:
        return Decision(equal=True, by="exact", reason=f"the difference is 0 by {proof}")
    # Decimals computed in floating point (0.1/3) need not cancel exactly: no proof of a difference.
    nonzero = None if decimals else _nonzero_by_algebra(difference)
    sampled = _Sampler(expected, answer, difference, domain, seed, decimals).run()
    if sampled.differs is not None:
        if nonzero is None and not difference.free_symbols and not decimals:
            nonzero = f"the difference is the number {plain(difference)}, which is not 0"
        return _relabel(sampled.differs, "exact", nonzero) if nonzero else sampled.differs
    if nonzero:
        return Decision(equal=False, by="exact", reason=nonzero, checked=sampled.checked)
    if impulse is not None:
        return impulse
    if sampled.unsure:
        return Decision(equal=None, by="undecided", reason=sampled.unsure, checked=sampled.checked)
    variables = difference.free_symbols | (domain.free_symbols if domain is not None else set())
    needed = MIN_POINTS if variables else 1
    if sampled.checked < needed:
        reason = (
            "there is no point where the expression, the derivative and the answer are all defined"
            if sampled.checked == 0
            else f"only {sampled.checked} points could be compared"
        )
        return Decision(equal=None, by="undecided", reason=reason, checked=sampled.checked)
    simplified = _simplified(difference)
    if simplified is not None and simplified != 0 and not simplified.free_symbols and not decimals:
        return Decision(
            equal=False,
            by="exact",
            reason=f"the difference simplifies to the number {plain(simplified)}, which is not 0",
            checked=sampled.checked,
        )
    if simplified == 0:
        return Decision(
            equal=True, by="exact", reason="the difference simplifies to 0", checked=sampled.checked
        )
    switching = " (among them both sides of every point where a part switches)" if sampled.switches else ""
    return Decision(
        equal=True,
        by="numeric",
        reason=f"they agree to {DIGITS - 20} digits at {sampled.checked} points{switching}",
        checked=sampled.checked,
    )


# ---------------------------------------------------------------------------- exact


def _as_decimals(expr: sympy.Expr) -> sympy.Expr:
    """Floats as the decimals they show (15 significant digits): ``0.1`` is ``1/10``."""
    floats = expr.atoms(sympy.Float)
    if not floats:
        return expr
    return expr.xreplace({f: sympy.Rational(f"{float(f):.15g}") for f in floats if math.isfinite(float(f))})


def _has_undefined(*exprs: sympy.Expr | None) -> bool:
    return any(
        e is not None and (e.atoms(AppliedUndef) or e.has(sympy.Derivative, sympy.Subs)) for e in exprs
    )


def _small(expr: sympy.Expr) -> bool:
    """Cheap enough to expand and cancel: no huge expression, no high power of a sum."""
    if sympy.count_ops(expr) > MAX_EXACT_OPS:
        return False
    for power in expr.atoms(sympy.Pow):
        if power.base.is_Add and power.exp.is_Integer and abs(power.exp) > MAX_EXPANDED_POWER:
            return False
    return True


def _zero_by_algebra(difference: sympy.Expr) -> str | None:
    """How the difference is seen to be 0 by polynomial algebra (reliable), or ``None``."""
    if not _small(difference):
        return None
    try:
        if sympy.expand(difference) == 0:
            return "expanding"
        if sympy.cancel(sympy.together(difference)) == 0:
            return "putting it over a common denominator"
    except (sympy.PolynomialError, sympy.CoercionFailed, TypeError, ValueError, RecursionError):
        return None
    return None


def _simplified(difference: sympy.Expr) -> sympy.Expr | None:
    """SymPy's (bounded) ``simplify`` of a small difference; trusted only after the points agreed."""
    if sympy.count_ops(difference) > 60:
        return None
    try:
        return bounded_simplify(difference)
    except (TypeError, ValueError, RecursionError, sympy.PolynomialError):
        return None


def _nonzero_by_algebra(difference: sympy.Expr) -> str | None:
    """Why the difference is certainly not 0, when algebra alone shows it, else ``None``.

    A rational function of the variables (no function, no decimal) that does not
    cancel to 0 is nonzero except at finitely many points.
    """
    if difference.atoms(sympy.Float) or not _small(difference):
        return None
    symbols = sorted(difference.free_symbols, key=lambda s: s.name)
    if not symbols or len(symbols) > 4 or not difference.is_rational_function(*symbols):
        return None
    try:
        reduced = sympy.cancel(sympy.together(difference))
    except (sympy.PolynomialError, TypeError, ValueError, RecursionError):
        return None
    if reduced == 0:
        return None
    return f"the difference is the rational function {plain(reduced)}, which is not 0"


def _relabel(decision: Decision, by: str, reason: str) -> Decision:
    return Decision(
        equal=decision.equal,
        by=by,
        reason=reason,
        checked=decision.checked,
        point=decision.point,
        expected_value=decision.expected_value,
        answer_value=decision.answer_value,
        difference=decision.difference,
    )


# ---------------------------------------------------------------------------- impulses


def _impulses(
    difference: sympy.Expr, expected: sympy.Expr, answer: sympy.Expr
) -> tuple[Decision | None, sympy.Expr]:
    """Weigh the ``DiracDelta`` terms of the difference at their roots; return what is left.

    ``c(x)·DiracDelta(g(x))`` is zero exactly when ``c`` vanishes at every root of
    ``g`` (``x·DiracDelta(x) = 0``). A nonzero weight is a difference; a delta that
    cannot be weighed leaves the decision open.
    """
    if not difference.has(sympy.DiracDelta):
        return None, difference
    undecided = Decision(equal=None, by="undecided", reason="an impulse (DiracDelta) could not be weighed")
    terms = sympy.Add.make_args(sympy.expand(difference) if _small(difference) else difference)
    weights: dict[sympy.Expr, sympy.Expr] = {}
    rest: list[sympy.Expr] = []
    for term in terms:
        deltas = [f for f in sympy.Mul.make_args(term) if isinstance(f, sympy.DiracDelta)]
        if not deltas:
            if term.has(sympy.DiracDelta):
                return undecided, difference
            rest.append(term)
            continue
        if len(deltas) != 1 or (len(deltas[0].args) > 1 and deltas[0].args[1] != 0):
            return undecided, difference
        weight = term / deltas[0]
        if weight.has(sympy.DiracDelta):
            return undecided, difference
        g = deltas[0].args[0]
        weights[g] = weights.get(g, sympy.S.Zero) + weight
    for g, weight in weights.items():
        verdict = _weigh(g, weight, expected, answer)
        if verdict is not None:
            return verdict, sympy.Add(*rest)
    return None, sympy.Add(*rest)


def _weigh(g: sympy.Expr, weight: sympy.Expr, expected: sympy.Expr, answer: sympy.Expr) -> Decision | None:
    undecided = Decision(
        equal=None, by="undecided", reason=f"the impulse DiracDelta({plain(g)}) could not be weighed"
    )
    symbols = sorted(g.free_symbols, key=lambda s: s.name)
    if len(symbols) != 1:
        return undecided
    (v,) = symbols
    roots, complete = _real_roots(g, v)
    if not complete:
        return undecided
    rng = random.Random(7)
    for root in roots:
        others = {s: _decimal(rng.uniform(0.3, 2.5)) for s in weight.free_symbols - {v}}
        value = value_at(weight, {**others, v: root}, DIGITS)
        if value is None:
            return undecided
        if abs(value) > CANCELLED:
            delta = sympy.DiracDelta(g)
            who = "the derivative has" if expected.has(delta) else "the answer has"
            lacks = "the answer does not" if expected.has(delta) else "the derivative does not"
            at = f"{v} = {_short(root)}"
            return Decision(
                equal=False,
                by="exact",
                reason=f"{who} an impulse DiracDelta({plain(g)}) at {at}, and {lacks}",
            )
    return None


# ---------------------------------------------------------------------------- points


@dataclass
class _Sampled:
    checked: int = 0
    differs: Decision | None = None
    unsure: str | None = None
    switches: bool = False


@dataclass
class _Sampler:
    """Evaluate the difference at ordinary, scaled and switching points."""

    expected: sympy.Expr
    answer: sympy.Expr
    difference: sympy.Expr
    domain: sympy.Expr | None
    seed: int
    decimals: bool
    result: _Sampled = field(default_factory=_Sampled)

    def __post_init__(self) -> None:
        exprs = [self.expected, self.answer, self.difference]
        if self.domain is not None:
            exprs.append(self.domain)
        self.symbols = sorted(set().union(*(e.free_symbols for e in exprs)), key=lambda s: s.name)
        expanded = self.difference
        if _small(self.difference):
            try:
                expanded = sympy.expand(self.difference)
            except (TypeError, ValueError, RecursionError):
                expanded = self.difference
        self.terms = sympy.Add.make_args(expanded)
        self.exprs = exprs

    def run(self) -> _Sampled:
        for complex_ok in (False, True):
            for point in self._points():
                if self._compare(point, complex_ok):
                    return self.result
            if self.result.checked:
                break
        return self.result

    # -- the points ---------------------------------------------------------------
    def _points(self) -> Iterator[Point]:
        rng = random.Random(self.seed)
        for attempt in range(ATTEMPTS):
            yield {s: _sample(rng, attempt) for s in self.symbols}
            if not self.symbols:
                return
            if self.result.checked >= ORDINARY_POINTS:
                break
        yield from self._scaled(rng)
        yield from self._switching(rng)

    def _scaled(self, rng: random.Random) -> Iterator[Point]:
        exponents: set[int] = set()
        for expr in self.exprs:
            for number in expr.atoms(sympy.Number):
                if number == 0 or not number.is_finite:
                    continue
                size = abs(float(number)) if abs(number) < 10**300 else 1e300
                if size >= 10 or size <= 0.1:
                    exponents.add(max(-300, min(300, math.floor(math.log10(size)))))
        for k in sorted(exponents)[:8]:
            for sign in (1, -1):
                scale = sympy.Integer(10) ** k
                yield {s: sign * scale * _decimal(rng.uniform(1, 10)) for s in self.symbols}

    def _switching(self, rng: random.Random) -> Iterator[Point]:
        arguments = _switch_arguments(self.difference)
        if self.difference.atoms(*_UNSURE):
            names = ", ".join(sorted({type(a).__name__ for a in self.difference.atoms(*_UNSURE)}))
            self.result.unsure = f"{names} switches at points that cannot all be found"
        if not arguments:
            return
        self.result.switches = True
        base = {s: _decimal(rng.uniform(0.3, 2.5)) for s in self.symbols}
        found: dict[sympy.Symbol, set[sympy.Expr]] = {}
        for g in arguments:
            for v in sorted(g.free_symbols, key=lambda s: s.name):
                fixed = {s: base[s] for s in g.free_symbols if s != v}
                roots, complete = _real_roots(g.xreplace(fixed), v)
                if not complete:
                    self.result.unsure = f"the points where {plain(g)} changes sign could not all be found"
                found.setdefault(v, set()).update(roots)
        for v, roots in found.items():
            for x in _around(sorted(roots)):
                yield {**base, v: x}

        # -- one point ---------------------------------------------------------------
    def _compare(self, point: Point, complex_ok: bool) -> bool:
        """Compare at one point; ``True`` when a difference was found (stop)."""
        if self.domain is not None and value_at(self.domain, point, 30, complex_ok=complex_ok) is None:
            return False
        want = value_at(self.expected, point, 30, complex_ok=True)
        have = value_at(self.answer, point, 30, complex_ok=True)
        if want is None or have is None:
            return False
        if not complex_ok and isinstance(want, mpmath.mpc):
            return False
        found = [value_at(t, point, DIGITS, complex_ok=True) for t in self.terms]
        values = [v for v in found if v is not None]
        if len(values) < len(found):
            return False
        with mpmath.workdps(DIGITS):
            total = mpmath.fsum(values)
            scale = max((abs(v) for v in values), default=mpmath.mpf(0))
            limit = CANCELLED * scale
            if self.decimals:
                limit = max(limit, CANCELLED_DECIMALS * max(scale, abs(want), abs(have)))
            real_mismatch = not complex_ok and isinstance(have, mpmath.mpc)
            if abs(total) <= limit and not real_mismatch:
                self.result.checked += 1
                return False
        shown = tuple((s, point[s]) for s in self.symbols)
        self.result.differs = Decision(
            equal=False,
            by="numeric",
            reason=f"they differ at {_show(shown)}",
            checked=self.result.checked,
            point=shown,
            expected_value=want,
            answer_value=have,
            difference=total,
        )
        return True


def _around(roots: list[sympy.Expr]) -> Iterator[sympy.Expr]:
    """Both sides of each switch point, near and farther, never past a neighbour; and between them."""
    for i, root in enumerate(roots):
        gaps = [abs(root - r) / 3 for r in roots[max(0, i - 1) : i + 2] if r != root]
        for width in (sympy.Rational(1, 10**6), sympy.Rational(1, 100)):
            step = min([width * max(1, abs(root)), *gaps])
            yield root - step
            yield root + step
    for a, b in zip(roots, roots[1:]):
        yield (a + b) / 2


def _sample(rng: random.Random, attempt: int) -> sympy.Rational:
    """Mostly moderate values; wider ones later, for domains like acosh or sqrt(x - 5)."""
    width = 2.5 if attempt < 20 else (6.0 if attempt < 40 else 40.0)
    value = rng.uniform(-width, width)
    if abs(value) < 0.05:
        value += 0.37
    return sympy.Rational(repr(value))


def _switch_arguments(expr: sympy.Expr) -> list[sympy.Expr]:
    """The expressions whose sign change switches a piecewise or non-smooth part."""
    found: list[sympy.Expr] = []
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, _STEPS):
            found.append(node.args[0])
        elif isinstance(node, (sympy.Max, sympy.Min)):
            args = node.args
            found += [args[i] - args[j] for i in range(len(args)) for j in range(i + 1, len(args))]
        elif isinstance(node, sympy.Piecewise):
            for _, condition in node.args:
                for relation in condition.atoms(sympy.core.relational.Relational):
                    # Eq and Ne hold or fail at isolated points only: no interval switches there.
                    if not isinstance(relation, (sympy.Eq, sympy.Ne)):
                        found.append(relation.lhs - relation.rhs)
    unique: list[sympy.Expr] = []
    for g in found:
        if g.free_symbols and g not in unique:
            unique.append(g)
    return unique


def _real_roots(g: sympy.Expr, v: sympy.Symbol) -> tuple[list[sympy.Expr], bool]:
    """The real roots of ``g`` in ``v`` (``g`` has no other variable), and whether that is all of them."""
    if g.free_symbols - {v}:
        return [], False
    numerator = sympy.numer(sympy.together(g)) if g.is_rational_function(v) else g
    try:
        if numerator.is_polynomial(v):
            poly = sympy.Poly(numerator, v)
            if poly.degree() <= 0:
                return [], True
            if poly.degree() <= 60 and all(c.is_Rational for c in poly.coeffs()):
                roots = [
                    r if r.is_Rational else sympy.Rational(str(sympy.N(r, 40))) for r in poly.real_roots()
                ]
                return sorted(set(roots))[:MAX_ROOTS], len(set(roots)) <= MAX_ROOTS
    except (sympy.PolynomialError, TypeError, ValueError, NotImplementedError):
        pass
    return _scan_roots(g, v)


def _scan_roots(g: sympy.Expr, v: sympy.Symbol) -> tuple[list[sympy.Expr], bool]:
    """Sign changes of ``g`` on grids at several scales, refined by bisection."""
    try:
        f = sympy.lambdify(v, g, modules="mpmath")
    except Exception:  # noqa: BLE001 - any failure to build it: say the roots are unknown
        return [], False
    roots: list[sympy.Expr] = []
    with mpmath.workdps(40):
        for scale in (1, 10, 100, 10**4, 10**6):
            grid = [mpmath.mpf(scale) * (i / 100) for i in range(-100, 101)]
            values = [_real_at(f, t) for t in grid]
            for (a, fa), (b, fb) in zip(zip(grid, values), zip(grid[1:], values[1:])):
                if fa is None or fb is None or fa * fb > 0:
                    continue
                root = a if fa == 0 else _bisect(f, a, b, fa)
                if root is None:
                    return roots, False
                value = _real_at(f, root)
                if value is None or abs(value) > mpmath.mpf(10) ** -20:
                    continue  # a pole (tan(x) at pi/2), where the sign changes without a root
                r = sympy.Rational(mpmath.nstr(root, 30))
                if all(abs(r - q) > sympy.Rational(1, 10**12) * max(1, abs(q)) for q in roots):
                    roots.append(r)
                if len(roots) > MAX_ROOTS:
                    return roots[:MAX_ROOTS], False
    return roots, True


def _real_at(f: object, t: mpmath.mpf) -> mpmath.mpf | None:
    try:
        value = f(t)  # type: ignore[operator]
    except (ValueError, ZeroDivisionError, TypeError, OverflowError):
        return None
    if isinstance(value, mpmath.mpc) and abs(value.imag) > mpmath.mpf(10) ** -30:
        return None
    value = mpmath.re(value)
    return value if mpmath.isfinite(value) else None


def _bisect(f: object, a: mpmath.mpf, b: mpmath.mpf, fa: mpmath.mpf) -> mpmath.mpf | None:
    for _ in range(120):
        mid = (a + b) / 2
        fm = _real_at(f, mid)
        if fm is None:
            return None
        if fm == 0:
            return mid
        if (fm > 0) == (fa > 0):
            a, fa = mid, fm
        else:
            b = mid
    return (a + b) / 2


def value_at(
    expr: sympy.Expr, point: Point, digits: int, *, complex_ok: bool = False
) -> mpmath.mpf | mpmath.mpc | None:
    """``expr`` at ``point`` with ``digits`` digits; ``None`` where undefined, or not real unless allowed."""
    # Floats, not the exact points: SymPy would compute (p/q)**(p/q) exactly, factoring huge numbers.
    at = {s: sympy.Float(v, digits + 10) for s, v in point.items()}
    try:
        value = expr.xreplace(at).evalf(digits)
    except (ValueError, TypeError, ZeroDivisionError, ArithmeticError, RecursionError):
        return None
    if not value.is_number or value.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
        return None
    try:
        re, im = value.as_real_imag()
        with mpmath.workdps(digits):
            re_value, im_value = mpmath.mpf(re.evalf(digits)), mpmath.mpf(im.evalf(digits))
    except (TypeError, ValueError):
        return None
    if not (mpmath.isfinite(re_value) and mpmath.isfinite(im_value)):
        return None
    if im_value != 0 and abs(im_value) > mpmath.mpf(10) ** (-digits // 2) * (1 + abs(re_value)):
        return mpmath.mpc(re_value, im_value) if complex_ok else None
    return re_value


def _short(value: sympy.Expr) -> str:
    if isinstance(value, sympy.Rational) and (value.q == 1 or len(str(value)) <= 12):
        return str(value)
    return mpmath.nstr(mpmath.mpf(sympy.N(value, 20)), 6)


def _show(point: Iterable[tuple[sympy.Symbol, sympy.Expr]]) -> str:
    return ", ".join(f"{s} = {_short(v)}" for s, v in point)


# ---------------------------------------------------------------------------- undefined functions


def _by_compare(
    expected: sympy.Expr, answer: sympy.Expr, domain: sympy.Expr | None, seed: int
) -> Decision:
    if sympy.expand(expected - answer) == 0:
        return Decision(equal=True, by="exact", reason="the difference is 0 by expanding")
    comparison = compare(expected, answer, domain=domain, seed=seed, points=MIN_POINTS)
    if comparison.difference is not None:
        point = tuple(comparison.difference.items())
        return Decision(
            equal=False,
            by="numeric",
            reason=f"they differ at {_show(point)}, with the undefined functions replaced by fixed ones",
            checked=comparison.checked,
            point=point,
            expected_value=comparison.expected_value,
            answer_value=comparison.got_value,
        )
    if comparison.checked < MIN_POINTS:
        return Decision(
            equal=None,
            by="undecided",
            reason=f"only {comparison.checked} points could be compared",
            checked=comparison.checked,
        )
    return Decision(
        equal=True,
        by="numeric",
        reason=f"they agree at {comparison.checked} points, with the undefined functions replaced by "
        "fixed ones",
        checked=comparison.checked,
    )


def decimal_number(value: float) -> sympy.Rational:
    """``value`` to 6 decimals, exactly: points that print the same everywhere."""
    return sympy.Rational(repr(round(value, 6)))


_decimal = decimal_number
