"""The operations of a computational graph, each beside its local gradients.

As micrograd keeps ``__mul__`` next to its ``_backward``, every class here
holds one operation's three facts together: its formula (the node's
definition, as written), its symbolic local gradients ``∂node/∂input`` and its
numeric value and local gradients for the forward and backward pass.

- :class:`Add`, :class:`Sub`, :class:`Neg`, :class:`Mul`, :class:`Div`: the
  arithmetic gates. Their arguments are all edges: a number in a sum or a
  product is a constant node of its own.
- :class:`Pow`, :class:`Call` (a function of :mod:`chainrule.vocabulary`),
  :class:`Gate` (``Max``/``Min``) and :class:`Undefined` (``Dense_1(x)``):
  a number among their arguments belongs to the operation, as micrograd's
  ``**2`` does (``x**2`` has one input). ``slots`` says, per argument, whether
  it is an edge (``None``) or such a :class:`Constant`.

Numbers are exact :class:`~fractions.Fraction` where that is cheap and floats
otherwise (:mod:`chainrule.graph.values`). Outside an operation's domain the
numeric methods raise ``DomainError``; a number too large to keep raises
``TooLarge``; an undefined function raises ``NoValue``.

How to add an operation: a frozen dataclass with ``name`` and the four
methods of :class:`Op`, and a case in :func:`chainrule.graph.build.decompose`
that returns it. A function with a SymPy class needs neither: give its
vocabulary entry ``value`` and ``local``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Any, ClassVar

import sympy
from sympy.core.function import AppliedUndef

from chainrule import vocabulary
from chainrule.graph.values import (
    DomainError,
    NoValue,
    TooLarge,
    checked,
    denoised,
    divide,
    log,
    others_products,
    power,
    to_number,
    to_sympy,
)
from chainrule.vocabulary import Deferred, Num

__all__ = ["Add", "Call", "Constant", "Div", "Gate", "Mul", "Neg", "Op", "Pow", "Sub", "Undefined", "product"]

ONE, MINUS_ONE, ZERO = sympy.S.One, sympy.S.NegativeOne, sympy.S.Zero


# ------------------------------------------------------------ SymPy helpers


def product(factors: Sequence[sympy.Expr]) -> sympy.Expr:
    """``a*b*c`` as written (numbers first, as SymPy's printers expect), unevaluated."""
    if not factors:
        return ONE
    if len(factors) == 1:
        return factors[0]
    ordered = sorted(factors, key=lambda f: not f.is_Number)
    return sympy.Mul._from_args(ordered)


def _reciprocal(b: sympy.Expr, exponent: int = -1) -> sympy.Expr:
    if b.is_Number:
        return b**exponent
    return sympy.Pow(b, exponent, evaluate=False)


def _call(cls: Any, args: Sequence[sympy.Expr], nargs: Any) -> sympy.Expr:
    """``cls(*args)`` unevaluated, cheaply: SymPy's constructor rebuilds the
    function's ``nargs`` set on every call, which costs more than the rest of a
    node; this shares ``nargs`` from an application of the same function."""
    obj = sympy.Basic.__new__(cls, *args)
    obj.nargs = nargs
    return obj


def _rename(formula: sympy.Expr, mapping: Mapping[sympy.Basic, sympy.Expr]) -> sympy.Expr:
    """``formula.xreplace(mapping)`` without SymPy re-evaluating every function.

    A template is already in canonical form; other names cannot make it
    simpler, and re-running ``tanh.eval`` on every node costs more than the
    rest of the graph. Templates are a few levels deep, so recursion is bounded.
    """
    if formula in mapping:
        return mapping[formula]
    if not formula.args or isinstance(formula, sympy.Derivative):
        return formula.xreplace(mapping) if formula.args else formula
    args = [_rename(a, mapping) for a in formula.args]
    if isinstance(formula, (sympy.Add, sympy.Mul)):
        return formula.func._from_args(args)
    if isinstance(formula, sympy.Function) and not isinstance(formula, AppliedUndef):
        return _call(formula.func, args, formula.nargs)
    if isinstance(formula, (sympy.Pow, sympy.Function)):
        return formula.func(*args, evaluate=False)
    return formula.func(*args)


# ------------------------------------------------------------------ operands


@dataclass(frozen=True, eq=False)
class Constant:
    """A number: a constant leaf, or an argument that belongs to an operation.

    ``value`` is ``None`` for a constant without a numeric value (``f(2)``
    with ``f`` undefined): fine until a value is needed. Two constants are
    equal when they are the same number of the same kind: ``1`` is not ``1.0``
    (SymPy says they are equal), so ``x**2`` and ``x**2.0`` stay two operations.
    """

    expr: sympy.Expr
    value: Num | None

    @property
    def key(self) -> tuple[str, sympy.Expr]:
        return (type(self.expr).__name__, self.expr)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Constant) and self.key == other.key

    def __hash__(self) -> int:
        return hash(self.key)


