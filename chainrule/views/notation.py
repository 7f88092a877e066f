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
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import sympy
from sympy.core.function import AppliedUndef
from sympy.printing.precedence import PRECEDENCE
from sympy.printing.pretty.stringpict import prettyForm, stringPict

from chainrule.derivation.bindings import full_values, put_back
from chainrule.derivation.dependencies import Dependence
from chainrule.derivation.equations import AlgebraStep, Ratio, Side, dependent_functions
from chainrule.derivation.model import Derivation, Rule, Step
from chainrule.printing import (
    UnicodeLinePrinter,
    WrittenLatexPrinter,
    WrittenPrettyPrinter,
    WrittenStrPrinter,
    dependent_form,
    display_form,
    rate,
)
from chainrule.written import WrittenProduct, WrittenSum, product

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

    ``dependence`` says which derivatives are partial (∂) and which total (d), through
    the derivation's definitions; ``name`` is the name the function gets in the
    multivariable chain rule (``df/dt = ∂f/∂x·dx/dt + ...``).
    """

    def __init__(self, dependence: Dependence | None = None, name: str = "f") -> None:
        self.dependence = dependence or Dependence()
        self.name = name

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

    def _print_product(self, step: Step) -> StepMath:
        """``d/dx (x² sin x) = 2x·sin x + x²·cos x``: the rule with the pieces put in, then the result."""
        factors = [sub.expr for sub in step.substeps]
        terms = [
            product([sub.result if j == i else f for j, (f, sub) in enumerate(zip(factors, step.substeps))])
            for i in range(len(factors))
        ]
        return self._with_pieces(step, WrittenSum(*terms, evaluate=False))

    def _print_quotient(self, step: Step) -> StepMath:
        """``d/dx ((x²+1)/(x−1)) = [2x·(x−1) − (x²+1)·1]/(x−1)² = …``."""
        (num, dnum), (den, dden) = ((sub.expr, sub.result) for sub in step.substeps)
        top = WrittenSum(product([dnum, den]), product([sympy.S.NegativeOne, num, dden]), evaluate=False)
        return self._with_pieces(
            step, WrittenProduct(top, sympy.Pow(den, -2, evaluate=False), evaluate=False)
        )

    def _with_pieces(self, step: Step, pieces: sympy.Expr) -> StepMath:
        base = self._print_default(step)
        lhs, result = base.equation.sides
        if _printed(pieces) == _printed(step.result):
            return base
        if _terms(_printed(pieces)) == _terms(_printed(step.result)):  # the same terms, reordered
            return StepMath(equation=Equation((lhs, Math(pieces))), bindings=base.bindings)
        return StepMath(equation=Equation((lhs, Math(pieces), result)), bindings=base.bindings)

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
        """``df/dt = ∂f/∂x · dx/dt + ∂f/∂y · dy/dt``, and in Lagrange's notation
        ``f_x · x′(t) + f_y · y′(t)`` (one pair of substeps per variable, then a direct term)."""
        base = self._print_default(step)
        subs = step.substeps
        pairs = len(step.bindings)
        if pairs == 0 or len(subs) not in (2 * pairs, 2 * pairs + 1):
            return base
        outer = step.expr.func.__name__ if isinstance(step.expr, AppliedUndef) else self.name
        f, wrt, partial = sympy.Symbol(outer), step.wrt, self.dependence.partial
        leibniz_terms: list[Node] = []
        lagrange_terms: list[Node] = []
        for name, value in step.bindings:
            leibniz_terms.append(
                Product((Diff(f, name, partial=True), Diff(name, wrt, partial=partial(value, wrt))))
            )
            inner = _subscript(name.name, wrt) if partial(value, wrt) else _prime(name, wrt)
            lagrange_terms.append(Product((Math(_subscript(outer, name)), Math(inner))))
        if len(subs) > 2 * pairs:  # the direct term: wrt also appears in the expression itself
            leibniz_terms.append(Diff(f, wrt, partial=True))
            lagrange_terms.append(Math(_subscript(outer, wrt)))
        lhs = Diff(f, wrt, partial=partial(step.expr, wrt))
        leibniz = Equation((lhs, Sum(tuple(leibniz_terms))))
        lagrange = Equation((lhs, Sum(tuple(lagrange_terms))))
        return StepMath(equation=base.equation, bindings=base.bindings, leibniz=leibniz, lagrange=lagrange)

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
        partial = partial or bool(step.held) or self.dependence.partial(step.expr, step.wrt)
        return Equation((Diff(step.expr, step.wrt, step.order, partial), Math(step.result)))

    def _bindings(self, step: Step) -> tuple[Equation, ...]:
        return tuple(Equation((Math(name), Math(value))) for name, value in step.bindings)


def _terms(text: str) -> Counter[str]:
    """The signed top-level terms of a printed sum: ``a - b + c`` has ``+a``, ``-b``, ``+c``."""
    found: Counter[str] = Counter()
    depth, start, sign = 0, int(text.startswith("-")), "-" if text.startswith("-") else "+"
    for k, c in enumerate(text):
        depth += c in "([{"
        depth -= c in ")]}"
        if depth == 0 and text[k : k + 3] in (" + ", " - ") and k >= start:
            found[sign + text[start:k]] += 1
            sign, start = text[k + 1], k + 3
    found[sign + text[start:]] += 1
    return found


def _printed(expr: sympy.Basic) -> str:
    return str(WrittenStrPrinter().doprint(display_form(expr)))


def _side(side: Side) -> Node:
    if isinstance(side, Ratio):
        return Fraction(Math(side.numerator), Math(side.denominator))
    return Product(tuple(Math(f) for f in side)) if isinstance(side, tuple) else Math(side)


def _lines(step: AlgebraStep) -> tuple[Equation, ...]:
    return tuple(Equation(tuple(_side(side) for side in line)) for line in step.lines)


def equations_for(step: Step) -> StepMath:
    return StepNotation().doprint(step)


def _subscript(function: str, variable: sympy.Symbol) -> sympy.Symbol:
    """``f_x``: Lagrange's name for a partial derivative."""
    return sympy.Symbol(f"{function}_{variable.name}")


