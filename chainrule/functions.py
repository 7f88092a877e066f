"""Functions SymPy lacks that machine-learning users type: sigmoid and relu.

They are real SymPy functions with their own derivatives, so the engine, the
computational graph and SymPy's printers all treat them like ``sin``.
"""

from __future__ import annotations

import sympy
from sympy import Function, Heaviside, exp


class sigmoid(Function):  # noqa: N801 - named as users type it
    """The logistic function 1/(1 + e^(-x)); sigmoid' = sigmoid·(1 - sigmoid)."""

    is_real = True

    @classmethod
    def eval(cls, arg: sympy.Expr) -> sympy.Expr | None:  # SymPy's evaluation hook, on SymPy objects only
        if arg.is_zero:
            return sympy.Rational(1, 2)
        if arg.is_Number and not arg.is_Rational:
            return 1 / (1 + exp(-arg))
        return None

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        s = sigmoid(self.args[0])
        return s * (1 - s)

    def _eval_rewrite_as_exp(self, arg: sympy.Expr, **kwargs: object) -> sympy.Expr:
        return 1 / (1 + exp(-arg))

    def _eval_evalf(self, prec: int) -> sympy.Expr | None:
        return (1 / (1 + exp(-self.args[0])))._eval_evalf(prec)

    def _latex(self, printer: object) -> str:
        return r"\sigma\left(" + printer._print(self.args[0]) + r"\right)"  # type: ignore[attr-defined]


class relu(Function):  # noqa: N801
    """The rectifier max(0, x); relu' = Heaviside(x) (taken as 0 at x = 0)."""

    is_real = True

    @classmethod
    def eval(cls, arg: sympy.Expr) -> sympy.Expr | None:  # SymPy's evaluation hook, on SymPy objects only
        if arg.is_nonnegative:
            return arg
        if arg.is_nonpositive:
            return sympy.S.Zero
        return None

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        return Heaviside(self.args[0], 0)

    def _eval_rewrite_as_Max(self, arg: sympy.Expr, **kwargs: object) -> sympy.Expr:
        return sympy.Max(0, arg)

    def _eval_evalf(self, prec: int) -> sympy.Expr | None:
        return sympy.Max(0, self.args[0])._eval_evalf(prec)

    def _latex(self, printer: object) -> str:
        return r"\operatorname{relu}\left(" + printer._print(self.args[0]) + r"\right)"  # type: ignore[attr-defined]