Slots = tuple[Constant | None, ...]


@dataclass(frozen=True)
class Template:
    """An operation as SymPy formulas in placeholders ``_xi_1``, ``_xi_2``, ... (one per edge)."""

    placeholders: tuple[sympy.Symbol, ...]
    formula: sympy.Expr
    locals: tuple[sympy.Expr, ...]


def _placeholders(n: int) -> tuple[sympy.Symbol, ...]:
    return tuple(sympy.Symbol(f"_xi_{i + 1}", real=True) for i in range(n))


def _fill(slots: Slots, args: Sequence[Any], constant: Any) -> list[Any]:
    """The full argument list: edges from ``args`` in order, constants from ``constant(slot)``."""
    edges = iter(args)
    return [next(edges) if slot is None else constant(slot) for slot in slots]


def _edge_positions(slots: Slots) -> list[int]:
    return [k for k, slot in enumerate(slots) if slot is None]


# ------------------------------------------------------------------ the ops


class Op:
    """One operation. Subclasses are frozen dataclasses, hashable: equal ops are one op.

    ``args`` are the node's edge inputs in order: SymPy names (``x``, ``n1``,
    or the number of a constant node) for the formulas, numbers for the
    values.
    """

    name: ClassVar[str] = ""

    def formula(self, args: Sequence[sympy.Expr]) -> sympy.Expr:
        """The node's definition in its inputs' names, as written (unevaluated)."""
        raise NotImplementedError

    def local_formulas(
        self, args: Sequence[sympy.Expr], definition: sympy.Expr, *, inputs: bool = False
    ) -> tuple[sympy.Expr, ...]:
        """``∂node/∂arg`` for each edge, as formulas in the same names.

        ``inputs`` says that every argument is an input variable (only an
        undefined function's derivative cares).
        """
        raise NotImplementedError

    def value(self, args: Sequence[Num]) -> Num:
        """The forward value."""
        raise NotImplementedError

    def local_values(self, args: Sequence[Num], value: Num) -> Sequence[Num | Deferred]:
        """The local gradients at the point, one per edge (``Deferred``: computed if asked)."""
        raise NotImplementedError


@dataclass(frozen=True)
class Add(Op):
    """``a + b + ...``: ``∂/∂a = 1`` for every term."""

    name: ClassVar[str] = "add"

    def formula(self, args: Sequence[sympy.Expr]) -> sympy.Expr:
        return sympy.Add._from_args(args)

    def local_formulas(
        self, args: Sequence[sympy.Expr], definition: sympy.Expr, *, inputs: bool = False
    ) -> tuple[sympy.Expr, ...]:
        return (ONE,) * len(args)

    def value(self, args: Sequence[Num]) -> Num:
        total: Num = Fraction(0)
        for a in args:
            total = checked(total + a)
        return total

    def local_values(self, args: Sequence[Num], value: Num) -> Sequence[Num]:
        return [Fraction(1)] * len(args)


