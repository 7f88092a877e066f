"""Computational graphs: the forward and the backward pass, every local gradient as data.

A network is a long composition of functions. On its computational graph the
backward pass hands each node the *upstream* gradient ``∂f/∂z`` and multiplies
it by the node's *local* gradient ``∂z/∂x`` for each of its inputs:

    ∂f/∂x = ∂f/∂z · ∂z/∂x        downstream = local × upstream

A node that feeds several others receives one contribution from each and sums
them (micrograd's ``+=``).

>>> import sympy
>>> x, y, z = sympy.symbols("x y z", real=True)
>>> g = backprop((x + y) * z, at={"x": -2, "y": 5, "z": -4})
>>> g.value
-12
>>> g.gradients
{'x': -4, 'y': -4, 'z': 3}
>>> [(n.name, n.op, str(n.expr)) for n in g.nodes]
[('x', 'input', 'x'), ('y', 'input', 'y'), ('n1', 'add', 'x + y'), ('z', 'input', 'z'), ('f', 'mul', 'n1*z')]

How an expression becomes a graph (walked with an explicit stack, never by
recursion; equal subexpressions become one node with several outgoing edges):

- Symbols are ``input`` leaves. Numbers, and subexpressions without symbols
  (``pi``, ``exp(2)``), are ``constant`` leaves when they are terms of a sum or
  factors of a product. In a power or a function call a constant is part of the
  operation, as micrograd's ``**2`` is: ``x**2`` is one ``pow`` node with one
  input, ``Max(x, 0)`` one ``max`` node with one input.
- SymPy stores ``x - y`` as ``x + (-1)*y`` and ``a/b`` as ``a*b**-1``. The graph
  shows what the user wrote where that form is recognisable: a sum of two terms,
  one of them negative (``-1*b``, ``-3*b``, ``-3``), is ``sub``; ``-1*a`` is
  ``neg``; a product with factors ``b**-k`` (or a rational coefficient ``p/q``) is
  ``div`` of the other factors by those (``x/2``, ``1/(1 + exp(-s))``, ``a/b**2``);
  a lone ``b**-k`` is ``1/b**k``. Other sums are ``add``, other products ``mul``.
- Every function application (``exp``, ``log``, trig, ``sigmoid``, ``relu``,
  ``Abs``, ``Max``/``Min`` gates, undefined functions such as ``Dense_1``) is one
  node; its ``op`` is the function's name in lower case, or ``function`` for an
  undefined function.

Values (with ``at``): exact where that is cheap, floats otherwise. Inputs given
as ``int``, ``Fraction`` or SymPy rationals stay exact through ``add``, ``sub``,
``neg``, ``mul``, ``div``, integer powers, ``abs``, ``max``, ``min`` and
``relu``; a float input, an irrational constant or a transcendental function
(``exp``, ``tanh``, ...) gives a float, and every node computed from a float is
a float. Each node is evaluated from its inputs' values alone, so the work per
node is O(1) whatever the depth (SymPy's own evaluation of nested ``tanh`` is
exponential in depth). Exact values are SymPy ``Rational``; floats are SymPy
``Float``.

Without ``at`` everything is symbolic: node gradients are formulas in the node
names (``∂f/∂n1 = Dense_3'(n2)*Dense_2'(n1)``), and :attr:`Graph.gradients` are
formulas in the inputs.
"""

from __future__ import annotations

import json
import math
import numbers
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any, ClassVar

import sympy
from mpmath.libmp import from_float as mpmath_from_float
from sympy.core.function import AppliedUndef

from chainrule.errors import LimitError, UnsupportedError, UsageError, VariableError

if TYPE_CHECKING:
    from rich.console import RenderableType

__all__ = ["SCHEMA", "Edge", "Graph", "Input", "Node", "backprop"]

SCHEMA = "chainrule/graph@1"

#: Deepest graph whose expressions SymPy's (recursive) printers can print safely.
#: Symbolic mode needs printable gradients, so it refuses deeper graphs; with
#: ``at`` any depth works, and the whole expression is just not printed.
PRINTABLE_DEPTH = 80

#: An exact integer power stays exact while its result has at most this many bits.
_EXACT_BITS = 20_000

_Num = Fraction | float


# --------------------------------------------------------------------------- data


@dataclass(frozen=True, kw_only=True)
class Node:
    """One node: an input, a constant, or an operation applied to other nodes.

    Attributes:
        id: position in :attr:`Graph.nodes` (a topological order: a node's
            inputs come before it).
        name: ``x`` for an input, the number for a constant, ``n1``, ``n2``, ...
            for operations, ``f`` (or ``L``) for the output.
        op: ``input``, ``constant``, ``add``, ``sub``, ``neg``, ``mul``, ``div``,
            ``pow``, a function's name (``exp``, ``tanh``, ``max``, ...) or
            ``function`` (an undefined function).
        expr: the node's definition in terms of its inputs' names (``x + y``,
            ``n1*z``); the symbol or number itself for a leaf.
        symbol: what stands for this node in other nodes' formulas.
        inputs: ids of the nodes this one reads, in argument order (repeated
            when an argument repeats, as in an unevaluated ``x*x``).
        in_edges: ids of the edges into this node, one per input.
        out_edges: ids of the edges out of it: more than one means fan-out, and
            the node's gradient is the sum of their downstream gradients.
        value: the forward value (``None`` in symbolic mode).
        grad: ``∂f/∂node``: a number, or a formula in node names in symbolic mode.
        depth: longest path from a leaf (0 for leaves).
    """

    id: int
    name: str
    op: str
    expr: sympy.Expr
    symbol: sympy.Expr
    inputs: tuple[int, ...] = ()
    in_edges: tuple[int, ...] = ()
    out_edges: tuple[int, ...] = ()
    value: sympy.Expr | None = None
    grad: sympy.Expr = sympy.S.Zero
    depth: int = 0

    @property
    def is_leaf(self) -> bool:
        return self.op in ("input", "constant")


@dataclass(frozen=True, kw_only=True)
class Edge:
    """An edge from ``source`` (an argument) into ``target`` (an operation).

    Attributes:
        id: position in :attr:`Graph.edges`.
        source: the node id of the argument.
        target: the node id of the operation that reads it.
        position: which argument of ``target`` this is (0-based).
        local: the local gradient ``∂target/∂source``, a SymPy formula in the
            names of ``target``'s inputs.
        local_value: its value at the point (``None`` in symbolic mode).
        upstream: ``∂f/∂target``.
        downstream: ``local × upstream``: this edge's contribution to
            ``∂f/∂source``.
    """

    id: int
    source: int
    target: int
    position: int
    local: sympy.Expr
    local_value: sympy.Expr | None
    upstream: sympy.Expr
    downstream: sympy.Expr


@dataclass(frozen=True, kw_only=True)
class Input:
    """An input variable: its symbol, node, value and gradient ``∂f/∂input``.

    In symbolic mode ``gradient`` is a formula in the inputs (the node names
    substituted by what they stand for); with values it is a number.
    """

    name: str
    symbol: sympy.Symbol
    node: int
    value: sympy.Expr | None
    gradient: sympy.Expr


