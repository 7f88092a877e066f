"""The leaf rules: a derivative read off a table or a rule of its own, with no substeps
to combine (the constant, the variable, the power rule, the table of the vocabulary,
undefined functions and their derivatives, max/min gates). ``rules.py`` holds the rules
that combine other steps, and the order in which the engine tries them all."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sympy
from sympy.core.function import AppliedUndef, ArgumentIndexError

from chainrule import vocabulary
from chainrule.derivation.model import Equals, Rule, Sentence, Step, listing, say
from chainrule.errors import UnsupportedError
from chainrule.printing import plain
from chainrule.written import evaluated

if TYPE_CHECKING:
    from chainrule.derivation.rules import Context


def _d(expr: sympy.Expr, wrt: sympy.Symbol) -> sympy.Expr:
    """``d/dx expr``, left as an operation, for a sentence."""
    return sympy.Derivative(expr, wrt, evaluate=False)


def _eq(lhs: sympy.Basic, rhs: sympy.Basic) -> Equals:
    """``lhs = rhs``, for a sentence."""
    return Equals(lhs, rhs)


def _step(
    rule: Rule, expr: sympy.Expr, wrt: sympy.Symbol, result: sympy.Expr, text: Sentence, **kw: object
) -> Step:
    """A leaf step; its result in SymPy's own form (see ``chainrule.written.evaluated``)."""
    return Step(rule=rule, expr=expr, wrt=wrt, result=evaluated(result), text=text, **kw)  # type: ignore[arg-type]


def constant_rule(expr: sympy.Expr, wrt: sympy.Symbol, ctx: Context) -> Step | None:
    """``d/dx c = 0``: anything that does not depend on x."""
    if ctx.depends(expr, wrt):
        return None
    return _step(
        Rule.CONSTANT,
        expr,
        wrt,
        sympy.S.Zero,
        say(expr, " does not depend on ", wrt, ", so its derivative is 0."),
    )


def dependent_rule(expr: sympy.Expr, wrt: sympy.Symbol, ctx: Context) -> Step | None:
    """``d/dt r = dr/dt`` for a quantity that changes with t (``r = r(t)``; ``y = y(x)``)."""
    value = ctx.dependent(expr, wrt)
    if value is None:
        return None
    derivative, said = sympy.Derivative(value, wrt), f"): its derivative is d{expr}/d{wrt}."
    return _step(
        Rule.DEPENDENT,
        expr,
        wrt,
        derivative,
        say(expr, " is a function of ", wrt, " (", Equals(expr, value), said),
    )


def variable_rule(expr: sympy.Expr, wrt: sympy.Symbol, ctx: Context) -> Step | None:
    """``d/dx x = 1``."""
    if expr != wrt:
        return None
    return _step(
        Rule.VARIABLE, expr, wrt, sympy.S.One, say("The derivative of ", wrt, " with respect to itself is 1.")
    )


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
        say("Power rule: bring down the exponent ", n, " and lower the exponent by one."),
    )


def exponential_base_rule(expr: sympy.Expr, wrt: sympy.Symbol, ctx: Context) -> Step | None:
    """``d/dx a^x = a^x ln(a)`` for a base a that does not depend on x."""
    if not isinstance(expr, sympy.Pow) or expr.exp != wrt or ctx.depends(expr.base, wrt):
        return None
    a = expr.base
    if a.is_nonpositive:  # 0^x and (-2)^x: no real function of x to differentiate
        raise UnsupportedError(
            f"chainrule cannot differentiate {plain(expr)}: a^x is a real function of x only for a base a > 0"
        )
    return _step(
        Rule.EXPONENTIAL_BASE,
        expr,
        wrt,
        expr * sympy.log(a),
        say("Exponential rule: the derivative of ", expr, " is ", expr, " itself times ", sympy.log(a), "."),
    )


def table_rule(expr: sympy.Expr, wrt: sympy.Symbol, ctx: Context) -> Step | None:
    """A function of the bare variable with a derivative in the vocabulary: ``d/dx sin(x) = cos(x)``."""
    entry = vocabulary.by_class(type(expr))
    if entry is None or entry.derivative is None or len(expr.args) != 1 or expr.args[0] != wrt:
        return None
    if entry.general is not None and not ctx.real(wrt):
        # The textbook form (with |u|) holds for real u only, and this u may leave the reals.
        result = entry.general(wrt)
        text = say(
            "From the table of derivatives, in the form for any argument (the form with an "
            "absolute value holds only for real ones, and ",
            wrt,
            " is not real everywhere): ",
            _eq(_d(expr, wrt), result),
            ".",
        )
        return _step(Rule(entry.family), expr, wrt, result, text)
    result = entry.derivative(wrt)
    family = _FAMILIES.get(entry.family or "")
    if family is None:  # a function the table names no family for: quote its line
        text = say("From the table of derivatives: ", _eq(_d(expr, wrt), result), ".")
    else:
        text = say(f"From the table of derivatives of {family}.")
    return _step(Rule(entry.family), expr, wrt, result, text)


