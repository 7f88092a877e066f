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

:func:`backprop` is four steps: :func:`chainrule.graph.build.build` (the
nodes), :func:`forward` (values and local gradients at the point),
:func:`backward` (upstream and downstream gradient of every edge) and
:func:`assemble` (the frozen :class:`~chainrule.graph.model.Graph`). The
operations and their local gradients are in :mod:`chainrule.graph.ops`.

Values (with ``at``): exact where that is cheap, floats otherwise. Inputs given
as ``int``, ``Fraction`` or SymPy rationals stay exact through ``add``, ``sub``,
``neg``, ``mul``, ``div``, integer powers, ``abs``, ``max``, ``min`` and
``relu``; a float input, an irrational constant or a transcendental function
(``exp``, ``tanh``, ...) gives a float, and every node computed from a float is
a float. Each node is evaluated from its inputs' values alone, so the work per
node is O(1) whatever the depth.

Without ``at`` everything is symbolic: node gradients are formulas in the node
names (``∂f/∂n1 = Dense_3'(n2)*Dense_2'(n1)``), and :attr:`Graph.gradients` are
formulas in the inputs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy

from chainrule.errors import ChainruleError, LimitError, UsageError, VariableError
from chainrule.graph.build import Built, build, short
from chainrule.graph.model import PRINTABLE_DEPTH, Edge, Graph, Input, Node
from chainrule.graph.values import NoValue, Num, TooLarge, checked, to_sympy
from chainrule.parsing.inputs import as_fraction, read_expr, read_point, read_symbol, read_value
from chainrule.recursion import run_deep

__all__ = ["assemble", "backprop", "backward", "forward"]


def backprop(
    expr: sympy.Expr | str,
    at: Mapping[Any, object] | Iterable[Any] | None = None,
    *,
    wrt: str | sympy.Symbol | Iterable[str | sympy.Symbol] | None = None,
) -> Graph:
    """Build the computational graph of ``expr`` and run the forward and backward pass.

    Args:
        expr: a SymPy expression, or text for :func:`chainrule.parsing.parse`.
        at: the point: a value for every variable, by name or Symbol (ints,
            floats, Fractions, SymPy numbers, or number text such as ``"1/3"``;
            also ``(name, value)`` pairs or ``NAME=VALUE`` text). Without it the
            graph is symbolic.
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
        LimitError: a symbolic graph too deep to print (give values instead), a
            value too large to keep exactly or in a float.

    Every failure is a :class:`~chainrule.errors.ChainruleError`.

    >>> import sympy
    >>> x = sympy.Symbol("x", real=True)
    >>> g = backprop(x*x + x, at={x: 3})
    >>> g.value, g.gradients
    (12, {'x': 7})
    >>> backprop(x*x + x).gradients
    {'x': 2*x + 1}
    """
    return run_deep(_backprop_bounded, expr, at, wrt)


def _backprop_bounded(expr: object, at: object, wrt: object) -> Graph:
    try:
        return _backprop(expr, at, wrt)
    except RecursionError:
        raise LimitError("the expression is nested too deeply for a computational graph") from None
    except MemoryError:
        raise LimitError("the computational graph does not fit in memory") from None


def _backprop(expr: object, at: object, wrt: object) -> Graph:
    text = expr if isinstance(expr, str) else None
    tree = read_expr(expr)
    built = build(tree, text)
    names = [built.nodes[i].name for i in built.inputs]
    point = None if at is None else _read_point(at, names)
    wrt_names = _read_wrt(wrt, names)
    depth = built.nodes[-1].depth
    if point is None and depth > PRINTABLE_DEPTH:
        raise LimitError(
            f"the graph is {depth} operations deep; symbolic gradients that deep cannot be printed "
            f"(the limit is {PRINTABLE_DEPTH}): give every variable a value ({{at}})",
            parameters=("at",),
        )
    symbols = [sympy.Symbol(n.name, real=True) if n.kind == "op" else n.expr for n in built.nodes]
    definitions = [n.op.formula([symbols[c] for c in n.children]) if n.op else n.expr for n in built.nodes]
    numbers = None if point is None else forward(built, point, definitions)
    locals_ = _local_formulas(built, symbols, definitions)
    gradients = backward(built, locals_ if numbers is None else numbers.locals, symbolic=numbers is None)
    return assemble(tree, text, built, symbols, definitions, locals_, numbers, gradients, tuple(wrt_names))


