"""Where, and how precisely, the difference between a derivative and an answer is looked at.

``Sampler`` evaluates the difference ``D`` with 80 digits at points of three kinds:
ordinary ones (seeded, so a verdict is the same every run), ones at the scale of
every number in the exercise and the answer (``10**6`` in ``max(x - 10**6, 0)``),
and both sides of, and between, the points where a piecewise or non-smooth part
switches (the real roots of the arguments of ``Heaviside``, ``Abs``, ``sign``,
``relu``, of ``a - b`` in ``Max(a, b)``, of a ``Piecewise`` condition). ``D`` is
zero at a point only when it is below ``10**-60`` of its own largest term there:
its terms cancel. Points where the exercise is undefined or not real are
skipped; an answer that is not real where the derivative is real differs there.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import mpmath
import sympy

from chainrule.functions import relu
from chainrule.printing import plain

#: Digits of every evaluation of the difference.
DIGITS = 80
#: A difference below this fraction of its largest term is rounding: the terms cancel.
CANCELLED = mpmath.mpf(10) ** -60
#: The same for answers with decimals (floating point), relative to both sides.
CANCELLED_DECIMALS = mpmath.mpf(10) ** -14
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

_STEPS = (sympy.Heaviside, sympy.sign, sympy.Abs, relu)
_UNSURE = (sympy.floor, sympy.ceiling, sympy.frac, sympy.Mod, sympy.arg, sympy.re, sympy.im)


def small(expr: sympy.Expr) -> bool:
    """Cheap enough to expand and cancel: no huge expression, no high power of a sum."""
    if sympy.count_ops(expr) > MAX_EXACT_OPS:
        return False
    for power in expr.atoms(sympy.Pow):
        if power.base.is_Add and power.exp.is_Integer and abs(power.exp) > MAX_EXPANDED_POWER:
            return False
    return True



@dataclass
class Sampled:
    """What the points showed.

    Args:
        checked: points compared where the two agree (before a difference).
        point: the first point where they differ, if any, with the values there.
        unsure: why agreement at the points proves nothing, if it does not.
        switches: whether the points include both sides of switching parts.
    """

    checked: int = 0
    point: tuple[tuple[sympy.Symbol, sympy.Expr], ...] | None = None
    expected_value: mpmath.mpf | mpmath.mpc | None = None
    answer_value: mpmath.mpf | mpmath.mpc | None = None
    difference: mpmath.mpf | mpmath.mpc | None = None
    unsure: str | None = None
    switches: bool = False


@dataclass
class Sampler:
    """Evaluate the difference at ordinary, scaled and switching points."""

    expected: sympy.Expr
    answer: sympy.Expr
    difference: sympy.Expr
    domain: sympy.Expr | None
    seed: int
    decimals: bool
    result: Sampled = field(default_factory=Sampled)

    def __post_init__(self) -> None:
        exprs = [self.expected, self.answer, self.difference]
        if self.domain is not None:
            exprs.append(self.domain)
        self.symbols = sorted(set().union(*(e.free_symbols for e in exprs)), key=lambda s: s.name)
        expanded = self.difference
        if small(self.difference):
            try:
                expanded = sympy.expand(self.difference)
            except (TypeError, ValueError, RecursionError):
                expanded = self.difference
        self.terms = sympy.Add.make_args(expanded)
        self.exprs = exprs

    def run(self) -> Sampled:
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
        arguments = switch_arguments(self.difference)
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
                roots, complete = real_roots(g.xreplace(fixed), v)
                if not complete:
                    self.result.unsure = f"the points where {plain(g)} changes sign could not all be found"
                found.setdefault(v, set()).update(roots)
        for v, where in found.items():
            for x in _around(sorted(where)):
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
        self.result.point = tuple((s, point[s]) for s in self.symbols)
        self.result.expected_value, self.result.answer_value, self.result.difference = want, have, total
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


def switch_arguments(expr: sympy.Expr) -> list[sympy.Expr]:
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


def real_roots(g: sympy.Expr, v: sympy.Symbol) -> tuple[list[sympy.Expr], bool]:
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

    def f(t: mpmath.mpf) -> mpmath.mpf | mpmath.mpc | None:
        return value_at(g, {v: t}, 40)

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


def _real_at(f: Callable[[mpmath.mpf], mpmath.mpf | mpmath.mpc | None], t: mpmath.mpf) -> mpmath.mpf | None:
    value = f(t)
    return value if value is not None and not isinstance(value, mpmath.mpc) else None


def _bisect(
    f: Callable[[mpmath.mpf], mpmath.mpf | mpmath.mpc | None], a: mpmath.mpf, b: mpmath.mpf, fa: mpmath.mpf
) -> mpmath.mpf | None:
    for _ in range(90):
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


#: Points a teacher would pick first to show two expressions differ: x = 1, 2, 1/2, ...
SIMPLE_VALUES = tuple(sympy.Rational(v) for v in ("1", "2", "1/2", "3", "-1", "-2", "1/3", "5"))


def simple_point(
    variables: Iterable[sympy.Symbol], domain: sympy.Expr, expected: sympy.Expr, answer: sympy.Expr
) -> tuple[Point, mpmath.mpf, mpmath.mpf] | None:
    """A simple point (every variable 1, or 2, or 1/2, ...) where ``domain`` is defined and
    ``expected`` and ``answer`` are real and clearly different, with both values; or ``None``."""
    names = list(variables)
    for value in SIMPLE_VALUES:
        point: Point = {v: value for v in names}
        if value_at(domain, point, 15) is None:
            continue
        want, have = value_at(expected, point, 15), value_at(answer, point, 15)
        if not (isinstance(want, mpmath.mpf) and isinstance(have, mpmath.mpf)):
            continue
        if max(abs(want), abs(have)) < 1e6 and abs(want - have) > 1e-6 * (1 + abs(want)):
            return point, want, have
    return None


def show_number(value: sympy.Expr) -> str:
    """A point's coordinate for a sentence: exact when short (``50``, ``1/3``), else 6 digits."""
    if isinstance(value, sympy.Rational) and len(str(value)) <= 12:
        return str(value)
    return mpmath.nstr(mpmath.mpf(sympy.N(value, 20)), 6)


def show_point(point: Iterable[tuple[sympy.Symbol, sympy.Expr]]) -> str:
    return ", ".join(f"{s} = {show_number(v)}" for s, v in point)


def decimal_number(value: float) -> sympy.Rational:
    """``value`` to 6 decimals, exactly: points that print the same everywhere."""
    return sympy.Rational(repr(round(value, 6)))


_decimal = decimal_number
