"""derive(): turn an expression into a tree of steps.

The engine tries the rules of ``rules.RULES`` in order on each
sub-expression. It owns what the rules cannot know alone: fresh names for
intermediate variables, the chain decomposition (all links of ``g(h(i(x)))``
in one step), the multivariable chain rule over the user's ``where``
definitions, and the final, bounded simplification.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Literal, TypeAlias, overload

import sympy
from sympy.core.function import AppliedUndef

from chainrule.derivation import implicit as implicit_module
from chainrule.derivation import parametric as parametric_module
from chainrule.derivation import rules
from chainrule.derivation.bindings import is_dependent
from chainrule.derivation.implicit import Implicit
from chainrule.derivation.model import Binding, Derivation, Rule, Step
from chainrule.derivation.parametric import Parametric
from chainrule.derivation.simplify import final_form
from chainrule.errors import UnsupportedError, UsageError, VariableError
from chainrule.parsing.equations import is_equation
from chainrule.parsing.inputs import read_definitions, read_expr, read_names, read_symbol
from chainrule.printing import plain
from chainrule.recursion import deep_recursion

DEFAULT_NAMES = ("u", "v", "w")
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
    with deep_recursion():
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
            return parametric_module.read(
                expr, wrt, order=order, simplify=simplify, choose_wrt=_choose_wrt,
                make_engine=lambda exprs, variable: _engine(exprs, variable, names, {})[0].derive,
            )
        if not isinstance(expr, (str, sympy.Basic)):
            raise UsageError(
                f"{{expr}} must be a string or a SymPy expression, not {type(expr).__name__}",
                parameters=("expr",),
            )
        if implicit is None:
            return _derive(expr, wrt, order=order, names=names, simplify=simplify, where=where)
        _check_order(order)
        return implicit_module.read(
            expr, wrt, implicit=implicit, order=order, where=_read_where(where), simplify=simplify,
            choose_wrt=_choose_wrt, make_engine=lambda exprs, variable, where_map: _engine(
                exprs, variable, names, where_map)[0].derive,
        )


def _check_order(order: object) -> None:
    if not isinstance(order, int) or isinstance(order, bool) or not 1 <= order <= MAX_ORDER:
        raise UsageError(
            f"{{order}} must be a whole number from 1 to {MAX_ORDER}, not {order!r}", parameters=("order",)
        )


def _read_where(where: WhereLike) -> dict[sympy.Symbol, sympy.Expr]:
    where_map = read_definitions(where)
    for name in where_map:
        if name in _reachable(where_map)[name]:
            raise UsageError(
                f"the {{where}} definitions are circular: {name} depends on itself", parameters=("where",)
            )
    return where_map


def _engine(
    exprs: Sequence[sympy.Expr], variable: sympy.Symbol, names: Sequence[str] | str | None,
    where_map: dict[sympy.Symbol, sympy.Expr],
) -> tuple[_Engine, tuple[str, ...]]:
    """An engine for ``exprs``: the user's intermediate names checked against the names used."""
    preferred = read_names(names)
    symbols = _symbol_names(*exprs, *where_map.values()) | {s.name for s in where_map} | {variable.name}
    taken = symbols | _function_names(*exprs, *where_map.values())
    clash = [n for n in preferred if n in taken]
    if clash:
        raise UsageError(
            f"intermediate name {clash[0]!r} ({{names}}) is already used in the expression",
            parameters=("names",),
        )
    return _Engine(names=_NameSupply(preferred, taken, symbols), where=where_map), preferred


