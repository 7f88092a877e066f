"""The names the parser knows: constants, and the functions of the vocabulary.

Every function a user can call is an entry of :mod:`chainrule.vocabulary`
(its canonical name and aliases, the SymPy callable that builds it, how many
arguments it takes). Anything else is a plain variable or an undefined
function (see docs/input.md). This module adds what only the parser needs:
the constants, ``log_b`` bases, and the hints for names typed wrongly.
"""

from __future__ import annotations

import re

import sympy

from chainrule import vocabulary
from chainrule.vocabulary import Entry

CONSTANTS: dict[str, sympy.Expr] = {"e": sympy.E, "E": sympy.E, "pi": sympy.pi, "Pi": sympy.pi}

_LOG_BASE = re.compile(r"log_(\d+|[A-Za-z])\Z")
_GLUED = re.compile(
    r"(a?(?:sin|cos|tan|sec|csc|cot)h?|arc(?:sin|cos|tan)|ln|log|exp|sqrt)(\d*[xyzθ])\Z"
)


def function(name: str) -> Entry | None:
    """The vocabulary entry of a known function name (canonical or alias), or ``None``."""
    return vocabulary.lookup(name)


def known(name: str) -> Entry:
    """The vocabulary entry of a name the parser has already recognised as a function."""
    entry = vocabulary.lookup(name)
    if entry is None:
        raise KeyError(f"{name} is not a function of the vocabulary")
    return entry


def canonical(name: str) -> str | None:
    """The canonical name of a known function, or ``None`` (also for one read only when called)."""
    entry = vocabulary.lookup(name)
    return entry.name if entry is not None and not entry.called else None


def called(name: str) -> str | None:
    """The canonical name of a function read only when called (``gamma(x)``), or ``None``.

    Such a name is otherwise a variable, as any other name: ``gamma*x``.
    """
    entry = vocabulary.lookup(name)
    return entry.name if entry is not None and entry.called else None


def inverse(name: str) -> str | None:
    """The function ``name^-1`` stands for (``sin^-1`` is ``asin``), or ``None``."""
    entry = vocabulary.lookup(name)
    return entry.inverse if entry is not None else None


def log_base(name: str) -> str | None:
    """The base in ``log_2``, ``log_10``, ``log_b`` (a logarithm to that base), or ``None``."""
    match = _LOG_BASE.match(name)
    return match.group(1) if match else None


def bad_log_base(base: sympy.Expr) -> str | None:
    """Why a number cannot be a logarithm's base (it must be positive and not 1), or ``None``.

    SymPy would make ``log(x, 0)`` silently 0 (``log(x)/zoo``) and ``log(x, -2)`` complex.
    """
    if not base.is_number:
        return None
    if base.is_positive is False or base.is_extended_real is False:
        return f"a logarithm's base must be a positive number, not {base}"
    if base == 1:
        return "a logarithm's base cannot be 1 (log(1) = 0 would divide by zero)"
    return None


def glued_call(name: str) -> tuple[str, str] | None:
    """Split names like ``sinx`` or ``ln2x`` into a function and its argument.

    They are almost always a function written without a space; a clear error
    is better than a variable called ``sinx``.
    """
    match = _GLUED.match(name)
    return (match.group(1), match.group(2)) if match else None


def transposition_of(name: str) -> str | None:
    """A known function name that ``name`` is one swapped pair of letters away from."""
    if len(name) < 3 or not name.isalpha():
        return None
    for i in range(len(name) - 1):
        swapped = name[:i] + name[i + 1] + name[i] + name[i + 2:]
        if swapped != name and canonical(swapped) is not None:
            return swapped
    return None