# ------------------------------------------------------------------ reading


def _read_point(at: object, names: Sequence[str]) -> dict[str, Num]:
    """Every input's value, exact or float; unknown or missing names are errors."""
    known = set(names)
    given: dict[str, sympy.Expr] = {}
    if isinstance(at, Mapping):
        for key, value in at.items():
            name = key if isinstance(key, str) and key in known else read_symbol(key, parameter="at").name
            if name in given:
                raise UsageError(f"{{at}} gives {name} twice", parameters=("at",))
            given[name] = read_value(name, value)
    elif isinstance(at, Iterable):
        given = {symbol.name: value for symbol, value in read_point(at)}
    else:
        raise UsageError(
            f"{{at}} must map each variable to a number ({{'x': 2}}), not {type(at).__name__}",
            parameters=("at",),
        )
    unknown = [n for n in given if n not in known]
    if unknown:
        one = len(unknown) == 1
        raise VariableError(
            f"{_listing(unknown)} {'is not a variable' if one else 'are not variables'} of the expression "
            f"(its variables: {_listing(names) or 'none'})"
        )
    missing = [n for n in names if n not in given]
    if missing:
        raise VariableError(
            f"no value for {_listing(missing)}: give every variable a value in {{at}}, "
            "or none for a symbolic graph",
            parameters=("at",),
        )
    return {name: _number(name, given[name]) for name in names}


def _number(name: str, value: sympy.Expr) -> Num:
    real = value.is_extended_real
    if real is None:
        real = value.evalf(20).as_real_imag()[1] == 0
    if not real:
        raise UsageError(
            f"the value of {name} ({{at}}) must be a real number, not {value}", parameters=("at",)
        )
    try:
        return checked(as_fraction(value))
    except TooLarge as err:
        raise LimitError(f"the value of {name} ({{at}}) is too large ({err})", parameters=("at",)) from None


def _read_wrt(wrt: object, names: Sequence[str]) -> list[str]:
    """The names ``wrt`` asks for, each a variable of the expression, each once."""
    if wrt is None:
        return list(names)
    items: Iterable[Any] = [wrt] if isinstance(wrt, (str, sympy.Symbol)) else wrt  # type: ignore[assignment]
    if not isinstance(items, Iterable):
        raise UsageError(
            f"{{wrt}} must be a name, a Symbol or a list of them, not {wrt!r}", parameters=("wrt",)
        )
    wanted: list[str] = []
    for item in items:
        parts = [p for p in item.split(",") if p.strip()] if isinstance(item, str) else [item]
        wanted.extend(read_symbol(p, parameter="wrt").name for p in parts)
    known = set(names)
    for name in wanted:
        if name not in known:
            raise VariableError(
                f"{name} is not a variable of the expression (its variables: {_listing(names) or 'none'})"
            )
    if len(set(wanted)) != len(wanted):
        raise UsageError("{wrt} names a variable twice", parameters=("wrt",))
    return wanted or list(names)


def _listing(names: Sequence[str], limit: int = 8) -> str:
    """``a, b, c`` or ``a, b, ... (12 in all)``."""
    if len(names) <= limit:
        return ", ".join(names)
    return ", ".join(names[:limit]) + f", ... ({len(names)} in all)"


# ------------------------------------------------------------------ formulas


def _local_formulas(
    built: Built, symbols: Sequence[sympy.Expr], definitions: Sequence[sympy.Expr]
) -> list[tuple[sympy.Expr, ...]]:
    """Every node's local gradients ``∂node/∂input`` as formulas in node names."""
    result: list[tuple[sympy.Expr, ...]] = []
    for node, definition in zip(built.nodes, definitions):
        if node.op is None:
            result.append(())
            continue
        args = [symbols[c] for c in node.children]
        inputs = all(built.nodes[c].kind == "input" for c in node.children)
        result.append(node.op.local_formulas(args, definition, inputs=inputs))
    return result


