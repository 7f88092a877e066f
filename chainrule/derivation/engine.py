"""The engine: turn an expression into a tree of steps.

The engine tries the rules of ``rules.RULES`` in order on each
sub-expression. It owns what the rules cannot know alone: fresh names for
intermediate variables, the chain decomposition (all links of ``g(h(i(x)))``
in one step) and the multivariable chain rule over the user's ``where``
definitions. ``derivation/entry.py`` reads the input and calls it.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterator, Sequence

import sympy
from sympy.core.function import AppliedUndef

from chainrule.derivation import rules
from chainrule.derivation.bindings import is_dependent
from chainrule.derivation.dependencies import reachable
from chainrule.derivation.model import Binding, Equals, Rule, Sentence, Step, listing, say
from chainrule.derivation.simplify import final_form
from chainrule.errors import UnsupportedError, UsageError
from chainrule.parsing.inputs import read_names
from chainrule.printing import plain

DEFAULT_NAMES = ("u", "v", "w")


def make_engine(
    exprs: Sequence[sympy.Expr], variable: sympy.Symbol, names: Sequence[str] | str | None,
    where_map: dict[sympy.Symbol, sympy.Expr],
) -> tuple[Engine, tuple[str, ...]]:
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
    return Engine(names=_NameSupply(preferred, taken, symbols), where=where_map), preferred


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


class Engine:
    """One derivation's state: its name supply and its ``where`` definitions."""

    def __init__(self, *, names: _NameSupply, where: dict[sympy.Symbol, sympy.Expr]) -> None:
        self._names = names
        self._where = where
        self._reach = reachable(where)
        self._held = False  # True while deriving a partial that holds the where-names fixed
        self._links: dict[sympy.Symbol, sympy.Expr] = {}  # a chain link's name -> its inner function
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
    def real(self, name: sympy.Symbol) -> bool:
        """Whether ``name`` is real wherever the expression is: the user's variables are;
        a chain link's name is when its inner function, in the variables, provably is."""
        value: sympy.Expr = name
        while value.free_symbols & self._links.keys():
            value = value.xreplace(self._links)
        return value is name or value.is_extended_real is True

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
        for j, name in enumerate(link_names):
            if name != inner_most:  # a quantity's own link stands for itself
                self._links[name] = inner_most if j == len(links) - 1 else links[j + 1][1](link_names[j + 1])
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
            _chain_text(outer_steps[0].expr, bindings),
            (*outer_steps, inner_step),
            bindings=tuple(bindings),
        )

    def several_arguments(self, expr: sympy.Expr, wrt: sympy.Symbol) -> Step | None:
        if not (expr.is_Function or isinstance(expr, (sympy.Max, sympy.Min))) or not _all_expr(expr):
            return None
        dependent = [i for i, a in enumerate(expr.args) if self.depends(a, wrt)]
        if len(dependent) < 2:
            return None
        names = {i: self._name_for(expr.args[i]) for i in dependent}
        outer = expr.func(*(names.get(i, a) for i, a in enumerate(expr.args)))
        substeps: list[Step] = []
        for i in dependent:
            substeps += [self.derive(outer, names[i]), self.derive(expr.args[i], wrt)]
        return rules.combined(
            Rule.MULTIVARIABLE_CHAIN,
            expr,
            wrt,
            say(
                f"Multivariable chain rule: {len(dependent)} arguments of ",
                outer,
                " depend on ",
                wrt,
                " (",
                *listing([Equals(names[i], expr.args[i]) for i in dependent]),
                "): add one term per argument, the partial derivative by that argument (the others "
                "held fixed) times the argument's derivative.",
            ),
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
            text=say(
                f"Differentiate {order} times: each derivative is taken of the previous "
                "result (simplified first)."
            ),
            substeps=tuple(sections),
        )

    def _where_rule(self, expr: sympy.Expr, wrt: sympy.Symbol) -> Step | None:
        """``df/dm = ∂f/∂x·dx/dm + ∂f/∂y·dy/dm``: one term per path through ``where``.

        With one path and no direct term it is the ordinary chain rule (``dV/dt = dV/dr·dr/dt``,
        related rates); a defined name alone is its definition differentiated.
        """
        if self._held or wrt in self._where or not self._where:
            return None
        if expr in self._where and not is_dependent(self._where[expr], wrt):
            return self._definition(expr, wrt)
        via = [s for s in self._where if s in expr.free_symbols and wrt in self._reach[s]]
        if not via or all(is_dependent(self._where[s], wrt) for s in via):
            return None  # quantities that change with wrt (r = r(t)): the ordinary rules, d/dt
        substeps: list[Step] = []
        for name in via:
            with self._holding():
                substeps.append(self.derive(expr, name))
            substeps.append(self.derive(self._where[name], wrt))
        bindings = tuple((s, self._where[s]) for s in via)
        if len(via) == 1 and wrt not in expr.free_symbols:
            text = say("Chain rule: ", expr, " depends on ", wrt, " through ", via[0], ".")
            return rules.combined(
                Rule.CHAIN, expr, wrt, text, tuple(substeps), bindings=bindings, where=self._where
            )
        if wrt in expr.free_symbols:
            with self._holding():
                direct = self.derive(expr, wrt)
            held = tuple(s for s in self._where if s in expr.free_symbols)
            substeps.append(dataclasses.replace(direct, held=held))
        also = (" and directly",) if wrt in expr.free_symbols else ()
        return rules.combined(
            Rule.MULTIVARIABLE_CHAIN,
            expr,
            wrt,
            say(
                "Multivariable chain rule: ",
                expr,
                " depends on ",
                wrt,
                " through ",
                *listing(via),
                *also,
                ": add one term per path, the partial derivative (the other variables held "
                "fixed) times that variable's derivative.",
            ),
            tuple(substeps),
            bindings=bindings,
            where=self._where,
        )

    def _definition(self, name: sympy.Symbol, wrt: sympy.Symbol) -> Step:
        """A defined name alone: ``w`` with ``w = x*y*z`` is ``x*y*z`` differentiated (no ``dw/dw = 1``)."""
        inner = self.derive(self._where[name], wrt)
        text = say(Equals(name, self._where[name]), ", so differentiate ", self._where[name], ".")
        return rules.combined(Rule.CHAIN, name, wrt, text, (inner,), bindings=(), where=self._where)

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
        if isinstance(node, sympy.log) and isinstance(node.args[0], sympy.Abs):
            # ln|g(x)|: one link, the outer function ln|u| (its derivative 1/u is in the table).
            inner = node.args[0].args[0]
            if inner != wrt and self.depends(inner, wrt):
                return inner, lambda u: sympy.log(sympy.Abs(u))
        derivative = _derivative_at(node)
        if derivative is not None:
            # f′(g(x)): the outer function is f′ (written as a derivative), the inner one g(x).
            inner, outer = derivative
            if inner == wrt or not self.depends(inner, wrt):
                return None
            return inner, outer
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
        if (node.is_Function or isinstance(node, (sympy.Max, sympy.Min))) and _all_expr(node):
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