def _prime(name: sympy.Symbol, wrt: sympy.Symbol) -> sympy.Expr:
    """``x′(t)``: the derivative of a variable that depends on ``t``, in Lagrange's notation."""
    return sympy.Derivative(sympy.Function(name.name)(wrt), wrt)


def dependents_of(derivation: Derivation) -> dict[sympy.Symbol, sympy.Expr]:
    """The names of ``where`` that change with the variable (``r = r(t)``) and their functions."""
    return dependent_functions(derivation.where, derivation.wrt)


def exercise(derivation: Derivation) -> Diff:
    """``d^n/dx^n expr`` (``∂`` where other variables are held fixed): the derivation's title."""
    partial = derivation.root.rule is Rule.PARTIAL or Dependence(derivation.where_dict).partial(
        derivation.expr, derivation.wrt
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


class OnelineMathPrinter(PlainMathPrinter):
    """One line of Unicode: ``d/dx sin(x²) = 2·x·cos(x²)`` (titles, narrow terminals)."""

    mul = " · "

    def __init__(self) -> None:
        self.sympy_printer = UnicodeLinePrinter()

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
        self.unicode = unicode
        if not unicode:  # ASCII art for terminals that cannot show more
            self.mul = "*"

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
        d = "∂" if node.partial and self.unicode else "d"
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
        if self.unicode:
            mark = "′" * node.order if node.order <= 3 else f"⁽{node.order}⁾"
        else:
            mark = "'" * node.order if node.order <= 3 else f"^({node.order})"
        return prettyForm(*prettyForm(*self.expr(node.expr).parens()).right(mark))


def _precedence(expr: sympy.Basic) -> int:
    from sympy.printing.precedence import precedence

    return int(precedence(expr))


def oneline(expr: sympy.Basic) -> str:
    """``expr`` on one line of Unicode: ``2·x·cos(x²)``."""
    return OnelineMathPrinter().expr(expr)
