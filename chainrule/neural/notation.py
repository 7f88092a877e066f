r"""Display-only SymPy matrix expressions for a network's formulas.

A network's symbolic forms — ``z_2 = W_2 h_1 + b_2``, ``δ_2 = diag(σ′(z_2)) ∂L/∂h_2``,
``∂L/∂W_2 = δ_2 h_1ᵀ`` — are built once, in the model, from SymPy's
``MatrixSymbol``, ``MatMul``, ``MatAdd`` and ``Transpose`` and the few classes
below, which know how they print. Every format then prints them with SymPy's
own printers (``chainrule.printing.plain`` and ``latex``, and the MathML
printer), so no view writes mathematics by hand. They are never used for
mathematics: the numbers come from NumPy.

>>> from chainrule.printing import latex, plain
>>> h = vector("h_2", 3)
>>> plain(Partial(LOSS, h))
'dL/dh_2'
>>> print(latex(MatMul(Diag(Apply("sigmoid", vector("z_2", 3), order=1)), Partial(LOSS, h))))
\operatorname{diag}\left(\sigma'\left(z_{2}\right)\right) \frac{\partial L}{\partial h_{2}}
"""

from __future__ import annotations

from typing import Any

import sympy
from sympy import MatAdd, MatMul, MatrixSymbol, Transpose

from chainrule.printing import UnicodeLinePrinter, subscripted

__all__ = [
    "LOSS",
    "Apply",
    "Diag",
    "MatAdd",
    "MatMul",
    "Partial",
    "Scaled",
    "Transpose",
    "line",
    "matrix",
    "vector",
]

#: The loss, a scalar.
LOSS = sympy.Symbol("L")

#: Functions that are not activations: (plain, LaTeX, MathML) names.
_OTHER_NAMES = {
    "softmax": ("softmax", r"\operatorname{softmax}", "softmax"),
    "log": ("log", r"\log", "log"),
    "act_k": ("act_k", r"\operatorname{act}_k", "act"),  # any layer's activation, in the general rule
}


def vector(name: str, size: int) -> MatrixSymbol:
    """A column vector ``name`` with ``size`` entries."""
    return MatrixSymbol(name, size, 1)


def matrix(name: str, rows: int, columns: int) -> MatrixSymbol:
    return MatrixSymbol(name, rows, columns)


def _names(function: str) -> tuple[str, str, str]:
    if function in _OTHER_NAMES:
        return _OTHER_NAMES[function]
    from chainrule.neural.activations import ACTIVATIONS

    act = ACTIVATIONS[function]
    return act.plain, act.latex, act.mathml


def _mrow(printer: Any, *children: Any) -> Any:
    row = printer.dom.createElement("mrow")
    for child in children:
        row.appendChild(child)
    return row


def _token(printer: Any, tag: str, text: str) -> Any:
    element = printer.dom.createElement(tag)
    element.appendChild(printer.dom.createTextNode(text))
    return element


def _parens(printer: Any, content: Any) -> Any:
    open_, close = _token(printer, "mo", "("), _token(printer, "mo", ")")
    for paren in (open_, close):
        paren.setAttribute("stretchy", "false")
    return _mrow(printer, open_, content, close)


class Partial(sympy.MatrixExpr):
    """``∂L/∂v`` (a gradient, shaped like ``v``) or ``∂h/∂z`` (a Jacobian, rows of ``h``
    by rows of ``z``)."""

    def __new__(cls, of: sympy.Basic, by: sympy.MatrixExpr) -> Partial:
        return sympy.Basic.__new__(cls, of, by)

    @property
    def shape(self) -> tuple[Any, Any]:
        of, by = self.args
        if isinstance(of, sympy.MatrixExpr):
            return of.shape[0], by.shape[0]
        return by.shape

    def _sympystr(self, printer: Any) -> str:
        d = "∂" if getattr(printer, "unicode_primes", False) else "d"
        return f"{d}{printer._print(self.args[0])}/{d}{printer._print(self.args[1])}"

    def _latex(self, printer: Any) -> str:
        of, by = (printer._print(a) for a in self.args)
        return f"\\frac{{\\partial {of}}}{{\\partial {by}}}"

    def _mathml_presentation(self, printer: Any) -> Any:
        fraction = printer.dom.createElement("mfrac")
        for arg in self.args:
            fraction.appendChild(_mrow(printer, _token(printer, "mo", "∂"), printer._print(arg)))
        return fraction


class Apply(sympy.MatrixExpr):
    """``act(z)`` applied elementwise (``order=1``: its derivative ``act′(z)``)."""

    def __new__(cls, function: str | sympy.Symbol, arg: sympy.MatrixExpr, order: int = 0) -> Apply:
        # Positional, as SymPy rebuilds an expression with ``func(*args)``.
        return sympy.Basic.__new__(cls, sympy.Symbol(str(function)), arg, sympy.Integer(order))

    @property
    def function(self) -> str:
        return str(self.args[0])

    @property
    def order(self) -> int:
        return int(self.args[2])

    @property
    def shape(self) -> tuple[Any, Any]:
        return self.args[1].shape

    def _sympystr(self, printer: Any) -> str:
        if getattr(printer, "unicode_primes", False):  # σ′(z₂), actₖ(zₖ)
            plain_name, _, shown = _names(self.function)
            name = subscripted(plain_name) if self.function in _OTHER_NAMES else shown
            return f"{name}{'′' * self.order}({printer._print(self.args[1])})"
        return f"{_names(self.function)[0]}{chr(39) * self.order}({printer._print(self.args[1])})"

    def _latex(self, printer: Any) -> str:
        prime = "'" * self.order
        return f"{_names(self.function)[1]}{prime}\\left({printer._print(self.args[1])}\\right)"

    def _mathml_presentation(self, printer: Any) -> Any:
        head = _token(printer, "mi", _names(self.function)[2])
        if self.order:
            head = _mrow(printer, head, _token(printer, "mo", "′" * self.order))
        return _mrow(printer, head, _parens(printer, printer._print(self.args[1])))