# ------------------------------------------------------------------- forward


@dataclass(frozen=True)
class Numbers:
    """The forward pass at a point: every node's value and every edge's local gradient."""

    values: list[Num | None]
    locals: list[list[Num]]


def forward(built: Built, point: Mapping[str, Num], definitions: Sequence[sympy.Expr]) -> Numbers:
    """Values node by node from the inputs' values alone, and the local gradients beside them."""
    values: list[Num | None] = []
    local_values: list[list[Num]] = []
    for node, definition in zip(built.nodes, definitions):
        if node.op is None:
            values.append(point[node.name] if node.kind == "input" else node.value)
            local_values.append([])
            continue
        args = [values[c] for c in node.children]
        try:
            missing = next((c for c, v in zip(node.children, args) if v is None), None)
            if missing is not None:
                raise NoValue(built.nodes[missing].name)
            value = node.op.value(args)  # type: ignore[arg-type]
        except (NoValue, ArithmeticError, ValueError) as err:
            raise _undefined(built, node.children, values, f"{node.name} = {short(definition)}", err) from err
        try:
            local = [checked(v) for v in node.op.local_values(args, value)]  # type: ignore[arg-type]
        except (ArithmeticError, ValueError) as err:  # x**(1/3) at 0 has a value, not a derivative
            where = f"{node.name} = {short(definition)} is not differentiable"
            raise _undefined(built, node.children, values, where, err, gradient=True) from err
        values.append(value)
        local_values.append(local)
    return Numbers(values, local_values)


def _undefined(
    built: Built,
    children: Sequence[int],
    values: Sequence[Num | None],
    where: str,
    err: Exception,
    *,
    gradient: bool = False,
) -> ChainruleError:
    """The one error for a node that has no value at the point."""
    if isinstance(err, NoValue):
        return UsageError(
            f"{err} applies an undefined function, so it has no value at a point; "
            "leave out {at} for a symbolic graph",
            parameters=("at",),
        )
    point = ", ".join(
        f"{built.nodes[c].name} = {_shown(values[c])}" for c in children if built.nodes[c].kind != "constant"
    )
    at = f" at {point}" if point else ""
    if isinstance(err, (TooLarge, OverflowError)):
        reason = str(err) if isinstance(err, TooLarge) else "overflows a float"
        return LimitError(f"{where}{at} is too large ({reason})")
    if gradient:
        return UsageError(f"{where}{at}: its local gradient is undefined there ({err})")
    return UsageError(f"{where} is undefined{at} ({err})")


def _shown(value: Num | None) -> str:
    """A value for a message: ``-2``, ``1/3``, ``0.5``; a huge one as ``1234…6789 (1,001 digits)``."""
    if value is None:
        return "?"
    text = sympy.sstr(to_sympy(value)) if not isinstance(value, Fraction) else str(value)
    digits = sum(c.isdigit() for c in text)
    return text if len(text) <= 40 else f"{text[:6]}…{text[-6:]} ({digits:,} digits)"


# ------------------------------------------------------------------ backward


@dataclass(frozen=True)
class Gradients:
    """The backward pass: every node's gradient, every edge's upstream and downstream gradient."""

    nodes: list[Any]
    upstream: list[Any]
    downstream: list[Any]


def backward(built: Built, local: Sequence[Sequence[Any]], *, symbolic: bool) -> Gradients:
    """Gradient 1 at the output, then the nodes in reverse: downstream = local × upstream.

    A node's gradient is the sum of its outgoing edges' downstream gradients.
    Numbers are summed as they come (micrograd's ``+=``); formulas are kept as
    lists of terms and summed once (``Add(*terms)``), never re-sorting a
    growing sum at every edge.
    """
    nodes = built.nodes
    starts = _edge_starts(built)
    count = starts[-1] if starts else 0
    upstream: list[Any] = [None] * count
    downstream: list[Any] = [None] * count
    terms: list[list[Any]] = [[] for _ in nodes]
    totals: list[Any] = [None] * len(nodes)
    for i in range(len(nodes) - 1, -1, -1):
        totals[i] = _total(terms[i], symbolic) if i != len(nodes) - 1 else _one(symbolic)
        terms[i] = []
        for k, child in enumerate(nodes[i].children):
            e = starts[i] + k
            upstream[e] = totals[i]
            downstream[e] = local[i][k] * totals[i] if symbolic else checked(local[i][k] * totals[i])
            terms[child].append(downstream[e])
    return Gradients(totals, upstream, downstream)


