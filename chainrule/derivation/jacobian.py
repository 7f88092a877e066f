r"""Jacobians, each entry a derivation of its own, and the matrix chain rule.

The Jacobian of ``f = (f_1, ..., f_m)`` with respect to ``(x_1, ..., x_n)`` is
the m×n matrix ``J[i, j] = ∂f_i/∂x_j``; each entry is
``chainrule.derive(f_i, x_j)``, kept with its steps and verified.

With ``where`` — inner functions ``u = g_1(x), v = g_2(x)`` that the
components are written in — the chain rule for vector functions is a matrix
product::

    J_{f∘g}(x) = J_f(g(x)) · J_g(x)          (m×k)(k×n) = m×n
    ∂f_i/∂x_j = Σ_k ∂f_i/∂u_k · ∂u_k/∂x_j    (Leibniz, one entry)

Its 1×1 case is ``dy/dx = dy/du · du/dx``. The outer Jacobian ``J_f`` (by the
inner names), the inner ``J_g`` (by the variables) and their product are one
named step; every entry of the answer is also derived on its own by the
multivariable chain rule (``derive(f_i, x_j, where=...)``) and checked equal
to the product's entry.

>>> jacobian("r*cos(t), r*sin(t)", "r,t").result
Matrix([
[cos(t), -r*sin(t)],
[sin(t),  r*cos(t)]])
>>> j = jacobian("x**2*y", "m,n", where="x = m*n, y = m + n")
>>> j.chain.product.shape, j.result[0, 0]
((1, 2), m*n**2*(3*m + 2*n))
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, TypeAlias, cast

import sympy

from chainrule.display import Displayable
from chainrule.errors import LimitError, ParseError, UsageError, VariableError, VerificationError
from chainrule.parsing.inputs import read_definitions
from chainrule.printing import plain
from chainrule.recursion import run_deep

if TYPE_CHECKING:
    from chainrule.derivation.model import Derivation

__all__ = ["MAX_SIZE", "Jacobian", "JacobianEntry", "JacobianMatrix", "MatrixChain", "jacobian"]

#: The most components, variables or inner functions: each entry is a derivation,
#: and a larger matrix is no longer readable.
MAX_SIZE = 8

ExprLike: TypeAlias = "str | sympy.Expr"
Binding: TypeAlias = "tuple[sympy.Symbol, sympy.Expr]"
WhereLike: TypeAlias = (
    "Mapping[str | sympy.Symbol, ExprLike] | Iterable[tuple[str | sympy.Symbol, ExprLike]] | Iterable[str]"
    " | str | None"
)


@dataclass(frozen=True, kw_only=True)
class JacobianEntry:
    """One entry ``∂f_i/∂x_j`` of a Jacobian.

    Args:
        matrix: the name of the matrix it belongs to (``J``, ``J_f``, ``J_g``).
        row: ``i``, from 0.
        column: ``j``, from 0.
        name: the component's name (``f_1``; ``u`` for an inner function).
        expr: the component ``f_i``.
        wrt: the variable ``x_j``.
        result: the derivative.
        derivation: its steps, or ``None`` when ``f_i`` does not depend on ``x_j``
            (then ``result`` is 0).
    """

    matrix: str
    row: int
    column: int
    name: sympy.Symbol
    expr: sympy.Expr
    wrt: sympy.Symbol
    result: sympy.Expr
    derivation: Derivation | None

    @property
    def text(self) -> str:
        """One sentence: how the entry is found."""
        if self.derivation is None:
            f, x = self.name, self.wrt
            return f"{f} = {plain(self.expr)} does not depend on {x}, so d{f}/d{x} = 0."
        return str(self.derivation.steps[0].text)


@dataclass(frozen=True, kw_only=True)
class JacobianMatrix:
    """A Jacobian ``∂(f_1, ..., f_m)/∂(x_1, ..., x_n)`` and its entries, row by row."""

    name: str
    names: tuple[sympy.Symbol, ...]
    components: tuple[sympy.Expr, ...]
    wrt: tuple[sympy.Symbol, ...]
    entries: tuple[tuple[JacobianEntry, ...], ...]

    @property
    def result(self) -> sympy.ImmutableMatrix:
        return sympy.ImmutableMatrix([[entry.result for entry in row] for row in self.entries])

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.components), len(self.wrt)

    def walk(self) -> Iterator[JacobianEntry]:
        """The entries row by row."""
        for row in self.entries:
            yield from row


@dataclass(frozen=True, kw_only=True)
class MatrixChain:
    """The chain rule for vector functions: ``J_{f∘g}(x) = J_f(g(x)) · J_g(x)``.

    Args:
        outer: ``J_f``, the components by the inner names (``u, v``).
        inner: ``J_g``, the inner functions by the variables.
        outer_at_inner: ``J_f(g(x))``: ``J_f`` with the inner functions substituted.
        product: ``J_f(g(x)) · J_g(x)``, multiplied out, not simplified.
    """

    outer: JacobianMatrix
    inner: JacobianMatrix
    outer_at_inner: sympy.ImmutableMatrix
    product: sympy.ImmutableMatrix

    @property
    def text(self) -> str:
        """One sentence: the rule, the shapes, and entry (1, 1) written out."""
        (m, k), n = self.outer.shape, self.inner.shape[1]
        f, x = self.outer.names[0], self.inner.wrt[0]
        terms = " + ".join(f"d{f}/d{u}*d{u}/d{x}" for u in self.inner.names)
        return (
            f"Chain rule for vector functions: J = J_f(g) * J_g, a ({m}x{k})({k}x{n}) product giving "
            f"{m}x{n}; each entry sums over the inner functions, as in d{f}/d{x} = {terms}."
        )


@dataclass(frozen=True, kw_only=True)
class Jacobian(Displayable):
    """A Jacobian explained: every entry's derivation, and the matrix chain rule with ``where``.

    ``result`` is the matrix. ``steps`` lists, in reading order, the entries of
    ``J_f`` and ``J_g`` and the chain step (with ``where``), then the entries of
    ``J``.
    """

    view_kind: ClassVar[str] = "jacobian"

    input: str
    components: tuple[sympy.Expr, ...]
    wrt: tuple[sympy.Symbol, ...]
    where: tuple[Binding, ...]
    matrix: JacobianMatrix
    chain: MatrixChain | None = None

    @property
    def result(self) -> sympy.ImmutableMatrix:
        return self.matrix.result

    @property
    def steps(self) -> tuple[JacobianEntry | MatrixChain, ...]:
        found: list[JacobianEntry | MatrixChain] = []
        if self.chain is not None:
            found += [*self.chain.outer.walk(), *self.chain.inner.walk(), self.chain]
        found += self.matrix.walk()
        return tuple(found)

    def verify(self) -> Jacobian:
        """Check every entry's derivation, and the product against the entries."""
        for step in self.steps:
            if isinstance(step, JacobianEntry) and step.derivation is not None:
                step.derivation.verify()
        if self.chain is not None:
            _check_product(self.chain.product, self.matrix)
        return self

