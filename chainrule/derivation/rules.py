"""The table of elementary derivatives, one entry per function.

Each entry states its rule in both notations and gives the derivative of the
function at a bare variable ``u``; the engine (``engine.py``) applies an entry
when the argument is the variable itself and the chain rule otherwise.

How to add a rule for a new function: add one ``Entry`` to ``TABLE`` (the
function's class, the rule name from ``steps.Rule``, its derivative as a
function of the argument, and the statement shown to readers). A function
missing here is still differentiated, by the ``known`` rule, with SymPy's own
``fdiff``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import sympy
from sympy import (
    Abs,
    Heaviside,
    acos,
    acosh,
    acot,
    acoth,
    acsc,
    acsch,
    asec,
    asech,
    asin,
    asinh,
    atan,
    atanh,
    cos,
    cosh,
    cot,
    coth,
    csc,
    csch,
    exp,
    log,
    sec,
    sech,
    sign,
    sin,
    sinh,
    sqrt,
    tan,
    tanh,
)
from sympy.core.function import AppliedUndef

from chainrule.functions import relu, sigmoid
from chainrule.printing import plain
from chainrule.derivation.model import Rule, Step


@dataclass(frozen=True, kw_only=True)
class Entry:
    """One line of the table: ``d/du func(u) = derivative(u)``.

    ``statement`` is the rule as a textbook writes it, in ASCII.
    """

    func: type[sympy.Basic]
    rule: Rule
    derivative: Callable[[sympy.Expr], sympy.Expr]
    statement: str


def _entry(
    func: type[sympy.Basic], rule: Rule, derivative: Callable[[sympy.Expr], sympy.Expr], statement: str
) -> Entry:
    return Entry(func=func, rule=rule, derivative=derivative, statement=statement)


TABLE: dict[type[sympy.Basic], Entry] = {
    e.func: e
    for e in (
        _entry(exp, Rule.EXP, lambda u: exp(u), "d/du e^u = e^u"),
        _entry(log, Rule.LOG, lambda u: 1 / u, "d/du ln(u) = 1/u"),
        _entry(sin, Rule.TRIG, lambda u: cos(u), "d/du sin(u) = cos(u)"),
        _entry(cos, Rule.TRIG, lambda u: -sin(u), "d/du cos(u) = -sin(u)"),
        _entry(tan, Rule.TRIG, lambda u: sec(u) ** 2, "d/du tan(u) = sec(u)^2"),
        _entry(sec, Rule.TRIG, lambda u: sec(u) * tan(u), "d/du sec(u) = sec(u) tan(u)"),
        _entry(csc, Rule.TRIG, lambda u: -csc(u) * cot(u), "d/du csc(u) = -csc(u) cot(u)"),
        _entry(cot, Rule.TRIG, lambda u: -(csc(u) ** 2), "d/du cot(u) = -csc(u)^2"),
        _entry(asin, Rule.INVERSE_TRIG, lambda u: 1 / sqrt(1 - u**2), "d/du asin(u) = 1/sqrt(1 - u^2)"),
        _entry(acos, Rule.INVERSE_TRIG, lambda u: -1 / sqrt(1 - u**2), "d/du acos(u) = -1/sqrt(1 - u^2)"),
        _entry(atan, Rule.INVERSE_TRIG, lambda u: 1 / (1 + u**2), "d/du atan(u) = 1/(1 + u^2)"),
        _entry(acot, Rule.INVERSE_TRIG, lambda u: -1 / (1 + u**2), "d/du acot(u) = -1/(1 + u^2)"),
        _entry(
            asec,
            Rule.INVERSE_TRIG,
            lambda u: 1 / (Abs(u) * sqrt(u**2 - 1)),
            "d/du asec(u) = 1/(|u| sqrt(u^2 - 1))",
        ),
        _entry(
            acsc,
            Rule.INVERSE_TRIG,
            lambda u: -1 / (Abs(u) * sqrt(u**2 - 1)),
            "d/du acsc(u) = -1/(|u| sqrt(u^2 - 1))",
        ),
        _entry(sinh, Rule.HYPERBOLIC, lambda u: cosh(u), "d/du sinh(u) = cosh(u)"),
        _entry(cosh, Rule.HYPERBOLIC, lambda u: sinh(u), "d/du cosh(u) = sinh(u)"),
        _entry(tanh, Rule.HYPERBOLIC, lambda u: 1 - tanh(u) ** 2, "d/du tanh(u) = 1 - tanh(u)^2"),
        _entry(coth, Rule.HYPERBOLIC, lambda u: 1 - coth(u) ** 2, "d/du coth(u) = 1 - coth(u)^2"),
        _entry(sech, Rule.HYPERBOLIC, lambda u: -sech(u) * tanh(u), "d/du sech(u) = -sech(u) tanh(u)"),
        _entry(csch, Rule.HYPERBOLIC, lambda u: -csch(u) * coth(u), "d/du csch(u) = -csch(u) coth(u)"),
        _entry(
            asinh, Rule.INVERSE_HYPERBOLIC, lambda u: 1 / sqrt(u**2 + 1), "d/du asinh(u) = 1/sqrt(u^2 + 1)"
        ),
        _entry(
            acosh, Rule.INVERSE_HYPERBOLIC, lambda u: 1 / sqrt(u**2 - 1), "d/du acosh(u) = 1/sqrt(u^2 - 1)"
        ),
        _entry(atanh, Rule.INVERSE_HYPERBOLIC, lambda u: 1 / (1 - u**2), "d/du atanh(u) = 1/(1 - u^2)"),
        _entry(acoth, Rule.INVERSE_HYPERBOLIC, lambda u: 1 / (1 - u**2), "d/du acoth(u) = 1/(1 - u^2)"),
        _entry(
            asech,
            Rule.INVERSE_HYPERBOLIC,
            lambda u: -1 / (u * sqrt(1 - u**2)),
            "d/du asech(u) = -1/(u sqrt(1 - u^2))",
        ),
        _entry(
            acsch,
            Rule.INVERSE_HYPERBOLIC,
            lambda u: -1 / (Abs(u) * sqrt(1 + u**2)),
            "d/du acsch(u) = -1/(|u| sqrt(1 + u^2))",
        ),
        _entry(Abs, Rule.ABS, lambda u: sign(u), "d/du |u| = u/|u| = sign(u)"),
        _entry(
            sigmoid,
            Rule.SIGMOID,
            lambda u: sigmoid(u) * (1 - sigmoid(u)),
            "d/du sigmoid(u) = sigmoid(u) (1 - sigmoid(u))",
        ),
        _entry(
            relu, Rule.RELU, lambda u: Heaviside(u, 0), "d/du relu(u) = H(u), 1 for u > 0 and 0 for u < 0"
        ),
    )
}


def lookup(func: type[sympy.Basic]) -> Entry | None:
    """The table entry for a function class, or ``None`` when it has none."""
    return TABLE.get(func)


# ---------------------------------------------------------------------------
# The rules. Each is one small function: given an expression and the variable,
# it returns a Step, or None when it does not apply. The engine tries them in
# the order of ``RULES`` and gives them a ``Context`` to derive sub-expressions.
# ---------------------------------------------------------------------------


class Context(Protocol):
    """What a rule may ask of the engine."""

    def derive(self, expr: sympy.Expr, wrt: sympy.Symbol) -> Step: ...

    def depends(self, expr: sympy.Expr, wrt: sympy.Symbol) -> bool: ...

    def chain(self, expr: sympy.Expr, wrt: sympy.Symbol) -> Step | None: ...

    def several_arguments(self, expr: sympy.Expr, wrt: sympy.Symbol) -> Step | None: ...


def _step(
    rule: Rule, expr: sympy.Expr, wrt: sympy.Symbol, result: sympy.Expr, text: str, **kw: object
) -> Step:
    return Step(rule=rule, expr=expr, wrt=wrt, result=result, text=text, **kw)  # type: ignore[arg-type]


def constant_rule(expr: sympy.Expr, wrt: sympy.Symbol, ctx: Context) -> Step | None:
    """``d/dx c = 0``: anything that does not depend on x."""
    if ctx.depends(expr, wrt):
        return None
    return _step(
        Rule.CONSTANT,
        expr,
        wrt,
        sympy.S.Zero,
        f"{plain(expr)} does not depend on {wrt}, so its derivative is 0.",
    )


def variable_rule(expr: sympy.Expr, wrt: sympy.Symbol, ctx: Context) -> Step | None:
    """``d/dx x = 1``."""
    if expr != wrt:
        return None
    return _step(
        Rule.VARIABLE, expr, wrt, sympy.S.One, f"The derivative of {wrt} with respect to itself is 1."
    )


def sum_rule(expr: sympy.Expr, wrt: sympy.Symbol, ctx: Context) -> Step | None:
    """``(f + g + h)' = f' + g' + h'``; a difference is a sum with a negative term."""
    if not isinstance(expr, sympy.Add):
        return None
    subs = tuple(ctx.derive(term, wrt) for term in expr.args)
    return _step(
        Rule.SUM,
        expr,
        wrt,
        sympy.Add(*(s.result for s in subs)),
        f"Sum rule: differentiate each of the {len(subs)} terms separately and add the results.",
        substeps=subs,
    )


def _split_constant(expr: sympy.Mul, wrt: sympy.Symbol, ctx: Context) -> tuple[sympy.Expr, sympy.Expr]:
    const = [f for f in expr.args if not ctx.depends(f, wrt)]
    rest = [f for f in expr.args if ctx.depends(f, wrt)]
    return sympy.Mul(*const), sympy.Mul(*rest)


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
    return _step(
        Rule.LOG_BASE,
        expr,
        wrt,
        sub.result / sympy.log(base),
        f"Change of base: log_{plain(base)}(u) = ln(u)/ln({plain(base)}), "
        f"so differentiate ln({plain(rest.args[0])}) and divide by ln({plain(base)}).",
        substeps=(sub,),
    )


def constant_multiple_rule(expr: sympy.Expr, wrt: sympy.Symbol, ctx: Context) -> Step | None:
    """``(c f)' = c f'`` for a factor c that does not depend on x."""
    if not isinstance(expr, sympy.Mul):
        return None
    const, rest = _split_constant(expr, wrt, ctx)
    if const == 1:
        return None
    sub = ctx.derive(rest, wrt)
    return _step(
        Rule.CONSTANT_MULTIPLE,
        expr,
        wrt,
        const * sub.result,
        f"Constant multiple rule: d/d{wrt} (c f) = c df/d{wrt} with c = {plain(const)}.",
        substeps=(sub,),
    )


def _numerator_denominator(expr: sympy.Mul) -> tuple[sympy.Expr, sympy.Expr]:
    num, den = [], []
    for factor in expr.args:
        base, exponent = factor.as_base_exp()
        if exponent.is_number and exponent.is_negative:
            den.append(sympy.Pow(base, -exponent))
        else:
            num.append(factor)
    return sympy.Mul(*num), sympy.Mul(*den)


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
    result = (dnum.result * den - num * dden.result) / den**2
    return _step(
        Rule.QUOTIENT,
        expr,
        wrt,
        result,
        f"Quotient rule: (f/g)' = (f' g - f g')/g^2 with f = {plain(num)} and g = {plain(den)}.",
        substeps=(dnum, dden),
    )


def product_rule(expr: sympy.Expr, wrt: sympy.Symbol, ctx: Context) -> Step | None:
    """``(f g h)' = f' g h + f g' h + f g h'``: one term per factor."""
    if not isinstance(expr, sympy.Mul):
        return None
    factors = expr.args
    subs = tuple(ctx.derive(f, wrt) for f in factors)
    terms = [
        sympy.Mul(*(sub.result if j == i else f for j, (f, sub) in enumerate(zip(factors, subs))))
        for i in range(len(factors))
    ]
    if len(factors) == 2:
        text = f"Product rule: (f g)' = f' g + f g' with f = {plain(factors[0])} and g = {plain(factors[1])}."
    else:
        text = (
            f"Product rule for {len(factors)} factors: differentiate one factor at a time, "
            "keep the others, and add the results."
        )
    return _step(Rule.PRODUCT, expr, wrt, sympy.Add(*terms), text, substeps=subs)


def power_rule(expr: sympy.Expr, wrt: sympy.Symbol, ctx: Context) -> Step | None:
    """``d/dx x^n = n x^(n-1)`` for any n that does not depend on x (sqrt is n = 1/2)."""
    if not isinstance(expr, sympy.Pow) or expr.base != wrt or ctx.depends(expr.exp, wrt):
        return None
    n = expr.exp
    return _step(
        Rule.POWER,
        expr,
        wrt,
        n * wrt ** (n - 1),
        f"Power rule: d/d{wrt} {wrt}^n = n {wrt}^(n-1) with n = {plain(n)}.",
    )


def exponential_base_rule(expr: sympy.Expr, wrt: sympy.Symbol, ctx: Context) -> Step | None:
    """``d/dx a^x = a^x ln(a)`` for a base a that does not depend on x."""
    if not isinstance(expr, sympy.Pow) or expr.exp != wrt or ctx.depends(expr.base, wrt):
        return None
    a = expr.base
    return _step(
        Rule.EXPONENTIAL_BASE,
        expr,
        wrt,
        expr * sympy.log(a),
        f"Exponential rule: d/d{wrt} a^{wrt} = a^{wrt} ln(a) with a = {plain(a)}.",
    )


def general_power_rule(expr: sympy.Expr, wrt: sympy.Symbol, ctx: Context) -> Step | None:
    """``(f^g)' = f^g (g ln f)'`` by logarithmic differentiation, when both depend on x."""
    if not isinstance(expr, sympy.Pow):
        return None
    f, g = expr.base, expr.exp
    if not (ctx.depends(f, wrt) and ctx.depends(g, wrt)):
        return None
    sub = ctx.derive(g * sympy.log(f), wrt)
    return _step(
        Rule.GENERAL_POWER,
        expr,
        wrt,
        expr * sub.result,
        f"Logarithmic differentiation: {plain(expr)} = e^({plain(g * sympy.log(f))}), "
        f"so its derivative is {plain(expr)} times the derivative of {plain(g * sympy.log(f))}.",
        substeps=(sub,),
    )


def table_rule(expr: sympy.Expr, wrt: sympy.Symbol, ctx: Context) -> Step | None:
    """A function of the bare variable with an entry in ``TABLE``: ``d/dx sin(x) = cos(x)``."""
    entry = TABLE.get(type(expr))
    if entry is None or len(expr.args) != 1 or expr.args[0] != wrt:
        return None
    where = "" if wrt.name == "u" else f", here with u = {wrt}"
    return _step(entry.rule, expr, wrt, entry.derivative(wrt), f"{entry.statement}{where}.")


def _dependent_args(expr: sympy.Expr, wrt: sympy.Symbol, ctx: Context) -> list[int]:
    return [i for i, a in enumerate(expr.args) if ctx.depends(a, wrt)]


def undefined_function_rule(expr: sympy.Expr, wrt: sympy.Symbol, ctx: Context) -> Step | None:
    """``d/dx f(x) = f'(x)``; with other arguments, the partial ``∂f/∂x`` holding them fixed."""
    if not isinstance(expr, AppliedUndef):
        return None
    if wrt not in expr.args or _dependent_args(expr, wrt, ctx) != [expr.args.index(wrt)]:
        return None
    name = expr.func.__name__
    result = sympy.Derivative(expr, wrt)
    if len(expr.args) == 1:
        return _step(
            Rule.UNDEFINED_FUNCTION,
            expr,
            wrt,
            result,
            f"{name} is an undefined function of {wrt}: its derivative is written {name}'({wrt}).",
        )
    others = ", ".join(plain(a) for a in expr.args if a != wrt)
    return _step(
        Rule.PARTIAL,
        expr,
        wrt,
        result,
        f"Partial derivative of {name} with respect to {wrt}, holding {others} constant.",
    )