@dataclass(frozen=True)
class Sub(Op):
    """``a - b``: ``∂/∂a = 1``, ``∂/∂b = -1``."""

    name: ClassVar[str] = "sub"

    def formula(self, args: Sequence[sympy.Expr]) -> sympy.Expr:
        a, b = args
        negated = -b if b.is_Number else sympy.Mul._from_args((MINUS_ONE, b))
        return sympy.Add._from_args((a, negated))

    def local_formulas(
        self, args: Sequence[sympy.Expr], definition: sympy.Expr, *, inputs: bool = False
    ) -> tuple[sympy.Expr, ...]:
        return (ONE, MINUS_ONE)

    def value(self, args: Sequence[Num]) -> Num:
        return checked(args[0] - args[1])

    def local_values(self, args: Sequence[Num], value: Num) -> Sequence[Num]:
        return [Fraction(1), Fraction(-1)]


@dataclass(frozen=True)
class Neg(Op):
    """``-a``, the ×(−1) gate: ``∂/∂a = -1``."""

    name: ClassVar[str] = "neg"

    def formula(self, args: Sequence[sympy.Expr]) -> sympy.Expr:
        return sympy.Mul._from_args((MINUS_ONE, args[0]))

    def local_formulas(
        self, args: Sequence[sympy.Expr], definition: sympy.Expr, *, inputs: bool = False
    ) -> tuple[sympy.Expr, ...]:
        return (MINUS_ONE,)

    def value(self, args: Sequence[Num]) -> Num:
        return -args[0]

    def local_values(self, args: Sequence[Num], value: Num) -> Sequence[Num]:
        return [Fraction(-1)]


@dataclass(frozen=True)
class Mul(Op):
    """``a·b·...``: ``∂/∂a`` is the product of the other factors."""

    name: ClassVar[str] = "mul"

    def formula(self, args: Sequence[sympy.Expr]) -> sympy.Expr:
        return product(args)

    def local_formulas(
        self, args: Sequence[sympy.Expr], definition: sympy.Expr, *, inputs: bool = False
    ) -> tuple[sympy.Expr, ...]:
        if len(args) == 2:
            return (args[1], args[0])
        return tuple(product([*args[:k], *args[k + 1 :]]) for k in range(len(args)))

    def value(self, args: Sequence[Num]) -> Num:
        result: Num = Fraction(1)
        for a in args:
            result = checked(result * a)
        return result

    def local_values(self, args: Sequence[Num], value: Num) -> Sequence[Num]:
        return others_products(args)


@dataclass(frozen=True)
class Div(Op):
    """``a/b``: ``∂/∂a = 1/b``, ``∂/∂b = -a/b²``."""

    name: ClassVar[str] = "div"

    def formula(self, args: Sequence[sympy.Expr]) -> sympy.Expr:
        a, b = args
        inverse = sympy.Pow(b, -1, evaluate=False)
        return inverse if a == 1 else sympy.Mul._from_args((a, inverse))

    def local_formulas(
        self, args: Sequence[sympy.Expr], definition: sympy.Expr, *, inputs: bool = False
    ) -> tuple[sympy.Expr, ...]:
        a, b = args
        inverse, square = _reciprocal(b), _reciprocal(b, -2)
        if b.is_Number:  # x/2: a is not a number (two numbers are one constant)
            return (inverse, product([-square, a]))
        if a.is_Number:  # 1/n8: -1/n8**2
            return (inverse, square if a == -1 else product([-a, square]))
        return (inverse, product([MINUS_ONE, a, square]))

    def value(self, args: Sequence[Num]) -> Num:
        return divide(args[0], args[1])

    def local_values(self, args: Sequence[Num], value: Num) -> Sequence[Num]:
        a, b = args
        return [divide(Fraction(1), b), -divide(a, power(b, Fraction(2)))]


