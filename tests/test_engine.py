"""The engine on textbook cases: exact results, the rule chosen, the step structure."""

from __future__ import annotations

import dataclasses

import pytest
import sympy
from sympy import Derivative, Function, Symbol, cos, exp, log, sec, sin, sqrt, tanh

import chainrule
from chainrule import Rule, derive
from chainrule.derivation.verify import compare
from chainrule.errors import UsageError, VariableError, VerificationError

x, y, a, m, n = (Symbol(s, real=True) for s in "xyamn")
u, v, w = (Symbol(s, real=True) for s in "uvw")
f, g, h, i = (Function(s, real=True) for s in "fghi")


def rules_of(d: chainrule.Derivation) -> list[str]:
    return [step.rule.value for step in d.steps]


def same(expected: sympy.Expr, got: sympy.Expr) -> bool:
    """Equal as functions: compared at random points, undefined functions made concrete."""
    return compare(expected, got).equal


def checked(expr: object, *args: object, **kwargs: object) -> chainrule.Derivation:
    d = derive(expr, *args, **kwargs)  # type: ignore[arg-type]
    d.verify()
    return d


# -- one rule at a time -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "rule", "result"),
    [
        (sympy.Integer(7) + 0 * x, Rule.CONSTANT, 0),
        (x, Rule.VARIABLE, 1),
        (x**5, Rule.POWER, 5 * x**4),
        (x**-2, Rule.POWER, -2 * x**-3),
        (sqrt(x), Rule.POWER, 1 / (2 * sqrt(x))),
        (sympy.cbrt(x), Rule.POWER, x ** sympy.Rational(-2, 3) / 3),
        (x**a, Rule.POWER, a * x ** (a - 1)),
        (exp(x), Rule.EXP, exp(x)),
        (log(x), Rule.LOG, 1 / x),
        (2**x, Rule.EXPONENTIAL_BASE, 2**x * log(2)),
        (sympy.tan(x), Rule.TRIG, sec(x) ** 2),
        (sympy.cot(x), Rule.TRIG, -(sympy.csc(x) ** 2)),
        (sympy.sec(x), Rule.TRIG, sec(x) * sympy.tan(x)),
        (sympy.csc(x), Rule.TRIG, -sympy.csc(x) * sympy.cot(x)),
        (sympy.asin(x), Rule.INVERSE_TRIG, 1 / sqrt(1 - x**2)),
        (sympy.atan(x), Rule.INVERSE_TRIG, 1 / (1 + x**2)),
        (sympy.asec(x), Rule.INVERSE_TRIG, 1 / (sympy.Abs(x) * sqrt(x**2 - 1))),
        (tanh(x), Rule.HYPERBOLIC, 1 - tanh(x) ** 2),
        (sympy.cosh(x), Rule.HYPERBOLIC, sympy.sinh(x)),
        (sympy.asinh(x), Rule.INVERSE_HYPERBOLIC, 1 / sqrt(x**2 + 1)),
        (sympy.acosh(x), Rule.INVERSE_HYPERBOLIC, 1 / sqrt(x**2 - 1)),
        (sympy.Abs(x), Rule.ABS, sympy.sign(x)),
        (f(x), Rule.UNDEFINED_FUNCTION, Derivative(f(x), x)),
        (sympy.erf(x), Rule.KNOWN, 2 * exp(-(x**2)) / sqrt(sympy.pi)),
        (sympy.Max(x, 2), Rule.MAX_MIN, sympy.Heaviside(x - 2)),
    ],
)
def test_single_rule(expr: sympy.Expr, rule: Rule, result: sympy.Expr) -> None:
    d = checked(expr, x)
    assert d.root.rule is rule
    assert d.raw_result == result
    assert d.root.substeps == ()


def test_sigmoid_and_relu() -> None:
    from chainrule.functions import relu, sigmoid

    d = checked(sigmoid(x))
    assert d.root.rule is Rule.SIGMOID
    assert d.raw_result == sigmoid(x) * (1 - sigmoid(x))
    d = checked(relu(x))
    assert d.root.rule is Rule.RELU
    assert d.raw_result == sympy.Heaviside(x, 0)


def test_constant_multiple() -> None:
    d = checked(3 * sin(x))
    assert rules_of(d) == ["constant_multiple", "trig"]
    assert d.raw_result == 3 * cos(x)
    assert "the constant 3 stays" in d.root.text