def max_min_rule(expr: sympy.Expr, wrt: sympy.Symbol, ctx: Context) -> Step | None:
    """``d/dx max(x, c) = H(x - c)``: the gate passes the derivative of the larger argument."""
    if not isinstance(expr, (sympy.Max, sympy.Min)) or wrt not in expr.args:
        return None
    if _dependent_args(expr, wrt, ctx) != [expr.args.index(wrt)]:
        return None
    result = expr.fdiff(expr.args.index(wrt) + 1)
    which = "larger" if isinstance(expr, sympy.Max) else "smaller"
    return _step(
        Rule.MAX_MIN,
        expr,
        wrt,
        result,
        f"{type(expr).__name__} passes on the derivative of its {which} argument: "
        f"1 where {wrt} is the {which}, else 0.",
    )


def known_rule(expr: sympy.Expr, wrt: sympy.Symbol, ctx: Context) -> Step | None:
    """Any other function of the bare variable: SymPy's own derivative (``fdiff``)."""
    if not isinstance(expr, sympy.Function) or wrt not in expr.args:
        return None
    index = expr.args.index(wrt)
    if _dependent_args(expr, wrt, ctx) != [index]:
        return None
    try:
        result = expr.fdiff(index + 1)
    except (sympy.ArgumentIndexError, NotImplementedError, TypeError, ValueError):
        return None
    return _step(
        Rule.KNOWN,
        expr,
        wrt,
        result,
        f"{type(expr).__name__} is a known function: SymPy gives its derivative "
        f"d/d{wrt} {plain(expr)} = {plain(result)}.",
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


def fallback_rule(expr: sympy.Expr, wrt: sympy.Symbol, ctx: Context) -> Step | None:
    """Anything else SymPy can differentiate (``Piecewise``, ...): SymPy's own derivative."""
    result = sympy.diff(expr, wrt)
    return _step(
        Rule.KNOWN,
        expr,
        wrt,
        result,
        f"SymPy differentiates {type(expr).__name__} expressions directly: "
        f"d/d{wrt} {plain(expr)} = {plain(result)}.",
    )


RuleFunction = Callable[[sympy.Expr, sympy.Symbol, Context], "Step | None"]

RULES: tuple[RuleFunction, ...] = (
    constant_rule,
    variable_rule,
    sum_rule,
    log_base_rule,
    constant_multiple_rule,
    quotient_rule,
    product_rule,
    power_rule,
    exponential_base_rule,
    general_power_rule,
    table_rule,
    undefined_function_rule,
    max_min_rule,
    known_rule,
    chain_rule,
    several_arguments_rule,
    fallback_rule,
)
"""The rules in the order the engine tries them; the first that applies wins."""
