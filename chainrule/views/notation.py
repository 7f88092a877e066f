"""The mathematics every format shows, computed once per step.

``StepNotation`` turns a ``Step`` into printer-independent equations: the
step's own equation ``d/dx [expr] = result``, and for the chain rules the
Leibniz form (``d/dx sin(x²) = d/du sin(u) · du/dx``) and the Lagrange form
(``(sin(x²))' = cos(x²) · 2x``, each link's derivative with the inner bindings
substituted back). Each format then prints those equations with one
``MathPrinter`` (LaTeX, Unicode 2-D, Unicode one line, ASCII), so no format
repeats the per-rule logic.

Rules dispatch the way SymPy's printers dispatch on class: ``_print_<rule>``
is looked up by the rule's name, and ``_print_default`` is the fallback. A new
rule that needs more than ``d/dx expr = result`` adds one method here.

The equation nodes are small frozen dataclasses; every expression inside them
is a SymPy object printed by SymPy's own printers (through
``chainrule.printing``, so derivatives of undefined functions read as primes).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import sympy
from sympy.printing.precedence import PRECEDENCE
from sympy.printing.pretty.stringpict import prettyForm, stringPict

from chainrule.derivation.bindings import full_values, put_back
from chainrule.derivation.equations import AlgebraStep, Ratio, Side, dependent_functions
from chainrule.derivation.model import Derivation, Rule, Step
from chainrule.printing import (
    WrittenLatexPrinter,
    WrittenPrettyPrinter,
    WrittenStrPrinter,
    dependent_form,
    display_form,
    rate,
)

# ---------------------------------------------------------------------------
# Equation nodes: what is shown, independent of how it is printed.


@dataclass(frozen=True)
class Math:
    """A SymPy expression, printed as is (primes for undefined functions)."""

    expr: sympy.Basic


@dataclass(frozen=True)
class Diff:
    """The Leibniz operator applied to ``operand``: ``d^n/dx^n operand``, ``du/dx``."""

    operand: sympy.Basic
    wrt: sympy.Symbol
    order: int = 1
    partial: bool = False


@dataclass(frozen=True)
class Prime:
    """Lagrange's prime on a whole expression: ``(expr)'``."""

    expr: sympy.Basic
    order: int = 1


@dataclass(frozen=True)
class Product:
    """Factors shown in the given order (SymPy would reorder a ``Mul``)."""

    factors: tuple[Node, ...]


@dataclass(frozen=True)
class Sum:
    """Terms shown in the given order, joined by ``+``."""

    terms: tuple[Node, ...]


@dataclass(frozen=True)
class Fraction:
    """A quotient shown as written: ``(dy/dt)/(dx/dt)``."""

    numerator: Node
    denominator: Node


Node = Math | Diff | Prime | Product | Sum | Fraction


@dataclass(frozen=True)
class Equation:
    """Sides joined by ``=``."""

    sides: tuple[Node, ...]


@dataclass(frozen=True)
class StepMath:
    """Everything a format prints for one step, besides its sentence."""

    equation: Equation
    bindings: tuple[Equation, ...] = ()
    leibniz: Equation | None = None
    lagrange: Equation | None = None
    notes: tuple[str, ...] = field(default=())
    lines: tuple[Equation, ...] = ()


# ---------------------------------------------------------------------------
# Per-rule equations.


class StepNotation:
    """Compute ``StepMath`` for steps; one ``_print_<rule>`` per special rule.

    ``dependents`` are names that change with the variable (``y = y(x)``): an
    expression in ``x`` and ``y`` is a function of one variable, written ``d/dx``.
    """

    def __init__(self, dependents: frozenset[sympy.Symbol] = frozenset()) -> None:
        self.dependents = dependents

    def doprint(self, step: Step) -> StepMath:
        method: Callable[[Step], StepMath] = getattr(self, f"_print_{step.rule.value}", self._print_default)
        return method(step)

    # The fallback: d/dx expr = result, with bindings if the step has any.
    def _print_default(self, step: Step, *, partial: bool = False) -> StepMath:
        return StepMath(equation=self._equation(step, partial=partial), bindings=self._bindings(step))

    def _print_partial(self, step: Step) -> StepMath:
        return self._print_default(step, partial=True)

    def _print_higher_order(self, step: Step) -> StepMath:
        return self._print_default(step)

    def _print_chain(self, step: Step) -> StepMath:
        """``d/dx g(h(x)) = d/du g(u) · du/dx``; ``(g(h(x)))' = g'(h(x)) · h'(x)``."""
        base = self._print_default(step)
        subs = step.substeps
        if not subs or len(subs) != len(step.bindings) + 1:
            return base
        lhs = Diff(step.expr, step.wrt, step.order)
        factors: list[Node] = [Diff(subs[0].expr, subs[0].wrt)]
        for outer, inner in zip(subs, subs[1:], strict=False):
            factors.append(Diff(outer.wrt, inner.wrt))
        links = Product(tuple(Math(s.result) for s in subs))
        leibniz = Equation((lhs, Product(tuple(factors)), links))
        full = full_values(step.bindings)
        back = [Math(put_back(s.result, full)) for s in subs]
        lagrange = Equation((Prime(step.expr, step.order), Product(tuple(back))))
        return StepMath(equation=base.equation, bindings=base.bindings, leibniz=leibniz, lagrange=lagrange)

    def _print_multivariable_chain(self, step: Step) -> StepMath:
        """``∂/∂m f(x, y) = ∂f/∂x · ∂x/∂m + ∂f/∂y · ∂y/∂m`` (one pair of substeps per argument)."""
        base = self._print_default(step, partial=True)
        subs = step.substeps
        if not subs or len(subs) % 2 or len(subs) // 2 != len(step.bindings):
            return base
        pairs = list(zip(subs[::2], subs[1::2], strict=True))
        leibniz_terms = [
            Product(
                (
                    Diff(outer.expr, outer.wrt, partial=True),
                    Diff(outer.wrt, inner.wrt, partial=True),
                )
            )
            for outer, inner in pairs
        ]
        full = full_values(step.bindings)
        lagrange_terms = [
            Product((Math(put_back(outer.result, full)), Math(put_back(inner.result, full))))
            for outer, inner in pairs
        ]
        lhs = Diff(step.expr, step.wrt, partial=True)
        return StepMath(
            equation=base.equation,
            bindings=base.bindings,
            leibniz=Equation((lhs, Sum(tuple(leibniz_terms)))),
            lagrange=Equation((lhs, Sum(tuple(lagrange_terms)))),
        )

    def _print_dependent(self, step: Step) -> StepMath:
        """``dy/dx = y′``: the derivative of a quantity that changes with x, in both notations."""
        prime = rate(str(step.expr), str(step.wrt), step.order, leibniz=False)
        return StepMath(equation=Equation((Diff(step.expr, step.wrt, step.order), Math(prime))))

    def _print_implicit(self, step: Step) -> StepMath:
        """``d/dx (x² + y²) = d/dx 25``, then the sides differentiated: ``2x + 2y·dy/dx = 0``."""
        if not isinstance(step, AlgebraStep) or step.sides is None:
            return self._print_default(step)
        lhs, rhs = step.sides
        if isinstance(lhs, sympy.Derivative):  # d/dx (dy/dx) is d²y/dx²
            left: Node = Math(sympy.Derivative(lhs.expr, (step.wrt, lhs.derivative_count + 1)))
        else:
            left = Diff(lhs, step.wrt)
        return StepMath(equation=Equation((left, Diff(rhs, step.wrt))), lines=_lines(step))

    def _print_algebra(self, step: Step) -> StepMath:
        """The lines of a step of algebra, one equation each."""
        if not isinstance(step, AlgebraStep) or not step.lines:
            return self._print_default(step)
        first, *rest = _lines(step)
        return StepMath(equation=first, lines=tuple(rest))

    _print_solve = _print_substitute = _print_use_equation = _print_parametric = _print_algebra

    # Helpers.
    def _equation(self, step: Step, *, partial: bool = False) -> Equation:
        partial = partial or is_partial(step.expr, self.dependents)
        return Equation((Diff(step.expr, step.wrt, step.order, partial), Math(step.result)))

    def _bindings(self, step: Step) -> tuple[Equation, ...]:
        return tuple(Equation((Math(name), Math(value))) for name, value in step.bindings)


