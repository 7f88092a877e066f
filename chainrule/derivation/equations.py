"""Steps of algebra on equations, and how they are checked.

Implicit differentiation, related rates and parametric curves differentiate
with the ordinary rules (the engine's steps, checked by ``verify()``), then do
algebra: collect the terms with ``dy/dx`` and solve, substitute ``dy/dx`` into
``d²y/dx²``, simplify with the equation itself, divide ``dy/dt`` by ``dx/dt``.
An ``AlgebraStep`` holds that algebra as lines of equal sides; this module
checks it from the outside, without a derivative to compare with:

- ``holds_identically``: every line is true once ``dy/dx`` is the step's
  answer, for all values of the variables, ``y`` and the other rates taken as
  independent numbers (so ``2x + 2y·dy/dx = 0`` holds identically when
  ``dy/dx = -x/y``);
- ``holds_on_curve``: a simplification that uses the equation (``x⁴ + y⁴ = 16``)
  is true at points of the curve, found numerically.

Quantities that change with the variable (``y = y(x)``, ``r = r(t)``) are
written in steps as SymPy functions of it; ``plain_form`` writes them back as
names (``-x/y``) and ``frozen`` also turns their derivatives into the names a
point gives them (``y'``, ``r'``: ``chainrule.parsing.inputs.rate_symbol``).
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeAlias

import mpmath
import sympy

from chainrule.derivation.bindings import is_dependent
from chainrule.derivation.model import Binding, Step
from chainrule.derivation.verify import compare
from chainrule.errors import VerificationError
from chainrule.printing import plain

__all__ = [
    "AlgebraStep",
    "Ratio",
    "Side",
    "dependent_functions",
    "frozen",
    "holds_identically",
    "holds_on_curve",
    "plain_form",
    "rate_name",
    "side_value",
    "textbook_signs",
    "use_equation",
]

@dataclass(frozen=True)
class Ratio:
    """A quotient shown as written, ``(dy/dt)/(dx/dt)``: SymPy would cancel or reorder it."""

    numerator: sympy.Expr
    denominator: sympy.Expr


#: One side of a shown equation: an expression, factors shown in this order (``(y² − 2x)·y′``),
#: or a quotient shown as written.
Side: TypeAlias = "sympy.Expr | tuple[sympy.Expr, ...] | Ratio"

POINTS = 4
CURVE_ATTEMPTS = 60
MAX_EXPAND_OPS = 400


class OfParts:
    """The steps of a result made of top-level parts in order (implicit, parametric)."""

    parts: tuple[Step, ...]

    @property
    def steps(self) -> tuple[Step, ...]:
        """Every step in reading order."""
        return tuple(step for step, _, _ in self.walk())

    def walk(self) -> Iterator[tuple[Step, Step | None, int]]:
        """Yield ``(step, parent, depth)`` for every step in reading order."""
        for part in self.parts:
            yield from part.walk()


@dataclass(frozen=True, kw_only=True)
class AlgebraStep(Step):
    """A step of algebra: ``lines`` of equal sides that lead to ``d^n(expr)/d(wrt)^n = result``.

    Args (besides ``Step``'s):
        sides: for ``implicit``, the equation's two sides, which the substeps differentiate.
        lines: the equations shown, in order, each a tuple of sides joined by ``=``.
        equation: for ``use_equation``, the equation used, as ``(lhs, rhs)``.
    """

    sides: tuple[sympy.Expr, sympy.Expr] | None = None
    lines: tuple[tuple[Side, ...], ...] = ()
    equation: tuple[sympy.Expr, sympy.Expr] | None = None


def dependent_functions(where: Iterable[Binding], wrt: sympy.Symbol) -> dict[sympy.Symbol, sympy.Expr]:
    """The names that change with ``wrt`` and their functions: ``{y: y(x)}``."""
    return {name: value for name, value in where if is_dependent(value, wrt)}


def rate_name(name: sympy.Symbol, order: int = 1) -> sympy.Symbol:
    """The name a point gives the ``order``-th derivative of ``name``: ``y'``, ``r''``."""
    return sympy.Symbol(name.name + "'" * order, real=True)


def plain_form(expr: sympy.Basic, functions: Mapping[sympy.Symbol, sympy.Expr]) -> sympy.Basic:
    """``expr`` with each ``y(x)`` written ``y`` (derivatives ``Derivative(y(x), x)`` kept)."""
    derivatives = {d: sympy.Dummy() for d in expr.atoms(sympy.Derivative)}
    back = {dummy: d for d, dummy in derivatives.items()}
    names = {f: name for name, f in functions.items()}
    return expr.xreplace(derivatives).xreplace(names).xreplace(back)


def function_form(expr: sympy.Basic, functions: Mapping[sympy.Symbol, sympy.Expr]) -> sympy.Basic:
    """``expr`` with each name ``y`` written ``y(x)``; rate names ``y'`` become derivatives."""
    rates = {}
    for name, f in functions.items():
        (var,) = f.args
        for order in range(1, 5):
            rates[rate_name(name, order)] = sympy.Derivative(f, (var, order))
    return expr.xreplace({**rates, **functions})


def frozen(expr: sympy.Basic, functions: Mapping[sympy.Symbol, sympy.Expr]) -> sympy.Basic:
    """``expr`` with ``y(x)`` as ``y`` and ``Derivative(y(x), (x, n))`` as the name ``y'…'``."""
    by_function = {f: name for name, f in functions.items()}
    rates = {}
    for d in expr.atoms(sympy.Derivative):
        if d.expr in by_function and len(set(d.variables)) == 1:
            rates[d] = rate_name(by_function[d.expr], d.derivative_count)
    return expr.xreplace(rates).xreplace(by_function)


def side_value(side: Side) -> sympy.Expr:
    """What a shown side stands for: the product of its factors, the quotient's value."""
    if isinstance(side, tuple):
        return sympy.Mul(*side)
    if isinstance(side, Ratio):
        return side.numerator / side.denominator
    return side


def _seed(step: Step, index: int) -> int:
    return zlib.crc32(f"{step.rule.value}|{sympy.srepr(step.result)[:2000]}|{index}".encode())


def holds_identically(
    step: AlgebraStep,
    known: Mapping[sympy.Symbol, sympy.Expr],
    functions: Mapping[sympy.Symbol, sympy.Expr],
) -> None:
    """Check that every line of ``step`` is true once the derivatives in ``known`` take their values.

    ``known`` maps rate names (``y'``, ``y''``) to expressions without them; the
    other names (the variable, ``y``, the rates of other quantities) are
    independent numbers. Raise ``VerificationError`` naming the first false line.
    """
    values_of = {name: frozen(value, functions) for name, value in known.items()}
    for index, line in enumerate(step.lines):
        values = [
            frozen(side_value(side), functions).doit().xreplace(values_of) for side in line
        ]
        for a, b in zip(values, values[1:]):
            comparison = compare(a, b, seed=_seed(step, index), points=POINTS)
            if not comparison.equal:
                shown = " = ".join(plain(v) for v in (a, b))
                why = "it is false" if comparison.difference is not None else "no point to check it at"
                raise VerificationError(
                    f"step {step.rule.value!r} is false: line {index + 1} ({shown}): {why}", step=step
                )


def holds_on_curve(
    a: sympy.Expr,
    b: sympy.Expr,
    curve: sympy.Expr,
    solve_for: sympy.Symbol,
    *,
    step: Step,
) -> None:
    """Check ``a = b`` at points where ``curve = 0``: random values of the other names, ``solve_for``
    found numerically. Raise ``VerificationError`` if they differ, or if no point is found."""
    rng = random.Random(_seed(step, 0))
    names = sorted(curve.free_symbols | a.free_symbols | b.free_symbols, key=lambda s: s.name)
    checked = 0
    with mpmath.workdps(30):
        for attempt in range(CURVE_ATTEMPTS):
            # Solve for the unknown first, then for another name (x² - y² = 16 needs |x| ≥ 4);
            # the other names range wider as attempts fail.
            target = solve_for if attempt % 2 == 0 or len(names) == 1 else names[attempt // 2 % len(names)]
            others = [s for s in names if s != target]
            width = 2.5 if attempt < 20 else (6.0 if attempt < 40 else 40.0)
            point = {s: mpmath.mpf(rng.uniform(-width, width)) for s in others}
            root = _root(curve, target, point, rng.uniform(-width, width))
            if root is None:
                continue
            at = {target: sympy.Float(root, 30), **{s: sympy.Float(v, 30) for s, v in point.items()}}
            comparison = compare(a.xreplace(at), b.xreplace(at), points=1)
            if comparison.checked == 0:
                continue
            if not comparison.equal:
                raise VerificationError(
                    f"step {step.rule.value!r} is false: {plain(a)} and {plain(b)} differ on the curve "
                    f"{plain(curve)} = 0",
                    step=step,
                )
            checked += 1
            if checked == POINTS:
                return
    if checked == 0:
        raise VerificationError(
            f"step {step.rule.value!r} could not be checked: no point found on {plain(curve)} = 0", step=step
        )


def _root(curve: sympy.Expr, target: sympy.Symbol, point: Mapping[sympy.Symbol, mpmath.mpf],
          start: float) -> mpmath.mpf | None:
    """A real root of ``curve`` in ``target`` near ``start``, the other names at ``point`` (SymPy's
    ``evalf`` at each guess: no text is evaluated, nothing is compiled)."""
    fixed = curve.xreplace({s: sympy.Float(v, 30) for s, v in point.items()})

    def f(v: mpmath.mpf) -> mpmath.mpf:
        value = fixed.xreplace({target: sympy.Float(v, 30)}).evalf(30)
        re, im = value.as_real_imag()
        if not value.is_number or abs(im) > 1e-20:
            raise ValueError("not real")
        return mpmath.mpf(re)

    try:
        root = mpmath.findroot(f, mpmath.mpf(start))
        value = f(root)
    except (ValueError, ZeroDivisionError, TypeError, ArithmeticError):
        return None
    if isinstance(root, mpmath.mpc) or abs(value) > mpmath.mpf(10) ** -20:
        return None
    return root


def textbook_signs(expr: sympy.Expr) -> sympy.Expr:
    """A quotient whose numerator and denominator both lead with a minus sign, written without them.

    Stewart prints ``(y² sin x + cos(x + y))/(2y cos x − cos(x + y))``, not the same with both signs
    flipped. (A presentation rule, not a simplification; the textbook-form simplifier of
    ``simplify.py`` is the place for it once there is one.)

    >>> x, y = sympy.symbols("x y")
    >>> textbook_signs((-x - y)/(-x + 2*y))
    (x + y)/(x - 2*y)
    """
    numerator, denominator = sympy.fraction(expr)
    if denominator != 1 and numerator.could_extract_minus_sign() and denominator.could_extract_minus_sign():
        return (-numerator) / (-denominator)
    return expr


def use_equation(expr: sympy.Expr, lhs: sympy.Expr, rhs: sympy.Expr, variables: Sequence[sympy.Symbol]
                 ) -> tuple[sympy.Expr, sympy.Expr] | None:
    """``expr`` made shorter with the equation ``lhs = rhs``, as a textbook does; ``None`` if it is not.

    Returns ``(shown, result)``: the replacement written out (``-3x²·16/y⁷``) and the
    result (``-48x²/y⁷``). Tries the equation's variable part replaced by its constant
    part in the factored expression, then (for polynomials) the remainders of the
    numerator and the denominator on division by the equation.
    """
    curve = lhs - rhs
    constant, part = curve.as_independent(*variables)
    candidates: list[tuple[sympy.Expr, sympy.Expr]] = []
    factored = sympy.factor(expr)
    if part != 0:
        for old, new in ((part, -constant), (-part, constant)):
            if factored.has(old) and new != 0:  # the whole part, as a factor: show x⁴ + y⁴ become 16
                shown = factored.xreplace({old: sympy.UnevaluatedExpr(new)})
                candidates.append((shown, factored.xreplace({old: new})))
            replaced = sympy.factor(factored.subs(old, new))
            candidates.append((replaced, replaced))
    if curve.is_polynomial(*variables):
        numerator, denominator = sympy.fraction(sympy.together(expr))
        for gens in (tuple(reversed(variables)), tuple(variables)):
            try:
                reduced = [sympy.reduced(sympy.expand(side), [curve], *gens)[1]
                           for side in (numerator, denominator)]
            except (sympy.PolynomialError, sympy.GeneratorsNeeded, sympy.CoercionFailed):
                continue
            for top, bottom in ((reduced[0], denominator), (numerator, reduced[1]), tuple(reduced)):
                if top != 0 and bottom != 0:
                    candidate = sympy.factor(top / bottom)
                    candidates.append((candidate, candidate))
    best = None
    size = sympy.count_ops(expr)
    for shown, result in candidates:
        if sympy.count_ops(result) < size and not result.has(sympy.nan, sympy.zoo):
            best, size = (shown, result), sympy.count_ops(result)
    return best
