"""How each classic mistake changes its rule's combination: the perturbations the catalogue names.

A perturbation is ``(step, values, base) -> tuple[Variant, ...]``: the wrong
results a student writes for ``step`` from its parts' results ``values``, and
``base``, the combination it changes (the rule's own, ``rules.combine``, or
another mistake's when two are made at one step). It returns ``()`` where the
mistake does not apply, and as many variants for a step whatever ``values``
are, so that a variant can be found again when the parts are themselves wrong.
Table rules (``d/du cos(u)``) have no parts: their perturbation is the table
entry misremembered.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import sympy

from chainrule.derivation.bindings import full_values, put_back
from chainrule.derivation.model import Rule, Step
from chainrule.derivation.rules import chain_factors, cofactor
from chainrule.printing import plain

Values = tuple[sympy.Expr, ...]
Base = Callable[[Step, Values], "sympy.Expr | None"]


@dataclass(frozen=True)
class Variant:
    """One wrong result a mistake gives for a step, with the facts its sentence names."""

    result: sympy.Expr
    facts: Mapping[str, sympy.Expr | str] = field(default_factory=dict)


Perturb = Callable[[Step, Values, Base], tuple[Variant, ...]]


# ---------------------------------------------------------------------------- table rules


def leaf(*classes: type[sympy.Expr], wrong: Callable[[sympy.Symbol], sympy.Expr]) -> Perturb:
    """A table entry misremembered: ``d/du cos(u) -> sin(u)``."""

    def perturb(step: Step, values: Values, base: Base) -> tuple[Variant, ...]:
        expr = step.expr
        if step.substeps or not isinstance(expr, classes) or expr.args[0] != step.wrt:
            return ()
        return (Variant(wrong(step.wrt)),)

    return perturb


def reciprocal_of_inverse(step: Step, values: Values, base: Base) -> tuple[Variant, ...]:
    """``asin(u)`` read as ``1/sin(u)``, and that differentiated."""
    functions = {sympy.asin: sympy.sin, sympy.acos: sympy.cos, sympy.atan: sympy.tan, sympy.acot: sympy.cot}
    function = functions.get(type(step.expr))
    if function is None or step.substeps or step.expr.args[0] != step.wrt:
        return ()
    u = step.wrt
    return (Variant(sympy.diff(1 / function(u), u), {"reciprocal": 1 / function(u)}),)


def power(wrong: Callable[[sympy.Symbol, sympy.Expr], sympy.Expr | None]) -> Perturb:
    """The power rule ``d/du u^n = n u^(n-1)`` done wrong, from ``u`` and ``n``."""

    def perturb(step: Step, values: Values, base: Base) -> tuple[Variant, ...]:
        expr = step.expr
        if step.substeps or not isinstance(expr, sympy.Pow) or expr.base != step.wrt:
            return ()
        result = wrong(step.wrt, expr.exp)
        return () if result is None else (Variant(result, {"n": expr.exp}),)

    return perturb


def antiderivative_of_reciprocal(step: Step, values: Values, base: Base) -> tuple[Variant, ...]:
    expr = step.expr
    if step.substeps or not isinstance(expr, sympy.Pow) or expr.base != step.wrt or expr.exp != -1:
        return ()
    return (Variant(sympy.log(step.wrt)), Variant(sympy.log(sympy.Abs(step.wrt))))


def constant(when: Callable[[sympy.Expr], sympy.Expr | None]) -> Perturb:
    """The derivative of a constant taken as something else than 0."""

    def perturb(step: Step, values: Values, base: Base) -> tuple[Variant, ...]:
        result = when(step.expr)
        return () if result is None else (Variant(result),)

    return perturb


def power_of_constant(c: sympy.Expr) -> sympy.Expr | None:
    if isinstance(c, sympy.Pow) and c.exp.is_number and not isinstance(c, sympy.exp):
        return c.exp * c.base ** (c.exp - 1)
    return None


def exponential(as_power: bool) -> Perturb:
    """``a^u`` (or ``e^u``) differentiated as a power, or without its ``ln a``."""

    def perturb(step: Step, values: Values, base: Base) -> tuple[Variant, ...]:
        expr, u = step.expr, step.wrt
        if step.substeps:
            return ()
        b, exponent = (sympy.E, expr.args[0]) if isinstance(expr, sympy.exp) else expr.as_base_exp()
        if exponent != u:
            return ()
        return (Variant(u * b ** (u - 1)) if as_power else Variant(expr),)

    return perturb


# ---------------------------------------------------------------------------- structure rules


def constant_multiple(wrong: Callable[[sympy.Expr, Values, Base, Step], sympy.Expr | None]) -> Perturb:
    def perturb(step: Step, values: Values, base: Base) -> tuple[Variant, ...]:
        c = cofactor(step.expr, step.substeps[0].expr)
        result = wrong(c, values, base, step)
        if result is None:
            return ()
        minus = "the minus sign" if c == -1 else f"the minus sign of {plain(c)}"
        return (Variant(result, {"c": c, "f": step.substeps[0].expr, "minus": minus}),)

    return perturb


def dropped(c: sympy.Expr, values: Values, base: Base, step: Step) -> sympy.Expr | None:
    return values[0] if c not in (1, -1) else None


def sign_lost(c: sympy.Expr, values: Values, base: Base, step: Step) -> sympy.Expr | None:
    value = base(step, values)
    return -value if c.could_extract_minus_sign() and value is not None else None


def product_of_derivatives(step: Step, values: Values, base: Base) -> tuple[Variant, ...]:
    return (Variant(sympy.Mul(*values)),)


def product_minus(step: Step, values: Values, base: Base) -> tuple[Variant, ...]:
    """One term of the product rule subtracted (as in the quotient rule), one variant per term."""
    factors = [s.expr for s in step.substeps]
    out = []
    for i in range(len(values)):
        flipped = tuple(-v if j == i else v for j, v in enumerate(values))
        term = sympy.Mul(*(step.substeps[i].result if j == i else f for j, f in enumerate(factors)))
        result = base(step, flipped)
        if result is not None:
            out.append(Variant(result, {"term": term}))
    return tuple(out)


def product_term_missing(step: Step, values: Values, base: Base) -> tuple[Variant, ...]:
    """The term where one factor is differentiated left out: that factor treated as a constant."""
    out = []
    for i, sub in enumerate(step.substeps):
        result = base(step, tuple(sympy.S.Zero if j == i else v for j, v in enumerate(values)))
        if result is not None:
            out.append(Variant(result, {"kept": sub.expr}))
    return tuple(out)


def quotient(wrong: Callable[[Step, Values, Base, sympy.Expr, sympy.Expr], sympy.Expr | None]) -> Perturb:
    def perturb(step: Step, values: Values, base: Base) -> tuple[Variant, ...]:
        f, g = step.substeps[0].expr, step.substeps[1].expr
        result = wrong(step, values, base, f, g)
        return () if result is None else (Variant(result, {"f": f, "g": g}),)

    return perturb


def negated(value: sympy.Expr | None) -> sympy.Expr | None:
    return None if value is None else -value


def times(value: sympy.Expr | None, factor: sympy.Expr) -> sympy.Expr | None:
    return None if value is None else value * factor


def general_power(as_power: bool) -> Perturb:
    """``f^g`` with both depending on x, differentiated as a power or as an exponential."""

    def perturb(step: Step, values: Values, base: Base) -> tuple[Variant, ...]:
        f, g = step.expr.base, step.expr.exp
        if as_power:
            return (Variant(g * f ** (g - 1) * sympy.diff(f, step.wrt), {"f": f, "g": g}),)
        return (Variant(step.expr * sympy.log(f) * sympy.diff(g, step.wrt), {"f": f, "g": g}),)

    return perturb


@dataclass(frozen=True)
class _Chain:
    """A chain step's parts: ``d/dx g(H(x)) = g'(H(x)) H'(x)``, H all the inner links."""

    outer: Step
    link: sympy.Symbol
    inner: sympy.Expr
    d_inner: sympy.Expr
    factors: list[sympy.Expr]

    def outer_at(self, values: Values, argument: sympy.Expr) -> sympy.Expr:
        """The outer derivative ``g'`` evaluated at ``argument`` instead of ``H(x)``."""
        return put_back(values[0], {self.link: argument})

    def facts(self) -> dict[str, sympy.Expr | str]:
        return {"inner": self.inner, "dinner": self.d_inner, "link": self.link}