class _Templated(Op):
    """An operation whose local gradients are ``sympy.diff`` of its formula, once per op."""

    slots: Slots

    def apply(self, args: Sequence[sympy.Expr]) -> sympy.Expr:
        """The operation on SymPy arguments, evaluated (for the template)."""
        raise NotImplementedError

    @cached_property
    def template(self) -> Template:
        placeholders = _placeholders(sum(s is None for s in self.slots))
        formula = self.apply(_fill(self.slots, placeholders, lambda c: c.expr))
        return Template(placeholders, formula, tuple(sympy.diff(formula, p) for p in placeholders))

    def local_formulas(
        self, args: Sequence[sympy.Expr], definition: sympy.Expr, *, inputs: bool = False
    ) -> tuple[sympy.Expr, ...]:
        template = self.template
        mapping: dict[sympy.Basic, sympy.Expr] = dict(zip(template.placeholders, args))
        # tanh' = 1 - tanh(n1)**2 reuses the node's own tanh(n1).
        mapping[template.formula] = definition
        return tuple(_rename(d, mapping) for d in template.locals)

    def full(self, args: Sequence[Num]) -> list[Num]:
        """Every argument's value: the edges' and the constants'."""

        def constant(slot: Constant) -> Num:
            if slot.value is None:
                raise NoValue(sympy.sstr(slot.expr))
            return slot.value

        return _fill(self.slots, args, constant)

    def evalf(self, formula: sympy.Expr, args: Sequence[Num]) -> Num:
        """A formula's value by SymPy: the slow path for functions without numeric facts."""
        mapping = {p: to_sympy(v) for p, v in zip(self.template.placeholders, args)}
        value = to_number(formula.xreplace(mapping))
        if value is None:
            raise DomainError("no numeric value")
        return value


@dataclass(frozen=True)
class Pow(_Templated):
    """``a**b``: ``∂/∂a = b·a**(b - 1)``, ``∂/∂b = a**b·log(a)`` (the second only if an edge asks)."""

    name: ClassVar[str] = "pow"
    slots: Slots = (None, None)

    def apply(self, args: Sequence[sympy.Expr]) -> sympy.Expr:
        return sympy.Pow(args[0], args[1])

    def formula(self, args: Sequence[sympy.Expr]) -> sympy.Expr:
        a, b = _fill(self.slots, args, lambda c: c.expr)
        return sympy.Pow(a, b, evaluate=False)

    def value(self, args: Sequence[Num]) -> Num:
        a, b = self.full(args)
        return power(a, b)

    def local_values(self, args: Sequence[Num], value: Num) -> Sequence[Num | Deferred]:
        a, b = self.full(args)
        # x**2 at x = -2 needs no log(-2): each local is computed only for its edge.
        local = [
            Deferred(lambda: checked(b * power(a, b - 1))),
            Deferred(lambda: checked(value * log(a))),
        ]
        return [local[k] for k in _edge_positions(self.slots)]


@dataclass(frozen=True)
class Call(_Templated):
    """A function with a SymPy class (``exp``, ``tanh``, ``relu``, ``Abs``...).

    Its numeric value and local gradient come from its vocabulary entry
    (``value``, ``local``); a function without them is evaluated by SymPy.
    """

    cls: Any
    slots: Slots = (None,)

    @property
    def name(self) -> str:  # type: ignore[override]
        return str(self.cls.__name__).lower()

    def apply(self, args: Sequence[sympy.Expr]) -> sympy.Expr:
        return self.cls(*args)

    def formula(self, args: Sequence[sympy.Expr]) -> sympy.Expr:
        full = _fill(self.slots, args, lambda c: c.expr)
        formula = self.template.formula
        if isinstance(formula, sympy.Function) and formula.func is self.cls:
            return _call(self.cls, full, formula.nargs)
        return self.cls(*full, evaluate=False)

    @property
    def entry(self) -> vocabulary.Entry | None:
        entry = vocabulary.by_class(self.cls)
        return entry if entry is not None and entry.value is not None and entry.local is not None else None

    def value(self, args: Sequence[Num]) -> Num:
        full = self.full(args)
        entry = self.entry
        if entry is None:
            return self.evalf(self.template.formula, args)
        assert entry.value is not None
        try:
            return denoised(entry.name, full, checked(entry.value(full)))
        except (ValueError, ZeroDivisionError) as err:
            raise DomainError(str(err)) from err
        except OverflowError as err:
            raise TooLarge("overflows a float") from err

    def local_values(self, args: Sequence[Num], value: Num) -> Sequence[Num | Deferred]:
        entry = self.entry
        if entry is None:
            return [self.evalf(d, args) for d in self.template.locals]
        assert entry.local is not None
        full = self.full(args)
        try:
            local = list(entry.local(full, value))
        except (ValueError, ZeroDivisionError) as err:
            raise DomainError(str(err)) from err
        except OverflowError as err:
            raise TooLarge("overflows a float") from err
        local = [denoised(entry.name, full, checked(g)) if isinstance(g, float) else g for g in local]
        return [local[k] for k in _edge_positions(self.slots)]


