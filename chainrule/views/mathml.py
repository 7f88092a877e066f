"""Presentation MathML for SymPy expressions, as well-formed XML.

SymPy's ``MathMLPresentationPrinter`` builds a DOM but writes it with a patch
that leaves text unescaped (``<mo><</mo>`` for ``x < 0``) and with HTML-only
named entities (``&InvisibleTimes;``), so its string is not XML. Here the
same DOM is serialised by hand: entities become the characters they name and
text is escaped, so every block parses as XML and renders in browsers'
native MathML (Chromium 109+, Firefox).

Derivatives of undefined functions read as primes (``g′(h(x))``), as in every
other format (``chainrule.printing.display_form``), and piecewise results as
a brace with cases.

>>> import sympy
>>> x = sympy.Symbol("x")
>>> mathml_expr(x**2)
'<msup><mi>x</mi><mn>2</mn></msup>'
>>> g_prime = mathml_expr(sympy.Function("g")(x).diff(x))
>>> g_prime.startswith("<mrow><mrow><mi>g</mi><mo>′</mo></mrow>")
True
"""

from __future__ import annotations

import html
from typing import Any
from xml.dom.minidom import Element, Node, Text

import sympy
from sympy.printing.mathml import MathMLPresentationPrinter
from sympy.printing.precedence import PRECEDENCE, precedence

from chainrule.juxtaposition import repeated_letter
from chainrule.printing import WrittenOrder, _DisplayDerivative, display_form, negated_factors
from chainrule.views.notation import Diff, Fraction, MathPrinter, Prime
from chainrule.vocabulary import shown_name

__all__ = ["ChainruleMathMLPrinter", "MathMLMathPrinter", "math_block", "mathml_expr", "serialize"]

_PRIMES = {1: "′", 2: "″", 3: "‴"}


class _BracketedSums(MathMLPresentationPrinter):
    """SymPy's MathML printer with a subtracted sum kept in brackets (``6t·t − (3t² − 3)``;
    SymPy prints the minus and then the sum bare) and ``e^(−3x)`` kept a factor, as LaTeX
    keeps it (SymPy's MathML writes ``2x/e^(3x)``). Beneath ``WrittenOrder``, which decides
    the order of the terms and factors."""

    def _print_Mul(self, expr: sympy.Mul) -> Element:
        decaying = [f for f in expr.args if isinstance(f, sympy.exp) and f.args[0].could_extract_minus_sign()]
        if not decaying:
            return super()._print_Mul(expr)
        rest = sympy.Mul(*(f for f in expr.args if f not in decaying), evaluate=False)
        top, bottom = sympy.fraction(rest)
        if bottom != 1:  # e^(−x)/(1 + e^(−x))²: the factor goes on top
            frac = self.dom.createElement("mfrac")
            frac.appendChild(self._print(sympy.Mul(top, *decaying, evaluate=False)))
            frac.appendChild(self._print(bottom))
            return frac
        row = self.dom.createElement("mrow")
        if rest.could_extract_minus_sign():
            row.appendChild(self._mo("-"))
            rest = -rest
        if rest != 1:
            row.appendChild(self.parenthesize(rest, PRECEDENCE["Mul"]) if rest.is_Add else self._print(rest))
            row.appendChild(self._mo("\u2062"))
        for k, factor in enumerate(decaying):
            if k:
                row.appendChild(self._mo("\u2062"))
            row.appendChild(self._print(factor))
        return row

    def _print_Add(self, expr: sympy.Add, order: str | None = None) -> Element:
        """SymPy's sum, with a subtracted sum kept in brackets: ``6t·t − (3t² − 3)``."""
        row = self.dom.createElement("mrow")
        terms = self._as_ordered_terms(expr, order=order)
        row.appendChild(self._print(terms[0]))
        for term in terms[1:]:
            negative = term.could_extract_minus_sign()
            row.appendChild(self._mo("-" if negative else "+"))
            shown = -term if negative else term
            row.appendChild(self.parenthesize(shown, PRECEDENCE["Add"], strict=not negative))
        return row


