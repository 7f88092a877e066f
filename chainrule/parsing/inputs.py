"""The one reader of user values: expressions, names, definitions and points.

Every public function takes values from people and programs in several
shapes: text (read by the safe parser, never ``eval``), SymPy objects,
Python numbers, mappings or ``NAME=VALUE`` strings. They all go through
here, so a value means the same wherever it is given, and a bad one gets the
same clear error naming the parameter it came from.

>>> read_value("at", "1/3")
1/3
>>> read_point({"x": 2, "y": "pi/2"})
((x, 2), (y, pi/2))
>>> read_point(["x=2"])
((x, 2),)
>>> read_point("x=3, y=4")
((x, 3), (y, 4))
>>> read_point(["r=5", "r'=2", "dV/dt=100"])
((r, 5), (r', 2), (V', 100))
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any

import sympy

from chainrule.errors import LimitError, UsageError
from chainrule.parsing.boundary import Boundary
from chainrule.parsing.equations import parse_definitions, parse_equation, split_top_level
from chainrule.parsing.parser import parse, parse_assignment, parse_symbol

Binding = tuple[sympy.Symbol, sympy.Expr]
ExprLike = "str | sympy.Expr"

#: The most digits a number given as a value may have.
MAX_VALUE_DIGITS = 1_000

_INT = re.compile(r"[+-]?\d+")
_RATIO = re.compile(r"([+-]?\d+)\s*/\s*(\d+)")
_FLOAT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def read_expr(value: object, *, parameter: str = "expr", boundary: Boundary | None = None) -> sympy.Expr:
    """An expression: text through the safe parser, SymPy expressions in chainrule's own
    symbols through ``boundary`` (as they are without one)."""
    if isinstance(value, str):
        return parse(value)
    if isinstance(value, sympy.Expr):
        return boundary.to_internal(value) if boundary is not None else value
    raise UsageError(
        f"{{{parameter}}} must be a string or a SymPy expression, not {type(value).__name__}",
        parameters=(parameter,),
    )


def read_equation(value: object, *, parameter: str = "expr") -> sympy.Eq:
    """An equation: ``"lhs = rhs"`` text, or a SymPy ``Eq`` (its symbols made real, as the parser's)."""
    if isinstance(value, str):
        return parse_equation(value)
    if isinstance(value, sympy.Eq):
        real = {s: sympy.Symbol(s.name, real=True) for s in value.free_symbols if isinstance(s, sympy.Symbol)}
        return sympy.Eq(value.lhs.xreplace(real), value.rhs.xreplace(real), evaluate=False)
    raise UsageError(
        f"{{{parameter}}} must be an equation (text with one '=' or a SymPy Eq), not {type(value).__name__}",
        parameters=(parameter,),
    )


def read_curve(value: object, *, parameter: str = "expr") -> tuple[Binding, Binding]:
    """A parametric curve: ``"x = cos(t), y = sin(t)"``, or two ``(name, expression)`` pairs or a mapping.

    The first name is the horizontal coordinate.

    >>> read_curve("x = cos(t)^3, y = sin(t)^3")
    ((x, cos(t)**3), (y, sin(t)**3))
    """
    if isinstance(value, str):
        pairs = parse_definitions(value)
    elif isinstance(value, (Mapping, list, tuple)):
        pairs = tuple(read_definitions(value, parameter=parameter).items())
    else:
        raise UsageError(
            f"{{{parameter}}} must be a curve such as 'x = cos(t), y = sin(t)', not {type(value).__name__}",
            parameters=(parameter,),
        )
    if len(pairs) != 2:
        raise UsageError(
            f"a parametric curve has two equations, x = f(t), y = g(t); {{{parameter}}} has {len(pairs)}",
            parameters=(parameter,),
        )
    first, second = pairs
    return first, second


def read_symbol(value: object, *, parameter: str = "wrt", boundary: Boundary | None = None) -> sympy.Symbol:
    """A variable: a name (``"x"``, ``" theta "``) or a SymPy symbol, as a real symbol.

    With a ``boundary``, a symbol is the internal one it pairs with, and a name
    the caller's symbol of that name, if there is one.
    """
    if isinstance(value, sympy.Symbol):
        if boundary is not None:
            return boundary.to_internal(value)
        return sympy.Symbol(value.name, real=True)
    if isinstance(value, str):
        symbol = parse_symbol(value)
        found = boundary.symbol(symbol.name) if boundary is not None else None
        return found if found is not None else symbol
    raise UsageError(
        f"{{{parameter}}} must be a variable name or a SymPy Symbol, not {value!r}", parameters=(parameter,)
    )


def read_names(names: Sequence[str] | str | None) -> tuple[str, ...]:
    """Names for intermediate variables: ``"y,z"`` or ``["y", "z"]``."""
    if names is None:
        return ()
    items = [n.strip() for n in names.split(",")] if isinstance(names, str) else [str(n) for n in names]
    for name in items:
        if not name.isidentifier() or name.startswith("_"):
            raise UsageError(
                f"{name!r} is not a valid intermediate variable name ({{names}})", parameters=("names",)
            )
    if len(set(items)) != len(items):
        raise UsageError(
            "intermediate names must be different from each other ({names})", parameters=("names",)
        )
    return tuple(items)


def read_definitions(
    definitions: Mapping[Any, Any] | Iterable[Any] | None,
    *,
    parameter: str = "where",
    boundary: Boundary | None = None,
) -> dict[sympy.Symbol, sympy.Expr]:
    """Definitions ``{name: expression}`` (or pairs, or ``NAME=EXPR`` strings), each name once."""
    result: dict[sympy.Symbol, sympy.Expr] = {}
    for name, value in _pairs(definitions, parameter):
        symbol = read_symbol(name, parameter=parameter, boundary=boundary)
        if symbol in result:
            raise UsageError(f"{symbol} is defined twice in {{{parameter}}}", parameters=(parameter,))
        result[symbol] = read_expr(value, parameter=parameter, boundary=boundary)
    return result


def read_point(
    point: Mapping[Any, Any] | Iterable[Any] | None, *, parameter: str = "at"
) -> tuple[Binding, ...]:
    """A point ``{name: value}`` (or pairs, or ``NAME=VALUE`` strings): each name once, values numbers."""
    pairs: list[Binding] = []
    for name, value in _pairs(point, parameter):
        symbol = rate_symbol(name) or read_symbol(name, parameter=parameter)
        if any(symbol.name == s.name for s, _ in pairs):
            raise UsageError(f"{{{parameter}}} gives {symbol} twice", parameters=(parameter,))
        pairs.append((symbol, read_value(symbol.name, value, parameter=parameter)))
    return tuple(pairs)


#: A rate in a point: ``r'`` (or ``r''``), or ``dr/dt`` (``d2r/dt2``).
_PRIMED = re.compile(r"\s*([A-Za-z][A-Za-z0-9_]*)\s*('{1,3}|′{1,3}|″)\s*")
_LEIBNIZ = re.compile(r"\s*d([1-3]?)\s*([A-Za-z][A-Za-z0-9_]*)\s*/\s*d\s*[A-Za-z][A-Za-z0-9_]*?([1-3]?)\s*")


def rate_symbol(name: object) -> sympy.Symbol | None:
    """The symbol for a rate given at a point, ``r'`` (for ``r'`` or ``dr/dt``); ``None`` for other names.

    A rate is a value of the derivative of a quantity that changes with the
    variable (``r = r(t)``): related rates are evaluated with it.

    >>> rate_symbol("dV/dt"), rate_symbol("y''"), rate_symbol("x")
    (V', y'', None)
    """
    if isinstance(name, sympy.Symbol):
        name = name.name
    if not isinstance(name, str):
        return None
    primed = _PRIMED.fullmatch(name)
    if primed is not None:
        marks = primed.group(2)
        count = 2 if marks == "″" else len(marks)
        return sympy.Symbol(primed.group(1) + "'" * count, real=True)
    leibniz = _LEIBNIZ.fullmatch(name)
    if leibniz is not None and leibniz.group(1) == leibniz.group(3):
        count = int(leibniz.group(1) or 1)
        return sympy.Symbol(leibniz.group(2) + "'" * count, real=True)
    return None


def read_value(name: str, value: object, *, parameter: str = "at") -> sympy.Expr:
    """A number for ``name``: exact for integers, fractions and exact text, a Float for floats.

    Text may be an integer, a ratio, a decimal or a constant expression
    (``pi/2``, ``sqrt(2)``), read by the safe parser.
    """
    if isinstance(value, bool) or value is None:
        raise UsageError(
            f"{_subject(name, parameter)} must be a number, not {value!r}", parameters=(parameter,)
        )
    if isinstance(value, str):
        return _value_from_text(name, value, parameter)
    if isinstance(value, sympy.Basic):
        if isinstance(value, sympy.Expr) and value.is_number and not value.has(*_INFINITIES):
            return value
        raise UsageError(
            f"{_subject(name, parameter)} must be a finite number, not {value}",
            parameters=(parameter,),
        )
    if isinstance(value, numbers.Rational):
        return _exact(int(value.numerator), int(value.denominator), name, parameter)
    if isinstance(value, numbers.Real):
        number = float(value)
        if not math.isfinite(number):
            raise UsageError(
                f"{_subject(name, parameter)} must be finite, not {value!r}",
                parameters=(parameter,),
            )
        return sympy.Float(number)
    raise UsageError(
        f"{_subject(name, parameter)} must be a number, not {value!r}", parameters=(parameter,)
    )


_INFINITIES = (sympy.oo, -sympy.oo, sympy.zoo, sympy.nan)


def _value_from_text(name: str, text: str, parameter: str) -> sympy.Expr:
    stripped = text.strip()
    if len(stripped) > MAX_VALUE_DIGITS + 10:
        raise LimitError(f"{_subject(name, parameter)} is too long", parameters=(parameter,))
    if _INT.fullmatch(stripped):
        _check_digits(stripped, name, parameter)
        return sympy.Integer(int(stripped))
    ratio = _RATIO.fullmatch(stripped)
    if ratio:
        _check_digits(stripped, name, parameter)
        if int(ratio.group(2)) == 0:
            raise UsageError(
                f"{_subject(name, parameter)} divides by zero: {text!r}", parameters=(parameter,)
            )
        return sympy.Rational(int(ratio.group(1)), int(ratio.group(2)))
    if _FLOAT.fullmatch(stripped):
        number = float(stripped)
        if not math.isfinite(number):
            raise UsageError(
                f"{_subject(name, parameter)} must be finite, not {text!r}", parameters=(parameter,)
            )
        return sympy.Float(number)
    expr = parse(stripped)
    if not expr.is_number:
        raise UsageError(
            f"{_subject(name, parameter)} must be a number, not {text!r}", parameters=(parameter,)
        )
    return read_value(name, expr, parameter=parameter)


def _check_digits(text: str, name: str, parameter: str) -> None:
    if sum(c.isdigit() for c in text) > MAX_VALUE_DIGITS:
        raise LimitError(
            f"{_subject(name, parameter)} has more than {MAX_VALUE_DIGITS} digits",
            parameters=(parameter,),
        )


def _exact(numerator: int, denominator: int, name: str, parameter: str) -> sympy.Expr:
    if max(abs(numerator), denominator).bit_length() > MAX_VALUE_DIGITS * 3.33:
        raise LimitError(
            f"{_subject(name, parameter)} has more than {MAX_VALUE_DIGITS} digits",
            parameters=(parameter,),
        )
    return sympy.Rational(numerator, denominator)


def as_fraction(value: sympy.Expr) -> Fraction | float:
    """A number read by :func:`read_value` as an exact ``Fraction`` or a ``float``."""
    if isinstance(value, sympy.Rational):
        return Fraction(int(value.p), int(value.q))
    return float(value)


def _subject(name: str, parameter: str) -> str:
    """``the value of x ({at})``, or ``{start}`` when the value is the parameter itself."""
    return f"the value of {name} ({{{parameter}}})" if name and name != parameter else f"{{{parameter}}}"


#: How each parameter's ``NAME=VALUE`` text is described in errors.
_SHAPES = {"at": "VAR=VALUE", "where": "NAME=EXPR"}


def _pairs(values: Mapping[Any, Any] | Iterable[Any] | None, parameter: str) -> list[tuple[Any, Any]]:
    """``(name, value)`` pairs from a mapping, pairs, or ``NAME=VALUE`` strings."""
    if values is None:
        return []
    if isinstance(values, Mapping):
        return list(values.items())
    if isinstance(values, str):
        values = [values]
    pairs: list[tuple[Any, Any]] = []
    for item in _split_items(values, parameter):
        if isinstance(item, str):
            if "=" not in item:
                shape = _SHAPES.get(parameter, "NAME=VALUE")
                raise UsageError(f"{{{parameter}}} expects {shape}, not {item!r}", parameters=(parameter,))
            name, _, value = item.partition("=")
            rate = rate_symbol(name) if parameter == "at" else None
            pairs.append((rate, value) if rate is not None else parse_assignment(item))
        elif isinstance(item, tuple) and len(item) == 2:
            pairs.append(item)
        else:
            raise UsageError(
                f"{{{parameter}}} expects a mapping, (name, value) pairs or NAME=VALUE text",
                parameters=(parameter,),
            )
    return pairs


def _split_items(values: Iterable[Any], parameter: str) -> list[Any]:
    """Items of a point, ``"x=3,y=4"`` cut into ``"x=3"`` and ``"y=4"`` (commas outside brackets)."""
    items: list[Any] = []
    for item in values:
        if isinstance(item, str) and parameter == "at" and "," in item:
            items.extend(part.strip() for part, _ in split_top_level(item, ","))
        else:
            items.append(item)
    return items


__all__ = [
    "MAX_VALUE_DIGITS",
    "Boundary",
    "as_fraction",
    "rate_symbol",
    "read_curve",
    "read_definitions",
    "read_equation",
    "read_expr",
    "read_names",
    "read_point",
    "read_symbol",
    "read_value",
]
