"""The catalogue of classic mistakes: each one rule's combination, perturbed one way.

A rule's combination (``RuleSpec.combine`` in ``chainrule/derivation/rules.py``,
or, for a table rule, its entry) says how a step's result is made from its
parts: the product rule adds ``f' g`` and ``f g'``. A classic mistake is the
same combination done wrong: ``f' g - f g'``. Each entry below is data:

- ``rule``: the rule whose steps it perturbs;
- ``perturb(step, values, base)``: the wrong results a student writes for
  ``step`` (none where the mistake does not apply), from its parts' results
  ``values`` and ``base``, the combination being perturbed (the rule's own;
  another mistake's when two are made at one step);
- ``says``: one sentence, after "In step N", on what was done and what the
  rule says (fields: ``{d}`` the derivative written out, ``{expr}``, ``{right}``
  the step's right result, ``{wrong}`` the wrong one, and the entry's own);
- ``example``: an exercise and the wrong answer it explains, its own.

How to add a mistake: one ``ClassicMistake`` in ``CATALOGUE`` (a perturbation
from the helpers here, or a small function), with an example; the tests
check the example names it, and ``docs/homework.md`` lists it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sympy

from chainrule.derivation.model import Rule
from chainrule.homework.perturbations import (
    Base,
    Perturb,
    Values,
    Variant,
    antiderivative_of_reciprocal,
    chain_perturb,
    chain_simple,
    constant,
    constant_multiple,
    dropped,
    exp_as_power_composite,
    exponential,
    general_power,
    leaf,
    log_as_power,
    log_of_product,
    negated,
    power,
    power_of_constant,
    product_minus,
    product_of_derivatives,
    product_term_missing,
    quotient,
    reciprocal_of_inverse,
    sign_lost,
    times,
    without_inner,
)
from chainrule.printing import line

#: How an expression is written in a sentence: ``printing.line`` (Unicode) or ``printing.plain``.
Show = Callable[[sympy.Basic], str]

__all__ = ["BY_NAME", "CATALOGUE", "Base", "ClassicMistake", "Values", "Variant", "d_dx"]


@dataclass(frozen=True, kw_only=True)
class ClassicMistake:
    """One entry of the catalogue: a rule's combination, perturbed one way.

    Args:
        name: a stable identifier (the JSON name).
        rule: the rule whose steps it perturbs.
        title: what it is, as a teacher names it.
        perturb: the wrong results for a step (``()`` where it does not apply); the
            number of variants depends on the step only, not on ``values``.
        says: the sentence after "In step N": what was done and what the rule says.
        example: an exercise and a wrong answer that shows this mistake.
        everywhere: also tried at every step where it applies at once (a rule
            misremembered is misapplied everywhere).
        composes: it changes the combination ``base`` (its inputs or its output), so it can
            be made together with another such mistake at the same step (a quotient rule
            with the numerator swapped and the denominator not squared).
    """

    name: str
    rule: Rule
    title: str
    perturb: Perturb
    says: str
    example: tuple[str, str]
    everywhere: bool = True
    composes: bool = False


def d_dx(expr: sympy.Expr, wrt: sympy.Symbol, show: Show = line) -> str:
    """``d/dx sin(x)``, ``d/dx (x + 1)``: the derivative written out, parenthesised when needed
    (``show`` writes the expression: Unicode ``line`` for people, or ASCII ``plain``)."""
    text = show(expr)
    if isinstance(expr, (sympy.Add, sympy.Mul)) or text.startswith("-"):
        text = f"({text})"
    return f"d/d{wrt} {text}"


# ---------------------------------------------------------------------------- the catalogue

_SIN, _COS, _TAN, _SEC, _CSC, _COT = sympy.sin, sympy.cos, sympy.tan, sympy.sec, sympy.csc, sympy.cot
_SQRT = sympy.sqrt

CATALOGUE: tuple[ClassicMistake, ...] = (
    # -- the chain rule ----------------------------------------------------------------
    ClassicMistake(
        name="chain_rule_without_inner_derivative", rule=Rule.CHAIN,
        title="the chain rule without the inner derivative",
        perturb=chain_perturb(without_inner),
        says="wrote {wrong} for {d}, leaving out the derivative of the inner function {inner}; "
        "the chain rule multiplies by it: {d} = {right}.",
        example=("sin(x^2)", "cos(x^2)"),
    ),
    ClassicMistake(
        name="inner_differentiated_in_place", rule=Rule.CHAIN,
        title="the inner function differentiated in place",
        perturb=chain_simple(lambda c, values, x: c.outer_at(values, c.d_inner)),
        says="put the inner derivative {dinner} inside the outer derivative; the chain rule keeps the "
        "inner function {inner} inside and multiplies by its derivative outside: {d} = {right}.",
        example=("sin(x^2)", "cos(2x)"),
    ),
    ClassicMistake(
        name="outer_derivative_at_wrong_argument", rule=Rule.CHAIN,
        title="the outer derivative evaluated at the variable, not at the inner function",
        perturb=chain_simple(lambda c, values, x: c.outer_at(values, x) * c.d_inner),
        says="evaluated the outer derivative at {wrt} instead of at the inner function {inner}: "
        "{d} = {right}, not {wrong}.",
        example=("(x^2 + 1)^5", "5x^4 * 2x"),
    ),
    ClassicMistake(
        name="chain_rule_times_inner_function", rule=Rule.CHAIN,
        title="multiplied by the inner function instead of its derivative",
        perturb=chain_simple(lambda c, values, x: c.factors[0] * c.inner),
        says="multiplied by the inner function {inner} instead of by its derivative {dinner}: {d} = {right}.",
        example=("sin(x^2)", "x^2 cos(x^2)"),
    ),
    ClassicMistake(
        name="chain_rule_inner_derivative_added", rule=Rule.CHAIN,
        title="the inner derivative added instead of multiplied",
        perturb=chain_simple(lambda c, values, x: c.factors[0] + c.d_inner),
        says="added the inner derivative {dinner} instead of multiplying by it: {d} = {right}.",
        example=("sin(x^2)", "cos(x^2) + 2x"),
    ),
    ClassicMistake(
        name="exp_as_power_composite", rule=Rule.CHAIN,
        title="e^f (or a^f) taken as a power, f e^(f-1)",
        perturb=chain_perturb(exp_as_power_composite),
        says="treated {expr} as a power of {inner} and wrote {wrong}; the variable is in the exponent, so it "
        "is an exponential, and with the chain rule {d} = {right}.",
        example=("e^(x^2)", "x^2 e^(x^2 - 1)"),
    ),
    ClassicMistake(
        name="log_as_power", rule=Rule.CHAIN,
        title="the power rule applied inside ln",
        perturb=chain_perturb(log_as_power),
        says="brought the exponent of {inner} down in front of the logarithm and lowered it, writing "
        "{wrong}; ln of a power is not a power: {d} = {right}.",
        example=("ln(x^3)", "3 ln(x^2)"),
    ),
    ClassicMistake(
        name="log_of_product_split_wrongly", rule=Rule.CHAIN,
        title="ln of a product split as a product",
        perturb=chain_perturb(log_of_product),
        says="treated ln({inner}) as a product of logarithms and wrote {wrong}; ln(f g) = ln f + ln g, "
        "so {d} = {right}.",
        example=("ln(x sin(x))", "1/(x sin(x))"),
    ),
    # -- the product rule --------------------------------------------------------------
    ClassicMistake(
        name="product_of_derivatives", rule=Rule.PRODUCT,
        title="the product rule taken as the product of the derivatives",
        perturb=product_of_derivatives,
        says="multiplied the derivatives of the factors of {expr}; the product rule is "
        "(f g)' = f' g + f g', so {d} = {right}.",
        example=("x^2 sin(x)", "2x cos(x)"),
    ),
    ClassicMistake(
        name="product_rule_with_minus", rule=Rule.PRODUCT,
        title="the product rule with a minus sign",
        perturb=product_minus,
        says="subtracted the term {term}; the product rule adds its terms, (f g)' = f' g + f g', "
        "so {d} = {right}.",
        example=("x^2 e^x", "2x e^x - x^2 e^x"),
        composes=True,
    ),
    ClassicMistake(
        name="product_rule_term_missing", rule=Rule.PRODUCT,
        title="the product rule with a term missing",
        perturb=product_term_missing,
        says="never differentiated the factor {kept}, as if it were a constant; the product rule adds a "
        "term for each factor differentiated: {d} = {right}.",
        example=("x^2 sin(x)", "2x sin(x)"),
        composes=True,
    ),
    # -- constant factors ----------------------------------------------------------------
    ClassicMistake(
        name="constant_multiple_dropped", rule=Rule.CONSTANT_MULTIPLE,
        title="the constant factor dropped",
        perturb=constant_multiple(dropped),
        says="dropped the constant factor {c}; a constant factor stays in front: {d} = {right}.",
        example=("5x^3", "3x^2"),
    ),
    ClassicMistake(
        name="sign_slip", rule=Rule.CONSTANT_MULTIPLE,
        title="a sign slip: the minus in front of a term lost",
        perturb=constant_multiple(sign_lost),
        says="lost {minus} in front of {f}; it stays in front of the derivative: {d} = {right}.",
        example=("x^2 - e^x", "2x + e^x"),
    ),
    ClassicMistake(
        name="constant_factor_product_rule_zero", rule=Rule.CONSTANT_MULTIPLE,
        title="a constant factor differentiated too, giving 0",
        perturb=constant_multiple(lambda c, values, base, step: sympy.S.Zero if c not in (1, -1) else None),
        says="multiplied the derivative of {c}, which is 0, by the derivative of {f}; a constant factor "
        "is not differentiated, it stays: {d} = {right}.",
        example=("5x^3", "0"),
    ),
    ClassicMistake(
        name="log_base_without_ln_b", rule=Rule.LOG_BASE,
        title="log_b x differentiated as ln x",
        perturb=lambda step, values, base: (Variant(values[0]),),
        says="differentiated {expr} as if it were the natural logarithm; log_b(u) = ln(u)/ln(b) keeps "
        "the factor 1/ln(b): {d} = {right}.",
        example=("log(x, 2)", "1/x"),
    ),
    # -- the quotient rule -------------------------------------------------------------
    ClassicMistake(
        name="quotient_rule_numerator_swapped", rule=Rule.QUOTIENT,
        title="the quotient rule with the numerator's terms swapped",
        perturb=quotient(lambda step, values, base, f, g: negated(base(step, values))),
        says="wrote the numerator as f g' - f' g, which flips the sign; the quotient rule is "
        "(f' g - f g')/g^2 with f = {f}, g = {g}: {d} = {right}.",
        example=("sin(x)/x", "(sin(x) - x cos(x))/x^2"),
        composes=True,
    ),
    ClassicMistake(
        name="quotient_rule_denominator_not_squared", rule=Rule.QUOTIENT,
        title="the quotient rule with the denominator not squared",
        perturb=quotient(lambda step, values, base, f, g: times(base(step, values), g)),
        says="divided by {g} instead of its square; the quotient rule is (f' g - f g')/g^2: {d} = {right}.",
        example=("sin(x)/x", "(x cos(x) - sin(x))/x"),
        composes=True,
    ),
    ClassicMistake(
        name="quotient_of_derivatives", rule=Rule.QUOTIENT,
        title="the quotient rule taken as the quotient of the derivatives",
        perturb=quotient(lambda step, values, base, f, g: values[0] / values[1] if values[1] != 0 else None),
        says="divided the derivative of {f} by the derivative of {g}; the quotient rule is "
        "(f' g - f g')/g^2: {d} = {right}.",
        example=("(x^2 + 1)/(x - 1)", "2x"),
    ),
    ClassicMistake(
        name="quotient_rule_with_plus", rule=Rule.QUOTIENT,
        title="the quotient rule with a plus sign",
        perturb=quotient(lambda step, values, base, f, g: base(step, (values[0], -values[1]))),
        says="added the two terms of the numerator as in the product rule; the quotient rule subtracts: "
        "(f' g - f g')/g^2 with f = {f}, g = {g}: {d} = {right}.",
        example=("(x^2 + 1)/(x - 1)", "(2x(x - 1) + x^2 + 1)/(x - 1)^2"),
        composes=True,
    ),
    # -- the power rule ----------------------------------------------------------------
    ClassicMistake(
        name="power_rule_exponent_not_lowered", rule=Rule.POWER,
        title="the power rule without lowering the exponent",
        perturb=power(lambda u, n: n * u**n),
        says="brought the exponent {n} down but did not lower it; the power rule is "
        "d/du u^n = n u^(n-1): {d} = {right}, not {wrong}.",
        example=("x^3", "3x^3"),
    ),
    ClassicMistake(
        name="power_rule_coefficient_dropped", rule=Rule.POWER,
        title="the power rule with the exponent not brought down",
        perturb=power(lambda u, n: u ** (n - 1)),
        says="lowered the exponent but did not bring {n} down as a factor; the power rule is "
        "d/du u^n = n u^(n-1): {d} = {right}, not {wrong}.",
        example=("sqrt(x)", "1/sqrt(x)"),
    ),
    ClassicMistake(
        name="power_rule_negative_exponent_raised", rule=Rule.POWER,
        title="a negative exponent moved the wrong way",
        perturb=power(lambda u, n: n * u ** (n + 1) if n.is_negative else None),
        says="raised the exponent {n} by one instead of lowering it; the power rule lowers it, negative or "
        "not: {d} = {right}, not {wrong}.",
        example=("1/x^2", "-2/x"),
    ),
    ClassicMistake(
        name="antiderivative_of_power", rule=Rule.POWER,
        title="the antiderivative instead of the derivative (a power)",
        perturb=power(lambda u, n: u ** (n + 1) / (n + 1) if n != -1 else None),
        says="raised the exponent and divided by the new one, which is integration; differentiation brings "
        "the exponent down and lowers it: {d} = {right}.",
        example=("x^2", "x^3/3"),
    ),
    ClassicMistake(
        name="antiderivative_of_reciprocal", rule=Rule.POWER,
        title="the antiderivative instead of the derivative (1/x)",
        perturb=antiderivative_of_reciprocal,
        says="wrote {wrong}, whose derivative is {expr}: that is the antiderivative; the derivative of "
        "{expr} = {wrt}^(-1) is {right}.",
        example=("1/x", "ln(x)"),
    ),
    ClassicMistake(
        name="power_rule_on_variable_exponent", rule=Rule.GENERAL_POWER,
        title="the power rule used on a variable exponent",
        perturb=general_power(as_power=True),
        says="used the power rule on {expr}, whose exponent {g} is not a constant; logarithmic "
        "differentiation gives {d} = {right}.",
        example=("x^x", "x x^(x - 1)"),
    ),
    ClassicMistake(
        name="general_power_as_exponential", rule=Rule.GENERAL_POWER,
        title="the exponential rule used on a variable base",
        perturb=general_power(as_power=False),
        says="used the rule for a^x on {expr}, whose base {f} is not a constant; logarithmic "
        "differentiation gives {d} = {right}.",
        example=("x^x", "x^x ln(x)"),
    ),
    # -- exponentials and logarithms ----------------------------------------------------
    ClassicMistake(
        name="exponential_as_power", rule=Rule.EXPONENTIAL_BASE,
        title="d/dx a^x taken as x a^(x-1)",
        perturb=exponential(as_power=True),
        says="used the power rule on {expr}, but the variable is in the exponent: {d} = {right}, "
        "not {wrong}.",
        example=("2^x", "x*2^(x-1)"),
    ),
    ClassicMistake(
        name="exponential_base_without_log", rule=Rule.EXPONENTIAL_BASE,
        title="d/dx a^x taken as a^x, without ln a",
        perturb=exponential(as_power=False),
        says="treated {expr} like e^u, which is its own derivative; any other base brings the factor ln of "
        "the base: {d} = {right}.",
        example=("2^x", "2^x"),
    ),
    ClassicMistake(
        name="exp_as_power", rule=Rule.EXP,
        title="d/dx e^x taken as x e^(x-1)",
        perturb=exponential(as_power=True),
        says="used the power rule on {expr}, but the variable is in the exponent: e^u is its own derivative, "
        "{d} = {right}.",
        example=("e^x", "x e^(x - 1)"),
    ),
    ClassicMistake(
        name="exp_rule_on_log", rule=Rule.LOG,
        title="ln x treated as its own derivative, like e^x",
        perturb=leaf(sympy.log, wrong=sympy.log),
        says="kept {expr} as its own derivative; only e^u does that, and {d} = {right}.",
        example=("ln(x)", "ln(x)"),
    ),
    # -- trigonometric functions ----------------------------------------------------------
    ClassicMistake(
        name="cos_derivative_sign", rule=Rule.TRIG, title="a sign error on the derivative of cos",
        perturb=leaf(_COS, wrong=_SIN),
        says="differentiated {expr} to {wrong}; the derivative of cos carries a minus sign: {d} = {right}.",
        example=("cos(x)", "sin(x)"),
    ),
    ClassicMistake(
        name="sin_derivative_sign", rule=Rule.TRIG, title="a minus sign put on the derivative of sin",
        perturb=leaf(_SIN, wrong=lambda u: -_COS(u)),
        says="differentiated {expr} to {wrong}; only the co-functions get a minus sign: {d} = {right}.",
        example=("sin(x)", "-cos(x)"),
    ),
    ClassicMistake(
        name="tan_derivative_not_squared", rule=Rule.TRIG, title="d/dx tan x taken as sec x",
        perturb=leaf(_TAN, wrong=_SEC),
        says="differentiated {expr} to {wrong}; the derivative of tan is sec squared: {d} = {right}.",
        example=("tan(x)", "sec(x)"),
    ),
    ClassicMistake(
        name="sec_derivative_as_tan_squared", rule=Rule.TRIG, title="d/dx sec x taken as tan^2 x",
        perturb=leaf(_SEC, wrong=lambda u: _TAN(u) ** 2),
        says="differentiated {expr} to {wrong}, mirroring tan' = sec^2; sec = 1/cos differentiates to "
        "sec tan: {d} = {right}.",
        example=("sec(x)", "tan(x)^2"),
    ),
    ClassicMistake(
        name="cot_derivative_sign", rule=Rule.TRIG, title="a sign error on the derivative of cot",
        perturb=leaf(_COT, wrong=lambda u: _CSC(u) ** 2),
        says="differentiated {expr} to {wrong}; the co-functions take a minus sign: {d} = {right}.",
        example=("cot(x)", "csc(x)^2"),
    ),
    ClassicMistake(
        name="sec_derivative_sign", rule=Rule.TRIG, title="a minus sign put on the derivative of sec",
        perturb=leaf(_SEC, wrong=lambda u: -_SEC(u) * _TAN(u)),
        says="differentiated {expr} to {wrong}; sec is not a co-function, so no minus sign: {d} = {right}.",
        example=("sec(x)", "-sec(x) tan(x)"),
    ),
    ClassicMistake(
        name="csc_derivative_sign", rule=Rule.TRIG, title="a sign error on the derivative of csc",
        perturb=leaf(_CSC, wrong=lambda u: _CSC(u) * _COT(u)),
        says="differentiated {expr} to {wrong}; the co-functions take a minus sign: {d} = {right}.",
        example=("csc(x)", "csc(x) cot(x)"),
    ),
    ClassicMistake(
        name="antiderivative_of_cos", rule=Rule.TRIG,
        title="the antiderivative instead of the derivative (cos)",
        perturb=leaf(_COS, wrong=_SIN),
        says="wrote {wrong}, whose derivative is {expr}: that is the antiderivative; {d} = {right}.",
        example=("cos(x)", "sin(x)"),
    ),
    # -- inverse trigonometric functions -------------------------------------------------
    ClassicMistake(
        name="acos_derivative_sign", rule=Rule.INVERSE_TRIG, title="d/dx arccos x without the minus sign",
        perturb=leaf(sympy.acos, wrong=lambda u: 1 / _SQRT(1 - u**2)),
        says="wrote {wrong}, the derivative of arcsin; arccos decreases, so {d} = {right}.",
        example=("acos(x)", "1/sqrt(1 - x^2)"),
    ),
    ClassicMistake(
        name="asin_derivative_sign", rule=Rule.INVERSE_TRIG, title="d/dx arcsin x with a minus sign",
        perturb=leaf(sympy.asin, wrong=lambda u: -1 / _SQRT(1 - u**2)),
        says="wrote {wrong}, the derivative of arccos; arcsin increases, so {d} = {right}.",
        example=("asin(x)", "-1/sqrt(1 - x^2)"),
    ),
    ClassicMistake(
        name="asin_derivative_without_root", rule=Rule.INVERSE_TRIG,
        title="d/dx arcsin x without the square root",
        perturb=leaf(sympy.asin, wrong=lambda u: 1 / (1 - u**2)),
        says="wrote {wrong}; the derivative of arcsin has a square root in the denominator: {d} = {right}.",
        example=("asin(x)", "1/(1 - x^2)"),
    ),
    ClassicMistake(
        name="atan_derivative_with_root", rule=Rule.INVERSE_TRIG, title="d/dx arctan x with a square root",
        perturb=leaf(sympy.atan, wrong=lambda u: 1 / _SQRT(1 + u**2)),
        says="wrote {wrong}; the derivative of arctan has no square root: {d} = {right}.",
        example=("atan(x)", "1/sqrt(1 + x^2)"),
    ),
    ClassicMistake(
        name="inverse_as_reciprocal", rule=Rule.INVERSE_TRIG, title="an inverse function read as 1/f",
        perturb=reciprocal_of_inverse,
        says="differentiated {reciprocal}, but {expr} is the inverse function, not the reciprocal: "
        "{d} = {right}.",
        example=("asin(x)", "-cos(x)/sin(x)^2"),
    ),
    # -- constants -----------------------------------------------------------------------
    ClassicMistake(
        name="constant_derivative_one", rule=Rule.CONSTANT, title="the derivative of a constant taken as 1",
        perturb=constant(lambda c: sympy.S.One),
        says="took the derivative of the constant {expr} as 1; a constant does not change, so its "
        "derivative is 0 (only {wrt} itself has derivative 1).",
        example=("5", "1"),
    ),
    ClassicMistake(
        name="power_rule_on_constant", rule=Rule.CONSTANT, title="the power rule used on a constant",
        perturb=constant(power_of_constant),
        says="used the power rule on {expr}, but it is a number, not a power of {wrt}: its derivative is 0.",
        example=("pi^2", "2pi"),
    ),
    ClassicMistake(
        name="constant_exponential_as_exp", rule=Rule.CONSTANT, title="e^c treated like e^x",
        perturb=constant(lambda c: c if isinstance(c, sympy.exp) else None),
        says="kept {expr} as its own derivative like e^{wrt}, but it is a constant: its derivative is 0.",
        example=("e^2", "e^2"),
    ),
    ClassicMistake(
        name="log_rule_on_constant", rule=Rule.CONSTANT, title="the ln rule used on a constant",
        perturb=constant(lambda c: 1 / c.args[0] if isinstance(c, sympy.log) else None),
        says="used d/du ln u = 1/u on {expr}, but it is a number, so its derivative is 0.",
        example=("ln(2)", "1/2"),
    ),
)
"""Every classic mistake, grouped by rule; ``docs/homework.md`` lists them."""

BY_NAME: dict[str, ClassicMistake] = {m.name: m for m in CATALOGUE}
