"""The catalogue of classic mistakes, and how to find one in a wrong answer.

A mistake is found by re-deriving the wrong way: walk the correct step tree,
recompute one step's result as the mistake would (``d/dx sin(x**2)`` without
the inner derivative), then rebuild every ancestor's result from its
substeps' results with the same combination the correct rule uses (a sum
adds, a product takes one term per factor, a chain multiplies its links). If
the wrong derivative that comes out equals the student's answer, numerically,
that is the mistake, and the step where it happens is known. So a mistake is
recognised anywhere inside a larger expression: ``x + exp(5x)`` answered
``1 + exp(5x)`` is the chain rule without the inner derivative, at ``exp(5x)``.

How to add a mistake: write one small function ``(step, values) -> tuple of
Wrong`` that returns nothing when the mistake does not apply to the step,
and one entry in ``CATALOGUE`` (its name, a title, the rules it applies to).
``values`` are the results of the step's substeps (already mistaken, when
the same mistake is made at several steps at once).

Besides each single step, the same mistake made at every step where it
applies is tried too: a student who misremembers a rule misapplies it
everywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

import sympy

from chainrule.derivation import rules
from chainrule.derivation.bindings import full_values
from chainrule.derivation.model import Rule, Step
from chainrule.derivation.rules import chain_factors, combine
from chainrule.printing import plain

Values = tuple[sympy.Expr, ...]
Path = tuple[int, ...]


@dataclass(frozen=True)
class Wrong:
    """A wrong result for one step, and why it is wrong, in one sentence."""

    result: sympy.Expr
    why: str


def d_dx(expr: sympy.Expr, wrt: sympy.Symbol) -> str:
    """``d/dx sin(x)``, ``d/dx (x + 1)``: the derivative written out, parenthesised when needed."""
    text = plain(expr)
    if isinstance(expr, (sympy.Add, sympy.Mul)) or text.startswith("-"):
        text = f"({text})"
    return f"d/d{wrt} {text}"


# ---------------------------------------------------------------------------
# The mistakes. Each is one small function: given a step and its substeps'
# results, the wrong results a student would write for that step (none when
# the mistake does not apply).


def chain_without_inner(step: Step, values: Values) -> tuple[Wrong, ...]:
    """``d/dx g(h(x)) -> g'(h(x))``: the outer derivative alone, ``h'(x)`` forgotten."""
    if step.rule is not Rule.CHAIN:
        return ()
    factors = chain_factors(step, values)
    name, inner = step.bindings[0]
    innermost = f"{plain(inner)} (its derivative is {plain(values[-1])})"
    wrongs = [
        Wrong(
            factors[0],
            f"{d_dx(step.expr, step.wrt)} needs the derivative of the inner function "
            + (
                f"{innermost}"
                if len(factors) == 1
                else f"{plain(full_values(step.bindings)[step.substeps[0].wrt])} as a factor"
            )
            + ", which is missing.",
        )
    ]
    if len(factors) > 1:
        wrongs.append(
            Wrong(
                sympy.Mul(*factors),
                f"{d_dx(step.expr, step.wrt)} needs the derivative of the innermost "
                f"function {innermost} as a factor, which is missing.",
            )
        )
    return tuple(wrongs)


def product_of_derivatives(step: Step, values: Values) -> tuple[Wrong, ...]:
    """``(f g)' -> f' g'`` instead of ``f' g + f g'``."""
    if step.rule is not Rule.PRODUCT:
        return ()
    return (
        Wrong(
            sympy.Mul(*values),
            f"the derivative of the product {plain(step.expr)} is not the product of the "
            "derivatives: (f g)' = f' g + f g'.",
        ),
    )


def quotient_swapped(step: Step, values: Values) -> tuple[Wrong, ...]:
    """``(f/g)' -> (f g' - f' g)/g^2``: the numerator's terms the wrong way round."""
    if step.rule is not Rule.QUOTIENT:
        return ()
    num, den = step.substeps[0].expr, step.substeps[1].expr
    return (
        Wrong(
            (num * values[1] - values[0] * den) / den**2,
            f"the numerator of the quotient rule is f' g - f g' (here f = {plain(num)}, "
            f"g = {plain(den)}), not f g' - f' g: the sign of the whole answer flips.",
        ),
    )


def quotient_not_squared(step: Step, values: Values) -> tuple[Wrong, ...]:
    """``(f/g)' -> (f' g - f g')/g``: the denominator not squared."""
    if step.rule is not Rule.QUOTIENT:
        return ()
    num, den = step.substeps[0].expr, step.substeps[1].expr
    return (
        Wrong(
            (values[0] * den - num * values[1]) / den,
            f"the quotient rule divides by the square of the denominator, {plain(den**2)}, "
            f"not by {plain(den)}.",
        ),
    )