def _derive(
    expr: ExprLike,
    wrt: str | sympy.Symbol | None,
    *,
    order: int,
    names: Sequence[str] | str | None,
    simplify: bool,
    where: WhereLike,
) -> Derivation:
    text = expr if isinstance(expr, str) else sympy.sstr(expr)
    if isinstance(expr, str) and is_equation(expr):
        raise UsageError(
            f"{expr.strip()} is an equation: name the quantity that depends on the variable with "
            "{implicit} (y, for y = y(x)), or use {parametric} for a curve x = f(t), y = g(t)",
            parameters=("implicit", "parametric"),
        )
    expression = read_expr(expr)
    where_map = _read_where(where)
    variable = _choose_wrt(expression, wrt, where_map)
    _check_order(order)
    engine, preferred = _engine([expression], variable, names, where_map)
    root = engine.derive_order(expression, variable, order)
    raw = root.result
    final, simplification = raw, None
    if simplify:
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
                text=f"Simplify the result: {plain(raw)} = {plain(final)}.",
            )
    return Derivation(
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


class _NameSupply:
    """Fresh intermediate names: the user's first, then u, v, w, u_1, u_2, ..."""

    def __init__(self, preferred: Sequence[str], taken: set[str], symbols: set[str]) -> None:
        self._queue = list(preferred) + [n for n in DEFAULT_NAMES if n not in preferred]
        self._taken = set(taken)
        self._symbols = set(symbols)  # names of variables: never reused, unlike function names
        self._counter = 0

    def take(self) -> sympy.Symbol:
        while self._queue:
            name = self._queue.pop(0)
            if name not in self._taken:
                self._taken.add(name)
                return sympy.Symbol(name, real=True)
        while True:
            self._counter += 1
            name = f"u_{self._counter}"
            if name not in self._taken:
                self._taken.add(name)
                return sympy.Symbol(name, real=True)

    def reserve(self, name: str) -> sympy.Symbol | None:
        """A variable named like the function ``name`` (``x`` for ``x(m, n)``), unless taken."""
        if name in self._symbols:
            return None
        self._symbols.add(name)
        self._taken.add(name)
        return sympy.Symbol(name, real=True)


class _Engine:
    """One derivation's state: its name supply and its ``where`` definitions."""

    def __init__(self, *, names: _NameSupply, where: dict[sympy.Symbol, sympy.Expr]) -> None:
        self._names = names
        self._where = where
        self._reach = _reachable(where)
        self._held = False  # True while deriving a partial that holds the where-names fixed
        self._free: dict[int, tuple[sympy.Basic, frozenset[sympy.Basic]]] = {}

    def free_symbols(self, expr: sympy.Basic) -> frozenset[sympy.Basic]:
        """``expr.free_symbols``, remembered for every subtree during this derivation.

        SymPy recomputes ``free_symbols`` over the whole tree on every call, so asking
        it at each link of a chain of depth d costs O(d²); here each subtree is
        visited once. A node whose class computes ``free_symbols`` its own way
        (a symbol, a ``Derivative``, a ``Subs``) is asked directly.
        """
        memo = self._free
        found = memo.get(id(expr))
        if found is not None:
            return found[1]
        stack = [expr]
        while stack:
            node = stack[-1]
            if id(node) in memo:
                stack.pop()
                continue
            if not _plain_free_symbols(type(node)):
                memo[id(node)] = (node, frozenset(node.free_symbols))
                stack.pop()
                continue
            pending = [a for a in node.args if id(a) not in memo]
            if pending:
                stack.extend(pending)
                continue
            stack.pop()
            memo[id(node)] = (node, frozenset().union(*(memo[id(a)][1] for a in node.args)))
        return memo[id(expr)][1]

    # -- Context protocol used by rules --------------------------------------
    def depends(self, expr: sympy.Expr, wrt: sympy.Symbol) -> bool:
        free = self.free_symbols(expr)
        if wrt in free:
            return True
        if self._held or wrt in self._where:
            return False
        return any(wrt in self._reach.get(s, ()) for s in free)

    def dependent(self, expr: sympy.Expr, wrt: sympy.Symbol) -> sympy.Expr | None:
        """``r(t)`` when ``expr`` is a name defined as a function of ``wrt`` alone (``r = r(t)``)."""
        if self._held or not isinstance(expr, sympy.Symbol):
            return None
        value = self._where.get(expr)
        return value if is_dependent(value, wrt) else None

    def derive(self, expr: sympy.Expr, wrt: sympy.Symbol) -> Step:
        step = self._where_rule(expr, wrt)
        if step is not None:
            return step
        for matcher in rules.MATCHERS:
            step = matcher(expr, wrt, self)
            if step is not None:
                return step
        raise UnsupportedError(f"no rule differentiates {plain(expr)}")  # pragma: no cover

    def chain(self, expr: sympy.Expr, wrt: sympy.Symbol) -> Step | None:
        links: list[tuple[sympy.Expr, Callable[[sympy.Expr], sympy.Expr]]] = []
        node = expr
        while (split := self._split(node, wrt)) is not None:
            links.append(split)
            node = split[0]
        if not links:
            return None
        inner_most = node
        # A quantity that depends on wrt (r = r(t), the y of implicit differentiation) names
        # its own link: d/dt r**3 = d/dr r**3 * dr/dt.
        dependent = self.dependent(inner_most, wrt)
        fresh = len(links) - (dependent is not None)
        link_names = [self._names.take() for _ in range(fresh)][::-1]  # innermost link: the first name
        if dependent is not None:
            link_names.append(inner_most)
        # links[j] = (inner_j, rebuild_j): the node at depth j is rebuild_j(inner_j).
        outer_steps = [self.derive(rebuild(name), name) for (_, rebuild), name in zip(links, link_names)]
        inner_step = self.derive(inner_most, wrt)
        bindings: list[Binding] = []
        for j in reversed(range(len(links))):
            inner = inner_most if j == len(links) - 1 else links[j + 1][1](link_names[j + 1])
            if j == len(links) - 1 and dependent is not None:
                inner = dependent  # y = y(x): the link is the quantity itself
            bindings.append((link_names[j], inner))
        return rules.combined(
            Rule.CHAIN,
            expr,
            wrt,
            _chain_text(expr, bindings),
            (*outer_steps, inner_step),
            bindings=tuple(bindings),
        )

    def several_arguments(self, expr: sympy.Expr, wrt: sympy.Symbol) -> Step | None:
        if not (expr.is_Function or isinstance(expr, (sympy.Max, sympy.Min))):
            return None
        dependent = [i for i, a in enumerate(expr.args) if self.depends(a, wrt)]
        if len(dependent) < 2:
            return None
        names = {i: self._name_for(expr.args[i]) for i in dependent}
        outer = expr.func(*(names.get(i, a) for i, a in enumerate(expr.args)))
        substeps: list[Step] = []
        for i in dependent:
            substeps += [self.derive(outer, names[i]), self.derive(expr.args[i], wrt)]
        fname = outer.func.__name__ if isinstance(outer, AppliedUndef) else "F"
        pieces = " + ".join(f"{fname}_{names[i]}*d{names[i]}/d{wrt}" for i in dependent)
        return rules.combined(
            Rule.MULTIVARIABLE_CHAIN,
            expr,
            wrt,
            f"Multivariable chain rule: {len(dependent)} arguments of {plain(outer)} depend on {wrt}, "
            f"so d/d{wrt} = {pieces}, where {fname}_{names[dependent[0]]} is the partial derivative "
            f"by {names[dependent[0]]}, the other arguments held fixed.",
            tuple(substeps),
            bindings=tuple((names[i], expr.args[i]) for i in dependent),
        )

    # -- orders and where ----------------------------------------------------
    def derive_order(self, expr: sympy.Expr, wrt: sympy.Symbol, order: int) -> Step:
        """One step for order 1; otherwise a ``higher_order`` step with one section per order."""
        if order == 1:
            return self.derive(expr, wrt)
        sections: list[Step] = []
        current = expr
        for _ in range(order):
            section = self.derive(current, wrt)
            sections.append(section)
            current = final_form(section.result, wrt)
        return Step(
            rule=Rule.HIGHER_ORDER,
            expr=expr,
            wrt=wrt,
            result=sections[-1].result,
            order=order,
            text=(
                f"Differentiate {order} times: each derivative is taken of the previous "
                "result (simplified first)."
            ),
            substeps=tuple(sections),
        )

    def _where_rule(self, expr: sympy.Expr, wrt: sympy.Symbol) -> Step | None:
        """``df/dm = ∂f/∂x·dx/dm + ∂f/∂y·dy/dm``: one term per path through ``where``."""
        if self._held or wrt in self._where or not self._where:
            return None
        via = [s for s in self._where if s in expr.free_symbols and wrt in self._reach[s]]
        if not via or all(is_dependent(self._where[s], wrt) for s in via):
            return None  # quantities that change with wrt (r = r(t)): the ordinary rules, d/dt
        substeps: list[Step] = []
        for name in via:
            with self._holding():
                substeps.append(self.derive(expr, name))
            substeps.append(self.derive(self._where[name], wrt))
        if wrt in expr.free_symbols:
            with self._holding():
                direct = self.derive(expr, wrt)
            held = tuple(s for s in self._where if s in expr.free_symbols)
            substeps.append(dataclasses.replace(direct, held=held))
        pieces = [f"f_{s}*d{s}/d{wrt}" for s in via]
        if wrt in expr.free_symbols:
            pieces.append(f"f_{wrt}")
        return rules.combined(
            Rule.MULTIVARIABLE_CHAIN,
            expr,
            wrt,
            f"Multivariable chain rule: f = {plain(expr)} depends on {wrt} through "
            f"{', '.join(s.name for s in via)}, so df/d{wrt} = {' + '.join(pieces)}, "
            f"where f_{via[0]} is the partial derivative of f by {via[0]}, "
            "the other variables held fixed.",
            tuple(substeps),
            bindings=tuple((s, self._where[s]) for s in via),
            where=self._where,
        )

    @contextlib.contextmanager
    def _holding(self) -> Iterator[None]:
        before, self._held = self._held, True
        try:
            yield
        finally:
            self._held = before

    # -- helpers -------------------------------------------------------------
    def _split(
        self, node: sympy.Expr, wrt: sympy.Symbol
    ) -> tuple[sympy.Expr, Callable[[sympy.Expr], sympy.Expr]] | None:
        """``(inner, rebuild)`` when ``node`` is one function of one inner expression of wrt."""
        if isinstance(node, sympy.Pow):
            base, exponent = node.args
            dep_base, dep_exp = self.depends(base, wrt), self.depends(exponent, wrt)
            if dep_base and not dep_exp and base != wrt:
                return base, lambda u, e=exponent: sympy.Pow(u, e)
            if dep_exp and not dep_base and exponent != wrt:
                return exponent, lambda u, b=base: sympy.Pow(b, u)
            return None
        if isinstance(node, sympy.Mul):
            # c*tanh(...) inside a chain is a link of its own (z = 0.5*a), as in a network's layers;
            # c*x or c*x**2 is left whole, as the chain's innermost function.
            const = sympy.Mul(*(f for f in node.args if not self.depends(f, wrt)))
            rest = [f for f in node.args if self.depends(f, wrt)]
            if const == 1 or len(rest) != 1:
                return None
            (inner,) = rest
            if not (inner.is_Function or isinstance(inner, sympy.Pow)) or self._split(inner, wrt) is None:
                return None
            return inner, lambda u, c=const: c * u
        if node.is_Function or isinstance(node, (sympy.Max, sympy.Min)):
            dependent = [i for i, a in enumerate(node.args) if self.depends(a, wrt)]
            if len(dependent) != 1 or node.args[dependent[0]] == wrt:
                return None
            i = dependent[0]
            return node.args[i], lambda u, n=node, i=i: n.func(
                *(u if j == i else a for j, a in enumerate(n.args))
            )
        return None

    def _name_for(self, arg: sympy.Expr) -> sympy.Symbol:
        """An argument ``x(m, n)`` is named ``x`` when that name is free; otherwise a fresh name."""
        if isinstance(arg, AppliedUndef):
            named = self._names.reserve(arg.func.__name__)
            if named is not None:
                return named
        return self._names.take()


def _chain_text(expr: sympy.Expr, bindings: Sequence[Binding]) -> str:
    outer_name = bindings[-1][0]
    if len(bindings) == 1:
        name, inner = bindings[0]
        outer = expr.xreplace({inner: name}) if inner in expr.args else None
        outer = expr if name in expr.free_symbols else outer
        shown = plain(outer) if outer is not None and outer.has(name) else f"g({name})"
        return f"Chain rule with outer function {shown} and inner function {name} = {plain(inner)}."
    defs = ", ".join(f"{n} = {plain(e)}" for n, e in bindings)
    return (
        f"Chain rule through {len(bindings) + 1} links with {defs}: differentiate each link "
        f"by its own variable, from the outside in (d/d{outer_name} first), and multiply."
    )


def _plain_free_symbols(cls: type) -> bool:
    """True when instances of ``cls`` take ``free_symbols`` as the union of their arguments'."""
    for klass in cls.__mro__:
        if "free_symbols" in klass.__dict__:
            return klass is sympy.Basic
    return False


def _reachable(where: Mapping[sympy.Symbol, sympy.Expr]) -> dict[sympy.Symbol, frozenset[sympy.Symbol]]:
    """For each defined name, every symbol it depends on, directly or through other names."""
    reach: dict[sympy.Symbol, frozenset[sympy.Symbol]] = {}
    for name in where:
        seen: set[sympy.Symbol] = set()
        stack = list(where[name].free_symbols)
        while stack:
            s = stack.pop()
            if s in seen:
                continue
            seen.add(s)
            stack.extend(where.get(s, sympy.S.Zero).free_symbols)
        reach[name] = frozenset(seen)
    return reach


def _symbol_names(*exprs: sympy.Expr) -> set[str]:
    return {s.name for e in exprs for s in e.free_symbols if isinstance(s, sympy.Symbol)}


def _function_names(*exprs: sympy.Expr) -> set[str]:
    return {f.func.__name__ for e in exprs for f in e.atoms(AppliedUndef)}


def _choose_wrt(
    expr: sympy.Expr, wrt: str | sympy.Symbol | None, where: Mapping[sympy.Symbol, sympy.Expr]
) -> sympy.Symbol:
    """The variable to differentiate by: the one given, or the only one there is."""
    base = set(expr.free_symbols)
    for defined in where:
        if defined in base:
            base |= _reachable(where)[defined]
    candidates = sorted((s for s in base if s not in where), key=lambda s: s.name)
    if wrt is None:
        if len(candidates) == 1:
            return candidates[0]
        if not candidates:
            raise VariableError(
                f"{plain(expr)} has no variable; say which one with {{wrt}}", parameters=("wrt",)
            )
        listed = ", ".join(s.name for s in candidates)
        raise VariableError(
            f"{plain(expr)} has several variables ({listed}); choose one with {{wrt}}", parameters=("wrt",)
        )
    symbol = read_symbol(wrt)
    if base and symbol not in base:
        listed = ", ".join(s.name for s in sorted(base, key=lambda s: s.name))
        raise VariableError(f"{symbol} does not appear in {plain(expr)}; its variables are {listed}")
    return symbol
