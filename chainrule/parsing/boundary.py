"""Where the caller's SymPy objects meet chainrule's own: symbols in, results back.

chainrule works over the reals with the symbols its parser makes,
``Symbol(name, real=True)``, and real undefined functions. A caller may pass
SymPy objects made any way: ``Symbol("x")`` as every SymPy tutorial makes it,
``positive=True`` symbols, ``Dummy``, ``Function("f")``. A :class:`Boundary`
admits each of them once, pairs it with an internal real symbol (or function)
of a name the parser reads back, and maps results back, so answers come in
the caller's own symbols: ``derive(e, x).result - sympy.diff(e, x)`` is 0
wherever both are real.

>>> import sympy
>>> x = sympy.Symbol("x")
>>> boundary = Boundary.of(sympy.sin(x**2), x)
>>> inner = boundary.to_internal(sympy.sin(x**2))
>>> inner.free_symbols == {sympy.Symbol("x", real=True)}
True
>>> boundary.to_caller(inner) == sympy.sin(x**2)
True
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from typing import Any

import sympy
from sympy.core.function import AppliedUndef, UndefinedFunction

from chainrule.errors import ChainruleError, VariableError

#: SymPy's spelling of names Python reserves (``lambda`` is a keyword).
_RESPELL = {"lambda": "lamda"}


class Boundary:
    """The caller's symbols and undefined functions, each paired with an internal one.

    Build it with :meth:`of` from everything the caller passed, then map
    expressions with :meth:`to_internal` and :meth:`to_caller`. When every
    object is already chainrule's own (text input), the boundary is the
    identity and maps nothing.
    """

    def __init__(self) -> None:
        self._in: dict[sympy.Basic, sympy.Basic] = {}
        self._out: dict[sympy.Basic, sympy.Basic] = {}
        self._functions_in: dict[Any, Any] = {}
        self._functions_out: dict[Any, Any] = {}
        self._by_name: dict[str, list[sympy.Symbol]] = {}
        self._taken: set[str] = set()

    @classmethod
    def of(cls, *values: object) -> Boundary:
        """The boundary of every SymPy object found in ``values`` (expressions, symbols,
        mappings and pairs of them; strings are chainrule's own already)."""
        boundary = cls()
        symbols: set[sympy.Symbol] = set()
        functions: set[Any] = set()
        for value in _sympy_values(values):
            symbols |= {s for s in value.free_symbols if isinstance(s, sympy.Symbol)}
            if isinstance(value, sympy.Symbol):
                symbols.add(value)
            functions |= {a.func for a in value.atoms(AppliedUndef)}
        ordered = sorted(symbols, key=_admission_order)
        names = [f.__name__ for f in functions]
        shared = {n for n in names if names.count(n) > 1}
        boundary._taken = {s.name for s in ordered if _is_own(s)} | set(names)
        for symbol in ordered:
            boundary._admit(symbol)
        for function in sorted(functions, key=lambda f: (f.__name__, str(f._kwargs))):
            boundary._admit_function(function, shared=function.__name__ in shared)
        return boundary

    @property
    def identity(self) -> bool:
        """Whether every object is chainrule's own, so nothing needs mapping."""
        return not self._in and not self._functions_in

    @property
    def renamed(self) -> dict[str, str]:
        """Internal names that differ from the caller's: ``{"x_1": "x"}``."""
        names = {str(inner): str(getattr(outer, "name", outer)) for outer, inner in self._in.items()}
        names.update({inner.__name__: outer.__name__ for outer, inner in self._functions_in.items()})
        return {inner: outer for inner, outer in names.items() if inner != outer}

    def symbol(self, name: str) -> sympy.Symbol | None:
        """The internal symbol the caller's name ``name`` stands for, if the caller has one.

        Raises ``VariableError`` when two different caller symbols share the name.
        """
        found = self._by_name.get(name, [])
        if len(found) > 1:
            raise VariableError(
                f"{name} names {len(found)} different symbols here; pass the SymPy Symbol itself as {{wrt}}",
                parameters=("wrt",),
            )
        return self.to_internal(found[0]) if found else None

    def to_internal(self, expr: sympy.Basic) -> sympy.Basic:
        """``expr`` in chainrule's real symbols and functions."""
        if self.identity:
            return expr
        return _rebuild(expr, self._in, self._functions_in)

    def to_caller(self, expr: sympy.Basic) -> sympy.Basic:
        """``expr`` in the caller's own symbols and functions."""
        if self.identity:
            return expr
        return _rebuild(expr, self._out, self._functions_out)

    # -- admitting ------------------------------------------------------------------------
    def _admit(self, symbol: sympy.Symbol) -> None:
        if symbol.is_extended_real is False:
            raise VariableError(
                f"{symbol} is declared not real; chainrule differentiates over the real numbers"
            )
        self._by_name.setdefault(symbol.name, []).append(symbol)
        if _is_own(symbol):
            return
        name = self._fresh(symbol.name, _safe_symbol_name)
        inner = sympy.Symbol(name, real=True)
        self._in[symbol] = inner
        self._out[inner] = symbol

    def _admit_function(self, function: Any, *, shared: bool) -> None:
        if _is_own_function(function):
            return
        name = self._fresh(function.__name__, _safe_function_name, keep_own=not shared)
        inner = sympy.Function(name, real=True)
        self._functions_in[function] = inner
        self._functions_out[inner] = function

    def _fresh(self, name: str, safe: Callable[[str], bool], *, keep_own: bool = False) -> str:
        """``name`` if the parser reads it back and no one has it, else ``name_1``, ``name_2``..."""
        base = _RESPELL.get(name, name)
        base = re.sub(r"\W", "", base).lstrip("_0123456789") or "x"
        if safe(base) and (base not in self._taken or (keep_own and base == name)):
            self._taken.add(base)
            return base
        counter = 1
        while not safe(f"{base}_{counter}") or f"{base}_{counter}" in self._taken:
            counter += 1
        self._taken.add(f"{base}_{counter}")
        return f"{base}_{counter}"


def _sympy_values(values: Iterable[object]) -> Iterable[sympy.Basic]:
    """Every SymPy object in ``values``, looking into mappings, lists and pairs."""
    stack = list(values)
    while stack:
        value = stack.pop()
        if isinstance(value, sympy.Basic):
            yield value
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, (list, tuple, set, frozenset)):
            stack.extend(value)


