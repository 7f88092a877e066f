"""Putting names back: the one substitution every part of a derivation uses.

A chain rule names its links (``u = x**2``), the multivariable chain rule
names inner functions, and the user defines names with ``where``. Steps are
written in those names; their results are put back in terms of the variable
by substituting the definitions. SymPy's ``subs`` gives the right answer
everywhere (``g'(u)`` at ``u = h(x)`` stays a derivative evaluated at h(x),
a ``Subs``) but compares every subtree on the way, quadratic on deep trees;
where it provably does what ``xreplace`` does, ``xreplace`` is used instead,
in linear time. The results are the same either way.

>>> import sympy
>>> u, v, x = sympy.symbols("u v x")
>>> full_values([(u, x**2), (v, sympy.sin(u))])
{u: x**2, v: sin(x**2)}
>>> resolver({u: v + 1, v: x**2})(u * v)
x**2*(x**2 + 1)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import sympy
from sympy.core.function import Application, AppliedUndef
from sympy.core.numbers import _illegal
from sympy.core.sorting import _nodes, default_sort_key, ordered

from chainrule.walk import changed, rebuilt
from chainrule.written import is_written

Binding = tuple[sympy.Symbol, sympy.Expr]

#: ``_eval_subs`` methods that, when the old expression is a Symbol, only fall back to
#: replacing it in the arguments and rebuilding (evaluated) -- what ``xreplace`` does.
_SUBS_LIKE_XREPLACE = frozenset(
    {
        sympy.Basic._eval_subs,
        Application._eval_subs,  # acts only when a function itself is replaced
        sympy.exp._eval_subs,  # acts only when old is a power, exp or E
        sympy.Pow._eval_subs,  # old == base gives new**exp, as rebuilding does
        sympy.Add._eval_subs,  # acts only when old is a sum (or oo)
        sympy.Mul._eval_subs,  # acts only when old is a product
    }
)


def _subs_is_xreplace(expr: sympy.Basic) -> bool:
    """True when ``expr.subs(symbol, new)`` is exactly ``expr.xreplace({symbol: new})``."""
    stack = [expr]
    while stack:
        node = stack.pop()
        if node.is_Atom:
            continue
        if type(node)._eval_subs not in _SUBS_LIKE_XREPLACE:
            return False
        stack.extend(node.args)
    return True


def substitute(expr: sympy.Basic, pairs: Sequence[Binding]) -> sympy.Basic:
    """``expr.subs(pairs)``: each name replaced by its value, one pair after the other.

    A value too deep, or with too many nested hyperbolic functions, is put in
    without SymPy's evaluation (see :func:`_risky`): rebuilding ``tanh(value)``
    evaluated asks whether the value is real, and on such values that question
    costs time exponential in their depth. The parser built them the same way.

    The names present are found once, not once per pair (each time a walk of the whole
    tree): after ``old`` is replaced they are at most the others and those of ``new``. A
    name that evaluation cancelled is then replaced in vain, which changes nothing.
    """
    free = set(expr.free_symbols)
    for old, new in pairs:
        if old not in free:
            continue  # subs would return expr unchanged
        if _subs_is_xreplace(expr) and not callable(new):
            if _risky(new):
                expr = _replaced_unevaluated(expr, old, new)
            else:
                expr = expr.xreplace({old: new})
            free = (free - {old}) | new.free_symbols
        else:
            expr = expr.subs(old, new)
            free = set(expr.free_symbols)
    return expr


def _replaced_unevaluated(expr: sympy.Basic, old: sympy.Basic, new: sympy.Basic) -> sympy.Basic:
    """``expr.xreplace({old: new})`` as it is inside ``sympy.evaluate(False)``: the nodes it
    rebuilds are left unevaluated (a written sum or product becomes SymPy's own, unevaluated).
    Without that context, which empties SymPy's whole cache as it begins and again as it ends:
    twice for every link of a deep chain, and everything built before is built again."""

    def combine(node: sympy.Basic, args: list[sympy.Basic]) -> sympy.Basic:
        if not changed(node, args):
            return node
        build = node.func
        if is_written(node):  # its constructor leaves SymPy's own Add or Mul when not told False
            build = sympy.Add if isinstance(node, sympy.Add) else sympy.Mul
        return build(*args, evaluate=False)

    return rebuilt(expr, lambda node: new if node == old else None, combine)


#: A value nested deeper than this, or with more nested hyperbolic functions of a sum or a
#: product than ``RISKY_LAYERS``, is substituted unevaluated (as the parser builds it).
DEEP = 24
RISKY_LAYERS = 3


def _risky(value: sympy.Basic, *, deep: bool = True) -> bool:
    """Whether evaluating functions of ``value`` may cost time exponential in its depth: more
    than ``RISKY_LAYERS`` nested hyperbolic functions, or (``deep``) more than ``DEEP`` levels."""
    if value.is_Atom:
        return False
    if deep and _deeper_than(value, DEEP):  # found from the top, without walking a deep value whole
        return True
    depth: dict[int, tuple[int, int]] = {}  # id -> (height, nested hyperbolic layers)
    stack = [value]
    while stack:
        node = stack[-1]
        if id(node) in depth:
            stack.pop()
            continue
        pending = [a for a in node.args if id(a) not in depth]
        if pending:
            stack.extend(pending)
            continue
        stack.pop()
        below = [depth[id(a)] for a in node.args] or [(0, 0)]
        height = 1 + max(h for h, _ in below)
        layers = max(k for _, k in below) + int(isinstance(node, _HYPERBOLIC) and not node.args[0].is_Atom)
        if (deep and height > DEEP) or layers > RISKY_LAYERS:
            return True
        depth[id(node)] = (height, layers)
    return False


def _deeper_than(value: sympy.Basic, levels: int) -> bool:
    """Whether a node of ``value`` lies ``levels`` levels below its root: a search from the top
    that goes no deeper, so it costs no more on a chain of 300 links than on one of 30."""
    reached: dict[int, int] = {}  # id -> the deepest level it was reached at
    stack = [(value, 0)]
    while stack:
        node, level = stack.pop()
        if level >= levels:
            return True
        if reached.get(id(node), -1) >= level:
            continue
        reached[id(node)] = level
        stack.extend((a, level + 1) for a in node.args)
    return False


_HYPERBOLIC = (sympy.sinh, sympy.cosh, sympy.tanh, sympy.coth, sympy.sech, sympy.csch)


def hyperbolic_nest(expr: sympy.Basic) -> bool:
    """Whether ``expr`` nests more than ``RISKY_LAYERS`` hyperbolic functions of non-atoms:
    SymPy's simplification rebuilds them evaluated, in time exponential in the nesting."""
    return _risky(expr, deep=False)


def full_values(bindings: Sequence[Binding]) -> dict[sympy.Symbol, sympy.Expr]:
    """Each bound name's value in terms of the outer variable.

    ``bindings`` come innermost first, each value written with the names before
    it (``y = i(x)``, ``z = h(y)``): a chain of n links costs n substitutions.
    """
    full: dict[sympy.Symbol, sympy.Expr] = {}
    for name, value in bindings:
        full[name] = put_back(value, full)
    return full


def put_back(expr: sympy.Basic, values: Mapping[sympy.Symbol, sympy.Expr]) -> sympy.Basic:
    """``expr`` with the names in ``values`` (already in terms of the variable) replaced."""
    present = [(name, values[name]) for name in expr.free_symbols if name in values]
    return substitute(expr, present) if present else expr


def resolver(where: Mapping[sympy.Symbol, sympy.Expr]) -> Callable[[sympy.Basic], sympy.Basic]:
    """A function putting every definition of ``where`` back until no defined name is left."""
    # The order in which ``expr.subs(where)`` takes a dict's pairs (see ``Basic.subs``).
    names = list(ordered(where, default=False, keys=(lambda s: -_nodes(s), default_sort_key)))
    pairs = [(name, where[name]) for name in names if where[name] != name]
    plain = all(_subs_is_xreplace(value) and value not in _illegal for _, value in pairs)

    def resolve(expr: sympy.Basic) -> sympy.Basic:
        for _ in range(len(where) + 1):
            if not (expr.free_symbols & where.keys()):
                return expr
            expr = substitute(expr, pairs) if plain else expr.subs(where)
        return expr

    return resolve


def resolve(expr: sympy.Basic, where: Mapping[sympy.Symbol, sympy.Expr]) -> sympy.Basic:
    """``expr`` with every definition of ``where`` put back (see :func:`resolver`)."""
    return resolver(where)(expr) if where else expr


def is_dependent(value: sympy.Basic | None, wrt: sympy.Symbol) -> bool:
    """Whether a definition makes its name a quantity that changes with ``wrt``: ``r = r(t)``.

    Such a name is differentiated by the ordinary rules with ``d/dt`` (related rates,
    implicit differentiation), not by partial derivatives.

    >>> t = sympy.Symbol("t")
    >>> is_dependent(sympy.Function("r")(t), t), is_dependent(sympy.Function("f")(t, 2), t)
    (True, False)
    """
    return isinstance(value, AppliedUndef) and value.args == (wrt,)