class Diag(sympy.MatrixExpr):
    """``diag(v)``: the square matrix with the vector ``v`` on its diagonal; an explicit
    ``v`` prints as its entries, ``diag(0.25, 0.1)``."""

    def __new__(cls, arg: sympy.MatrixExpr) -> Diag:
        return sympy.Basic.__new__(cls, arg)

    @property
    def shape(self) -> tuple[Any, Any]:
        rows = self.args[0].shape[0]
        return rows, rows

    def _entries(self, printer: Any) -> list[Any] | None:
        arg = self.args[0]
        if isinstance(arg, sympy.MatrixBase):
            return [printer._print(entry) for entry in arg]
        return None

    def _sympystr(self, printer: Any) -> str:
        entries = self._entries(printer)
        inner = ", ".join(entries) if entries is not None else printer._print(self.args[0])
        return f"diag({inner})"

    def _latex(self, printer: Any) -> str:
        entries = self._entries(printer)
        inner = ", ".join(entries) if entries is not None else printer._print(self.args[0])
        return f"\\operatorname{{diag}}\\left({inner}\\right)"

    def _mathml_presentation(self, printer: Any) -> Any:
        entries = self._entries(printer)
        if entries is None:
            inner = printer._print(self.args[0])
        else:
            inner = _mrow(printer)
            for k, entry in enumerate(entries):
                if k:
                    inner.appendChild(_token(printer, "mo", ","))
                inner.appendChild(entry)
        return _mrow(printer, _token(printer, "mi", "diag"), _parens(printer, inner))


class Scaled(sympy.MatrixExpr):
    """``c (M)``: a scalar coefficient times a matrix expression, kept as written
    (SymPy's MathML printer splits ``2/n`` into ``2 · 1/n``)."""

    def __new__(cls, coefficient: sympy.Expr, arg: sympy.MatrixExpr) -> Scaled:
        value = sympy.Rational(coefficient) if isinstance(coefficient, int) else coefficient
        return sympy.Basic.__new__(cls, value, arg)

    @property
    def shape(self) -> tuple[Any, Any]:
        return self.args[1].shape

    def _parts(self) -> tuple[sympy.Expr, sympy.MatrixExpr, bool]:
        coefficient, arg = self.args
        return coefficient, arg, isinstance(arg, MatAdd)

    def _sympystr(self, printer: Any) -> str:
        coefficient, arg, group = self._parts()
        inner = printer._print(arg)
        times = "·" if getattr(printer, "unicode_primes", False) else "*"
        head = "-" if coefficient == -1 else f"({printer._print(coefficient)}){times}"
        return f"{head}({inner})" if group else f"{head}{inner}"

    def _latex(self, printer: Any) -> str:
        coefficient, arg, group = self._parts()
        inner = printer._print(arg)
        head = "-" if coefficient == -1 else printer._print(coefficient) + " "
        return f"{head}\\left({inner}\\right)" if group else f"{head}{inner}"

    def _mathml_presentation(self, printer: Any) -> Any:
        coefficient, arg, group = self._parts()
        inner = printer._print(arg)
        if group:
            inner = _parens(printer, inner)
        if coefficient == -1:
            return _mrow(printer, _token(printer, "mo", "−"), inner)
        return _mrow(printer, printer._print(coefficient), _token(printer, "mo", "\u2062"), inner)


class NetworkLinePrinter(UnicodeLinePrinter):
    """One line of Unicode for a network's formulas: ``δ₂ = diag(σ′(z₂))·∂L/∂h₂``, ``δ₂·h₁ᵀ``."""

    def _print_MatrixSymbol(self, expr: MatrixSymbol) -> str:
        return subscripted(expr.name)

    def _print_Symbol(self, expr: sympy.Symbol) -> str:
        return subscripted(expr.name)

    def _print_Piecewise(self, expr: sympy.Piecewise) -> str:
        """``0 if z ≤ 0, else 1`` (relu′), as the words a textbook uses."""
        pieces = []
        for value, condition in expr.args:
            shown = self._print(value)
            if condition is sympy.true:
                pieces.append(f"else {shown}")
            else:
                test = self._print(condition).replace("<=", "≤").replace(">=", "≥")
                pieces.append(f"{shown} if {test}")
        return ", ".join(pieces)

    def _print_sigmoid(self, expr: sympy.Expr) -> str:
        return f"σ({self._print(expr.args[0])})"

    def _print_Transpose(self, expr: Transpose) -> str:
        inner = self._print(expr.arg)
        return f"{inner}ᵀ" if isinstance(expr.arg, MatrixSymbol) else f"({inner})ᵀ"

    def _print_MatMul(self, expr: MatMul) -> str:
        args = list(expr.args)
        sign = ""
        if args and args[0] == -1:
            sign, args = "-", args[1:]
        parts = [f"({self._print(a)})" if isinstance(a, MatAdd) else self._print(a) for a in args]
        return sign + "·".join(parts)


def line(expr: sympy.Basic) -> str:
    """A network formula as one line of Unicode (``printing.plain`` gives the ASCII form)."""
    return str(NetworkLinePrinter().doprint(expr))
