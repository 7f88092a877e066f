r"""Equations: one ``=`` at the top level, each side an expression.

The expression parser refuses ``=`` everywhere (``lexer.py``), so an equation
is split here, at its one top-level ``=``, and each side goes to
:func:`chainrule.parsing.parser.parse` on its own (plain text or LaTeX, the
same rules as any expression). An error in a side points at its column in the
whole equation. Comparisons (``==``, ``<=``, ``!=``) and a second ``=`` are
errors; an ``=`` inside brackets is left to the parser, which refuses it.

A parametric curve is two such equations, ``x = cos(t)^3, y = sin(t)^3``,
split at the commas outside brackets.

>>> parse_equation("x^2 + y^2 = 25")
Eq(x**2 + y**2, 25)
>>> parse_equation(r"\sqrt{x} + \sqrt{y} = 4")
Eq(sqrt(x) + sqrt(y), 4)
>>> parse_definitions("x = cos(t)^3, y = sin(t)^3")
((x, cos(t)**3), (y, sin(t)**3))
"""

from __future__ import annotations

import sympy

from chainrule.errors import ParseError
from chainrule.parsing.parser import parse, parse_symbol

__all__ = ["is_equation", "parse_definitions", "parse_equation", "split_top_level"]

_OPEN, _CLOSE = "([{", ")]}"


def split_top_level(text: str, separator: str) -> list[tuple[str, int]]:
    """``text`` cut at each ``separator`` outside brackets, with each part's offset.

    >>> split_top_level("f(a, b), c", ",")
    [('f(a, b)', 0), (' c', 8)]
    """
    parts: list[tuple[str, int]] = []
    depth, start = 0, 0
    for i, ch in enumerate(text):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(depth - 1, 0)
        elif ch == separator and depth == 0:
            parts.append((text[start:i], start))
            start = i + 1
    parts.append((text[start:], start))
    return parts


def is_equation(text: str) -> bool:
    """Whether ``text`` has an ``=`` outside brackets (an equation, or several)."""
    return isinstance(text, str) and len(split_top_level(text, "=")) > 1


def _side(text: str, whole: str, offset: int, which: str) -> sympy.Expr:
    if not text.strip():
        raise ParseError(f"the {which} side of the equation is empty", text=whole, column=offset)
    try:
        return parse(text)
    except ParseError as err:
        column = None if err.column is None else err.column + offset
        raise ParseError(err.message, text=whole, column=column, hint=err.hint) from None


def _equal_sign(text: str) -> int:
    """The column of the one top-level ``=``; a ``ParseError`` for none, two, or a comparison."""
    parts = split_top_level(text, "=")
    if len(parts) == 1:
        raise ParseError(
            "expected an equation with one '=', as in x^2 + y^2 = 25", text=text, column=len(text)
        )
    column = parts[1][1] - 1
    if len(parts) > 2:
        second = parts[2][1] - 1
        if second == column + 1:
            raise ParseError(
                "'==' compares; an equation has a single '='", text=text, column=column,
                hint="write x^2 + y^2 = 25",
            )
        raise ParseError("an equation has one '='", text=text, column=second)
    if column > 0 and text[column - 1] in "<>!":
        raise ParseError("comparisons are not equations", text=text, column=column - 1)
    return column


def parse_equation(text: str) -> sympy.Eq:
    """Read ``lhs = rhs``: each side an expression (plain or LaTeX), as an unevaluated ``Eq``.

    Raises:
        ParseError: no ``=``, more than one, a comparison, an empty side, or a side
            that is not an expression (with its column in ``text``).
    """
    if not isinstance(text, str):
        raise ParseError(f"expected text, got {type(text).__name__}")
    column = _equal_sign(text)
    lhs = _side(text[:column], text, 0, "left")
    rhs = _side(text[column + 1:], text, column + 1, "right")
    return sympy.Eq(lhs, rhs, evaluate=False)


def parse_definitions(text: str) -> tuple[tuple[sympy.Symbol, sympy.Expr], ...]:
    """Read ``x = f(t), y = g(t)``: comma-separated ``NAME = EXPR`` equations, each name once."""
    found: list[tuple[sympy.Symbol, sympy.Expr]] = []
    for part, offset in split_top_level(text, ","):
        column = offset + _equal_sign(part)
        name_text = text[offset:column]
        try:
            name = parse_symbol(name_text)
        except ParseError as err:
            shift = offset + (err.column or 0)
            raise ParseError(
                f"expected NAME = EXPR, as in x = cos(t): {err.message}", text=text, column=shift
            ) from None
        if any(name == seen for seen, _ in found):
            raise ParseError(f"{name} is defined twice", text=text, column=offset)
        found.append((name, _side(text[column + 1:offset + len(part)], text, column + 1, "right")))
    return tuple(found)