def _side(side: Side) -> Node:
    if isinstance(side, Ratio):
        return Fraction(Math(side.numerator), Math(side.denominator))
    return Product(tuple(Math(f) for f in side)) if isinstance(side, tuple) else Math(side)


def _lines(step: AlgebraStep) -> tuple[Equation, ...]:
    return tuple(Equation(tuple(_side(side) for side in line)) for line in step.lines)


def equations_for(step: Step) -> StepMath:
    return StepNotation().doprint(step)


def is_partial(expr: sympy.Basic, dependents: frozenset[sympy.Symbol] = frozenset()) -> bool:
    """A derivative of an expression in several variables is written with ∂ (as SymPy does);
    names that change with the variable (``dependents``) do not count."""
    return len(expr.free_symbols - dependents) > 1


def dependents_of(derivation: Derivation) -> dict[sympy.Symbol, sympy.Expr]:
    """The names of ``where`` that change with the variable (``r = r(t)``) and their functions."""
    return dependent_functions(derivation.where, derivation.wrt)


def exercise(derivation: Derivation) -> Diff:
    """``d^n/dx^n expr`` (``∂`` for several variables): the derivation's title."""
    dependents = frozenset(dependents_of(derivation))
    partial = derivation.root.rule in (Rule.PARTIAL, Rule.MULTIVARIABLE_CHAIN) or is_partial(
        derivation.expr, dependents
    )
    return Diff(derivation.expr, derivation.wrt, derivation.order, partial)