def power_not_lowered(step: Step, values: Values) -> tuple[Wrong, ...]:
    """``d/dx x^n -> n x^n``: the exponent brought down but not lowered by one."""
    if step.rule is not Rule.POWER:
        return ()
    n = step.expr.exp
    return (
        Wrong(
            n * step.wrt**n,
            f"the power rule lowers the exponent by one: {d_dx(step.expr, step.wrt)} = "
            f"{plain(step.result)}, not {plain(n * step.wrt**n)}.",
        ),
    )


def cos_sign(step: Step, values: Values) -> tuple[Wrong, ...]:
    """``d/dx cos(x) -> sin(x)``: the minus sign lost."""
    if step.rule is not Rule.TRIG or not isinstance(step.expr, sympy.cos):
        return ()
    u = step.expr.args[0]
    return (
        Wrong(
            sympy.sin(u),
            f"d/d{step.wrt} cos({plain(u)}) = -sin({plain(u)}): the derivative of cos has a minus sign.",
        ),
    )


def exponential_as_power(step: Step, values: Values) -> tuple[Wrong, ...]:
    """``d/dx a^x -> x a^(x-1)``: the power rule used where the variable is the exponent."""
    return _as_power(step, Rule.EXPONENTIAL_BASE, "a^x", lambda e: e.base)


def exp_as_power(step: Step, values: Values) -> tuple[Wrong, ...]:
    """``d/dx e^f -> f e^(f-1)``: the power rule used on the exponential function."""
    return _as_power(step, Rule.EXP, "e^u", lambda e: sympy.E)


def _as_power(
    step: Step,
    rule: Rule,
    shape: str,
    base_of: Callable[[sympy.Expr], sympy.Expr],
) -> tuple[Wrong, ...]:
    def wrong(exponent: sympy.Expr, base: sympy.Expr) -> Wrong:
        result = exponent * base ** (exponent - 1)
        return Wrong(
            result,
            f"{shape} is an exponential, not a power (the variable is in the exponent): "
            f"{d_dx(step.expr, step.wrt)} = {plain(step.result)}, not {plain(result)}.",
        )

    if step.rule is rule and not step.substeps:
        return (wrong(step.wrt, base_of(step.expr)),)
    if step.rule is Rule.CHAIN and step.substeps[0].rule is rule:
        # The whole exponential of an inner function taken as a power: f a^(f-1), no f'.
        outer = step.substeps[0]
        return (wrong(full_values(step.bindings)[outer.wrt], base_of(outer.expr)),)
    return ()


def sign_slip(step: Step, values: Values) -> tuple[Wrong, ...]:
    """Any step's result with the wrong sign (``-cos`` for ``d/dx sin``, a lost minus)."""
    value = combine(step, values)
    if value is None or value == 0:
        return ()
    return (
        Wrong(
            -value,
            f"{d_dx(step.expr, step.wrt)} = {plain(step.result)}: the sign is the wrong way round.",
        ),
    )


@dataclass(frozen=True, kw_only=True)
class ClassicMistake:
    """One entry of the catalogue.

    Args:
        name: a stable identifier (the JSON name).
        title: what it is, as a teacher says it.
        rules: the rules it can happen in.
        wrong: the step's wrong results, or ``()`` where it does not apply.
        example: an exercise, a wrong answer showing the mistake, for the docs.
        everywhere: also try it at every step where it applies at once.
    """

    name: str
    title: str
    rules: tuple[Rule, ...]
    wrong: Callable[[Step, Values], tuple[Wrong, ...]]
    example: tuple[str, str]
    everywhere: bool = True


CATALOGUE: tuple[ClassicMistake, ...] = (
    ClassicMistake(
        name="chain_rule_without_inner_derivative",
        title="the chain rule without the inner derivative",
        rules=(Rule.CHAIN,),
        wrong=chain_without_inner,
        example=("sin(x^2)", "cos(x^2)"),
    ),
    ClassicMistake(
        name="product_of_derivatives",
        title="the product rule taken as the product of the derivatives",
        rules=(Rule.PRODUCT,),
        wrong=product_of_derivatives,
        example=("x^2 sin(x)", "2x cos(x)"),
    ),
    ClassicMistake(
        name="quotient_rule_numerator_swapped",
        title="the quotient rule with the numerator's terms swapped",
        rules=(Rule.QUOTIENT,),
        wrong=quotient_swapped,
        example=("sin(x)/x", "(sin(x) - x cos(x))/x^2"),
    ),
    ClassicMistake(
        name="quotient_rule_denominator_not_squared",
        title="the quotient rule with the denominator not squared",
        rules=(Rule.QUOTIENT,),
        wrong=quotient_not_squared,
        example=("sin(x)/x", "(x cos(x) - sin(x))/x"),
    ),
    ClassicMistake(
        name="power_rule_exponent_not_lowered",
        title="the power rule without lowering the exponent",
        rules=(Rule.POWER,),
        wrong=power_not_lowered,
        example=("x^3", "3x^3"),
    ),
    ClassicMistake(
        name="cos_derivative_sign",
        title="a sign error on the derivative of cos",
        rules=(Rule.TRIG,),
        wrong=cos_sign,
        example=("cos(x)", "sin(x)"),
    ),
    ClassicMistake(
        name="exponential_as_power",
        title="d/dx a^x taken as x a^(x-1)",
        rules=(Rule.EXPONENTIAL_BASE, Rule.CHAIN),
        wrong=exponential_as_power,
        example=("2^x", "x*2^(x-1)"),
    ),
    ClassicMistake(
        name="exp_as_power",
        title="d/dx e^f taken as f e^(f-1)",
        rules=(Rule.EXP, Rule.CHAIN),
        wrong=exp_as_power,
        example=("e^(x^2)", "x^2*e^(x^2 - 1)"),
    ),
    ClassicMistake(
        name="sign_slip",
        title="a sign slip",
        rules=tuple(Rule),
        wrong=sign_slip,
        example=("x^2 - sin(x)", "2x + cos(x)"),
        everywhere=False,
    ),
)
"""Tried in this order; the first that reproduces the answer is reported."""