def test_sum_of_n_terms_with_a_difference() -> None:
    d = checked(x**3 - sin(x) + 4)
    assert d.root.rule is Rule.SUM
    assert len(d.root.substeps) == 3
    assert d.result == 3 * x**2 - cos(x)


def test_product_of_three_factors_gives_three_terms() -> None:
    d = checked(x * sin(x) * exp(x))
    assert d.root.rule is Rule.PRODUCT
    assert len(d.root.substeps) == 3
    assert d.raw_result == sin(x) * exp(x) + x * cos(x) * exp(x) + x * sin(x) * exp(x)


def test_quotient_rule_only_for_a_real_quotient() -> None:
    d = checked(sin(x) / x)
    assert d.root.rule is Rule.QUOTIENT
    assert [s.expr for s in d.root.substeps] == [sin(x), x]
    assert d.raw_result == (x * cos(x) - sin(x)) / x**2
    # A constant over a power is a power: x**-2, 1/x**2 and 3/x do not use the quotient rule.
    assert checked(1 / x**2).root.rule is Rule.POWER
    assert rules_of(checked(3 / x)) == ["constant_multiple", "power"]
    assert checked(1 / (x**2 + 1)).root.rule is Rule.CHAIN


def test_log_with_base_by_change_of_base() -> None:
    d = checked(log(x, 2))
    assert rules_of(d) == ["log_base", "log"]
    assert d.result == 1 / (x * log(2))


def test_general_power_by_logarithmic_differentiation() -> None:
    d = checked(x**x)
    assert d.root.rule is Rule.GENERAL_POWER
    assert d.root.substeps[0].expr == x * log(x)
    assert d.result == x**x * (log(x) + 1)
    d = checked(x ** sin(x))
    assert d.root.rule is Rule.GENERAL_POWER
    assert sympy.simplify(d.result - sympy.diff(x ** sin(x), x)) == 0


# -- the chain rule, as the seed teaches it -----------------------------------------------------


def test_seed_sin_x_squared() -> None:
    d = checked(sin(x**2))
    assert rules_of(d) == ["chain", "trig", "power"]
    assert d.root.bindings == ((u, x**2),)
    outer, inner = d.root.substeps
    assert (outer.expr, outer.wrt, outer.result) == (sin(u), u, cos(u))
    assert (inner.expr, inner.wrt, inner.result) == (x**2, x, 2 * x)
    assert d.result == 2 * x * cos(x**2)
    assert str(d.root.text) == "Chain rule with outer function sin(u) and inner function u = x²."


@pytest.mark.parametrize(
    ("names", "first", "second"), [(None, u, v), (("y", "z"), Symbol("y", real=True), Symbol("z", real=True))]
)
def test_seed_three_links_is_one_chain_step(
    names: tuple[str, str] | None, first: Symbol, second: Symbol
) -> None:
    d = checked(g(h(i(x))), names=names)
    assert d.root.rule is Rule.CHAIN
    assert d.root.bindings == ((first, i(x)), (second, h(first)))
    assert [(s.expr, s.wrt) for s in d.root.substeps] == [(g(second), second), (h(first), first), (i(x), x)]
    expected = Derivative(g(h(i(x))), h(i(x))) * Derivative(h(i(x)), i(x)) * Derivative(i(x), x)
    assert d.result == expected
    assert d.result == sympy.diff(g(h(i(x))), x)
    assert not d.result.has(sympy.Subs)


def test_seed_dense_layers() -> None:
    dense = [Function(f"Dense_{k}", real=True) for k in (1, 2, 3)]
    d = checked(dense[2](dense[1](dense[0](x))))
    assert d.root.rule is Rule.CHAIN
    assert len(d.root.substeps) == 3
    assert all(s.rule is Rule.UNDEFINED_FUNCTION for s in d.root.substeps)


def test_undefined_outer_concrete_inner_uses_named_subs() -> None:
    d = checked(g(sin(x)))
    assert d.result == cos(x) * sympy.Subs(Derivative(g(u), u), u, sin(x))
    from chainrule.printing import plain

    assert plain(d.result) == "g'(sin(x))*cos(x)"


def test_concrete_chains() -> None:
    d = checked(sin(sin(sin(x))))
    assert d.root.rule is Rule.CHAIN and len(d.root.bindings) == 2
    d = checked(exp(cos(x**2)))
    assert rules_of(d) == ["chain", "exp", "trig", "power"]
    assert d.result == -2 * x * exp(cos(x**2)) * sin(x**2)