# ---------------------------------------------------------------------------
# Quantities that change with the variable, written as a textbook writes them:
# y for y(x), dy/dx (or y′) for its derivative.


def _shown_node(node: Node, show: Callable[[sympy.Basic], sympy.Basic]) -> Node:
    if isinstance(node, Math):
        return Math(show(node.expr))
    if isinstance(node, Diff):
        return Diff(show(node.operand), node.wrt, node.order, node.partial)
    if isinstance(node, Prime):
        return Prime(show(node.expr), node.order)
    if isinstance(node, Product):
        return Product(tuple(_shown_node(f, show) for f in node.factors))
    if isinstance(node, Fraction):
        return Fraction(_shown_node(node.numerator, show), _shown_node(node.denominator, show))
    return Sum(tuple(_shown_node(t, show) for t in node.terms))


def shown_equation(equation: Equation, functions: Iterable[sympy.Basic], *, leibniz: bool = True) -> Equation:
    """``equation`` with each ``y(x)`` of ``functions`` as ``y``, its derivatives as ``dy/dx`` (or ``y′``)."""
    found = tuple(functions)

    def show(expr: sympy.Basic) -> sympy.Basic:
        return dependent_form(expr, found, leibniz=leibniz)

    return Equation(tuple(_shown_node(side, show) for side in equation.sides))


def shown_rate(symbol: sympy.Basic, var: sympy.Symbol, *, leibniz: bool = True) -> sympy.Basic:
    """A rate given at a point (``r'``) as it prints: ``dr/dt`` (or ``r′``); other names as they are."""
    name = getattr(symbol, "name", "")
    order = len(name) - len(name.rstrip("'"))
    return rate(name.rstrip("'"), str(var), order, leibniz=leibniz) if order else symbol


def with_dependents(math: StepMath, functions: Iterable[sympy.Basic], *, leibniz: bool = True) -> StepMath:
    """A step's equations with ``y(x)`` written ``y`` (``dy/dx`` for its derivative; ``y′`` in the
    Lagrange form, or everywhere unless ``leibniz``). Bindings (``y = y(x)``) are kept as they are."""
    found = tuple(functions)
    if not found:
        return math

    def shown(equation: Equation | None, prime: bool = False) -> Equation | None:
        if equation is None:
            return None
        return shown_equation(equation, found, leibniz=leibniz and not prime)

    return StepMath(
        equation=shown_equation(math.equation, found, leibniz=leibniz),
        bindings=math.bindings,
        leibniz=shown(math.leibniz),
        lagrange=shown(math.lagrange, prime=True),
        notes=math.notes,
        lines=tuple(shown_equation(eq, found, leibniz=leibniz) for eq in math.lines),
    )


def answer_equation(derivation: Derivation, *, leibniz: bool = True) -> Equation:
    """``d^n/dx^n expr = result`` for the whole derivation (``dr/dt`` for a quantity ``r = r(t)``)."""
    equation = Equation((exercise(derivation), Math(derivation.result)))
    return shown_equation(equation, dependents_of(derivation).values(), leibniz=leibniz)


# ---------------------------------------------------------------------------
# Printers: one per way of writing mathematics.

P = TypeVar("P")