BY_NAME: dict[str, ClassicMistake] = {m.name: m for m in CATALOGUE}


# ---------------------------------------------------------------------------
# Re-deriving with mistakes and looking for the answer.


@dataclass(frozen=True, kw_only=True)
class Found:
    """A mistake that reproduces the answer: where, what it gives, and why.

    ``path`` is the step's position (child indices from the root); ``count``
    is how many steps it was made at (more than one when made everywhere).
    """

    mistake: ClassicMistake
    step: Step
    path: Path
    wrong: Wrong
    result: sympy.Expr
    count: int = 1


Override = Callable[[Step, Values], "sympy.Expr | None"]


def _fixed(result: sympy.Expr) -> Override:
    return lambda step, values: result


def searchable_steps(root: Step) -> list[tuple[Path, Step]]:
    """Every step a mistake can be propagated from, in reading order (pre-order)."""
    out: list[tuple[Path, Step]] = []
    stack: list[tuple[Path, Step]] = [((), root)]
    while stack:
        path, step = stack.pop()
        out.append((path, step))
        if step.substeps and rules.SPECS[step.rule].combine is not None:
            for i in reversed(range(len(step.substeps))):
                stack.append(((*path, i), step.substeps[i]))
    return out


def propagate(root: Step, overrides: Mapping[Path, Override]) -> sympy.Expr | None:
    """The root's result with the ``overrides`` steps computed their own way.

    Steps off the paths from the root to the overridden steps keep their
    results; the others are rebuilt bottom-up with ``combine`` (explicit
    stack, no recursion). ``None`` when a step cannot be rebuilt.
    """
    touched = {path[:k] for path in overrides for k in range(len(path) + 1)}
    values: dict[Path, sympy.Expr | None] = {}
    stack: list[tuple[Path, Step, bool]] = [((), root, False)]
    while stack:
        path, step, ready = stack.pop()
        if path not in touched:
            values[path] = step.result
            continue
        if not ready and step.substeps:
            stack.append((path, step, True))
            for i, sub in enumerate(step.substeps):
                stack.append(((*path, i), sub, False))
            continue
        children = tuple(values.get((*path, i)) for i in range(len(step.substeps)))
        if any(c is None for c in children):
            values[path] = None
            continue
        known: Values = tuple(c for c in children if c is not None)
        values[path] = overrides[path](step, known) if path in overrides else combine(step, known)
    return values[()]


def candidates(root: Step) -> Iterator[Found]:
    """Every wrong derivative the catalogue produces, most specific first.

    For each mistake: each single step where it applies (in reading order),
    then, when it applies at several steps, all of them at once.
    """
    steps = searchable_steps(root)
    for mistake in CATALOGUE:
        applies: list[tuple[Path, Step]] = []
        singles: list[sympy.Expr] = []
        for path, step in steps:
            wrongs = mistake.wrong(step, tuple(s.result for s in step.substeps))
            if not wrongs:
                continue
            applies.append((path, step))
            for wrong in wrongs:
                result = propagate(root, {path: _fixed(wrong.result)})
                if result is not None:
                    singles.append(result)
                    yield Found(mistake=mistake, step=step, path=path, wrong=wrong, result=result)
        if mistake.everywhere and len(applies) > 1:

            def everywhere(step: Step, values: Values, m: ClassicMistake = mistake) -> sympy.Expr | None:
                wrongs = m.wrong(step, values)
                return wrongs[0].result if wrongs else combine(step, values)

            result = propagate(root, {path: everywhere for path, _ in applies})
            if result is not None and result not in singles:
                path, step = applies[0]
                first = mistake.wrong(step, tuple(s.result for s in step.substeps))[0]
                yield Found(
                    mistake=mistake,
                    step=step,
                    path=path,
                    wrong=first,
                    result=result,
                    count=len(applies),
                )


def step_label(path: Path) -> str:
    """The step's number as the renderers show it: ``1``, ``1.2``, ``1.2.1``."""
    return ".".join(["1", *(str(i + 1) for i in path)])