@dataclass(frozen=True, kw_only=True)
class Graph:
    """A computational graph after its forward and backward pass. Immutable.

    Attributes:
        expr: the expression the graph computes.
        text: the text it was parsed from, if it came as text.
        nodes: every node, in topological order; ``nodes[i].id == i``.
        edges: every edge, grouped by target in node order.
        output: the id of the output node (always the last one).
        inputs: the input variables in order of first appearance.
        wrt: the names :attr:`gradients` reports, in that order.
        symbolic: True when no values were given: gradients are formulas.
    """

    view_kind: ClassVar[str] = "graph"

    expr: sympy.Expr
    text: str | None = None
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    output: int
    inputs: tuple[Input, ...]
    wrt: tuple[str, ...]
    symbolic: bool

    @property
    def output_node(self) -> Node:
        return self.nodes[self.output]

    @property
    def value(self) -> sympy.Expr | None:
        """The output's value (``None`` in symbolic mode)."""
        return self.nodes[self.output].value

    @property
    def values(self) -> dict[str, sympy.Expr | None]:
        """Each input's value: the point ``at``."""
        return {i.name: i.value for i in self.inputs}

    @property
    def gradients(self) -> dict[str, sympy.Expr]:
        """``∂f/∂input`` for every input named in :attr:`wrt`, in that order."""
        by_name = {i.name: i for i in self.inputs}
        return {name: by_name[name].gradient for name in self.wrt}

    @property
    def depth(self) -> int:
        return self.nodes[self.output].depth

    @property
    def printable(self) -> bool:
        """Whether the whole expression is shallow enough to print."""
        return self.depth <= PRINTABLE_DEPTH

    def node(self, name: str) -> Node:
        """The node called ``name`` (``x``, ``n3``, ``f``)."""
        for node in self.nodes:
            if node.name == name:
                return node
        raise KeyError(name)

    def contributions(self, node_id: int) -> tuple[Edge, ...]:
        """The edges whose downstream gradients sum to ``nodes[node_id].grad``."""
        return tuple(self.edges[e] for e in self.nodes[node_id].out_edges)

    # ------------------------------------------------------------ output forms

    def to_dict(self) -> dict[str, Any]:
        """The graph as plain data in the ``chainrule/graph@1`` schema."""
        return _to_dict(self)

    def to_json(self, *, indent: int | None = 2) -> str:
        """:meth:`to_dict` as JSON text."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    def to_text(self) -> str:
        """Plain ASCII tables: forward pass, backward pass, gradients."""
        from chainrule.views.graph import render_text

        return render_text(self)

    def to_latex(self, *, standalone: bool = False) -> str:
        """LaTeX tables; ``standalone=True`` gives a document pdflatex compiles."""
        from chainrule.views.graph import render_latex

        return render_latex(self, standalone=standalone)

    def to_dot(self) -> str:
        """Graphviz source: nodes with value and gradient, edges with local gradients."""
        from chainrule.views.graph import render_dot

        return render_dot(self)

    def __rich__(self) -> RenderableType:
        from chainrule.views.graph import render_rich

        return render_rich(self)

    # Jupyter: a cell ending in a graph shows its tables.
    def _repr_html_(self) -> str:
        from chainrule.views.jupyter import graph_html

        return graph_html(self)

    def _repr_latex_(self) -> str:
        from chainrule.views.jupyter import graph_latex

        return graph_latex(self)

    def _repr_markdown_(self) -> str:
        from chainrule.views.jupyter import graph_markdown

        return graph_markdown(self)

    def __str__(self) -> str:
        return self.to_text()


# ------------------------------------------------------------------ JSON form


def number_str(value: sympy.Expr | None) -> str | None:
    """A value as SymPy ``str()`` (``-12``, ``1/3``, ``0.731058578630005``)."""
    return None if value is None else sympy.sstr(value)


def number_float(value: sympy.Expr | None) -> float | None:
    """A numeric value as a float, ``None`` for a formula or no value."""
    if value is None or not value.is_Number:
        return None
    return float(value)


def _to_dict(graph: Graph) -> dict[str, Any]:
    nodes = [
        {
            "id": n.id,
            "name": n.name,
            "op": n.op,
            "expr": sympy.sstr(n.expr),
            "inputs": list(n.inputs),
            "value": number_str(n.value),
            "value_float": number_float(n.value),
            "grad": sympy.sstr(n.grad),
            "grad_float": number_float(n.grad),
        }
        for n in graph.nodes
    ]
    edges = [
        {
            "id": e.id,
            "source": e.source,
            "target": e.target,
            "position": e.position,
            "local": sympy.sstr(e.local),
            "local_value": number_str(e.local_value),
            "upstream": sympy.sstr(e.upstream),
            "downstream": sympy.sstr(e.downstream),
        }
        for e in graph.edges
    ]
    return {
        "schema": SCHEMA,
        "input": graph.text if graph.text is not None else _expr_str(graph),
        "expr": _expr_str(graph),
        "symbolic": graph.symbolic,
        "inputs": {i.name: number_str(i.value) for i in graph.inputs},
        "output": graph.output,
        "value": number_str(graph.value),
        "value_float": number_float(graph.value),
        "nodes": nodes,
        "edges": edges,
        "gradients": {name: sympy.sstr(g) for name, g in graph.gradients.items()},
        "gradients_float": {name: number_float(g) for name, g in graph.gradients.items()},
    }


def _expr_str(graph: Graph) -> str | None:
    return sympy.sstr(graph.expr) if graph.printable else None


# ----------------------------------------------------------- numeric helpers


class _DomainError(ArithmeticError):
    """A value is undefined over the reals (log of a negative, 0**-1, ...)."""


class _NoValue(Exception):
    """A constant has no numeric value (it applies an undefined function)."""


def _to_num(value: sympy.Expr) -> _Num:
    """A SymPy constant as an exact Fraction or a float; rejects non-real values.

    Raises ``_NoValue`` for a constant without a numeric value, such as ``f(2)``
    with ``f`` an undefined function.
    """
    if isinstance(value, sympy.Rational):
        return Fraction(int(value.p), int(value.q))
    if isinstance(value, sympy.Float):
        result = float(value)
    else:
        evaluated = value.evalf(20)
        if not evaluated.is_Number:
            re_part, im_part = evaluated.as_real_imag()
            if im_part.is_number and im_part != 0:
                raise UnsupportedError(f"{sympy.sstr(value)} is not a real number")
            evaluated = re_part
        if not evaluated.is_Number:
            raise _NoValue(_short(value))
        result = float(evaluated)
    if not math.isfinite(result):
        raise UnsupportedError(f"{sympy.sstr(value)} is not a finite real number")
    return result


def _to_sympy(value: _Num, cache: dict[tuple[type, _Num], sympy.Expr] | None = None) -> sympy.Expr:
    """A number as SymPy: ``Rational`` if exact, else a 53-bit ``Float``."""
    if cache is not None:
        key = (type(value), value)
        found = cache.get(key)
        if found is None:
            found = cache[key] = _to_sympy(value)
        return found
    if isinstance(value, Fraction):
        return sympy.Rational(value.numerator, value.denominator)
    if value == 0:
        return sympy.Float(0.0)  # Float._new would give the exact Integer 0
    return sympy.Float._new(mpmath_from_float(value), 53)


def _check(value: Any) -> _Num:
    """Reject the results of real arithmetic that left the reals."""
    if isinstance(value, complex):
        raise _DomainError("not a real number")
    if isinstance(value, float) and not math.isfinite(value):
        raise _DomainError("overflows a float" if math.isinf(value) else "not a number")
    if isinstance(value, int):
        return Fraction(value)
    return value


def _pow(a: _Num, b: _Num) -> _Num:
    if isinstance(a, Fraction) and isinstance(b, Fraction) and b.denominator == 1:
        bits = max(a.numerator.bit_length(), a.denominator.bit_length()) * abs(b.numerator)
        if bits <= _EXACT_BITS:
            if a == 0 and b < 0:
                raise _DomainError("division by zero")
            return a ** int(b)
    fa, fb = float(a), float(b)
    if fa == 0 and fb < 0:
        raise _DomainError("division by zero")
    if fa < 0 and not fb.is_integer():
        raise _DomainError("a negative number to a fractional power")
    try:
        return _check(fa**fb)
    except OverflowError as err:
        raise _DomainError("overflows a float") from err


def _log(a: _Num) -> float:
    if a <= 0:
        raise _DomainError("log of a number <= 0")
    return math.log(a)


def _sigmoid(a: _Num) -> float:
    fa = float(a)
    if fa >= 0:
        return 1.0 / (1.0 + math.exp(-fa))
    e = math.exp(fa)
    return e / (1.0 + e)


def _heaviside(a: _Num, at_zero: _Num = Fraction(1, 2)) -> _Num:
    return Fraction(1) if a > 0 else Fraction(0) if a < 0 else at_zero


def _sign(a: _Num) -> _Num:
    return Fraction(1) if a > 0 else Fraction(-1) if a < 0 else Fraction(0)


def _prod(values: Iterable[_Num]) -> _Num:
    result: _Num = Fraction(1)
    for v in values:
        result = result * v
    return result


def _others_products(values: Sequence[_Num]) -> list[_Num]:
    """For each position, the product of all the other values (O(n), no division)."""
    n = len(values)
    if n == 2:
        return [values[1], values[0]]
    prefix: list[_Num] = [Fraction(1)] * (n + 1)
    for i, v in enumerate(values):
        prefix[i + 1] = prefix[i] * v
    result: list[_Num] = [Fraction(1)] * n
    suffix: _Num = Fraction(1)
    for i in range(n - 1, -1, -1):
        result[i] = prefix[i] * suffix
        suffix = suffix * values[i]
    return result


def _gate(values: Sequence[_Num], *, larger: bool) -> list[_Num]:
    """Local gradients of Max (``larger``) or Min, as SymPy defines them.

    SymPy: ``∂Max(a, b)/∂a = Heaviside(a - b)`` and, for more arguments,
    ``Heaviside(a - Max(others))``, with Heaviside(0) = 1/2: the gate routes the
    gradient to the winning input, and splits it on a tie.
    """
    out: list[_Num] = []
    for i, v in enumerate(values):
        others = [w for j, w in enumerate(values) if j != i]
        best = max(others) if larger else min(others)
        out.append(_heaviside(v - best if larger else best - v))
    return out


def _float_fn(fn: Callable[[float], float]) -> Callable[[Sequence[_Num]], _Num]:
    def apply(args: Sequence[_Num]) -> _Num:
        try:
            return _check(fn(float(args[0])))
        except ValueError as err:
            raise _DomainError(str(err)) from err
        except OverflowError as err:
            raise _DomainError("overflows a float") from err

    return apply


def _div(a: _Num, b: _Num) -> _Num:
    if b == 0:
        raise _DomainError("division by zero")
    return a / b


class _Lazy:
    """A local gradient computed only when an edge needs it."""

    def __init__(self, compute: Callable[[], _Num]) -> None:
        self.compute = compute


def _pow_locals(a: Sequence[_Num], v: _Num) -> list[Any]:
    # ∂(a**b)/∂a = b*a**(b - 1); ∂(a**b)/∂b = a**b*log(a). The second is only
    # computed for an edge: x**2 at x = -2 needs no log(-2).
    return [
        _Lazy(lambda: _check(a[1] * _pow(a[0], a[1] - 1))),
        _Lazy(lambda: _check(v * _log(a[0]))),
    ]


def _acosh_local(a: _Num) -> float:
    if a <= 1:
        raise _DomainError("acosh' is undefined for arguments <= 1")
    return 1 / (math.sqrt(float(a) - 1) * math.sqrt(float(a) + 1))


def _sqrt_pos(value: float, what: str) -> float:
    if value <= 0:
        raise _DomainError(what)
    return math.sqrt(value)


# Each operation next to its local gradients (micrograd's layout), for numbers.
# value(args) -> value; local(args, value) -> one local gradient per argument.
# The same locals, as formulas, come from sympy.diff of the op's template; a
# test checks the two agree. Operations missing here use SymPy's evalf.
_Value = Callable[[Sequence[_Num]], _Num]
_Local = Callable[[Sequence[_Num], _Num], list[Any]]

_FAST: dict[str, tuple[_Value, _Local]] = {
    "add": (lambda a: _check(sum(a[1:], a[0])), lambda a, v: [Fraction(1)] * len(a)),
    "sub": (lambda a: a[0] - a[1], lambda a, v: [Fraction(1), Fraction(-1)]),
    "neg": (lambda a: -a[0], lambda a, v: [Fraction(-1)]),
    "mul": (lambda a: _check(_prod(a)), lambda a, v: _others_products(a)),
    "div": (
        lambda a: _div(a[0], a[1]),
        lambda a, v: [_div(Fraction(1), a[1]), -_div(a[0], _pow(a[1], Fraction(2)))],
    ),
    "pow": (lambda a: _pow(a[0], a[1]), lambda a, v: _pow_locals(a, v)),
    "exp": (_float_fn(math.exp), lambda a, v: [v]),
    "log": (lambda a: _log(a[0]), lambda a, v: [_div(Fraction(1), a[0])]),
    "sin": (_float_fn(math.sin), lambda a, v: [math.cos(a[0])]),
    "cos": (_float_fn(math.cos), lambda a, v: [-math.sin(a[0])]),
    "tan": (_float_fn(math.tan), lambda a, v: [1 + v * v]),
    "sinh": (_float_fn(math.sinh), lambda a, v: [_check(math.cosh(a[0]))]),
    "cosh": (_float_fn(math.cosh), lambda a, v: [_check(math.sinh(a[0]))]),
    "tanh": (_float_fn(math.tanh), lambda a, v: [1 - v * v]),
    "asin": (
        _float_fn(math.asin),
        lambda a, v: [1 / _sqrt_pos(1 - float(a[0]) ** 2, "asin' needs |x| < 1")],
    ),
    "acos": (
        _float_fn(math.acos),
        lambda a, v: [-1 / _sqrt_pos(1 - float(a[0]) ** 2, "acos' needs |x| < 1")],
    ),
    "atan": (_float_fn(math.atan), lambda a, v: [1 / (1 + float(a[0]) ** 2)]),
    "asinh": (_float_fn(math.asinh), lambda a, v: [1 / math.sqrt(float(a[0]) ** 2 + 1)]),
    "acosh": (_float_fn(math.acosh), lambda a, v: [_acosh_local(a[0])]),
    "atanh": (
        _float_fn(math.atanh),
        lambda a, v: [_div(1.0, 1 - float(a[0]) ** 2)],
    ),
    "sigmoid": (lambda a: _sigmoid(a[0]), lambda a, v: [v * (1 - v)]),
    "relu": (
        lambda a: a[0] if a[0] > 0 else a[0] * 0,
        lambda a, v: [_heaviside(a[0], Fraction(0))],
    ),
    "abs": (lambda a: _check(abs(a[0])), lambda a, v: [_sign(a[0])]),
    "max": (lambda a: max(a, key=float), lambda a, v: _gate(a, larger=True)),
    "min": (lambda a: min(a, key=float), lambda a, v: _gate(a, larger=False)),
}


# ----------------------------------------------------------------- building


@dataclass(frozen=True)
class _Template:
    """An operation as SymPy formulas in positional placeholders.

    ``slots`` says, for each argument, whether it is an input edge (``None``)
    or a constant baked into the operation (its SymPy expression and value).
    """

    op: str
    head: Any
    slots: tuple[tuple[sympy.Expr, _Num | None] | None, ...]
    placeholders: tuple[sympy.Symbol, ...]
    formula: sympy.Expr
    locals: tuple[sympy.Expr, ...]  # one per input edge
    has_derivative: bool  # a local is a partial derivative of an undefined function


def _placeholders(n: int) -> tuple[sympy.Symbol, ...]:
    """The arguments of a template: ``_xi_1``, ``_xi_2``, ... (bound in ``Subs``)."""
    return tuple(sympy.Symbol(f"_xi_{i + 1}", real=True) for i in range(n))


def _unevaluated_call(head: type, args: Sequence[sympy.Expr], nargs: Any) -> sympy.Expr:
    """``head(*args, evaluate=False)``, cheaply.

    SymPy's constructor builds the function's ``nargs`` set anew on every call,
    which costs more than all the rest of the work on a node; this builds the
    same object and shares ``nargs`` from an application of the same function.
    """
    obj = sympy.Basic.__new__(head, *args)
    obj.nargs = nargs
    return obj


def _definition(template: _Template, args: Sequence[sympy.Expr]) -> sympy.Expr:
    """A node's definition as written, in its arguments' names (unevaluated)."""
    head = template.head
    if head == "add":
        return sympy.Add._from_args(args)
    if head == "sub":
        a, b = args
        negated = -b if b.is_Number else sympy.Mul._from_args((sympy.S.NegativeOne, b))
        return sympy.Add._from_args((a, negated))
    if head == "neg":
        return sympy.Mul._from_args((sympy.S.NegativeOne, args[0]))
    if head == "mul":
        return sympy.Mul._from_args(args)
    if head == "div":
        a, b = args
        return sympy.Mul._from_args((a, sympy.Pow(b, -1, evaluate=False)))
    if isinstance(template.formula, sympy.Function) and template.formula.func is head:
        return _unevaluated_call(head, args, template.formula.nargs)
    return _apply(head, args, evaluate=False)


def _arithmetic_locals(op: str, args: Sequence[sympy.Expr]) -> tuple[sympy.Expr, ...] | None:
    """Local gradients of the arithmetic operations, built directly.

    ``∂(a + b)/∂a = 1``, ``∂(a - b)/∂b = -1``, ``∂(-a)/∂a = -1``,
    ``∂(a·b)/∂a = b``, ``∂(a/b)/∂a = 1/b``, ``∂(a/b)/∂b = -a/b²``. The same
    as ``sympy.diff`` of the templates (a test checks it), without SymPy's
    general simplification on every node.
    """
    one, minus = sympy.S.One, sympy.S.NegativeOne
    if op == "add":
        return (one,) * len(args)
    if op == "sub":
        return (one, minus)
    if op == "neg":
        return (minus,)
    if op == "mul" and len(args) == 2:
        return (args[1], args[0])
    if op == "div":
        a, b = args
        if b.is_Number:
            if a.is_Number:
                return (one / b, -a / b**2)
            return (one / b, sympy.Mul._from_args((-one / b**2, a)))
        inverse = sympy.Pow(b, -1, evaluate=False)
        square = sympy.Pow(b, -2, evaluate=False)
        if a.is_Number:
            coefficient = -a
            if coefficient == 0:
                return (inverse, sympy.S.Zero)
            if coefficient == 1:
                return (inverse, square)
            return (inverse, sympy.Mul._from_args((coefficient, square)))
        return (inverse, sympy.Mul._from_args((minus, a, square)))
    return None


def _apply(head: Any, args: Sequence[sympy.Expr], *, evaluate: bool) -> sympy.Expr:
    """Build ``head(args)`` for an operation head."""
    if head == "add":
        return sympy.Add(*args, evaluate=evaluate)
    if head == "sub":
        a, b = args
        if not evaluate and b.is_Number:
            return sympy.Add(a, -b, evaluate=False)
        return sympy.Add(a, sympy.Mul(-1, b, evaluate=evaluate), evaluate=evaluate)
    if head == "neg":
        return sympy.Mul(-1, args[0], evaluate=evaluate)
    if head == "mul":
        return sympy.Mul(*args, evaluate=evaluate)
    if head == "div":
        a, b = args
        return sympy.Mul(a, sympy.Pow(b, -1, evaluate=evaluate), evaluate=evaluate)
    if head == "pow":
        return sympy.Pow(args[0], args[1], evaluate=evaluate)
    return head(*args, evaluate=evaluate)


def _op_name(head: Any) -> str:
    if isinstance(head, str):
        return head
    if issubclass(head, AppliedUndef):
        return "function"
    return str(head.__name__).lower()


def _local_formulas(
    template: _Template,
    args: Sequence[sympy.Expr],
    definition: sympy.Expr,
    *,
    inputs_only: bool,
) -> tuple[sympy.Expr, ...]:
    """A template's local gradient with the node's arguments put in.

    A partial derivative of an undefined function stays a ``Subs`` at the
    arguments (``g'(n1)``, ``f_1(n1, x)``): node names are later replaced by
    whole subexpressions, and ``Derivative(f(n1, x), x)`` would then wrongly
    become the total derivative of ``f(x*y, x)``. Only when the arguments are
    distinct input variables is the plain ``Derivative(g(x), x)`` kept.
    """
    placeholders = template.placeholders
    direct = _arithmetic_locals(template.op, args) if isinstance(template.head, str) else None
    if direct is not None:
        return direct
    if template.has_derivative and not (inputs_only and len(set(args)) == len(args)):
        return tuple(sympy.Subs(d, tuple(placeholders), tuple(args)) for d in template.locals)
    mapping: dict[sympy.Basic, sympy.Expr] = dict(zip(placeholders, args))
    if all(isinstance(a, sympy.Symbol) for a in args):
        # tanh' = 1 - tanh(n1)**2 reuses the node's own tanh(n1): equal values.
        mapping[template.formula] = definition
        return tuple(_rename(d, mapping) for d in template.locals)
    return tuple(d.xreplace(mapping) for d in template.locals)


def _rename(formula: sympy.Expr, mapping: Mapping[sympy.Basic, sympy.Expr]) -> sympy.Expr:
    """``formula.xreplace(mapping)`` for symbols, without SymPy re-evaluating it.

    The template is already in canonical form; putting other names in cannot
    make it simpler, and re-running ``tanh.eval`` on every node costs more than
    the rest of the graph. Templates are small, so recursion is bounded.
    """
    if formula in mapping:
        return mapping[formula]
    if not formula.args or isinstance(formula, sympy.Derivative):
        return formula.xreplace(mapping) if formula.args else formula
    args = [_rename(a, mapping) for a in formula.args]
    if isinstance(formula, (sympy.Add, sympy.Mul)):
        return formula.func._from_args(args)
    if isinstance(formula, sympy.Function) and not isinstance(formula, AppliedUndef):
        return _unevaluated_call(formula.func, args, formula.nargs)
    if isinstance(formula, (sympy.Pow, sympy.Function)):
        return formula.func(*args, evaluate=False)
    return formula.func(*args)


def _negative_term(term: sympy.Expr) -> sympy.Expr | None:
    """``b`` when ``term`` is ``-b`` written with a negative coefficient."""
    if term.is_Number and term.is_negative:
        return -term
    if isinstance(term, sympy.Mul) and term.args and term.args[0].is_Number:
        coeff = term.args[0]
        if coeff.is_negative:
            rest = term.args[1:]
            factors = rest if coeff == -1 else (-coeff, *rest)
            if len(factors) == 1:
                return factors[0]
            return sympy.Mul(*factors, evaluate=False)
    return None


def _product(factors: list[sympy.Expr]) -> sympy.Expr:
    if not factors:
        return sympy.S.One
    if len(factors) == 1:
        return factors[0]
    return sympy.Mul(*factors, evaluate=False)


def _decompose(expr: sympy.Basic) -> tuple[Any, tuple[sympy.Expr, ...]]:
    """The operation at the top of ``expr`` and its arguments. O(number of args)."""
    if isinstance(expr, sympy.Symbol):
        return "input", ()
    if not isinstance(expr, sympy.Expr):
        raise UnsupportedError(f"a computational graph needs an expression, not {type(expr).__name__}")
    if expr.is_Number or isinstance(expr, sympy.NumberSymbol):
        if not expr.is_finite:
            raise UnsupportedError(f"{expr} is not a finite number")
        return "constant", ()
    if isinstance(expr, sympy.Add):
        args = expr.args
        if len(args) == 2:
            negated = [_negative_term(a) for a in args]
            if (negated[0] is None) != (negated[1] is None):
                if negated[1] is not None:
                    return "sub", (args[0], negated[1])
                assert negated[0] is not None
                return "sub", (args[1], negated[0])
        return "add", args
    if isinstance(expr, sympy.Mul):
        args = expr.args
        if len(args) >= 2 and args[0] == -1:
            return "neg", (_product(list(args[1:])),)
        numerator: list[sympy.Expr] = []
        denominator: list[sympy.Expr] = []
        for arg in args:
            if isinstance(arg, sympy.Rational) and arg.q != 1:
                if arg.p != 1:
                    numerator.append(sympy.Integer(arg.p))
                denominator.append(sympy.Integer(arg.q))
            elif isinstance(arg, sympy.Pow) and arg.exp.is_Number and arg.exp.is_negative:
                exponent = -arg.exp
                denominator.append(
                    arg.base if exponent == 1 else sympy.Pow(arg.base, exponent, evaluate=False)
                )
            else:
                numerator.append(arg)
        if denominator:
            return "div", (_product(numerator), _product(denominator))
        return "mul", args
    if isinstance(expr, sympy.Pow):
        base, exponent = expr.args
        if exponent.is_Number and exponent.is_negative:
            exponent = -exponent
            return "div", (
                sympy.S.One,
                base if exponent == 1 else sympy.Pow(base, exponent, evaluate=False),
            )
        return "pow", (base, exponent)
    if isinstance(expr, (sympy.Function, sympy.Max, sympy.Min)) and not isinstance(
        expr, sympy.Piecewise
    ):
        if all(isinstance(a, sympy.Expr) for a in expr.args):
            return expr.func, expr.args
    raise UnsupportedError(
        f"a computational graph cannot show {type(expr).__name__} "
        f"(in {_short(expr)}) as an operation"
    )


def _short(expr: sympy.Basic, limit: int = 60) -> str:
    text = sympy.sstr(expr) if _shallow(expr) else type(expr).__name__ + "(...)"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _shallow(expr: sympy.Basic, limit: int = 40) -> bool:
    """Whether ``expr`` is at most ``limit`` levels deep (iteratively)."""
    stack = [(expr, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return False
        stack.extend((a, depth + 1) for a in node.args)
    return True


@dataclass
class _Raw:
    """A node while the graph is being built."""

    kind: str  # "input", "constant" or "op"
    expr: sympy.Expr  # the subexpression it computes
    head: Any = None
    children: tuple[int, ...] = ()  # raw ids of its edge inputs
    template: _Template | None = None
    value: _Num | None = None  # constants always have one
    depth: int = 0


class _Builder:
    """Walks a SymPy tree with an explicit stack and hash-conses equal subtrees."""

    def __init__(self) -> None:
        self.raws: list[_Raw] = []
        self.by_key: dict[tuple[Any, ...], int] = {}
        self.seen: dict[int, int] = {}  # id(sympy object) -> raw id
        self.alive: list[sympy.Basic] = []  # keeps ids in ``seen`` unique
        self.templates: dict[tuple[Any, ...], _Template] = {}
        self.symbols: dict[str, sympy.Symbol] = {}
        self.functions: set[str] = set()

    def build(self, root: sympy.Basic) -> int:
        pending: dict[int, tuple[Any, tuple[sympy.Expr, ...]]] = {}
        stack: list[tuple[sympy.Basic, bool]] = [(root, False)]
        while stack:
            expr, expanded = stack.pop()
            if id(expr) in self.seen:
                continue
            if not expanded:
                head, args = _decompose(expr)
                self.alive.append(expr)
                self.alive.extend(args)
                pending[id(expr)] = (head, args)
                stack.append((expr, True))
                stack.extend((a, False) for a in reversed(args) if id(a) not in self.seen)
                continue
            head, args = pending.pop(id(expr))
            self.seen[id(expr)] = self._make(expr, head, [self.seen[id(a)] for a in args])
        return self.seen[id(root)]

    def _intern(self, key: tuple[Any, ...], make: Callable[[], _Raw]) -> int:
        found = self.by_key.get(key)
        if found is not None:
            return found
        self.raws.append(make())
        self.by_key[key] = len(self.raws) - 1
        return len(self.raws) - 1

    def _make(self, expr: sympy.Expr, head: Any, args: list[int]) -> int:
        if head == "input":
            assert isinstance(expr, sympy.Symbol)
            other = self.symbols.setdefault(expr.name, expr)
            if other != expr:
                raise VariableError(
                    f"two different variables are both called {expr.name!r} "
                    "(with different assumptions)"
                )
            return self._intern(("input", expr.name), lambda: _Raw(kind="input", expr=expr))
        if head == "constant":
            key = ("constant", type(expr).__name__, expr)
            return self._intern(
                key, lambda: _Raw(kind="constant", expr=expr, value=_to_num(expr))
            )
        if isinstance(head, type) and issubclass(head, AppliedUndef):
            self.functions.add(head.__name__)
        raws = [self.raws[i] for i in args]
        if all(r.kind == "constant" for r in raws):
            # A subexpression without variables is one constant leaf.
            key = ("folded", head, tuple(args))
            return self._intern(key, lambda: self._fold(expr, head, raws))
        arithmetic = isinstance(head, str) and head != "pow"
        slots: list[tuple[sympy.Expr, _Num | None] | None] = []
        children: list[int] = []
        for raw_id, raw in zip(args, raws):
            if raw.kind == "constant" and not arithmetic:
                slots.append((raw.expr, raw.value))  # part of the operation: x**2, Max(x, 0)
            else:
                slots.append(None)
                children.append(raw_id)
        template = self._template(head, tuple(slots))
        depth = 1 + max(self.raws[c].depth for c in children)
        params = tuple(s[0] if s else None for s in slots)
        op_key: tuple[Any, ...] = ("op", head, params, tuple(children))
        return self._intern(
            op_key,
            lambda: _Raw(
                kind="op",
                expr=expr,
                head=head,
                children=tuple(children),
                template=template,
                depth=depth,
            ),
        )

    def _fold(self, expr: sympy.Expr, head: Any, raws: list[_Raw]) -> _Raw:
        values = [r.value for r in raws]
        fast = _FAST.get(_op_name(head))
        value: _Num | None = None
        try:
            if fast is not None and all(v is not None for v in values):
                value = fast[0](values)  # type: ignore[arg-type]
            elif fast is None:
                value = _to_num(expr)
        except _NoValue:
            value = None  # f(2) with f undefined: fine until a value is needed
        except (_DomainError, ZeroDivisionError, ValueError, OverflowError) as err:
            raise UsageError(f"the constant {_short(expr)} is undefined: {err}") from err
        return _Raw(kind="constant", expr=expr, value=value)

    def _template(
        self, head: Any, slots: tuple[tuple[sympy.Expr, _Num | None] | None, ...]
    ) -> _Template:
        key = (head, tuple(s[0] if s else None for s in slots))
        found = self.templates.get(key)
        if found is not None:
            return found
        n_inputs = sum(s is None for s in slots)
        placeholders = _placeholders(n_inputs)
        args: list[sympy.Expr] = []
        it = iter(placeholders)
        for slot in slots:
            args.append(next(it) if slot is None else slot[0])
        formula = _apply(head, args, evaluate=True)
        if formula.is_Add and sorted(formula.args, key=str) == sorted(placeholders, key=str):
            # A sum of its n inputs: every local gradient is 1. (sympy.diff gives the same,
            # but differentiating all n terms for each of the n inputs is quadratic.)
            local: tuple[sympy.Expr, ...] = (sympy.S.One,) * len(placeholders)
        else:
            local = tuple(sympy.diff(formula, p) for p in placeholders)
        template = _Template(
            op=_op_name(head),
            head=head,
            slots=slots,
            placeholders=placeholders,
            formula=formula,
            locals=local,
            has_derivative=any(d.has(sympy.Derivative) for d in local),
        )
        self.templates[key] = template
        return template


# ---------------------------------------------------------------- evaluating


def _evalf(formula: sympy.Expr, mapping: dict[sympy.Symbol, sympy.Expr]) -> float:
    """A formula's value by SymPy: the slow path for operations not in ``_FAST``."""
    value = formula.xreplace(mapping).evalf(20)
    if value.is_Number and value.is_finite:
        return float(value)
    if value.is_number:
        re_part, im_part = value.as_real_imag()
        if im_part == 0 and re_part.is_Number and re_part.is_finite:
            return float(re_part)
        raise _DomainError("not a real number")
    raise _DomainError(f"no numeric value ({_short(value)})")


def _full_args(template: _Template, child_values: Sequence[_Num]) -> list[_Num]:
    it = iter(child_values)
    args: list[_Num] = []
    for slot in template.slots:
        if slot is None:
            args.append(next(it))
        elif slot[1] is None:
            raise _NoValue(_short(slot[0]))
        else:
            args.append(slot[1])
    return args


def _forward(template: _Template, child_values: Sequence[_Num]) -> _Num:
    fast = _FAST.get(template.op)
    if fast is not None:
        return fast[0](_full_args(template, child_values))
    if template.op == "function":
        raise _NoValue(f"{template.head.__name__}(...)")
    mapping = {p: _to_sympy(v) for p, v in zip(template.placeholders, child_values)}
    return _evalf(template.formula, mapping)


def _local_values(template: _Template, child_values: Sequence[_Num], value: _Num) -> list[_Num]:
    fast = _FAST.get(template.op)
    if fast is not None:
        full = fast[1](_full_args(template, child_values), value)
        return [
            _check(v.compute() if isinstance(v, _Lazy) else v)
            for v, slot in zip(full, template.slots)
            if slot is None
        ]
    mapping = {p: _to_sympy(v) for p, v in zip(template.placeholders, child_values)}
    return [_evalf(d, mapping) for d in template.locals]


# ------------------------------------------------------------------ backprop


def _coerce_value(name: str, value: object) -> _Num:
    """A value for ``at``: exact for ints and rationals, float for floats."""
    if isinstance(value, bool):
        raise UsageError(f"the value of {name} must be a number, not {value!r}")
    if isinstance(value, str):
        return _parse_value(name, value)
    if isinstance(value, sympy.Basic):
        if isinstance(value, sympy.Expr) and value.is_number:
            try:
                return _to_num(value)
            except UnsupportedError as err:
                raise UsageError(f"the value of {name} must be a real number: {err}") from err
        raise UsageError(f"the value of {name} must be a number, not {_short(value)}")
    if isinstance(value, numbers.Rational):
        return Fraction(int(value.numerator), int(value.denominator))
    if isinstance(value, numbers.Real):
        result = float(value)
        if not math.isfinite(result):
            raise UsageError(f"the value of {name} must be finite, not {value!r}")
        return result
    raise UsageError(f"the value of {name} must be a number, not {value!r}")


_INT = re.compile(r"[+-]?\d+")
_RATIO = re.compile(r"([+-]?\d+)\s*/\s*(\d+)")
_FLOAT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def _parse_value(name: str, text: str) -> _Num:
    """A value typed as text: ``-2``, ``1/3``, ``0.5``, ``1e-3``, or a constant
    expression such as ``pi/2`` read by the parser (never ``eval``)."""
    stripped = text.strip()
    if len(stripped) > 1000:
        raise LimitError(f"the value of {name} is too long")
    if _INT.fullmatch(stripped):
        return Fraction(int(stripped))
    ratio = _RATIO.fullmatch(stripped)
    if ratio:
        if int(ratio.group(2)) == 0:
            raise UsageError(f"the value of {name} divides by zero: {text!r}")
        return Fraction(int(ratio.group(1)), int(ratio.group(2)))
    if _FLOAT.fullmatch(stripped):
        result = float(stripped)
        if not math.isfinite(result):
            raise UsageError(f"the value of {name} must be finite, not {text!r}")
        return result
    from chainrule.parsing import parse

    expr = parse(stripped)
    if not expr.is_number:
        raise UsageError(f"the value of {name} must be a number, not {text!r}")
    return _coerce_value(name, expr)


def _names(wrt: object) -> list[str]:
    if wrt is None:
        return []
    if isinstance(wrt, (str, sympy.Symbol)):
        wrt = [wrt]
    if not isinstance(wrt, Iterable):
        raise UsageError(f"wrt must be a name, a Symbol or a list of them, not {wrt!r}")
    names: list[str] = []
    for item in wrt:
        if isinstance(item, sympy.Symbol):
            names.append(item.name)
        elif isinstance(item, str):
            names.extend(part.strip() for part in item.split(",") if part.strip())
        else:
            raise UsageError(f"wrt must name variables, not {item!r}")
    return names


def _listing(names: Sequence[str], limit: int = 8) -> str:
    """``a, b, c`` or ``a, b, ... (12 in all)``."""
    if len(names) <= limit:
        return ", ".join(names)
    return ", ".join(names[:limit]) + f", ... ({len(names)} in all)"


def _natural(name: str) -> tuple[Any, ...]:
    """Sort key putting ``x2`` before ``x10``."""
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", name))


def _input_rank(name: str, text: str | None) -> tuple[Any, ...]:
    """Inputs in the order the text first mentions them, else by name."""
    position = float("inf")
    if text is not None:
        found = re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", text)
        if found:
            position = found.start()
    return (position, _natural(name))


def _lecture_order(raws: list[_Raw], root: int, text: str | None) -> list[int]:
    """The nodes the output reaches, in a topological order a lecture would use.

    Post-order from the output, visiting each operation's arguments by the
    earliest input they depend on (so ``(x + y)*z`` numbers ``x, y, x + y, z``
    although SymPy stores ``z*(x + y)``). Constant folding leaves unreachable
    raw nodes behind; they are dropped here.
    """
    names = sorted(
        {r.expr.name for r in raws if r.kind == "input"},
        key=lambda n: _input_rank(n, text),
    )
    rank = {n: i for i, n in enumerate(names)}
    key = [0] * len(raws)
    for rid, raw in enumerate(raws):  # raw ids are already topological
        if raw.kind == "input":
            key[rid] = rank[raw.expr.name]
        elif raw.kind == "constant":
            key[rid] = len(names)
        else:
            key[rid] = min(key[c] for c in raw.children)
    order: list[int] = []
    done = [False] * len(raws)
    stack: list[tuple[int, bool]] = [(root, False)]
    while stack:
        rid, expanded = stack.pop()
        if done[rid]:
            continue
        if expanded:
            done[rid] = True
            order.append(rid)
            continue
        stack.append((rid, True))
        kids = sorted(enumerate(raws[rid].children), key=lambda pc: (key[pc[1]], pc[0]))
        stack.extend((c, False) for _, c in reversed(kids) if not done[c])
    return order


def _fresh_names(count: int, taken: set[str]) -> list[str]:
    """``n1``, ``n2``, ... for the operations, and ``f`` (or ``L``) for the output."""
    if count == 0:
        return []
    names: list[str] = []
    k = 0
    while len(names) < count - 1:
        k += 1
        if f"n{k}" not in taken:
            names.append(f"n{k}")
    taken = taken | set(names)
    for out in ("f", "L", "out"):
        if out not in taken:
            return names + [out]
    while f"n{k}" in taken:
        k += 1
    return names + [f"n{k}"]


def backprop(
    expr: sympy.Expr | str,
    at: Mapping[str | sympy.Symbol, object] | None = None,
    *,
    wrt: str | sympy.Symbol | Iterable[str | sympy.Symbol] | None = None,
) -> Graph:
    """Build the computational graph of ``expr`` and run the forward and backward pass.

    Args:
        expr: a SymPy expression, or text for :func:`chainrule.parsing.parse`.
        at: the point: a value for every variable, by name or Symbol (ints,
            floats, Fractions, SymPy numbers, or number text such as ``"1/3"``).
            Without it the graph is symbolic.
        wrt: the variables :attr:`Graph.gradients` reports, in that order
            (default: every input, in order of first appearance).

    Returns:
        The :class:`Graph`, with every node's value and gradient and every
        edge's local, upstream and downstream gradient.

    Raises:
        VariableError: ``at`` misses a variable or names one the expression
            does not have; ``wrt`` names an unknown variable.
        UsageError: a value is not a real number, or the expression is undefined
            at the point (log of a negative number, division by zero, ...).
        UnsupportedError: the expression has a part that is not an operation
            on numbers (a Derivative, an Integral, a Piecewise, ...).
        LimitError: a symbolic graph too deep to print (give values instead).

    >>> import sympy
    >>> x = sympy.Symbol("x", real=True)
    >>> g = backprop(x*x + x, at={x: 3})
    >>> g.value, g.gradients
    (12, {'x': 7})
    >>> backprop(x*x + x).gradients
    {'x': 2*x + 1}
    """
    text: str | None = None
    if isinstance(expr, str):
        from chainrule.parsing import parse

        text = expr
        expr = parse(expr)
    if not isinstance(expr, sympy.Basic):
        raise UsageError(f"backprop needs an expression, not {type(expr).__name__}")

    builder = _Builder()
    root = builder.build(expr)
    raws = builder.raws

    order = _lecture_order(raws, root, text)
    new_id = {rid: i for i, rid in enumerate(order)}
    nodes_raw = [raws[rid] for rid in order]
    output = len(nodes_raw) - 1
    children = [tuple(new_id[c] for c in r.children) for r in nodes_raw]

    # Inputs (in the order the user wrote them), values, names.
    input_ids = [i for i, r in enumerate(nodes_raw) if r.kind == "input"]
    input_ids.sort(key=lambda i: _input_rank(nodes_raw[i].expr.name, text))
    input_names = [nodes_raw[i].expr.name for i in input_ids]
    symbolic = at is None
    values: list[_Num | None] = [r.value for r in nodes_raw]
    if not symbolic:
        assert at is not None
        given: dict[str, object] = {}
        for key, val in at.items():
            name = key.name if isinstance(key, sympy.Symbol) else str(key)
            given[name] = val
        known_names = set(input_names)
        unknown = [n for n in given if n not in known_names]
        if unknown:
            raise VariableError(
                f"{_listing(unknown)} {'is' if len(unknown) == 1 else 'are'} not "
                f"{'a variable' if len(unknown) == 1 else 'variables'} of the expression "
                f"(its variables: {_listing(input_names) or 'none'})"
            )
        missing = [n for n in input_names if n not in given]
        if missing:
            raise VariableError(
                f"no value for {_listing(missing)}: give every variable a value "
                f"(at={{'{missing[0]}': ...}}, or --at {missing[0]}=...), "
                "or none for a symbolic graph"
            )
        for i, name in zip(input_ids, input_names):
            values[i] = _coerce_value(name, given[name])
    wrt_names = _names(wrt) or list(input_names)
    for name in wrt_names:
        if name not in input_names:
            raise VariableError(
                f"{name} is not a variable of the expression "
                f"(its variables: {_listing(input_names) or 'none'})"
            )
    if len(set(wrt_names)) != len(wrt_names):
        raise UsageError("wrt names a variable twice")

    depth = [r.depth for r in nodes_raw]
    if symbolic and depth[output] > PRINTABLE_DEPTH:
        raise LimitError(
            f"the graph is {depth[output]} operations deep; symbolic gradients that deep "
            f"cannot be printed (the limit is {PRINTABLE_DEPTH}): give every variable a value"
        )

    taken = set(input_names) | builder.functions
    op_ids = [i for i, r in enumerate(nodes_raw) if r.kind == "op"]
    names: list[str] = [""] * len(nodes_raw)
    symbols: list[sympy.Expr] = [sympy.S.Zero] * len(nodes_raw)
    for i, r in enumerate(nodes_raw):
        if r.kind != "op":
            names[i] = r.expr.name if r.kind == "input" else sympy.sstr(r.expr)
            symbols[i] = r.expr
    for i, name in zip(op_ids, _fresh_names(len(op_ids), taken)):
        names[i] = name
        symbols[i] = sympy.Symbol(name, real=True)

    # Forward pass: definitions, local formulas and (with values) numbers.
    definitions: list[sympy.Expr] = [r.expr if r.kind != "op" else sympy.S.Zero for r in nodes_raw]
    locals_: list[tuple[sympy.Expr, ...]] = [()] * len(nodes_raw)
    local_values: list[list[_Num]] = [[] for _ in nodes_raw]
    for i in op_ids:
        t = nodes_raw[i].template
        assert t is not None
        child_syms = [symbols[c] for c in children[i]]
        it = iter(child_syms)
        args = [next(it) if s is None else s[0] for s in t.slots]
        definitions[i] = _definition(t, args)
        inputs_only = all(nodes_raw[c].kind == "input" for c in children[i])
        locals_[i] = _local_formulas(t, child_syms, definitions[i], inputs_only=inputs_only)
        if symbolic:
            continue
        child_values = [values[c] for c in children[i]]
        try:
            for c, v in zip(children[i], child_values):
                if v is None:
                    raise _NoValue(names[c])
            value = _forward(t, child_values)  # type: ignore[arg-type]
            values[i] = value
            local_values[i] = _local_values(t, child_values, value)  # type: ignore[arg-type]
        except _NoValue as err:
            raise UsageError(
                f"{err} applies an undefined function, so it has no value at a point; "
                "leave out the values for a symbolic graph"
            ) from err
        except (_DomainError, ZeroDivisionError, ValueError, OverflowError) as err:
            point = ", ".join(
                f"{names[c]} = {sympy.sstr(_to_sympy(v))}"  # type: ignore[arg-type]
                for c, v in zip(children[i], child_values)
                if nodes_raw[c].kind != "constant"
            )
            raise UsageError(
                f"{names[i]} = {sympy.sstr(definitions[i])} is undefined at {point} ({err})"
            ) from err

    # Backward pass, in reverse topological order: gradient 1 at the output, then
    # each edge's downstream = local × upstream, summed (+=) into its source.
    edge_ids: list[list[int]] = []
    edge_count = 0
    for i in range(len(nodes_raw)):
        edge_ids.append(list(range(edge_count, edge_count + len(children[i]))))
        edge_count += len(children[i])
    upstream: list[Any] = [None] * edge_count
    downstream: list[Any] = [None] * edge_count
    zero: Any = sympy.S.Zero if symbolic else Fraction(0)
    grads: list[Any] = [zero] * len(nodes_raw)
    grads[output] = sympy.S.One if symbolic else Fraction(1)
    for i in reversed(op_ids):
        for k, (c, e) in enumerate(zip(children[i], edge_ids[i])):
            local = locals_[i][k] if symbolic else local_values[i][k]
            upstream[e] = grads[i]
            downstream[e] = local * grads[i]
            grads[c] += downstream[e]

    cache: dict[tuple[type, _Num], sympy.Expr] = {}

    def out(value: Any) -> sympy.Expr:
        return value if symbolic else _to_sympy(value, cache)

    out_edges: list[list[int]] = [[] for _ in nodes_raw]
    for i in range(len(nodes_raw)):
        for c, e in zip(children[i], edge_ids[i]):
            out_edges[c].append(e)
    edges = tuple(
        Edge(
            id=e,
            source=c,
            target=i,
            position=k,
            local=locals_[i][k],
            local_value=None if symbolic else out(local_values[i][k]),
            upstream=out(upstream[e]),
            downstream=out(downstream[e]),
        )
        for i in range(len(nodes_raw))
        for k, (c, e) in enumerate(zip(children[i], edge_ids[i]))
    )
    nodes = tuple(
        Node(
            id=i,
            name=names[i],
            op=r.kind if r.kind != "op" else r.template.op,  # type: ignore[union-attr]
            expr=definitions[i],
            symbol=symbols[i],
            inputs=children[i],
            in_edges=tuple(edge_ids[i]),
            out_edges=tuple(out_edges[i]),
            value=None if symbolic or values[i] is None else out(values[i]),
            grad=out(grads[i]),
            depth=depth[i],
        )
        for i, r in enumerate(nodes_raw)
    )

    if symbolic:
        # The gradients in the inputs: every node name replaced by what it computes.
        full = {symbols[i]: nodes_raw[i].expr for i in op_ids}
        gradients = [grads[i].xreplace(full) for i in input_ids]
    else:
        gradients = [out(grads[i]) for i in input_ids]
    inputs = tuple(
        Input(
            name=name,
            symbol=nodes_raw[i].expr,
            node=i,
            value=nodes[i].value,
            gradient=g,
        )
        for i, name, g in zip(input_ids, input_names, gradients)
    )
    return Graph(
        expr=expr,
        text=text,
        nodes=nodes,
        edges=edges,
        output=output,
        inputs=inputs,
        wrt=tuple(wrt_names),
        symbolic=symbolic,
    )