def test_fresh_names_avoid_the_expression() -> None:
    d = checked(sin(u * x**2) + v, x)
    chain = next(s for s in d.steps if s.rule is Rule.CHAIN)
    assert chain.bindings[0][0] == w


def test_chain_inside_product_and_sum() -> None:
    d = checked(x * sin(x**2) + cos(3 * x))
    assert d.root.rule is Rule.SUM
    product = d.root.substeps[0] if d.root.substeps[0].rule is Rule.PRODUCT else d.root.substeps[1]
    assert any(s.rule is Rule.CHAIN for s in product.substeps)


def test_chain_names_are_not_reused_between_chains() -> None:
    d = checked(sin(x**2) * cos(x**3))
    names = [b[0] for s in d.steps for b in s.bindings]
    assert len(names) == len(set(names)) == 2


def test_same_input_gives_identical_steps() -> None:
    assert derive(g(h(i(x)))) == derive(g(h(i(x))))
    assert derive(x**x * sin(x**2)).steps == derive(x**x * sin(x**2)).steps


# -- several arguments, partials, orders ------------------------------------------------------


def test_undefined_function_of_two_arguments_both_depending() -> None:
    d = checked(f(x, x**2))
    assert d.root.rule is Rule.MULTIVARIABLE_CHAIN
    assert same(sympy.diff(f(x, x**2), x), d.result)


def test_partial_derivative_of_undefined_function() -> None:
    d = checked(f(x, y), x)
    assert d.root.rule is Rule.PARTIAL
    assert "holding y constant" in d.root.text


def test_second_and_third_derivative() -> None:
    d = checked(sin(x**2), order=2)
    assert d.root.rule is Rule.HIGHER_ORDER and len(d.root.substeps) == 2
    assert sympy.expand(d.result - sympy.diff(sin(x**2), x, 2)) == 0
    d = checked(x**x, order=3)
    assert sympy.simplify(d.result - sympy.diff(x**x, x, 3)) == 0


def test_simplification_step_when_the_form_changes() -> None:
    d = checked(x * sin(x) ** 2 + x * cos(x) ** 2)
    assert d.raw_result == sin(x) ** 2 + cos(x) ** 2
    assert d.result == 1
    assert d.simplification is not None and d.steps[-1].rule is Rule.SIMPLIFY
    d = checked(x * sin(x) ** 2 + x * cos(x) ** 2, simplify=False)
    assert d.simplification is None and d.result == d.raw_result


# -- errors ----------------------------------------------------------------------------------


def test_wrt_is_inferred_or_the_free_symbols_are_listed() -> None:
    assert derive(sin(y)).wrt == y
    with pytest.raises(VariableError, match=r"several variables \(x, y\)"):
        derive(x * y)
    # a variable the expression does not contain: the derivative is 0 (issue #13)
    d = derive(sin(x), "z")
    assert d.result == 0 and d.root.rule.value == "constant"


def test_bad_names_and_orders() -> None:
    with pytest.raises(UsageError, match="already used"):
        derive(sin(x**2), names="x")
    with pytest.raises(UsageError, match="order"):
        derive(sin(x), order=0)


def test_verify_catches_a_false_step() -> None:
    d = derive(sin(x**2))
    wrong = dataclasses.replace(d, root=dataclasses.replace(d.root, result=x * cos(x**2)))
    with pytest.raises(VerificationError, match="'chain' is false"):
        wrong.verify()
    inner = d.root.substeps[1]
    wrong_inner = dataclasses.replace(inner, result=x)
    wrong = dataclasses.replace(
        d, root=dataclasses.replace(d.root, substeps=(d.root.substeps[0], wrong_inner))
    )
    with pytest.raises(VerificationError, match="'power' is false"):
        wrong.verify()


# -- scale -----------------------------------------------------------------------------------


def test_twelve_layer_tanh_chain() -> None:
    with sympy.evaluate(False):
        expr = x
        for _ in range(12):
            expr = tanh(sympy.Float(0.5) * expr)
    d = checked(expr)
    assert d.root.rule is Rule.CHAIN
    # Each layer is two links, as in a network: z = 0.5*a, then tanh(z).
    assert len(d.root.bindings) == 23
    assert d.root.substeps[1].rule is Rule.CONSTANT_MULTIPLE


def test_depth_300_nest_without_recursion_error() -> None:
    expr = x
    for _ in range(300):
        expr = sin(expr)
    d = checked(expr, simplify=False)
    assert len(d.root.bindings) == 299