class ChainruleMathMLPrinter(WrittenOrder, _BracketedSums):
    """SymPy's presentation printer with primes, cases, and a fixed multiplication sign."""

    _keep = "old"

    def __init__(self, settings: dict[str, Any] | None = None) -> None:
        super().__init__(settings or {})

    def _print_Function(self, expr: sympy.Function) -> Element:
        # SymPy dispatches a Function subclass by its own name only, so the display
        # classes (named ``g'``, ``f_x``) arrive here.
        if isinstance(expr, _DisplayDerivative):
            return self._print_display_derivative(expr)
        name = shown_name(expr)
        if name is not None:  # a textbook's name: ln, arcsin
            row = self.dom.createElement("mrow")
            row.appendChild(self._print(sympy.Symbol(name)))
            row.appendChild(self._print_args(expr.args))
            return row
        return super()._print_Function(expr)

    def _print_UnevaluatedExpr(self, expr: sympy.UnevaluatedExpr) -> Element:
        """A value put in unevaluated (``3² + 4²``, ``−3x²·16``): printed as it stands."""
        return self._print(expr.args[0])

    def mathml_tag(self, e: sympy.Basic) -> str:
        """The sums and products written by the student are sums and products."""
        if isinstance(e, sympy.Add):
            return str(super().mathml_tag(sympy.Add(1, sympy.Symbol("_"), evaluate=False)))
        if isinstance(e, sympy.Mul):
            return str(super().mathml_tag(sympy.Mul(2, sympy.Symbol("_"), evaluate=False)))
        return str(super().mathml_tag(e))

    def _print_WrittenProduct(self, expr: sympy.Mul) -> Element:
        rest = negated_factors(expr)
        if rest is None:
            return self._written_factors(expr)
        row = self.dom.createElement("mrow")
        row.appendChild(self._mo("-"))
        if precedence(rest) < PRECEDENCE["Mul"]:
            row.appendChild(self.parenthesize(rest, PRECEDENCE["Mul"]))
        else:
            row.appendChild(self._print(rest))
        return row

    def _written_factors(self, expr: sympy.Mul) -> Element:
        """The factors as written, with a visible dot between a letter written twice (``t·t``);
        otherwise, and for a product with a denominator, as SymPy draws it."""
        factors = list(expr.args)
        if len(factors) < 2 or any(f.is_Pow and f.exp.is_negative for f in factors):
            return self._print_Mul(expr)
        if not any(repeated_letter(a, b) for a, b in zip(factors, factors[1:])):
            return self._print_Mul(expr)
        row = self.dom.createElement("mrow")
        for k, factor in enumerate(factors):
            if k:
                row.appendChild(self._mo("·" if repeated_letter(factors[k - 1], factor) else "\u2062"))
            row.appendChild(self.parenthesize(factor, PRECEDENCE["Mul"]))
        return row

    def _print_Exp1(self, expr: sympy.Basic) -> Element:
        """``e`` as a plain letter (``ⅇ`` is missing from many fonts)."""
        mi = self.dom.createElement("mi")
        mi.appendChild(self.dom.createTextNode("e"))
        return mi

    def _print_sigmoid(self, expr: sympy.Function) -> Element:
        """``σ(x)``, as the LaTeX printer writes the logistic function."""
        row = self.dom.createElement("mrow")
        row.appendChild(self._print(sympy.Symbol("sigma")))
        row.appendChild(self._print_args(expr.args))
        return row

    def _print_display_derivative(self, expr: _DisplayDerivative) -> Element:
        """``g′(x)``, ``g⁽⁴⁾(x)``, ``f_{xy}(x, y)``: what ``display_form`` stands for."""
        name = self._print(sympy.Symbol(expr.fname))
        if len(expr.orders) == 1:
            n = expr.orders[0]
            head = self.dom.createElement("mrow")
            head.appendChild(name)
            if n in _PRIMES:
                head.appendChild(self._mo(_PRIMES[n]))
            else:
                head = self.dom.createElement("msup")
                head.appendChild(name)
                head.appendChild(self._paren_text(str(n)))
        else:
            from chainrule.printing import _label

            head = self.dom.createElement("msub")
            head.appendChild(name)
            sub = self.dom.createElement("mrow")
            for i, k in enumerate(expr.orders):
                for _ in range(k):
                    sub.appendChild(self._print(sympy.Symbol(_label(type(expr), i))))
            head.appendChild(sub)
        row = self.dom.createElement("mrow")
        row.appendChild(head)
        row.appendChild(self._print_args(expr.args))
        return row

    def _print_Piecewise(self, expr: sympy.Piecewise) -> Element:
        """A brace and one row per case: ``value  if condition`` / ``otherwise``."""
        row = self.dom.createElement("mrow")
        row.appendChild(self._mo("{"))
        table = self.dom.createElement("mtable")
        table.setAttribute("columnalign", "left")
        for value, condition in expr.args:
            tr = self.dom.createElement("mtr")
            cell = self.dom.createElement("mtd")
            cell.appendChild(self._print(value))
            tr.appendChild(cell)
            cell = self.dom.createElement("mtd")
            text = self.dom.createElement("mtext")
            if condition is sympy.true:
                text.appendChild(self.dom.createTextNode("\u2003otherwise"))
                cell.appendChild(text)
            else:
                text.appendChild(self.dom.createTextNode("\u2003if\u00a0"))
                cell.appendChild(text)
                cell.appendChild(self._print(condition))
            tr.appendChild(cell)
            table.appendChild(tr)
        row.appendChild(table)
        return row

    def _mo(self, text: str) -> Element:
        mo = self.dom.createElement("mo")
        mo.appendChild(self.dom.createTextNode(text))
        return mo

    def _paren_text(self, text: str) -> Element:
        row = self.dom.createElement("mrow")
        row.appendChild(self._mo("("))
        mn = self.dom.createElement("mn")
        mn.appendChild(self.dom.createTextNode(text))
        row.appendChild(mn)
        row.appendChild(self._mo(")"))
        return row

    def _print_args(self, args: tuple[sympy.Basic, ...]) -> Element:
        row = self.dom.createElement("mrow")
        row.appendChild(self._mo("("))
        for i, arg in enumerate(args):
            if i:
                row.appendChild(self._mo(","))
            row.appendChild(self._print(arg))
        row.appendChild(self._mo(")"))
        return row


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_TALL = frozenset({"mfrac", "msqrt", "mroot", "mtable", "munderover", "munder", "mover"})


