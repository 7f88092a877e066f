"""The rules of differentiation: when each applies, and how its parts combine.

A rule is a ``Rule`` member (``model.py``: its name and title) and a
``RuleSpec`` here: the matcher that tries it on an expression, and, for a
rule built from other steps, how their results combine into its own
(``d/dx (f g) = f' g + f g'``). The engine computes every result with these
combinations, and mistake diagnosis (``homework/mistakes.py``) perturbs the
same ones, so the two cannot drift. What a function's derivative is comes
from the vocabulary (``chainrule/vocabulary.py``), not from here.

How to add a rule: a ``Rule`` member with its title, a matcher
``(expr, wrt, ctx) -> Step | None`` returning ``None`` where it does not
apply (placed in ``MATCHERS``, which the engine tries in order), and one
``RuleSpec`` in ``SPECS`` with its ``combine`` when its result is built from
substeps. How each rule
arranges its substeps and bindings is documented in ``model.py``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

import sympy

from chainrule.derivation.bindings import full_values, put_back, resolver
from chainrule.derivation.leaves import (
    constant_rule,
    dependent_rule,
    derivative_rule,
    exponential_base_rule,
    fallback_rule,
    known_rule,
    log_abs_rule,
    max_min_rule,
    power_rule,
    table_rule,
    undefined_function_rule,
    variable_rule,
)
from chainrule.derivation.model import Equals, Rule, Sentence, Step, say
from chainrule.written import WrittenProduct, evaluated, is_written

Values = tuple[sympy.Expr, ...]
Where = Mapping[sympy.Symbol, sympy.Expr]


class Context(Protocol):
    """What a rule may ask of the engine."""

    def derive(self, expr: sympy.Expr, wrt: sympy.Symbol) -> Step: ...

    def depends(self, expr: sympy.Expr, wrt: sympy.Symbol) -> bool: ...

    def chain(self, expr: sympy.Expr, wrt: sympy.Symbol) -> Step | None: ...

    def several_arguments(self, expr: sympy.Expr, wrt: sympy.Symbol) -> Step | None: ...

    def real(self, name: sympy.Symbol) -> bool: ...

    def dependent(self, expr: sympy.Expr, wrt: sympy.Symbol) -> sympy.Expr | None: ...


Matcher = Callable[[sympy.Expr, sympy.Symbol, Context], "Step | None"]
Combine = Callable[[Step, Values, Where], "sympy.Expr | None"]


# ---------------------------------------------------------------------------
# How results combine. ``values`` are the substeps' results in order (a
# mistake diagnosis passes wrong ones); ``where`` the definitions in scope.


def cofactor(expr: sympy.Expr, part: sympy.Expr) -> sympy.Expr:
    """The factors of the product ``expr`` that are not factors of ``part``: ``c`` in ``c*f``."""
    remaining = list(part.args) if isinstance(part, sympy.Mul) else [part]
    kept = []
    for factor in expr.args:
        if factor in remaining:
            remaining.remove(factor)
        else:
            kept.append(factor)
    if remaining:  # SymPy rewrote the part when it was built alone: divide instead
        return expr / part
    return sympy.Mul(*kept)


def _combine_sum(step: Step, values: Values, where: Where) -> sympy.Expr:
    return sympy.Add(*values)


def _combine_constant_multiple(step: Step, values: Values, where: Where) -> sympy.Expr:
    return cofactor(step.expr, step.substeps[0].expr) * values[0]


def _combine_product(step: Step, values: Values, where: Where) -> sympy.Expr:
    factors = [sub.expr for sub in step.substeps]
    return sympy.Add(
        *(
            sympy.Mul(*(values[i] if j == i else f for j, f in enumerate(factors)))
            for i in range(len(factors))
        )
    )


def _combine_quotient(step: Step, values: Values, where: Where) -> sympy.Expr:
    num, den = step.substeps[0].expr, step.substeps[1].expr
    dnum, dden = values
    return (dnum * den - num * dden) / den**2


def _combine_piecewise(step: Step, values: Values, where: Where) -> sympy.Expr:
    conditions = [condition for _, condition in step.expr.args]
    return sympy.Piecewise(*zip(values, conditions))


def chain_factors(step: Step, values: Values) -> list[sympy.Expr]:
    """A chain's outer links' derivatives, each with its link name put back (``cos(x**2)``)."""
    full = full_values(step.bindings)
    return [put_back(value, {sub.wrt: full[sub.wrt]}) for sub, value in zip(step.substeps, values[:-1])]


def _combine_chain(step: Step, values: Values, where: Where) -> sympy.Expr:
    if step.bindings and all(name in where for name, _ in step.bindings):
        resolve = resolver(where)  # a chain through the user's definitions (related rates)
        return sympy.Mul(*(resolve(f) for f in (*chain_factors(step, values), values[-1])))
    return sympy.Mul(*chain_factors(step, values), values[-1])


def _combine_difference(step: Step, values: Values, where: Where) -> sympy.Expr:
    """Both sides of an equation differentiated: ``d/dx (lhs - rhs) = lhs' - rhs'``."""
    return values[0] - values[1]


def _combine_general_power(step: Step, values: Values, where: Where) -> sympy.Expr:
    return step.expr * values[0]


def _combine_multivariable(step: Step, values: Values, where: Where) -> sympy.Expr:
    """One term per (partial, inner derivative) pair, and a direct term when there is one.

    Through ``where`` (the user's definitions) every term is put back in terms of
    the variables; for a function of several arguments, the argument names are.
    """
    through_where = bool(step.bindings) and all(name in where for name, _ in step.bindings)
    back = resolver(where) if through_where else (lambda e: put_back(e, dict(step.bindings)))
    terms = [back(values[i]) * back(values[i + 1]) for i in range(0, len(values) - 1, 2)]
    if len(values) % 2:
        terms.append(back(values[-1]))
    return sympy.Add(*terms)


def combined(
    rule: Rule,
    expr: sympy.Expr,
    wrt: sympy.Symbol,
    text: Sentence,
    substeps: tuple[Step, ...],
    *,
    bindings: tuple[tuple[sympy.Symbol, sympy.Expr], ...] = (),
    where: Where | None = None,
) -> Step:
    """A step whose result is its rule's combination of its substeps' results."""
    step = Step(
        rule=rule, expr=expr, wrt=wrt, result=sympy.S.Zero, text=text, substeps=substeps, bindings=bindings
    )
    result = SPECS[rule].combine(step, tuple(s.result for s in substeps), where or {})  # type: ignore[misc]
    return dataclasses.replace(step, result=evaluated(result))


def combine(step: Step, values: Values, where: Where | None = None) -> sympy.Expr | None:
    """``step``'s result rebuilt from its substeps' results ``values``; ``None`` if it cannot be."""
    if not step.substeps:
        return step.result
    spec = SPECS.get(step.rule)
    if spec is None or spec.combine is None:
        return None
    return spec.combine(step, values, where or {})


# ---------------------------------------------------------------------------
# The matchers. Each is one small function: given an expression and the variable,
# it returns a Step, or None when it does not apply. The engine tries them in
# the order of ``MATCHERS`` and gives them a ``Context`` to derive sub-expressions.


def sum_rule(expr: sympy.Expr, wrt: sympy.Symbol, ctx: Context) -> Step | None:
    """``(f + g + h)' = f' + g' + h'``; a difference is a sum with a negative term."""
    if not isinstance(expr, sympy.Add):
        return None
    subs = tuple(ctx.derive(term, wrt) for term in expr.args)
    return combined(
        Rule.SUM,
        expr,
        wrt,
        say(f"Sum rule: differentiate each of the {len(subs)} terms separately and add the results."),
        subs,
    )


def _split_constant(expr: sympy.Mul, wrt: sympy.Symbol, ctx: Context) -> tuple[sympy.Expr, sympy.Expr]:
    const = [f for f in expr.args if not ctx.depends(f, wrt)]
    rest = [f for f in expr.args if ctx.depends(f, wrt)]
    return sympy.Mul(*const), part_of(expr, rest)


def part_of(product: sympy.Expr, factors: list[sympy.Expr]) -> sympy.Expr:
    """Some factors of ``product`` multiplied, kept as written when the product was."""
    if len(factors) == 1:
        return factors[0]
    if is_written(product):
        return WrittenProduct(*factors, evaluate=False)
    return sympy.Mul(*factors)


def log_base_rule(expr: sympy.Expr, wrt: sympy.Symbol, ctx: Context) -> Step | None:
    """``log_b(u) = ln(u)/ln(b)``, so ``d/dx log_b(x) = 1/(x ln b)`` (change of base).

    SymPy stores ``log(x, b)`` as ``log(x)/log(b)``; this rule recognises that form.
    """
    if not isinstance(expr, sympy.Mul):
        return None
    const, rest = _split_constant(expr, wrt, ctx)
    if not isinstance(rest, sympy.log) or not (
        isinstance(const, sympy.Pow) and const.exp == -1 and isinstance(const.base, sympy.log)
    ):
        return None
    base = const.base.args[0]
    sub = ctx.derive(rest, wrt)
    return combined(
        Rule.LOG_BASE,
        expr,
        wrt,
        say(
            "Change of base: a logarithm to base ",
            base,
            " is the natural logarithm divided by ",
            sympy.log(base),
            ", so differentiate ",
            rest,
            " and divide by ",
            sympy.log(base),
            ".",
        ),
        (sub,),
    )


def constant_multiple_rule(expr: sympy.Expr, wrt: sympy.Symbol, ctx: Context) -> Step | None:
    """``(c f)' = c f'`` for a factor c that does not depend on x."""
    if not isinstance(expr, sympy.Mul):
        return None
    const, rest = _split_constant(expr, wrt, ctx)
    if const == 1:
        return None
    sub = ctx.derive(rest, wrt)
    return combined(
        Rule.CONSTANT_MULTIPLE,
        expr,
        wrt,
        say("Constant multiple rule: the constant ", const, " stays, and ", rest, " is differentiated."),
        (sub,),
    )


def _numerator_denominator(expr: sympy.Mul) -> tuple[sympy.Expr, sympy.Expr]:
    num, den = [], []
    for factor in expr.args:
        base, exponent = factor.as_base_exp()
        if exponent.is_number and exponent.is_negative:
            den.append(base if exponent == -1 else sympy.Pow(base, -exponent, evaluate=False))
        else:
            num.append(factor)
    return part_of(expr, num) if num else sympy.S.One, part_of(expr, den) if den else sympy.S.One


def quotient_rule(expr: sympy.Expr, wrt: sympy.Symbol, ctx: Context) -> Step | None:
    """``(f/g)' = (f' g - f g')/g^2`` when both f and g depend on x.

    A quotient whose numerator is constant (``1/x**2``, ``3/x``) is a power
    (``x**-2``) and goes to the power and constant-multiple rules instead.
    """
    if not isinstance(expr, sympy.Mul):
        return None
    num, den = _numerator_denominator(expr)
    if den == 1 or not ctx.depends(num, wrt) or not ctx.depends(den, wrt):
        return None
    dnum, dden = ctx.derive(num, wrt), ctx.derive(den, wrt)
    return combined(
        Rule.QUOTIENT,
        expr,
        wrt,
        say(
            "Quotient rule with numerator ",
            num,
            " and denominator ",
            den,
            ": the numerator's "
            "derivative times the denominator, minus the numerator times the denominator's "
            "derivative, all over the denominator squared.",
        ),
        (dnum, dden),
    )


def product_rule(expr: sympy.Expr, wrt: sympy.Symbol, ctx: Context) -> Step | None:
    """``(f g h)' = f' g h + f g' h + f g h'``: one term per factor."""
    if not isinstance(expr, sympy.Mul):
        return None
    factors = expr.args
    subs = tuple(ctx.derive(f, wrt) for f in factors)
    if len(factors) == 2:
        text = say(
            "Product rule with factors ",
            factors[0],
            " and ",
            factors[1],
            ": the first factor's derivative times the second, plus the first times the second's derivative.",
        )
    else:
        text = say(
            f"Product rule for {len(factors)} factors: differentiate one factor at a time, "
            "keep the others, and add the results."
        )
    return combined(Rule.PRODUCT, expr, wrt, text, subs)


def general_power_rule(expr: sympy.Expr, wrt: sympy.Symbol, ctx: Context) -> Step | None:
    """``(f^g)' = f^g (g ln f)'`` by logarithmic differentiation, when both depend on x."""
    if not isinstance(expr, sympy.Pow):
        return None
    f, g = expr.base, expr.exp
    if not (ctx.depends(f, wrt) and ctx.depends(g, wrt)):
        return None
    sub = ctx.derive(g * sympy.log(f), wrt)
    return combined(
        Rule.GENERAL_POWER,
        expr,
        wrt,
        say(
            "Logarithmic differentiation: ",
            Equals(expr, sympy.exp(g * sympy.log(f), evaluate=False)),
            ", so its derivative is ",
            expr,
            " times the derivative of ",
            g * sympy.log(f),
            ".",
        ),
        (sub,),
    )


def piecewise_rule(expr: sympy.Expr, wrt: sympy.Symbol, ctx: Context) -> Step | None:
    """``d/dx {f_i(x) if c_i} = {f_i'(x) if c_i}``: each piece on its own, the conditions kept.

    Inside each piece's interval the function is that piece, so its derivative
    is the piece's; at a boundary point the derivative exists only where the
    pieces' derivatives (and values) agree.
    """
    if not isinstance(expr, sympy.Piecewise):
        return None
    subs = tuple(ctx.derive(piece, wrt) for piece, _ in expr.args)
    pieces: list[object] = []
    for k, (piece, condition) in enumerate(expr.args):
        pieces += ["; " if k else "", piece]
        pieces += [" otherwise"] if condition is sympy.true else [" where ", condition]
    return combined(
        Rule.PIECEWISE,
        expr,
        wrt,
        say(
            f"Piecewise rule: differentiate each of the {len(subs)} pieces (",
            *pieces,
            ") on its own and keep its condition; at a boundary between pieces the derivative "
            "exists only if both sides agree.",
        ),
        subs,
    )



def chain_rule(expr: sympy.Expr, wrt: sympy.Symbol, ctx: Context) -> Step | None:
    """``d/dx g(h(x)) = g'(h(x)) h'(x)``; Leibniz ``dy/dx = dy/du du/dx``, ``u = h(x)``.

    Several links make one step: ``d/dx g(h(i(x))) = g'(h(i(x))) h'(i(x)) i'(x)``.
    The engine builds it (it knows the fresh names).
    """
    return ctx.chain(expr, wrt)


def several_arguments_rule(expr: sympy.Expr, wrt: sympy.Symbol, ctx: Context) -> Step | None:
    """``d/dx F(a(x), b(x)) = F_a a' + F_b b'``: the multivariable chain rule.

    The engine builds it (it knows the fresh names).
    """
    return ctx.several_arguments(expr, wrt)


# ---------------------------------------------------------------------------
# The specs.


@dataclass(frozen=True, kw_only=True)
class RuleSpec:
    """One rule: how a step of it is built, and how its parts combine.

    Args:
        rule: the rule.
        combine: the result from the substeps' results; ``None`` for a leaf, or
            a rule whose result is not a combination (``higher_order``).
        family: the kind of rule, for views that group them (``structure``,
            ``chain``, ``table``, ``partial``, ``power``, ``simplify``).
        example: an exercise whose derivation shows the rule.
    """

    rule: Rule
    combine: Combine | None = None
    family: str = "table"
    example: str = ""


SPECS: dict[Rule, RuleSpec] = {
    spec.rule: spec
    for spec in (
        RuleSpec(rule=Rule.CONSTANT, family="table", example="x + 5"),
        RuleSpec(rule=Rule.VARIABLE, family="table", example="x + 5"),
        RuleSpec(rule=Rule.SUM, combine=_combine_sum, family="structure", example="x**3 - 2*x"),
        RuleSpec(
            rule=Rule.LOG_BASE, combine=_combine_constant_multiple, family="structure", example="log(x, 2)"
        ),
        RuleSpec(
            rule=Rule.CONSTANT_MULTIPLE,
            combine=_combine_constant_multiple,
            family="structure",
            example="5*sin(x)",
        ),
        RuleSpec(rule=Rule.QUOTIENT, combine=_combine_quotient, family="product", example="sin(x)/x"),
        RuleSpec(rule=Rule.PRODUCT, combine=_combine_product, family="product", example="x*exp(x)"),
        RuleSpec(rule=Rule.POWER, family="table", example="x**3"),
        RuleSpec(rule=Rule.EXPONENTIAL_BASE, family="table", example="2**x"),
        RuleSpec(rule=Rule.GENERAL_POWER, combine=_combine_general_power, family="power", example="x**x"),
        RuleSpec(rule=Rule.EXP, example="exp(x)"),
        RuleSpec(rule=Rule.LOG, example="log(x)"),
        RuleSpec(rule=Rule.TRIG, example="sin(x)"),
        RuleSpec(rule=Rule.INVERSE_TRIG, example="atan(x)"),
        RuleSpec(rule=Rule.HYPERBOLIC, example="tanh(x)"),
        RuleSpec(rule=Rule.INVERSE_HYPERBOLIC, example="asinh(x)"),
        RuleSpec(rule=Rule.ABS, example="Abs(x)"),
        RuleSpec(rule=Rule.SIGMOID, example="sigmoid(x)"),
        RuleSpec(rule=Rule.RELU, example="relu(x)"),
        RuleSpec(rule=Rule.UNDEFINED_FUNCTION, example="f(x)"),
        RuleSpec(rule=Rule.PARTIAL, family="partial", example="f(x, y)"),
        RuleSpec(rule=Rule.MAX_MIN, example="Max(x, 0)"),
        RuleSpec(rule=Rule.KNOWN, example="erf(x)"),
        RuleSpec(rule=Rule.CHAIN, combine=_combine_chain, family="chain", example="sin(x**2)"),
        RuleSpec(
            rule=Rule.MULTIVARIABLE_CHAIN,
            combine=_combine_multivariable,
            family="chain",
            example="f(x, x**2)",
        ),
        RuleSpec(
            rule=Rule.PIECEWISE,
            combine=_combine_piecewise,
            family="structure",
            example="Piecewise((x**2, x < 0), (sin(x), True))",
        ),
        RuleSpec(rule=Rule.HIGHER_ORDER, family="power", example="exp(2*x)"),
        RuleSpec(rule=Rule.SIMPLIFY, family="simplify", example="x*exp(x)"),
        RuleSpec(rule=Rule.DEPENDENT, family="chain", example="r ; where r = r(t)"),
        RuleSpec(rule=Rule.IMPLICIT, combine=_combine_difference, family="chain",
                 example="x**2 + y**2 = 25 ; implicit y"),
        RuleSpec(rule=Rule.SOLVE, family="algebra", example="x**2 + y**2 = 25 ; implicit y"),
        RuleSpec(rule=Rule.SUBSTITUTE, family="algebra", example="x**4 + y**4 = 16 ; implicit y, order 2"),
        RuleSpec(rule=Rule.USE_EQUATION, family="algebra",
                 example="x**4 + y**4 = 16 ; implicit y, order 2"),
        RuleSpec(rule=Rule.PARAMETRIC, family="chain", example="x = cos(t)**3, y = sin(t)**3 ; parametric"),
    )
}

MATCHERS: tuple[Matcher, ...] = (
    constant_rule,
    variable_rule,
    dependent_rule,
    sum_rule,
    log_base_rule,
    constant_multiple_rule,
    quotient_rule,
    product_rule,
    power_rule,
    exponential_base_rule,
    general_power_rule,
    piecewise_rule,
    table_rule,
    log_abs_rule,
    undefined_function_rule,
    dependent_rule,
    derivative_rule,
    max_min_rule,
    known_rule,
    chain_rule,
    several_arguments_rule,
    fallback_rule,
)
"""The matchers in the order the engine tries them; the first that applies wins. A matcher
may give more than one rule (``table_rule`` gives ``trig``, ``exp``, ...)."""
