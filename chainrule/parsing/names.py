"""The allow-list of names the parser knows: constants, functions and their aliases.

Every function a user can call is in :data:`FUNCTIONS`, mapped to the SymPy
callable that builds it and the number of arguments it takes. Anything not
listed here is a plain variable or an undefined function (see docs/input.md).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import sympy

from chainrule.functions import relu, sigmoid


@dataclass(frozen=True, slots=True)
class FunctionSpec:
    """A known function: what builds it and how many arguments it accepts."""

    build: Callable[..., sympy.Expr]
    min_args: int = 1
    max_args: int = 1

    @property
    def prefix(self) -> bool:
        """Whether it may be applied without parentheses, as in ``sin x``."""
        return self.min_args == 1


def _log(arg: sympy.Expr, base: sympy.Expr | None = None, **kw: object) -> sympy.Expr:
    return sympy.log(arg, **kw) if base is None else sympy.log(arg, base, **kw)


def _root(arg: sympy.Expr, n: sympy.Expr, **kw: object) -> sympy.Expr:
    return sympy.Pow(arg, 1 / n, **kw)


def _cbrt(arg: sympy.Expr, **kw: object) -> sympy.Expr:
    return sympy.Pow(arg, sympy.Rational(1, 3), **kw)


def _sqrt(arg: sympy.Expr, **kw: object) -> sympy.Expr:
    return sympy.Pow(arg, sympy.S.Half, **kw)


def _logn(base: int) -> Callable[..., sympy.Expr]:
    def build(arg: sympy.Expr, **kw: object) -> sympy.Expr:
        return sympy.log(arg, sympy.Integer(base), **kw)

    return build


_ONE = {
    "sin": sympy.sin, "cos": sympy.cos, "tan": sympy.tan,
    "sec": sympy.sec, "csc": sympy.csc, "cot": sympy.cot,
    "asin": sympy.asin, "acos": sympy.acos, "atan": sympy.atan,
    "asec": sympy.asec, "acsc": sympy.acsc, "acot": sympy.acot,
    "sinh": sympy.sinh, "cosh": sympy.cosh, "tanh": sympy.tanh,
    "sech": sympy.sech, "csch": sympy.csch, "coth": sympy.coth,
    "asinh": sympy.asinh, "acosh": sympy.acosh, "atanh": sympy.atanh,
    "asech": sympy.asech, "acsch": sympy.acsch, "acoth": sympy.acoth,
    "exp": sympy.exp, "ln": sympy.log, "sqrt": _sqrt, "cbrt": _cbrt,
    "Abs": sympy.Abs, "sign": sympy.sign, "erf": sympy.erf,
    "sigmoid": sigmoid, "relu": relu, "factorial": sympy.factorial,
    "log10": _logn(10), "log2": _logn(2),
}
ALIASES = {
    "arcsin": "asin", "arccos": "acos", "arctan": "atan", "arcsec": "asec", "arccsc": "acsc",
    "arccot": "acot", "arsinh": "asinh", "arcsinh": "asinh", "arcosh": "acosh",
    "arccosh": "acosh", "artanh": "atanh", "arctanh": "atanh", "arsech": "asech",
    "arcsech": "asech", "arcsch": "acsch", "arccsch": "acsch", "arcoth": "acoth",
    "arccoth": "acoth", "abs": "Abs", "tg": "tan", "ctg": "cot", "arctg": "atan",
    "cosec": "csc", "sgn": "sign", "max": "Max", "min": "Min",
}

FUNCTIONS: dict[str, FunctionSpec] = {name: FunctionSpec(f) for name, f in _ONE.items()}
FUNCTIONS.update({
    "log": FunctionSpec(_log, 1, 2),
    "root": FunctionSpec(_root, 2, 2),
    "atan2": FunctionSpec(sympy.atan2, 2, 2),
    "binomial": FunctionSpec(sympy.binomial, 2, 2),
    "Max": FunctionSpec(sympy.Max, 1, 64),
    "Min": FunctionSpec(sympy.Min, 1, 64),
    "Heaviside": FunctionSpec(sympy.Heaviside, 1, 2),
})

CONSTANTS: dict[str, sympy.Expr] = {"e": sympy.E, "E": sympy.E, "pi": sympy.pi, "Pi": sympy.pi}

# f^-1 as the inverse function: sin^-1(x) is asin(x).
INVERSES = {
    "sin": "asin", "cos": "acos", "tan": "atan", "sec": "asec", "csc": "acsc", "cot": "acot",
    "sinh": "asinh", "cosh": "acosh", "tanh": "atanh", "sech": "asech", "csch": "acsch",
    "coth": "acoth",
}

_LOG_BASE = re.compile(r"log_(\d+|[A-Za-z])\Z")
_GLUED = re.compile(
    r"(a?(?:sin|cos|tan|sec|csc|cot)h?|arc(?:sin|cos|tan)|ln|log|exp|sqrt)(\d*[xyzθ])\Z"
)


def canonical(name: str) -> str | None:
    """The canonical name of a known function, or ``None``."""
    name = ALIASES.get(name, name)
    return name if name in FUNCTIONS else None


def log_base(name: str) -> str | None:
    """The base in ``log_2``, ``log_10``, ``log_b`` (a logarithm to that base), or ``None``."""
    match = _LOG_BASE.match(name)
    return match.group(1) if match else None


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