def _is_paren(element: Element) -> bool:
    return "".join(c.data for c in element.childNodes if isinstance(c, Text)) in "()[]|"


def _tall_elements(root: Node) -> set[int]:
    """Ids of the elements holding something taller than a line (a fraction, a root,
    a table), found in one pass from the leaves up."""
    order: list[Element] = []
    stack: list[Node] = [root]
    while stack:
        item = stack.pop()
        if isinstance(item, Element):
            order.append(item)
            stack.extend(item.childNodes)
    tall: set[int] = set()
    for element in reversed(order):  # children before parents
        if element.tagName in _TALL or any(id(c) in tall for c in element.childNodes):
            tall.add(id(element))
    return tall


def serialize(node: Node) -> str:
    """A DOM node as XML: SymPy's entity texts decoded, everything escaped.

    Walks with an explicit stack, so deep expressions do not recurse here.
    """
    tall = _tall_elements(node)
    out: list[str] = []
    stack: list[Node | str] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
            continue
        if isinstance(item, Text):
            # SymPy writes entities (&InvisibleTimes;, &#x398;) into text nodes.
            text = html.unescape(item.data)
            parent = item.parentNode.tagName if isinstance(item.parentNode, Element) else ""
            if parent in ("mo", "mn") and text.startswith("-"):
                text = "\u2212" + text[1:]  # a minus sign, not a hyphen
            out.append(_escape(text))
            continue
        if isinstance(item, Element):
            attributes = dict(item.attributes.items())
            if item.tagName == "mo" and _is_paren(item) and id(item.parentNode) not in tall:
                # A stretchy parenthesis around flat content is drawn with a
                # larger, loosely spaced glyph in Chromium: keep it text-sized.
                attributes.setdefault("stretchy", "false")
            attrs = "".join(
                f' {name}="{_escape(value).replace(chr(34), "&quot;")}"'
                for name, value in sorted(attributes.items())
            )
            out.append(f"<{item.tagName}{attrs}>")
            stack.append(f"</{item.tagName}>")
            stack.extend(reversed(item.childNodes))
    return "".join(out)