def _derivative_at(node: sympy.Basic) -> tuple[sympy.Expr, Callable[[sympy.Expr], sympy.Expr]] | None:
    """For ``f′(g(x))`` (``Derivative(f(g(x)), g(x))`` or ``Subs(Derivative(f(t), t), t, g(x))``):
    the point ``g(x)`` and the outer function ``u ↦ f′(u)``; else ``None``."""
    if isinstance(node, sympy.Derivative) and isinstance(node.expr, AppliedUndef):
        points = set(node.variables)
        if len(points) == 1:
            (point,) = points
            if not isinstance(point, sympy.Symbol):
                return point, lambda u, n=node, p=point: n.xreplace({p: u})
    if isinstance(node, sympy.Subs) and len(node.variables) == 1:
        body, (variable,), (point,) = node.expr, node.variables, node.point
        if isinstance(body, sympy.Derivative) and isinstance(body.expr, AppliedUndef):
            return point, lambda u, b=body, v=variable: b.xreplace({v: u})
    return None


def _chain_text(outer: sympy.Expr, bindings: Sequence[Binding]) -> Sentence:
    """``Chain rule with outer function sin(u) and inner function u = x^2``, or the links of a longer
    chain. ``outer`` is the outermost link written in its own variable."""
    if len(bindings) == 1:
        name, inner = bindings[0]
        return say("Chain rule with outer function ", outer, " and inner function ", Equals(name, inner), ".")
    links = listing([Equals(n, e) for n, e in bindings])
    return say(
        f"Chain rule through {len(bindings) + 1} links with ",
        *links,
        ": differentiate each link by its own variable, from the outside in, and multiply.",
    )


def _all_expr(node: sympy.Basic) -> bool:
    """Whether every argument is an expression (a Piecewise's are condition pairs)."""
    return all(isinstance(a, sympy.Expr) for a in node.args)


def _plain_free_symbols(cls: type) -> bool:
    """True when instances of ``cls`` take ``free_symbols`` as the union of their arguments'."""
    for klass in cls.__mro__:
        if "free_symbols" in klass.__dict__:
            return klass is sympy.Basic
    return False


def _symbol_names(*exprs: sympy.Expr) -> set[str]:
    return {s.name for e in exprs for s in e.free_symbols if isinstance(s, sympy.Symbol)}


def _function_names(*exprs: sympy.Expr) -> set[str]:
    return {f.func.__name__ for e in exprs for f in e.atoms(AppliedUndef)}
