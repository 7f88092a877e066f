"""The data a derivation is made of: rules, steps and the derivation itself.

Data only: nothing here differentiates. A ``Step`` says "the derivative of
``expr`` with respect to ``wrt`` is ``result``", names the ``rule`` that gives
it, and holds the steps it needs (``substeps``) and the intermediate variables
it introduces (``bindings``, such as ``u = x**2``).

How each rule arranges its substeps and bindings (renderers rely on this):

- ``chain``: ``bindings`` are the links' inner functions, innermost first
  (``y = i(x)``, ``z = h(y)`` for ``g(h(i(x)))``); ``substeps`` hold one
  derivative per link, outermost first (``d/dz g(z)``, ``d/dy h(y)``,
  ``d/dx i(x)``), the order of the Leibniz factors ``df/dz·dz/dy·dy/dx``.
  ``result`` is their product with the bindings substituted back.
- ``sum``, ``product``: one substep per term or factor, in the order of
  ``expr.args`` as the engine split them.
- ``constant_multiple``: one substep, the derivative of the non-constant part.
- ``quotient``: two substeps, the numerator's derivative then the denominator's.
- ``piecewise``: one substep per piece, in order; the result keeps each
  piece's condition.
- ``general_power``: one substep, the derivative of ``g*log(f)`` for ``f**g``.
- ``log_base``: one substep, the derivative of the natural logarithm.
- ``multivariable_chain``: ``bindings`` are the inner arguments; substeps are,
  for each argument in order, the partial derivative of the outer function by
  it (rule ``partial``) followed by the derivative of the argument.
- ``higher_order``: ``order`` > 1; one substep per order, each
  differentiating the previous substep's result.
- ``dependent``: a leaf, ``d/dt r = r'(t)`` for a name defined as a function
  of the variable (``where r = r(t)``, or the ``y`` of implicit differentiation).
- every other rule is a leaf: an entry of the table of derivatives applied to
  the bare variable.

Implicit differentiation and parametric curves add steps of algebra on
equations (``AlgebraStep``, ``derivation/equations.py``): ``implicit``
differentiates both sides of an equation (two substeps, the sides); ``solve``,
``substitute``, ``use_equation`` and ``parametric`` state ``d^n y/dx^n =
result`` and show the equations that lead there. Those are checked by their own
modules (the equation's derivative holds identically, or on the curve), not by
``verify()`` of a ``Derivation``.

A step is true on its own: ``diff(expr, wrt, order)`` equals ``result`` once
the bindings of the enclosing steps (and the derivation's ``where``) are
substituted, unless ``wrt`` is itself one of those names, in which case all
names are held independent (a partial derivative), and except the names a
step or its ancestors hold fixed (``held``). ``verify()`` checks this.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import ClassVar, TypeAlias

import sympy

from chainrule.display import Displayable
from chainrule.printing import line


class Rule(str, enum.Enum):
    """The name of the rule a step applies; the values are the JSON names."""

    CONSTANT = "constant"
    VARIABLE = "variable"
    CONSTANT_MULTIPLE = "constant_multiple"
    SUM = "sum"
    POWER = "power"
    PRODUCT = "product"
    QUOTIENT = "quotient"
    CHAIN = "chain"
    PIECEWISE = "piecewise"
    EXP = "exp"
    LOG = "log"
    EXPONENTIAL_BASE = "exponential_base"
    LOG_BASE = "log_base"
    GENERAL_POWER = "general_power"
    TRIG = "trig"
    INVERSE_TRIG = "inverse_trig"
    HYPERBOLIC = "hyperbolic"
    INVERSE_HYPERBOLIC = "inverse_hyperbolic"
    ABS = "abs"
    SIGMOID = "sigmoid"
    RELU = "relu"
    MAX_MIN = "max_min"
    UNDEFINED_FUNCTION = "undefined_function"
    MULTIVARIABLE_CHAIN = "multivariable_chain"
    PARTIAL = "partial"
    KNOWN = "known"
    HIGHER_ORDER = "higher_order"
    SIMPLIFY = "simplify"
    DEPENDENT = "dependent"
    IMPLICIT = "implicit"
    SOLVE = "solve"
    SUBSTITUTE = "substitute"
    USE_EQUATION = "use_equation"
    PARAMETRIC = "parametric"

    def __str__(self) -> str:
        return self.value

    @property
    def title(self) -> str:  # type: ignore[override]
        """A human name for the rule, as a badge shows it."""
        return _TITLES.get(self, self.value.replace("_", " "))


_TITLES = {
    Rule.CONSTANT_MULTIPLE: "constant multiple",
    Rule.EXPONENTIAL_BASE: "exponential a^x",
    Rule.LOG_BASE: "log base b",
    Rule.GENERAL_POWER: "general power",
    Rule.INVERSE_TRIG: "inverse trig",
    Rule.INVERSE_HYPERBOLIC: "inverse hyperbolic",
    Rule.MAX_MIN: "max/min",
    Rule.UNDEFINED_FUNCTION: "undefined function",
    Rule.MULTIVARIABLE_CHAIN: "multivariable chain",
    Rule.HIGHER_ORDER: "higher order",
    Rule.DEPENDENT: "dependent variable",
    Rule.IMPLICIT: "implicit differentiation",
    Rule.SOLVE: "solve for the derivative",
    Rule.USE_EQUATION: "use the equation",
    Rule.PARAMETRIC: "parametric derivative",
}

Binding = tuple[sympy.Symbol, sympy.Expr]


@dataclass(frozen=True)
class Equals:
    """``lhs = rhs`` inside a sentence: each side printed as it is, never compared."""

    lhs: sympy.Basic
    rhs: sympy.Basic


#: A piece of a sentence: words, or mathematics (a SymPy expression, an unevaluated
#: ``Derivative`` for d/dx applied, or an equation).
Part: TypeAlias = str | sympy.Basic | Equals


@dataclass(frozen=True)
class Sentence:
    """Words and mathematics. Each format prints the mathematics its own way (LaTeX in
    LaTeX, MathML in HTML); ``str()`` is one line of Unicode (``2x·cos(x²)``)."""

    parts: tuple[Part, ...]

    def __str__(self) -> str:
        return "".join(_line(part) for part in self.parts)

    def __contains__(self, text: str) -> bool:
        return text in str(self)


def _line(part: Part) -> str:
    if isinstance(part, str):
        return part
    if isinstance(part, Equals):
        return f"{line(part.lhs)} = {line(part.rhs)}"
    return line(part)


def say(*parts: Part) -> Sentence:
    """A sentence from words and expressions: ``say("The derivative of ", x, " is 1.")``."""
    return Sentence(tuple(parts))


def listing(items: list[sympy.Basic] | tuple[sympy.Basic, ...], conjunction: str = "and") -> list[Part]:
    """``a``, ``a and b``, ``a, b and c``: the items with words between them."""
    parts: list[Part] = []
    for i, item in enumerate(items):
        if i:
            parts.append(f" {conjunction} " if i == len(items) - 1 else ", ")
        parts.append(item)
    return parts


@dataclass(frozen=True, kw_only=True)
class Step:
    """One true statement: d(expr)/d(wrt) = result, and why.

    Args:
        rule: which rule gives the result.
        expr: what is differentiated.
        wrt: the variable it is differentiated by.
        result: the derivative (before any final simplification).
        text: one sentence explaining the step.
        substeps: the steps this one uses, in reading order.
        bindings: intermediate variables this step introduces, as
            ``(name, definition)`` pairs.
        order: how many times ``expr`` is differentiated (only
            ``higher_order`` steps have more than 1).
        held: names defined in ``where`` that this step (and its substeps)
            holds fixed: a partial derivative ``∂f/∂m`` with ``x`` held,
            though ``x`` depends on ``m``. They are not substituted when the
            step is checked.
    """

    rule: Rule
    expr: sympy.Expr
    wrt: sympy.Symbol
    result: sympy.Expr
    text: Sentence
    substeps: tuple[Step, ...] = ()
    bindings: tuple[Binding, ...] = ()
    order: int = 1
    held: tuple[sympy.Symbol, ...] = ()

    @property
    def bindings_dict(self) -> dict[sympy.Symbol, sympy.Expr]:
        return dict(self.bindings)

    def mapped(self, function: Callable[[sympy.Basic], sympy.Basic]) -> Step:
        """This step and its substeps with every expression and symbol ``e`` replaced by
        ``function(e)`` (built bottom-up, without recursion)."""
        done: dict[int, Step] = {}
        stack: list[tuple[Step, bool]] = [(self, False)]
        while stack:
            step, ready = stack.pop()
            if not ready:
                stack.append((step, True))
                stack.extend((sub, False) for sub in step.substeps)
                continue
            done[id(step)] = dataclasses.replace(
                step,
                expr=function(step.expr),
                wrt=function(step.wrt),
                result=function(step.result),
                substeps=tuple(done[id(sub)] for sub in step.substeps),
                bindings=tuple((function(n), function(v)) for n, v in step.bindings),
                held=tuple(function(h) for h in step.held),
            )
        return done[id(self)]

    def walk(self) -> Iterator[tuple[Step, Step | None, int]]:
        """Yield ``(step, parent, depth)`` in reading order (pre-order), without recursion."""
        stack: list[tuple[Step, Step | None, int]] = [(self, None, 0)]
        while stack:
            step, parent, depth = stack.pop()
            yield step, parent, depth
            for sub in reversed(step.substeps):
                stack.append((sub, step, depth + 1))


@dataclass(frozen=True, kw_only=True)
class Derivation(Displayable):
    """A whole derivative explained: the step tree, the answer, and its checks.

    ``result`` is the simplified answer, ``raw_result`` what the rules
    produced; when they differ, ``simplification`` is a final ``simplify``
    step from one to the other. ``where`` holds the user's definitions of
    intermediate variables (multivariable chain rule).

    Given SymPy objects, a derivation is in the caller's own symbols and
    functions; ``internal`` is then the same derivation in chainrule's real
    ones (what ``verify()`` checks and JSON prints), and ``renamed`` lists the
    internal names that differ from the caller's (``("x_1", "x")``).
    """

    view_kind: ClassVar[str] = "derivation"

    input: str
    expr: sympy.Expr
    wrt: sympy.Symbol
    order: int
    root: Step
    raw_result: sympy.Expr
    result: sympy.Expr
    simplification: Step | None = None
    where: tuple[Binding, ...] = ()
    names: tuple[str, ...] = field(default=())
    internal: Derivation | None = field(default=None, repr=False, compare=False)
    renamed: tuple[tuple[str, str], ...] = field(default=(), repr=False, compare=False)

    @property
    def where_dict(self) -> dict[sympy.Symbol, sympy.Expr]:
        return dict(self.where)

    @property
    def steps(self) -> tuple[Step, ...]:
        """Every step in reading order: the tree pre-order, then the simplification."""
        ordered = [step for step, _, _ in self.root.walk()]
        if self.simplification is not None:
            ordered.append(self.simplification)
        return tuple(ordered)

    def walk(self) -> Iterator[tuple[Step, Step | None, int]]:
        """Yield ``(step, parent, depth)`` for every step in reading order."""
        yield from self.root.walk()
        if self.simplification is not None:
            yield self.simplification, None, 0

    def verify(self) -> Derivation:
        """Check every step against SymPy; raise ``VerificationError`` naming a false one."""
        from chainrule.derivation.verify import verify_derivation
        from chainrule.recursion import run_deep

        run_deep(verify_derivation, self.internal or self)
        return self

    def mapped(self, function: Callable[[sympy.Basic], sympy.Basic]) -> Derivation:
        """This derivation with every expression and symbol ``e`` replaced by ``function(e)``."""

        def each(items: tuple[Binding, ...]) -> tuple[Binding, ...]:
            return tuple((function(n), function(v)) for n, v in items)

        return dataclasses.replace(
            self,
            expr=function(self.expr),
            wrt=function(self.wrt),
            root=self.root.mapped(function),
            raw_result=function(self.raw_result),
            result=function(self.result),
            simplification=None if self.simplification is None else self.simplification.mapped(function),
            where=each(self.where),
        )


@dataclass(frozen=True, kw_only=True)
class Gradient(Displayable):
    """Several partial derivatives of one expression, one derivation each."""

    view_kind: ClassVar[str] = "gradient"

    derivations: tuple[Derivation, ...]

    @property
    def results(self) -> dict[sympy.Symbol, sympy.Expr]:
        return {d.wrt: d.result for d in self.derivations}

    def verify(self) -> Gradient:
        """Check every step of every derivation; raise ``VerificationError`` naming a false one."""
        for derivation in self.derivations:
            derivation.verify()
        return self
