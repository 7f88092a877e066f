"""SymPy's 2-D Unicode pretty form of the shared notation (``views/notation.py``), for
the terminal view: fractions stacked, powers raised, pieces joined side by side."""

from __future__ import annotations

import sympy
from sympy.printing.pretty.stringpict import prettyForm, stringPict

from chainrule.printing import WrittenPrettyPrinter, display_form
from chainrule.views.notation import Diff, Fraction, MathPrinter, Prime


class PrettyMathPrinter(MathPrinter[prettyForm]):
    """SymPy's 2-D Unicode pretty printer, pieces joined side by side."""

    mul = "⋅"

    def __init__(self, *, unicode: bool = True) -> None:
        self.sympy_printer = WrittenPrettyPrinter({"use_unicode": unicode, "wrap_line": False})
        self.unicode = unicode
        if not unicode:  # ASCII art for terminals that cannot show more
            self.mul = "*"

    def expr(self, expr: sympy.Basic, *, level: int | None = None) -> prettyForm:
        form = self.sympy_printer._print(display_form(expr))
        if level is not None and _precedence(expr) < level:
            form = prettyForm(*form.parens())
        return form

    def bracket(self, piece: prettyForm, *, square: bool) -> prettyForm:
        return prettyForm(*piece.parens("[", "]")) if square else prettyForm(*piece.parens())

    def join(self, parts: list[prettyForm], sep: str) -> prettyForm:
        out = parts[0]
        for part in parts[1:]:
            out = prettyForm(*stringPict.next(out, sep, part))
        return out

    def to_str(self, piece: prettyForm) -> str:
        return str(piece.render(wrap_line=False))

    def _print_Diff(self, node: Diff) -> prettyForm:
        d = "∂" if node.partial and self.unicode else "d"
        var = self.expr(node.wrt)
        bottom = prettyForm(*var.left(d))
        top = prettyForm(d)
        if node.order > 1:
            bottom = bottom ** prettyForm(str(node.order))
            top = top ** prettyForm(str(node.order))
        if isinstance(node.operand, sympy.Symbol):
            top = prettyForm(*top.right(self.expr(node.operand)))
            frac = prettyForm(*top.below(stringPict.LINE, bottom))
            frac.baseline = top.height()
            return frac
        frac = prettyForm(*top.below(stringPict.LINE, bottom))
        frac.baseline = top.height()
        return prettyForm(*stringPict.next(frac, self.operand(node.operand)))

    def _print_Fraction(self, node: Fraction) -> prettyForm:
        return self.print(node.numerator) / self.print(node.denominator)

    def _print_Prime(self, node: Prime) -> prettyForm:
        if self.unicode:
            mark = "′" * node.order if node.order <= 3 else f"⁽{node.order}⁾"
        else:
            mark = "'" * node.order if node.order <= 3 else f"^({node.order})"
        return prettyForm(*prettyForm(*self.expr(node.expr).parens()).right(mark))


def _precedence(expr: sympy.Basic) -> int:
    from sympy.printing.precedence import precedence

    return int(precedence(expr))