class MathPrinter(Generic[P]):
    """Prints equation nodes; subclasses say how to print pieces and join them."""

    mul: str = " * "
    eq: str = " = "
    plus: str = " + "

    def doprint(self, node: Node | Equation) -> str:
        return self.to_str(self.print(node))

    def print(self, node: Node | Equation) -> P:
        method = getattr(self, f"_print_{type(node).__name__}")
        return method(node)

    def _print_Equation(self, node: Equation) -> P:
        return self.join([self.print(s) for s in node.sides], self.eq)

    def _print_Product(self, node: Product) -> P:
        return self.join([self.factor(f) for f in node.factors], self.mul)

    def _print_Sum(self, node: Sum) -> P:
        return self.join([self.print(t) for t in node.terms], self.plus)

    def _print_Math(self, node: Math) -> P:
        return self.expr(node.expr)

    def factor(self, node: Node) -> P:
        """A factor of a shown product, parenthesised when SymPy would."""
        if isinstance(node, Math):
            return self.expr(node.expr, level=PRECEDENCE["Mul"])
        return self.print(node)

    # To implement.
    def expr(self, expr: sympy.Basic, *, level: int | None = None) -> P:
        raise NotImplementedError

    def join(self, parts: list[P], sep: str) -> P:
        raise NotImplementedError

    def to_str(self, piece: P) -> str:
        raise NotImplementedError

    def _print_Diff(self, node: Diff) -> P:
        raise NotImplementedError

    def _print_Prime(self, node: Prime) -> P:
        raise NotImplementedError


class _TextPrinterBase(MathPrinter[str]):
    sympy_printer: Any
    strict = True

    def expr(self, expr: sympy.Basic, *, level: int | None = None) -> str:
        # A derivation prints the same (possibly large) expressions several
        # times: in a step, in the chain forms, in the answer. Print each once.
        cache: dict[tuple[sympy.Basic, int | None], str] = self.__dict__.setdefault("_cache", {})
        key = (expr, level)
        if key not in cache:
            shown = display_form(expr)
            if level is None:
                cache[key] = str(self.sympy_printer.doprint(shown))
            else:
                cache[key] = str(self.sympy_printer.parenthesize(shown, level, strict=self.strict))
        return cache[key]

    def join(self, parts: list[str], sep: str) -> str:
        return sep.join(parts)

    def to_str(self, piece: str) -> str:
        return piece


class LatexMathPrinter(_TextPrinterBase):
    r"""LaTeX: ``\frac{d}{dx}`` for Leibniz, primes for Lagrange."""

    mul = r" \cdot "

    def __init__(self) -> None:
        self.sympy_printer = WrittenLatexPrinter()

    def expr(self, expr: sympy.Basic, *, level: int | None = None) -> str:
        # SymPy's LaTeX printer ranks -2x as a product, so d/dx -2x and 3u^2 · -sin(x) would lose
        # the parentheses every other format prints.
        text = super().expr(expr, level=level)
        negative = isinstance(expr, sympy.Expr) and expr.could_extract_minus_sign()
        if level is not None and level >= PRECEDENCE["Mul"] and negative and not text.startswith(r"\left("):
            return rf"\left({text}\right)"
        return text

    def _print_Diff(self, node: Diff) -> str:
        d = r"\partial" if node.partial else "d"
        var = self.expr(node.wrt)
        top = d if node.order == 1 else f"{d}^{{{node.order}}}"
        bottom = f"{d} {var}" if node.order == 1 else f"{d} {var}^{{{node.order}}}"
        if isinstance(node.operand, sympy.Symbol):
            return rf"\frac{{{top} {self.expr(node.operand)}}}{{{bottom}}}"
        operand = self.expr(node.operand, level=PRECEDENCE["Mul"])
        return rf"\frac{{{top}}}{{{bottom}}} {operand}"

    def _print_Prime(self, node: Prime) -> str:
        mark = "'" * node.order if node.order <= 3 else f"^{{({node.order})}}"
        return rf"\left({self.expr(node.expr)}\right){mark}"

    def _print_Fraction(self, node: Fraction) -> str:
        return rf"\frac{{{self.print(node.numerator)}}}{{{self.print(node.denominator)}}}"


class PlainMathPrinter(_TextPrinterBase):
    """One line of ASCII: ``d/dx sin(x**2) = 2*x*cos(x**2)``."""

    def __init__(self) -> None:
        self.sympy_printer = WrittenStrPrinter()

    def _print_Diff(self, node: Diff) -> str:
        d, space = ("partial", " ") if node.partial else ("d", "")
        var = self.expr(node.wrt)
        top = d if node.order == 1 else f"{d}^{node.order}"
        bottom = f"{d}{space}{var}" if node.order == 1 else f"{d}{space}{var}^{node.order}"
        if isinstance(node.operand, sympy.Symbol):
            return f"{top}{space}{self.expr(node.operand)}/{bottom}"
        return f"{top}/{bottom} " + self.expr(node.operand, level=PRECEDENCE["Mul"] + 1)

    def _print_Prime(self, node: Prime) -> str:
        mark = "'" * node.order if node.order <= 3 else f"^({node.order})"
        return f"({self.expr(node.expr)}){mark}"

    def _print_Fraction(self, node: Fraction) -> str:
        parts = [self.print(node.numerator), self.print(node.denominator)]
        return "/".join(p if _ATOM.fullmatch(p) else f"({p})" for p in parts)