def jacobian(
    components: Sequence[ExprLike] | ExprLike,
    wrt: Sequence[str | sympy.Symbol] | str | None = None,
    where: WhereLike = None,
) -> Jacobian:
    """The Jacobian of ``components`` by ``wrt``, each entry derived step by step.

    Args:
        components: the functions ``f_1, ..., f_m``: a list of expressions, one string
            with commas between them (``"r*cos(t), r*sin(t)"``), or one SymPy expression.
        wrt: the variables, a list or ``"r,t"``; by default every variable of the
            components (of the ``where`` definitions, when given), in alphabetical order.
        where: inner functions the components are written in, ``{"u": "x*y"}`` or
            ``"u = x*y, v = x - y"``; the answer is then given by the matrix chain rule.

    Raises:
        ParseError: a component or definition is not an expression.
        UsageError: a variable or definition chainrule cannot use, named in the message.
        LimitError: more than ``MAX_SIZE`` components, variables or definitions.
    """
    return run_deep(_jacobian, components, wrt, where)


def _jacobian(components: Sequence[ExprLike] | ExprLike, wrt: object, where: WhereLike) -> Jacobian:
    if isinstance(components, sympy.Expr):
        components = [components]
    items = [components] if isinstance(components, str) else _as_list(components, "components")
    text = ", ".join(c if isinstance(c, str) else sympy.sstr(c) for c in items)
    funcs = _read_components(components)
    bindings = _read_where(where)
    variables = _read_wrt(wrt, funcs, bindings)
    _check_names(funcs, variables, bindings)
    f_names = _component_names(len(funcs))
    if not bindings:
        matrix = _jacobian_matrix("J", f_names, funcs, variables, ())
        return Jacobian(input=text, components=funcs, wrt=variables, where=(), matrix=matrix).verify()
    inner_names = tuple(name for name, _ in bindings)
    outer = _jacobian_matrix("J_f", f_names, funcs, inner_names, ())
    inner = _jacobian_matrix("J_g", inner_names, tuple(value for _, value in bindings), variables, ())
    outer_at_inner = outer.result.xreplace(dict(bindings))
    chain = MatrixChain(
        outer=outer, inner=inner, outer_at_inner=outer_at_inner, product=outer_at_inner * inner.result
    )
    matrix = _jacobian_matrix("J", f_names, funcs, variables, bindings)
    return Jacobian(
        input=text, components=funcs, wrt=variables, where=bindings, matrix=matrix, chain=chain
    ).verify()