def mathml_element(expr: sympy.Basic, printer: ChainruleMathMLPrinter | None = None) -> Element:
    """The DOM element for ``expr`` (primes for undefined functions)."""
    printer = printer or ChainruleMathMLPrinter()
    return printer._print(display_form(expr))


def mathml_expr(expr: sympy.Basic, printer: ChainruleMathMLPrinter | None = None) -> str:
    """``expr`` as presentation MathML (the content of a ``<math>`` element)."""
    return serialize(mathml_element(expr, printer))


def math_block(content: str, *, display: bool = True) -> str:
    """MathML content wrapped in a ``<math>`` element (block or inline)."""
    attr = ' display="block"' if display else ""
    return f'<math xmlns="http://www.w3.org/1998/Math/MathML"{attr}>{content}</math>'


# ---------------------------------------------------------------------------
# The MathML flavour of the shared per-rule notation (``chainrule.views.notation``).


def _mo(text: str) -> str:
    return f"<mo>{_escape(text)}</mo>"


def _parens(body: str, *, square: bool = False) -> str:
    """``(body)`` (``[body]`` if ``square``); they stretch only around something tall."""
    tall = any(f"<{tag}" in body for tag in _TALL)
    attr = "" if tall else ' stretchy="false"'
    left, right = "[]" if square else "()"
    return f"<mrow><mo{attr}>{left}</mo>{body}<mo{attr}>{right}</mo></mrow>"


class MathMLMathPrinter(MathPrinter[str]):
    """Prints the notation's equation nodes as presentation MathML.

    ``d/dx`` is a fraction, Lagrange's prime a ``′`` after parentheses; every
    expression inside goes through ``ChainruleMathMLPrinter``.
    """

    mul = _mo("·")
    eq = _mo("=")
    plus = _mo("+")

    def __init__(self) -> None:
        self.sympy_printer = ChainruleMathMLPrinter()
        self._cache: dict[tuple[sympy.Basic, int | None], str] = {}

    def expr(self, expr: sympy.Basic, *, level: int | None = None) -> str:
        key = (expr, level)
        if key not in self._cache:
            shown = display_form(expr)
            if level is not None and precedence(shown) < level:
                self._cache[key] = _parens(serialize(self.sympy_printer._print(shown)))
            else:
                self._cache[key] = serialize(self.sympy_printer._print(shown))
        return self._cache[key]

    def join(self, parts: list[str], sep: str) -> str:
        return "<mrow>" + sep.join(parts) + "</mrow>"

    def to_str(self, piece: str) -> str:
        return piece

    def bracket(self, piece: str, *, square: bool) -> str:
        return _parens(piece, square=square)

    def _print_Diff(self, node: Diff) -> str:
        d = "<mo>∂</mo>" if node.partial else "<mi>d</mi>"
        var = self.expr(node.wrt)
        if node.order == 1:
            top, bottom = d, f"<mrow>{d}{var}</mrow>"
        else:
            n = f"<mn>{node.order}</mn>"
            top, bottom = f"<msup>{d}{n}</msup>", f"<mrow>{d}<msup>{var}{n}</msup></mrow>"
        if isinstance(node.operand, sympy.Symbol):
            return f"<mfrac><mrow>{top}{self.expr(node.operand)}</mrow>{bottom}</mfrac>"
        return f"<mrow><mfrac>{top}{bottom}</mfrac>{self.operand(node.operand)}</mrow>"

    def _print_Fraction(self, node: Fraction) -> str:
        top, bottom = self.print(node.numerator), self.print(node.denominator)
        return f"<mfrac><mrow>{top}</mrow><mrow>{bottom}</mrow></mfrac>"

    def _print_Prime(self, node: Prime) -> str:
        inner = _parens(self.expr(node.expr))
        if node.order in _PRIMES:
            return f"<mrow>{inner}{_mo(_PRIMES[node.order])}</mrow>"
        return f"<msup>{inner}<mrow>{_mo('(')}<mn>{node.order}</mn>{_mo(')')}</mrow></msup>"