_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_ATOM = re.compile(r"[\w.]+(\([^()]*\))?")


class _UnicodeStrPrinter(WrittenStrPrinter):
    """``str()`` with integer powers as superscripts and ``·`` for products."""

    def _print_Pow(self, expr: sympy.Pow, rational: bool = False) -> str:
        exp = expr.exp
        if exp.is_Integer and int(exp) > 1:
            base = self.parenthesize(expr.base, PRECEDENCE["Pow"], strict=False)
            return base + str(int(exp)).translate(_SUPERSCRIPTS)
        if exp is sympy.S.Half:
            return "√" + self.parenthesize(expr.base, PRECEDENCE["Atom"], strict=False)
        return str(super()._print_Pow(expr, rational))

    def _print_Mul(self, expr: sympy.Mul) -> str:
        return str(super()._print_Mul(expr)).replace("*", "·")


class OnelineMathPrinter(PlainMathPrinter):
    """One line of Unicode: ``d/dx sin(x²) = 2·x·cos(x²)`` (titles, narrow terminals)."""

    mul = " · "

    def __init__(self) -> None:
        self.sympy_printer = _UnicodeStrPrinter()

    def _print_Diff(self, node: Diff) -> str:
        d = "∂" if node.partial else "d"
        var = self.expr(node.wrt)
        sup = "" if node.order == 1 else str(node.order).translate(_SUPERSCRIPTS)
        if isinstance(node.operand, sympy.Symbol):
            return f"{d}{sup}{self.expr(node.operand)}/{d}{var}{sup}"
        return f"{d}{sup}/{d}{var}{sup} " + self.expr(node.operand, level=PRECEDENCE["Mul"] + 1)

    def _print_Prime(self, node: Prime) -> str:
        mark = "′" * node.order if node.order <= 3 else f"⁽{node.order}⁾".translate(_SUPERSCRIPTS)
        return f"({self.expr(node.expr)}){mark}"


class PrettyMathPrinter(MathPrinter[prettyForm]):
    """SymPy's 2-D Unicode pretty printer, pieces joined side by side."""

    mul = "⋅"

    def __init__(self, *, unicode: bool = True) -> None:
        self.sympy_printer = WrittenPrettyPrinter({"use_unicode": unicode, "wrap_line": False})

    def expr(self, expr: sympy.Basic, *, level: int | None = None) -> prettyForm:
        form = self.sympy_printer._print(display_form(expr))
        if level is not None and _precedence(expr) < level:
            form = prettyForm(*form.parens())
        return form

    def join(self, parts: list[prettyForm], sep: str) -> prettyForm:
        out = parts[0]
        for part in parts[1:]:
            out = prettyForm(*stringPict.next(out, sep, part))
        return out

    def to_str(self, piece: prettyForm) -> str:
        return str(piece.render(wrap_line=False))

    def _print_Diff(self, node: Diff) -> prettyForm:
        d = "∂" if node.partial else "d"
        var = self.expr(node.wrt)
        bottom = prettyForm(*var.left(d))
        top = prettyForm(d)
        if node.order > 1:
            bottom = bottom ** prettyForm(str(node.order))
            top = top ** prettyForm(str(node.order))
        if isinstance(node.operand, sympy.Symbol):
            top = prettyForm(*top.right(self.expr(node.operand)))
            frac = prettyForm(*top.below(stringPict.LINE, bottom))
            frac.baseline = top.height()
            return frac
        frac = prettyForm(*top.below(stringPict.LINE, bottom))
        frac.baseline = top.height()
        operand = prettyForm(*self.expr(node.operand).parens())
        return prettyForm(*stringPict.next(frac, operand))

    def _print_Fraction(self, node: Fraction) -> prettyForm:
        return self.print(node.numerator) / self.print(node.denominator)

    def _print_Prime(self, node: Prime) -> prettyForm:
        mark = "′" * node.order if node.order <= 3 else f"⁽{node.order}⁾"
        return prettyForm(*prettyForm(*self.expr(node.expr).parens()).right(mark))


def _precedence(expr: sympy.Basic) -> int:
    from sympy.printing.precedence import precedence

    return int(precedence(expr))


def oneline(expr: sympy.Basic) -> str:
    """``expr`` on one line of Unicode: ``2·x·cos(x²)``."""
    return OnelineMathPrinter().expr(expr)
