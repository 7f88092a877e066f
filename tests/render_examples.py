"""Small hand-built derivations, one per rule, for renderer tests.

Each is true: results are computed with ``sympy.diff`` (and the tests call
``verify()`` on them), so the renderers are tested on honest data whatever
the engine does.
"""

from __future__ import annotations

import sympy

from chainrule.derivation.entry import derive
from chainrule.derivation.implicit import Implicit
from chainrule.derivation.model import Derivation, Rule, Step
from chainrule.derivation.parametric import Parametric
from chainrule.functions import relu, sigmoid

x, y, m, n, u = sympy.symbols("x y m n u", real=True)
g = sympy.Function("g")


def leaf(rule: Rule, expr: sympy.Expr, wrt: sympy.Symbol = x, text: str = "") -> Step:
    return Step(
        rule=rule,
        expr=expr,
        wrt=wrt,
        result=sympy.diff(expr, wrt),
        text=text or f"The {rule.title} rule.",
    )


def derivation(root: Step, where: tuple = (), text: str | None = None) -> Derivation:
    order = root.order
    expr = root.expr
    return Derivation(
        input=text if text is not None else sympy.sstr(expr),
        expr=expr,
        wrt=root.wrt,
        order=order,
        root=root,
        raw_result=root.result,
        result=root.result,
        where=where,
    )


def _chain() -> Step:
    return Step(
        rule=Rule.CHAIN,
        expr=sympy.sin(x**2),
        wrt=x,
        result=2 * x * sympy.cos(x**2),
        text="Chain rule with outer function sin(u) and inner function u = x**2.",
        bindings=((u, x**2),),
        substeps=(leaf(Rule.TRIG, sympy.sin(u), u), leaf(Rule.POWER, x**2)),
    )


def _multivariable() -> tuple[Step, tuple]:
    where = ((x, m * n), (y, m + n))
    f = x**2 * y
    substeps = (
        leaf(Rule.PARTIAL, f, x),
        leaf(Rule.PRODUCT, m * n, m),
        leaf(Rule.PARTIAL, f, y),
        leaf(Rule.SUM, m + n, m),
    )
    result = 2 * x * y * n + x**2
    step = Step(
        rule=Rule.MULTIVARIABLE_CHAIN,
        expr=f,
        wrt=m,
        result=result,
        text="Multivariable chain rule through x and y.",
        bindings=where,
        substeps=substeps,
    )
    return step, where


def applied(rule: Rule) -> Derivation | Implicit | Parametric | None:
    """Related rates, implicit differentiation and parametric curves: what the engine makes of a
    textbook exercise (every step checked by ``verify()``); ``None`` for the other rules."""
    if rule is Rule.DEPENDENT:
        return derive("r", "t", where={"r": "r(t)"})
    if rule in (Rule.IMPLICIT, Rule.SOLVE):
        return derive("x**2 + y**2 = 25", implicit="y")
    if rule in (Rule.SUBSTITUTE, Rule.USE_EQUATION):
        return derive("x**4 + y**4 = 16", implicit="y", order=2)
    if rule is Rule.PARAMETRIC:
        return derive("x = cos(t)**3, y = sin(t)**3", parametric=True)
    return None