# ------------------------------------------------------------------- building


def _derive() -> Callable[..., Derivation]:
    import chainrule

    return cast("Callable[..., Derivation]", chainrule.derive)


def _jacobian_matrix(
    name: str,
    names: Sequence[sympy.Symbol],
    funcs: Sequence[sympy.Expr],
    variables: Sequence[sympy.Symbol],
    bindings: Sequence[Binding],
) -> JacobianMatrix:
    derive = _derive()
    where = dict(bindings)
    rows = []
    for i, (f_name, f) in enumerate(zip(names, funcs)):
        row = []
        for j, x in enumerate(variables):
            depends = x in f.xreplace(where).free_symbols
            derivation = derive(f, x, where=where or None) if depends else None
            result = derivation.result if derivation is not None else sympy.S.Zero
            row.append(
                JacobianEntry(
                    matrix=name,
                    row=i,
                    column=j,
                    name=f_name,
                    expr=f,
                    wrt=x,
                    result=result,
                    derivation=derivation,
                )
            )
        rows.append(tuple(row))
    return JacobianMatrix(
        name=name, names=tuple(names), components=tuple(funcs), wrt=tuple(variables), entries=tuple(rows)
    )


def _component_names(count: int) -> tuple[sympy.Symbol, ...]:
    if count == 1:
        return (sympy.Symbol("f"),)
    return tuple(sympy.Symbol(f"f_{i + 1}") for i in range(count))


def _check_product(product: sympy.ImmutableMatrix, matrix: JacobianMatrix) -> None:
    for entry in matrix.walk():
        if not _equal(product[entry.row, entry.column], entry.result):
            raise VerificationError(
                f"entry ({entry.row + 1}, {entry.column + 1}) of J_f(g)*J_g, "
                f"{plain(product[entry.row, entry.column])}, differs from the derivative "
                f"{plain(entry.result)}",
                step=entry,
            )


def _equal(a: sympy.Expr, b: sympy.Expr) -> bool:
    """``a == b`` as functions: expanded, or else at random points (no full simplify)."""
    difference = sympy.expand(a - b)
    if difference == 0:
        return True
    symbols = sorted(difference.free_symbols, key=lambda s: s.name)
    rng = random.Random(0)  # a fixed sequence: the same answer on every run
    compared = 0
    for _ in range(20):
        point = {s: sympy.Rational(rng.randint(-300, 300), 97) for s in symbols}
        value = complex(sympy.N(difference.xreplace(point), 30))
        scale = 1 + abs(complex(sympy.N(a.xreplace(point), 30)))
        if value != value or abs(value) == float("inf"):  # nan or inf: try another point
            continue
        if abs(value) > 1e-9 * scale:
            return False
        compared += 1
        if compared == 5:
            return True
    return compared > 0


# ------------------------------------------------------------------ reading input


def _as_list(value: object, what: str) -> list[Any]:
    if isinstance(value, (str, sympy.Basic)) or not isinstance(value, Iterable):
        raise UsageError(f"{what} must be a list or a comma-separated string, not {value!r}")
    return list(value)


def _split(text: str) -> list[tuple[str, int]]:
    """``text`` cut at the commas outside brackets, with each part's offset."""
    parts, depth, start = [], 0, 0
    for i, c in enumerate(text):
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append((text[start:i], start))
            start = i + 1
    parts.append((text[start:], start))
    return parts


def _parse(text: str, whole: str, offset: int) -> sympy.Expr:
    """``chainrule.parse(text)``, a fault's column counted in ``whole``."""
    import chainrule

    parse = cast("Callable[[str], sympy.Expr]", chainrule.parse)
    try:
        return parse(text)
    except ParseError as err:
        column = None if err.column is None else err.column + offset
        raise ParseError(err.message, text=whole, column=column, hint=err.hint) from None