@dataclass(frozen=True)
class Gate(Call):
    """``Max`` or ``Min``: the gate routes the gradient to the winning input.

    As SymPy defines it, ``∂Max(a, b)/∂a = Heaviside(a - b)`` and, with more
    arguments, ``Heaviside(a - Max(others))`` (Heaviside(0) = 1/2: a tie splits
    the gradient). The formulas are built unevaluated: SymPy's own ``diff`` of a
    64-argument ``Max`` compares every pair of arguments, for every argument.
    """

    @cached_property
    def template(self) -> Template:
        placeholders = _placeholders(sum(s is None for s in self.slots))
        formula = self.formula(placeholders)
        return Template(placeholders, formula, self.local_formulas(placeholders, formula))

    def formula(self, args: Sequence[sympy.Expr]) -> sympy.Expr:
        return self.cls(*_fill(self.slots, args, lambda c: c.expr), evaluate=False)

    def local_formulas(
        self, args: Sequence[sympy.Expr], definition: sympy.Expr, *, inputs: bool = False
    ) -> tuple[sympy.Expr, ...]:
        full = _fill(self.slots, args, lambda c: c.expr)
        larger = self.cls is sympy.Max
        result = []
        for k in _edge_positions(self.slots):
            others = full[:k] + full[k + 1 :]
            best = others[0] if len(others) == 1 else self.cls(*others, evaluate=False)
            difference = full[k] - best if larger else best - full[k]
            result.append(sympy.Heaviside(difference, evaluate=len(others) == 1))
        return tuple(result)


@dataclass(frozen=True)
class Undefined(_Templated):
    """An undefined function (``Dense_1(x)``, ``f(x, y)``): no value at a point.

    Its local gradient is the partial derivative at the node's arguments,
    ``Dense_1'(n1)``, kept as a ``Subs``: node names are later replaced by
    whole subexpressions, and ``Derivative(f(n1, x), x)`` would then wrongly
    become the total derivative of ``f(x*y, x)``. Only when the arguments are
    distinct input variables is the plain ``Derivative(f(x, y), x)`` kept.
    """

    name: ClassVar[str] = "function"
    cls: Any = None
    slots: Slots = (None,)

    def apply(self, args: Sequence[sympy.Expr]) -> sympy.Expr:
        return self.cls(*args)

    def formula(self, args: Sequence[sympy.Expr]) -> sympy.Expr:
        return self.cls(*_fill(self.slots, args, lambda c: c.expr))

    def local_formulas(
        self, args: Sequence[sympy.Expr], definition: sympy.Expr, *, inputs: bool = False
    ) -> tuple[sympy.Expr, ...]:
        template = self.template
        if inputs and len(set(args)) == len(args):
            mapping = dict(zip(template.placeholders, args))
            return tuple(d.xreplace(mapping) for d in template.locals)
        return tuple(sympy.Subs(d, template.placeholders, tuple(args)) for d in template.locals)

    def value(self, args: Sequence[Num]) -> Num:
        raise NoValue(f"{self.cls.__name__}(...)")

    def local_values(self, args: Sequence[Num], value: Num) -> Sequence[Num]:
        raise NoValue(f"{self.cls.__name__}(...)")