def _chain(step: Step, values: Values) -> _Chain:
    factors = chain_factors(step, values)
    link = step.substeps[0].wrt
    inner = full_values(step.bindings)[link]
    return _Chain(step.substeps[0], link, inner, sympy.Mul(*factors[1:], values[-1]), factors)


def chain_perturb(wrong: Callable[[_Chain, Step, Values, Base], tuple[sympy.Expr, ...]]) -> Perturb:
    def perturb(step: Step, values: Values, base: Base) -> tuple[Variant, ...]:
        parts = _chain(step, values)
        facts = _chain(step, tuple(s.result for s in step.substeps)).facts()
        return tuple(Variant(r, facts) for r in wrong(parts, step, values, base))

    return perturb


def without_inner(c: _Chain, step: Step, values: Values, base: Base) -> tuple[sympy.Expr, ...]:
    ones = (sympy.S.One,) * (len(values) - 1)
    results = [base(step, (values[0], *ones))]
    if len(values) > 2:  # several links: only the innermost derivative forgotten
        results.append(base(step, (*values[:-1], sympy.S.One)))
    return tuple(r for r in results if r is not None)


def exp_as_power_composite(c: _Chain, step: Step, values: Values, base: Base) -> tuple[sympy.Expr, ...]:
    outer = c.outer
    if outer.substeps or outer.rule not in (Rule.EXP, Rule.EXPONENTIAL_BASE):
        return ()
    b = sympy.E if isinstance(outer.expr, sympy.exp) else outer.expr.base
    return (c.inner * b ** (c.inner - 1),)


def log_as_power(c: _Chain, step: Step, values: Values, base: Base) -> tuple[sympy.Expr, ...]:
    inner = c.inner
    if c.outer.rule is not Rule.LOG or not isinstance(inner, sympy.Pow) or not inner.exp.is_number:
        return ()
    return (inner.exp * sympy.log(inner.base ** (inner.exp - 1)),)


def log_of_product(c: _Chain, step: Step, values: Values, base: Base) -> tuple[sympy.Expr, ...]:
    """``ln(f g)`` split as ``ln f · ln g``: the reciprocals multiplied, or that product differentiated."""
    parts = sympy.Mul.make_args(c.inner)
    if c.outer.rule is not Rule.LOG or len([p for p in parts if p.has(step.wrt)]) < 2:
        return ()
    logs = [sympy.log(p) for p in parts]
    split = sympy.Add(
        *(
            sympy.diff(p, step.wrt) / p * sympy.Mul(*(lg for j, lg in enumerate(logs) if j != i))
            for i, p in enumerate(parts)
        )
    )
    return (sympy.Mul(*(1 / p for p in parts)), split)


def chain_simple(make: Callable[[_Chain, Values, sympy.Symbol], sympy.Expr]) -> Perturb:
    return chain_perturb(lambda c, step, values, base: (make(c, values, step.wrt),))
