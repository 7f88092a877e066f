"""Numbers for people: one place that decides how a value is written."""

from __future__ import annotations

from typing import Any

import mpmath
import sympy

#: Significant digits of a decimal shown to people (JSON keeps full precision).
DIGITS = 6


def decimal(value: Any) -> str:
    """Six significant digits; a complex value (where an expression is real nowhere) as ``(a + bj)``."""
    if isinstance(value, sympy.Basic):
        value = sympy.N(value, 17)
        value = mpmath.mpc(complex(value)) if not value.is_real else mpmath.mpf(float(value))
    if not isinstance(value, (mpmath.mpf, mpmath.mpc)):
        value = mpmath.mpf(value)
    return str(mpmath.nstr(value, DIGITS))


def as_float(expr: sympy.Basic) -> float | None:
    """The value as a float when it is a real number, else ``None`` (JSON's numeric fields)."""
    value = sympy.N(expr, 17)
    return float(value) if value.is_real and value.is_Number else None
