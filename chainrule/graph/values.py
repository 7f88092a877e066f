"""The numbers of a graph's forward and backward pass: exact where cheap, floats otherwise.

A value is a :class:`~fractions.Fraction` while its inputs are exact and the
operations keep it so (``add``, ``mul``, integer powers...), else a float
(``chainrule.vocabulary.Num``). :func:`checked` is the one gate every result
passes: a complex or NaN result is a :class:`DomainError`, an exact value past
:data:`MAX_EXACT_DIGITS` digits or a float overflow a :class:`TooLarge`.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import sympy

from chainrule.vocabulary import Deferred, Num  # noqa: F401 - Num is this module's number type

__all__ = [
    "MAX_EXACT_DIGITS",
    "DomainError",
    "NoValue",
    "TooLarge",
    "checked",
    "denoised",
    "divide",
    "log",
    "others_products",
    "power",
    "to_number",
    "to_sympy",
]

#: The most digits an exact value (numerator or denominator) may have; Python
#: prints integers only up to 4,300 digits.
MAX_EXACT_DIGITS = 4_000
_MAX_EXACT_BITS = int(MAX_EXACT_DIGITS * math.log2(10))


class DomainError(ArithmeticError):
    """A value is undefined over the reals (log of a negative, 0**-1, ...)."""


class TooLarge(ArithmeticError):
    """An exact value has too many digits, or a float overflows."""


class NoValue(Exception):
    """An undefined function has no value at a point."""


def checked(value: Any) -> Num:
    """A result of real arithmetic as a ``Num``, or the error saying why it is not one."""
    if isinstance(value, Deferred):
        value = value.compute()
    if isinstance(value, int):
        value = Fraction(value)
    if isinstance(value, Fraction):
        if max(value.numerator.bit_length(), value.denominator.bit_length()) > _MAX_EXACT_BITS:
            raise TooLarge(f"an exact value with more than {MAX_EXACT_DIGITS:,} digits")
        return value
    if isinstance(value, complex):
        raise DomainError("not a real number")
    number = float(value)
    if math.isnan(number):
        raise DomainError("not a number")
    if math.isinf(number):
        raise TooLarge("overflows a float")
    return number


#: The functions whose zeros and poles are at multiples of π/2, where a float argument
#: (π/2 rounded) gives noise: ``cos(π/2)`` is 6.1e−17 in floats, 0 in fact.
_TRIGONOMETRIC = frozenset({"sin", "cos", "tan", "cot", "sec", "csc"})


def denoised(name: str, args: Sequence[Num], value: Num) -> Num:
    """``value`` of ``name`` at ``args`` with floating-point noise dropped: a trigonometric
    value within rounding of 0 (relative to the argument) is 0, and one as large as a
    rounded pole is undefined (``tan(π/2)`` is not 1.6e16)."""
    if name not in _TRIGONOMETRIC or not isinstance(value, float) or len(args) != 1:
        return value
    noise = 4 * sys.float_info.epsilon * max(1.0, abs(float(args[0])))
    if abs(value) <= noise:
        return Fraction(0)
    if abs(value) * noise >= 1:
        raise DomainError(f"{name} has a pole there")
    return value


def to_sympy(value: Num) -> sympy.Expr:
    """A number as SymPy: ``Rational`` if exact, else a 53-bit ``Float``."""
    if isinstance(value, Fraction):
        return sympy.Rational(value.numerator, value.denominator)
    return sympy.Float(value)


def to_number(expr: sympy.Expr) -> Num | None:
    """A constant expression's value (``None`` when it has none, as ``f(2)``)."""
    if isinstance(expr, sympy.Rational):
        return checked(Fraction(int(expr.p), int(expr.q)))
    if isinstance(expr, sympy.Float):
        return checked(float(expr))
    evaluated = expr.evalf(20)
    if not evaluated.is_Number:
        real, imaginary = evaluated.as_real_imag()
        if imaginary.is_number and imaginary != 0:
            raise DomainError("not a real number")
        evaluated = real
    if not evaluated.is_Number:
        return None
    return checked(float(evaluated))


def power(a: Num, b: Num) -> Num:
    """``a**b``: exact for an exact base and integer exponent, else a float."""
    if isinstance(a, Fraction) and isinstance(b, Fraction) and b.denominator == 1:
        if a == 0 and b < 0:
            raise DomainError("division by zero")
        bits = max(abs(a.numerator), a.denominator).bit_length()
        if bits > 1 and (bits - 1) * abs(b.numerator) > _MAX_EXACT_BITS:
            raise TooLarge(f"an exact value with more than {MAX_EXACT_DIGITS:,} digits")
        return checked(a ** int(b))
    fa, fb = float(a), float(b)
    if fa == 0 and fb < 0:
        raise DomainError("division by zero")
    if fa < 0 and not fb.is_integer():
        raise DomainError("a negative number to a fractional power")
    try:
        return checked(fa**fb)
    except OverflowError as err:
        raise TooLarge("overflows a float") from err


def log(a: Num) -> float:
    if a <= 0:
        raise DomainError("log of a number <= 0")
    return math.log(a)


def divide(a: Num, b: Num) -> Num:
    if b == 0:
        raise DomainError("division by zero")
    return checked(a / b)


def others_products(values: Sequence[Num]) -> list[Num]:
    """For each position, the product of all the other values (O(n), no division)."""
    if len(values) == 2:
        return [values[1], values[0]]
    prefix: list[Num] = [Fraction(1)]
    for v in values:
        prefix.append(checked(prefix[-1] * v))
    result: list[Num] = [Fraction(1)] * len(values)
    suffix: Num = Fraction(1)
    for i in range(len(values) - 1, -1, -1):
        result[i] = checked(prefix[i] * suffix)
        suffix = checked(suffix * values[i])
    return result