def _admission_order(symbol: sympy.Symbol) -> tuple[str, int, int, str]:
    """Plain symbols before dummies of the same name, then by assumptions: deterministic."""
    dummy = isinstance(symbol, sympy.Dummy)
    index = symbol.dummy_index if dummy else 0
    return (symbol.name, int(dummy), index, str(sorted(symbol.assumptions0.items())))


def _is_own(symbol: sympy.Symbol) -> bool:
    """A symbol exactly as chainrule's parser makes it."""
    return (
        type(symbol) is sympy.Symbol
        and symbol == sympy.Symbol(symbol.name, real=True)
        and _safe_symbol_name(symbol.name)
    )


def _is_own_function(function: Any) -> bool:
    """An undefined function exactly as chainrule's parser makes it."""
    return bool(function == sympy.Function(function.__name__, real=True)) and _safe_function_name(
        function.__name__
    )


@functools.lru_cache(maxsize=1024)
def _safe_symbol_name(name: str) -> bool:
    """Whether ``chainrule.parse`` reads ``name`` back as the variable ``name``."""
    from chainrule.parsing.parser import parse

    try:
        return parse(name) == sympy.Symbol(name, real=True)
    except ChainruleError:
        return False


@functools.lru_cache(maxsize=1024)
def _safe_function_name(name: str) -> bool:
    """Whether ``chainrule.parse`` reads ``name(x)`` back as the undefined function ``name``."""
    from chainrule.parsing.parser import parse

    try:
        read = parse(f"{name}(x)")
    except ChainruleError:
        return False
    return isinstance(read, AppliedUndef) and read.func.__name__ == name


def _rebuild(
    expr: sympy.Basic, symbols: dict[sympy.Basic, sympy.Basic], functions: dict[Any, Any]
) -> sympy.Basic:
    """``expr`` with ``symbols`` and the classes of undefined functions replaced, bottom-up,
    without recursion (``xreplace`` cannot replace a function's class)."""
    done: dict[int, sympy.Basic] = {}
    stack = [expr]
    while stack:
        node = stack[-1]
        if id(node) in done:
            stack.pop()
            continue
        if node in symbols:
            done[id(node)] = symbols[node]
            stack.pop()
            continue
        if not node.args:
            done[id(node)] = node
            stack.pop()
            continue
        pending = [a for a in node.args if id(a) not in done]
        if pending:
            stack.extend(pending)
            continue
        stack.pop()
        args = [done[id(a)] for a in node.args]
        func = node.func
        if isinstance(node, AppliedUndef) and isinstance(func, UndefinedFunction):
            func = functions.get(func, func)
        if func is node.func and all(a is b for a, b in zip(args, node.args)):
            done[id(node)] = node
        else:
            done[id(node)] = func(*args)
    return done[id(expr)]


__all__ = ["Boundary"]
