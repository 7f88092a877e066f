r"""Numbers for people, once for every format: exact as SymPy prints them, floats to 6 digits.

A value in a table is a SymPy number: a ``Rational`` prints exactly (``-1/3``),
a ``Float`` with :data:`DIGITS` significant digits (``0.731059``,
``1.5e-300``). Anything else (a formula, in a symbolic graph) prints as the
expression printers print it, so ``number(q)`` is right for a value and a
formula alike. JSON keeps the full precision and does not come here.

>>> number(sympy.Float(0.7310585786300049)), number(sympy.Rational(-1, 3))
('0.731059', '-1/3')
>>> number_latex(sympy.Float(1.5e-300))
'1.5 \\cdot 10^{-300}'
"""

from __future__ import annotations

import math
import re
from html import escape
from typing import Any

import mpmath
import sympy
from sympy.core.function import AppliedUndef

from chainrule.printing import latex as latex_expr
from chainrule.printing import plain

__all__ = ["DIGITS", "as_float", "decimal", "number", "number_latex", "number_mathml"]

#: Significant digits of a decimal shown to people (JSON keeps full precision).
DIGITS = 6

_FLOAT_E = re.compile(r"^(-?[\d.]+)e([+-]\d+)$")
_MINUS = "\u2212"


def number(value: sympy.Expr | None) -> str:
    """A value as text: exact as SymPy prints it, a float to 6 digits (``2.0``, ``1.5e-300``)."""
    if value is None:
        return ""
    if isinstance(value, sympy.Float):
        text = f"{float(value):.{DIGITS}g}"
        if not any(c in text for c in ".ein"):
            text += ".0"
        return text
    return plain(value)


def number_latex(value: sympy.Expr | None) -> str:
    """A value in LaTeX: ``\\frac{1}{3}``, ``0.731059``, ``1.48 \\cdot 10^{-323}``."""
    if value is None:
        return ""
    if isinstance(value, sympy.Float):
        text = number(value)
        match = _FLOAT_E.match(text)
        if match:
            return f"{match.group(1)} \\cdot 10^{{{int(match.group(2))}}}"
        return text
    return latex_expr(value)


def _mn(text: str) -> str:
    if text.startswith("-"):
        return f"<mrow><mo>{_MINUS}</mo><mn>{text[1:]}</mn></mrow>"
    return f"<mn>{text}</mn>"


def number_mathml(value: sympy.Expr | None) -> str:
    """A value as MathML: exact as SymPy prints it, a float to 6 digits (``1.48·10⁻³²³``)."""
    from chainrule.views.mathml import mathml_expr

    if value is None:
        return ""
    if isinstance(value, sympy.Float):
        text = number(value)
        match = _FLOAT_E.match(text)
        if match:
            return (
                f"<mrow>{_mn(match.group(1))}<mo>·</mo>"
                f"<msup><mn>10</mn>{_mn(str(int(match.group(2))))}</msup></mrow>"
            )
        if re.fullmatch(r"-?[\d.]+", text):
            return _mn(text)
        return f"<mi>{escape(text)}</mi>"
    return mathml_expr(value)


def decimal(value: Any) -> str:
    """An mpmath or SymPy value to 6 digits; a complex one (an expression real nowhere) as ``(a + bj)``."""
    if isinstance(value, sympy.Basic):
        value = sympy.N(value, 17)
        value = mpmath.mpc(complex(value)) if not value.is_real else mpmath.mpf(float(value))
    if not isinstance(value, (mpmath.mpf, mpmath.mpc)):
        value = mpmath.mpf(value)
    return str(mpmath.nstr(value, DIGITS))


def as_float(expr: sympy.Basic) -> float | None:
    """The value as a float when it is a real number, else ``None`` (JSON's numeric fields)."""
    if expr.has(sympy.Derivative, sympy.Subs, sympy.Integral, AppliedUndef):
        return None  # no value at a point; SymPy's Subs.evalf would recurse forever
    value = sympy.N(expr, 17)
    if not (value.is_real and value.is_Number):
        return None
    try:
        number = float(value)
    except (OverflowError, ValueError):
        return None
    return number if math.isfinite(number) else None
