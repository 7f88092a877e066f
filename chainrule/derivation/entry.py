"""derive(): read the input, choose the variable, run the engine, write the answer.

The entry point of every derivation. It reads what the caller gave (text or
SymPy's own objects, through the boundary), sends an equation to implicit
differentiation and a curve to the parametric reader, checks the order and
the intermediate names, runs ``engine.Engine`` and puts the answer in
textbook form (``simplify.final_form``), keeping the raw one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, overload

import sympy

from chainrule.derivation.bindings import hyperbolic_nest
from chainrule.derivation.dependencies import reachable
from chainrule.derivation.engine import make_engine
from chainrule.derivation.model import Derivation, Rule, Step, say
from chainrule.derivation.simplify import final_form
from chainrule.errors import UsageError, VariableError
from chainrule.parsing.equations import is_equation
from chainrule.parsing.inputs import Boundary, read_definitions, read_expr, read_symbol
from chainrule.printing import plain
from chainrule.recursion import run_deep

if TYPE_CHECKING:  # equations and curves are read only when asked for (start-up time)
    from chainrule.derivation.implicit import Implicit
    from chainrule.derivation.parametric import Parametric

MAX_ORDER = 20

ExprLike: TypeAlias = "str | sympy.Expr"


WhereLike: TypeAlias = (
    "Mapping[str | sympy.Symbol, ExprLike] | Iterable[tuple[str | sympy.Symbol, ExprLike]]"
    " | Iterable[str] | None"
)


@overload
def derive(
    expr: ExprLike,
    wrt: str | sympy.Symbol | None = None,
    *,
    order: int = 1,
    names: Sequence[str] | str | None = None,
    simplify: bool = True,
    where: WhereLike = None,
    implicit: None = None,
    parametric: Literal[False] = False,
) -> Derivation: ...


@overload
def derive(
    expr: ExprLike,
    wrt: str | sympy.Symbol | None = None,
    *,
    order: int = 1,
    names: Sequence[str] | str | None = None,
    simplify: bool = True,
    where: WhereLike = None,
    implicit: str | sympy.Symbol,
    parametric: Literal[False] = False,
) -> Implicit: ...


@overload
def derive(
    expr: ExprLike | Sequence[tuple[str | sympy.Symbol, ExprLike]],
    wrt: str | sympy.Symbol | None = None,
    *,
    order: int = 1,
    names: Sequence[str] | str | None = None,
    simplify: bool = True,
    where: WhereLike = None,
    implicit: None = None,
    parametric: Literal[True],
) -> Parametric: ...


@overload
def derive(
    expr: ExprLike | Sequence[tuple[str | sympy.Symbol, ExprLike]],
    wrt: str | sympy.Symbol | None = None,
    *,
    order: int = 1,
    names: Sequence[str] | str | None = None,
    simplify: bool = True,
    where: WhereLike = None,
    implicit: str | sympy.Symbol | None = None,
    parametric: bool = False,
) -> Derivation | Implicit | Parametric: ...


def derive(
    expr: ExprLike | Sequence[tuple[str | sympy.Symbol, ExprLike]],
    wrt: str | sympy.Symbol | None = None,
    *,
    order: int = 1,
    names: Sequence[str] | str | None = None,
    simplify: bool = True,
    where: WhereLike = None,
    implicit: str | sympy.Symbol | None = None,
    parametric: bool = False,
) -> Derivation | Implicit | Parametric:
    """Differentiate ``expr`` step by step.

    Args:
        expr: the expression, as text (read by ``chainrule.parse``) or SymPy; with
            ``implicit``, an equation (``"x**2 + y**2 = 25"`` or a SymPy ``Eq``); with
            ``parametric``, the curve (``"x = cos(t)**3, y = sin(t)**3"`` or pairs).
        wrt: the variable; inferred when the expression has exactly one.
        order: how many times to differentiate.
        names: names for intermediate variables, used before ``u, v, w``.
        simplify: write the answer in textbook form (``simplify.final_form``); the raw answer is kept.
        where: definitions of intermediate variables, e.g. ``{"x": "m*n"}``, for the
            multivariable chain rule; a quantity that changes with the variable,
            ``{"r": "r(t)"}``, is differentiated by the ordinary chain rule (related rates).
        implicit: differentiate the equation ``expr`` implicitly and solve for the
            derivative of this quantity (``"y"``: ``y = y(x)``); gives an ``Implicit``.
        parametric: ``expr`` is a parametric curve ``x = f(t), y = g(t)``: find
            ``dy/dx = (dy/dt)/(dx/dt)``; gives a ``Parametric``.

    >>> derive("x**3").result
    3*x**2
    >>> derive("g(h(i(x)))", names="y,z").root.bindings
    ((y, i(x)), (z, h(y)))
    >>> derive("x**2 + y**2 = 25", implicit="y").result
    -x/y
    >>> derive("x = cos(t)**3, y = sin(t)**3", parametric=True).result
    -tan(t)
    """
    return run_deep(
        _dispatch, expr, wrt, order=order, names=names, simplify=simplify, where=where,
        implicit=implicit, parametric=parametric,
    )


def _dispatch(
    expr: Any,
    wrt: str | sympy.Symbol | None,
    *,
    order: int,
    names: Sequence[str] | str | None,
    simplify: bool,
    where: WhereLike,
    implicit: str | sympy.Symbol | None,
    parametric: bool,
) -> Derivation | Implicit | Parametric:
    """An expression, an equation (``implicit``) or a curve (``parametric``), each to its reader."""
    boundary = Boundary.of(expr, wrt, where)

    def choose_wrt(
        e: sympy.Expr, w: str | sympy.Symbol | None, m: Mapping[sympy.Symbol, sympy.Expr]
    ) -> sympy.Symbol:
        return _choose_wrt(e, w, m, boundary)

    if parametric:
        if implicit is not None:
            raise UsageError(
                "{implicit} and {parametric} cannot go together", parameters=("implicit", "parametric")
            )
        if where:
            raise UsageError(
                "{where} does not apply to a parametric curve", parameters=("where", "parametric")
            )
        _check_order(order)
        from chainrule.derivation import parametric as parametric_module

        return parametric_module.read(
            expr, wrt, order=order, simplify=simplify, choose_wrt=choose_wrt,
            make_engine=lambda exprs, variable: make_engine(exprs, variable, names, {})[0].derive,
        )
    if not isinstance(expr, (str, sympy.Basic)):
        raise UsageError(
            f"{{expr}} must be a string or a SymPy expression, not {type(expr).__name__}",
            parameters=("expr",),
        )
    if implicit is None:
        return _derive(expr, wrt, order=order, names=names, simplify=simplify, where=where, boundary=boundary)
    _check_order(order)
    from chainrule.derivation import implicit as implicit_module

    return implicit_module.read(
        expr, wrt, implicit=implicit, order=order, where=_read_where(where, boundary), simplify=simplify,
        choose_wrt=choose_wrt, make_engine=lambda exprs, variable, where_map: make_engine(
            exprs, variable, names, where_map)[0].derive,
    )


def _check_order(order: object) -> None:
    if not isinstance(order, int) or isinstance(order, bool) or not 1 <= order <= MAX_ORDER:
        raise UsageError(
            f"{{order}} must be a whole number from 1 to {MAX_ORDER}, not {order!r}", parameters=("order",)
        )


def _read_where(where: WhereLike, boundary: Boundary) -> dict[sympy.Symbol, sympy.Expr]:
    where_map = read_definitions(where, boundary=boundary)
    reach = reachable(where_map)  # once: each call walks every definition
    for name in where_map:
        if name in reach[name]:
            raise UsageError(
                f"the {{where}} definitions are circular: {name} depends on itself", parameters=("where",)
            )
    return where_map


def _derive(
    expr: ExprLike,
    wrt: str | sympy.Symbol | None,
    *,
    order: int,
    names: Sequence[str] | str | None,
    simplify: bool,
    where: WhereLike,
    boundary: Boundary,
) -> Derivation:
    text = expr if isinstance(expr, str) else sympy.sstr(expr)
    if isinstance(expr, str) and is_equation(expr):
        raise UsageError(
            f"{expr.strip()} is an equation: name the quantity that depends on the variable with "
            "{implicit} (y, for y = y(x)), or use {parametric} for a curve x = f(t), y = g(t)",
            parameters=("implicit", "parametric"),
        )
    expression = read_expr(expr, boundary=boundary)
    where_map = _read_where(where, boundary)
    variable = _choose_wrt(expression, wrt, where_map, boundary)
    _check_order(order)
    engine, preferred = make_engine([expression], variable, names, where_map)
    root = engine.derive_order(expression, variable, order)
    raw = root.result
    final, simplification = raw, None
    if simplify and not hyperbolic_nest(raw):  # tanh(0.5*tanh(...)): minutes in the final form
        final = final_form(raw, variable)
        if final != raw and plain(final) == plain(raw):
            final = raw  # the same as printed (2*(x + y*y') is shown distributed): no step to show
        if final != raw:
            simplification = Step(
                rule=Rule.SIMPLIFY,
                expr=expression,
                wrt=variable,
                result=final,
                order=order,
                text=say("Simplify the result."),
            )
    derivation = Derivation(
        input=text,
        expr=expression,
        wrt=variable,
        order=order,
        root=root,
        raw_result=raw,
        result=final,
        simplification=simplification,
        where=tuple(where_map.items()),
        names=preferred,
    )
    if boundary.identity:
        return derivation
    callers = derivation.mapped(boundary.to_caller)
    return dataclasses.replace(
        callers, internal=derivation, renamed=tuple(sorted(boundary.renamed.items()))
    )


def _choose_wrt(
    expr: sympy.Expr,
    wrt: str | sympy.Symbol | None,
    where: Mapping[sympy.Symbol, sympy.Expr],
    boundary: Boundary,
) -> sympy.Symbol:
    """The variable to differentiate by: the one given, or the only one there is.

    A variable the expression does not contain is fine: the derivative is 0,
    as for a partial derivative (the constant rule says why); an expression
    with no variable at all is differentiated by ``x``.
    """
    base = set(expr.free_symbols)
    reach = reachable(where) if where else {}
    for defined in where:
        if defined in base:
            base |= reach[defined]
    candidates = sorted((s for s in base if s not in where), key=lambda s: s.name)
    if wrt is None:
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            return sympy.Symbol("x", real=True)
        listed = ", ".join(s.name for s in candidates)
        raise VariableError(
            f"{plain(expr)} has several variables ({listed}); choose one with {{wrt}}{_glued_hint(expr)}",
            parameters=("wrt",),
        )
    return read_symbol(wrt, boundary=boundary)


def _glued_hint(expr: sympy.Expr) -> str:
    """``(xy is one name: write x*y for the product)`` when a name is letters also used alone."""
    names = {s.name for s in expr.free_symbols}
    glued = sorted(n for n in names if len(n) > 1 and all(c in names for c in n))
    if not glued:
        return ""
    product = "*".join(glued[0])
    return f" ({glued[0]} is one name: write {product} or {' '.join(glued[0])} for the product)"