def _one(symbolic: bool) -> Any:
    return sympy.S.One if symbolic else Fraction(1)


def _total(terms: list[Any], symbolic: bool) -> Any:
    if symbolic:
        return sympy.Add(*terms) if len(terms) != 1 else terms[0]
    total: Num = Fraction(0)
    for term in terms:
        total = checked(total + term)
    return total


def _edge_starts(built: Built) -> list[int]:
    """The id of each node's first in-edge (edges are grouped by target), and the count last."""
    starts = [0]
    for node in built.nodes:
        starts.append(starts[-1] + len(node.children))
    return starts


# ------------------------------------------------------------------ assemble


def assemble(
    tree: sympy.Expr,
    text: str | None,
    built: Built,
    symbols: Sequence[sympy.Expr],
    definitions: Sequence[sympy.Expr],
    local_formulas: Sequence[tuple[sympy.Expr, ...]],
    numbers: Numbers | None,
    gradients: Gradients,
    wrt: tuple[str, ...],
) -> Graph:
    """The frozen :class:`Graph`: numbers as SymPy (``Rational`` or ``Float``), ids as positions."""
    cache: dict[tuple[type, Num], sympy.Expr] = {}

    def out(value: Any) -> Any:
        if numbers is None or value is None:
            return value
        key = (type(value), value)
        if key not in cache:
            cache[key] = to_sympy(value)
        return cache[key]

    starts = _edge_starts(built)
    edges: list[Edge] = []
    out_edges: list[list[int]] = [[] for _ in built.nodes]
    for i, node in enumerate(built.nodes):
        for k, child in enumerate(node.children):
            e = starts[i] + k
            out_edges[child].append(e)
            edges.append(
                Edge(
                    id=e,
                    source=child,
                    target=i,
                    position=k,
                    local=local_formulas[i][k],
                    local_value=None if numbers is None else out(numbers.locals[i][k]),
                    upstream=out(gradients.upstream[e]),
                    downstream=out(gradients.downstream[e]),
                )
            )
    nodes = tuple(
        Node(
            id=i,
            name=node.name,
            op=node.op.name if node.op else node.kind,
            expr=definitions[i],
            symbol=symbols[i],
            inputs=node.children,
            in_edges=tuple(range(starts[i], starts[i + 1])),
            out_edges=tuple(out_edges[i]),
            value=None if numbers is None else out(numbers.values[i]),
            grad=out(gradients.nodes[i]),
            depth=node.depth,
        )
        for i, node in enumerate(built.nodes)
    )
    return Graph(
        expr=tree,
        text=text,
        nodes=nodes,
        edges=tuple(edges),
        output=len(nodes) - 1,
        inputs=_inputs(built, nodes, symbols, numbers is None),
        wrt=wrt,
        symbolic=numbers is None,
    )


def _inputs(
    built: Built, nodes: Sequence[Node], symbols: Sequence[sympy.Expr], symbolic: bool
) -> tuple[Input, ...]:
    """The inputs with their gradients: in symbolic mode, node names replaced by what they compute.

    A node's definition (``tanh(n1)``, inside ``1 - tanh(n1)**2``) is replaced
    whole by the expression's own subtree, so SymPy does not build and
    evaluate ``tanh(w*x)`` again for every gradient that mentions it.
    """
    full: dict[sympy.Basic, sympy.Expr] = {}
    if symbolic:
        for i, node in enumerate(built.nodes):
            if node.kind == "op":
                full[symbols[i]] = full[nodes[i].expr] = node.expr
    return tuple(
        Input(
            name=nodes[i].name,
            symbol=built.nodes[i].expr,
            node=i,
            value=nodes[i].value,
            gradient=nodes[i].grad.xreplace(full) if symbolic else nodes[i].grad,
        )
        for i in built.inputs
    )