def example(rule: Rule) -> Derivation | Implicit | Parametric:
    """A small true derivation whose root step uses ``rule``."""
    found = applied(rule)
    if found is not None:
        return found
    simple = {
        Rule.CONSTANT: sympy.Integer(5),
        Rule.VARIABLE: x,
        Rule.POWER: x**3,
        Rule.EXP: sympy.exp(x),
        Rule.LOG: sympy.log(x),
        Rule.EXPONENTIAL_BASE: 2**x,
        Rule.TRIG: sympy.tan(x),
        Rule.INVERSE_TRIG: sympy.atan(x),
        Rule.HYPERBOLIC: sympy.sinh(x),
        Rule.INVERSE_HYPERBOLIC: sympy.asinh(x),
        Rule.ABS: sympy.Abs(x),
        Rule.SIGMOID: sigmoid(x),
        Rule.RELU: relu(x),
        Rule.MAX_MIN: sympy.Max(x, 0),
        Rule.UNDEFINED_FUNCTION: g(x),
        Rule.KNOWN: sympy.erf(x),
    }
    if rule in simple:
        return derivation(leaf(rule, simple[rule]))
    if rule is Rule.CHAIN:
        return derivation(_chain())
    if rule is Rule.MULTIVARIABLE_CHAIN:
        step, where = _multivariable()
        return derivation(step, where)
    if rule is Rule.PARTIAL:
        return derivation(leaf(Rule.PARTIAL, x**2 * y, y))
    compound = {
        Rule.CONSTANT_MULTIPLE: (3 * x**2, [leaf(Rule.POWER, x**2)]),
        Rule.SUM: (x**2 + sympy.sin(x), [leaf(Rule.POWER, x**2), leaf(Rule.TRIG, sympy.sin(x))]),
        Rule.PRODUCT: (x * sympy.sin(x), [leaf(Rule.VARIABLE, x), leaf(Rule.TRIG, sympy.sin(x))]),
        Rule.QUOTIENT: (sympy.sin(x) / x, [leaf(Rule.TRIG, sympy.sin(x)), leaf(Rule.VARIABLE, x)]),
        Rule.GENERAL_POWER: (x**x, [leaf(Rule.PRODUCT, x * sympy.log(x))]),
        Rule.LOG_BASE: (sympy.log(x) / sympy.log(2), [leaf(Rule.LOG, sympy.log(x))]),
        Rule.PIECEWISE: (
            sympy.Piecewise((x**2, x < 0), (sympy.sin(x), True)),
            [leaf(Rule.POWER, x**2), leaf(Rule.TRIG, sympy.sin(x))],
        ),
    }
    if rule in compound:
        expr, subs = compound[rule]
        return derivation(
            Step(
                rule=rule,
                expr=expr,
                wrt=x,
                result=sympy.diff(expr, x),
                text=f"The {rule.title} rule.",
                substeps=tuple(subs),
            )
        )
    if rule is Rule.HIGHER_ORDER:
        first = leaf(Rule.POWER, x**4)
        second = leaf(Rule.CONSTANT_MULTIPLE, 4 * x**3)
        root = Step(
            rule=rule,
            expr=x**4,
            wrt=x,
            result=12 * x**2,
            order=2,
            text="Differentiate twice.",
            substeps=(first, second),
        )
        return derivation(root)
    if rule is Rule.SIMPLIFY:
        expr = sympy.sin(x) ** 2 + sympy.cos(x) ** 2 + x
        root = leaf(Rule.SUM, expr)
        d = derivation(root)
        simplified = Step(rule=Rule.SIMPLIFY, expr=expr, wrt=x, result=sympy.Integer(1), text="Simplify.")
        return Derivation(
            input=d.input,
            expr=expr,
            wrt=x,
            order=1,
            root=root,
            raw_result=root.result,
            result=sympy.Integer(1),
            simplification=simplified,
        )
    raise KeyError(f"no example for rule {rule}")


def deep_chain(depth: int) -> Derivation:
    """``sin(sin(...sin(x)))`` ``depth`` deep as one chain step with ``depth`` links."""
    names = [sympy.Symbol(f"u{k}", real=True) for k in range(1, depth)]
    expr: sympy.Expr = x
    for _ in range(depth):
        expr = sympy.sin(expr)
    # bindings innermost first: u1 = sin(x), u2 = sin(u1), ...
    bindings = []
    inner: sympy.Expr = x
    for name in names:
        bindings.append((name, sympy.sin(inner)))
        inner = name
    # substeps outermost first: d/du_{n-1} sin(u_{n-1}), ..., d/dx sin(x)
    variables = [*reversed(names), x]
    substeps = tuple(leaf(Rule.TRIG, sympy.sin(v), v) for v in variables)
    factors = []
    current: sympy.Expr = x
    for _ in range(depth):
        factors.append(sympy.cos(current))
        current = sympy.sin(current)
    result = sympy.Mul(*factors)
    root = Step(
        rule=Rule.CHAIN,
        expr=expr,
        wrt=x,
        result=result,
        text=f"Chain rule through {depth} links.",
        bindings=tuple(bindings),
        substeps=substeps,
    )
    return derivation(root, text="sin(" * depth + "x" + ")" * depth)