#: How a table step names where its line comes from.
#: How a table step names where its line comes from.
_FAMILIES = {
    "exp": "the exponential function",
    "log": "the natural logarithm",
    "trig": "trigonometric functions",
    "inverse_trig": "inverse trigonometric functions",
    "hyperbolic": "hyperbolic functions",
    "inverse_hyperbolic": "inverse hyperbolic functions",
    "abs": "the absolute value, whose derivative is the sign",
    "sigmoid": "the sigmoid",
    "relu": "relu: 1 where the argument is positive, 0 where it is negative",
}


def _dependent_args(expr: sympy.Expr, wrt: sympy.Symbol, ctx: Context) -> list[int]:
    return [i for i, a in enumerate(expr.args) if ctx.depends(a, wrt)]


def log_abs_rule(expr: sympy.Expr, wrt: sympy.Symbol, ctx: Context) -> Step | None:
    """``d/du ln|u| = 1/u``: the table's line for the logarithm of an absolute value."""
    if not (
        isinstance(expr, sympy.log) and isinstance(expr.args[0], sympy.Abs) and expr.args[0].args[0] == wrt
    ):
        return None
    return _step(
        Rule.LOG, expr, wrt, 1 / wrt, say("From the table of derivatives: the derivative of ln|u| is 1/u.")
    )


def derivative_rule(expr: sympy.Expr, wrt: sympy.Symbol, ctx: Context) -> Step | None:
    """``d/dx f′(x) = f″(x)``: a derivative of an undefined function, differentiated again."""
    if not (isinstance(expr, sympy.Derivative) and isinstance(expr.expr, AppliedUndef)):
        return None
    function = expr.expr
    if any(not isinstance(v, sympy.Symbol) for v in expr.variables) or wrt not in function.args:
        return None
    if _dependent_args(function, wrt, ctx) != [function.args.index(wrt)]:
        return None
    result = sympy.Derivative(expr, wrt)
    rule = Rule.UNDEFINED_FUNCTION if len(function.args) == 1 else Rule.PARTIAL
    text = say(expr, " is a function of ", wrt, " too: differentiating it again gives ", result, ".")
    return _step(rule, expr, wrt, result, text)


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
            say(name, " is an undefined function of ", wrt, ": its derivative is written ", result, "."),
        )
    others = listing([a for a in expr.args if a != wrt])
    return _step(
        Rule.PARTIAL,
        expr,
        wrt,
        result,
        say(f"Partial derivative of {name} with respect to ", wrt, ", holding ", *others, " constant."),
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
        say(
            f"{type(expr).__name__.lower()} passes on the derivative of its {which} argument: 1 where ",
            wrt,
            f" is the {which}, else 0.",
        ),
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
    except (ArgumentIndexError, NotImplementedError, TypeError, ValueError):
        return None
    if result.has(sympy.Derivative) and not expr.has(sympy.Derivative):
        # fdiff left it unevaluated (sign); the class's own derivative may know it (2 DiracDelta(x))
        result = sympy.diff(expr, wrt)
        if result.has(sympy.Derivative):
            return None
    return _step(
        Rule.KNOWN,
        expr,
        wrt,
        result,
        say(f"The derivative of {type(expr).__name__} is a known one: ", _eq(_d(expr, wrt), result), "."),
    )


def fallback_rule(expr: sympy.Expr, wrt: sympy.Symbol, ctx: Context) -> Step | None:
    """Anything else SymPy can differentiate: SymPy's own derivative.

    Where SymPy cannot either (``Heaviside(x, x)`` by its second argument,
    ``zeta(x)``), it returns the derivative unevaluated, or raises: either is
    an ``UnsupportedError``.
    """
    try:
        result = sympy.diff(expr, wrt)
    except (ArgumentIndexError, NotImplementedError, TypeError, ValueError):
        result = None
    if result is None or result.has(sympy.Derivative) and not expr.has(sympy.Derivative, AppliedUndef):
        raise UnsupportedError(f"chainrule cannot differentiate {plain(expr)}: no derivative of it is known")
    return _step(
        Rule.KNOWN,
        expr,
        wrt,
        result,
        say("The derivative of ", expr, " is known: ", _eq(_d(expr, wrt), result), "."),
    )