def _read_components(components: object) -> tuple[sympy.Expr, ...]:
    if isinstance(components, str):
        if not components.strip():
            raise UsageError("components must hold at least one expression")
        found = [_parse(part, components, offset) for part, offset in _split(components)]
    else:
        found = []
        for item in _as_list(components, "components"):
            if isinstance(item, str):
                found.append(_parse(item, item, 0))
            elif isinstance(item, sympy.Expr):
                found.append(_real(item))
            else:
                raise UsageError(f"components must be expressions, not {item!r}")
    if not found:
        raise UsageError("components must hold at least one expression")
    if len(found) > MAX_SIZE:
        raise LimitError(f"components may have at most {MAX_SIZE} entries, not {len(found)}")
    return tuple(found)


def _real(expr: sympy.Expr) -> sympy.Expr:
    """``expr`` with its variables real, as ``chainrule.parse`` makes them (calculus over the reals)."""
    symbols = [s for s in expr.free_symbols if isinstance(s, sympy.Symbol)]
    return expr.xreplace({s: sympy.Symbol(s.name, real=True) for s in symbols})


def _symbol(name: object, what: str) -> sympy.Symbol:
    if isinstance(name, sympy.Symbol):
        return sympy.Symbol(name.name, real=True)
    if not isinstance(name, str):
        raise UsageError(f"{what} must be variable names, not {name!r}")
    try:
        parsed = _parse(name, name, 0) if name.strip() else None
    except ParseError:
        parsed = None
    if not isinstance(parsed, sympy.Symbol):
        raise UsageError(f"{what} must be variable names such as x or theta, not {name!r}")
    return parsed


def _read_where(where: object) -> tuple[Binding, ...]:
    """The inner functions: a mapping, pairs, ``NAME=EXPR`` strings, or one string of them
    separated by commas (``"u=x*y, v=x-y"``)."""
    if where is None:
        return ()
    if isinstance(where, str):
        where = [part for part, _ in _split(where) if part.strip()]
    definitions = read_definitions(where)  # type: ignore[arg-type]
    if len(definitions) > MAX_SIZE:
        raise LimitError(
            f"{{where}} may define at most {MAX_SIZE} inner functions, not {len(definitions)}",
            parameters=("where",),
        )
    return tuple((name, _real(value)) for name, value in definitions.items())


def _names_sorted(symbols: Iterable[sympy.Basic]) -> tuple[sympy.Symbol, ...]:
    return tuple(sorted((s for s in symbols if isinstance(s, sympy.Symbol)), key=lambda s: s.name))


def _read_wrt(
    wrt: object, funcs: Sequence[sympy.Expr], bindings: Sequence[Binding]
) -> tuple[sympy.Symbol, ...]:
    if wrt is None:
        sources = [value for _, value in bindings] if bindings else list(funcs)
        found = _names_sorted(set().union(*(e.free_symbols for e in sources)))
        if not found:
            raise VariableError("the components have no variables; give wrt")
    else:
        items = [part for part, _ in _split(wrt)] if isinstance(wrt, str) else _as_list(wrt, "wrt")
        found = tuple(_symbol(item.strip() if isinstance(item, str) else item, "wrt") for item in items)
    if len(set(found)) != len(found):
        raise UsageError("wrt names a variable twice")
    if len(found) > MAX_SIZE:
        raise LimitError(f"wrt may have at most {MAX_SIZE} variables, not {len(found)}")
    return tuple(found)


def _check_names(
    funcs: Sequence[sympy.Expr], variables: Sequence[sympy.Symbol], bindings: Sequence[Binding]
) -> None:
    """With ``where``, the components reach the variables only through the inner functions."""
    names = {name for name, _ in bindings}
    for name, value in bindings:
        if name in variables:
            raise UsageError(f"where defines {name}, which is also a variable in wrt")
        inner = names & value.free_symbols
        if inner:
            raise UsageError(
                f"where: {name} = {plain(value)} uses {sorted(map(str, inner))[0]}, "
                "another inner function; define it in the variables directly"
            )
    if not bindings:
        return
    for i, f in enumerate(funcs):
        direct = [x for x in variables if x in f.free_symbols]
        if direct:
            raise UsageError(
                f"component {i + 1} ({plain(f)}) uses {direct[0]} directly; with where, the components "
                "may depend on the variables only through the inner functions"
            )
