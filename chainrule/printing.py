"""Print expressions for people: SymPy's printers, with derivatives of
undefined functions written the way a textbook writes them; and for
programs: :func:`machine`, the text ``chainrule.parse`` reads back exactly.

SymPy writes ``g'(h(x))`` as ``Derivative(g(h(x)), h(x))`` or, when the
argument is not a plain name, as ``Subs(Derivative(g(_xi), _xi), _xi, sin(x))``.
People read ``g'(h(x))``, ``g'(sin(x))``, ``f_x(x, y)``. ``display_form``
rewrites those patterns into small display-only function applications that
SymPy's own ``latex``, ``pretty`` and ``sstr`` then print; nothing else is
changed, and the result is never used for mathematics.

>>> import sympy
>>> x = sympy.Symbol("x")
>>> g, h = sympy.Function("g"), sympy.Function("h")
>>> plain(sympy.diff(g(h(x)), x))
"g'(h(x))*h'(x)"
>>> plain(sympy.diff(g(sympy.sin(x)), x))
"g'(sin(x))*cos(x)"
>>> latex(sympy.diff(g(x), x, 2))
"g''\\\\left(x\\\\right)"
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from typing import Any

import sympy
from sympy.core.function import AppliedUndef
from sympy.printing.latex import LatexPrinter
from sympy.printing.precedence import PRECEDENCE
from sympy.printing.pretty.pretty import PrettyPrinter
from sympy.printing.pretty.stringpict import prettyForm, stringPict
from sympy.printing.str import StrPrinter

from chainrule.juxtaposition import between, juxtapose, pretty_baseline, repeated_letter
from chainrule.vocabulary import shown_name
from chainrule.written import WrittenProduct, is_written


class _DisplayDerivative(sympy.Function):
    """A derivative of an undefined function, for printing only.

    Subclasses carry ``fname`` (the function's name), ``orders`` (how many
    times each argument is differentiated, by position) and ``labels`` (the
    name of each argument where it has one).
    """

    fname: str = "f"
    orders: tuple[int, ...] = ()
    labels: tuple[str | None, ...] = ()

    @classmethod
    def _ascii_name(cls) -> str:
        if len(cls.orders) == 1:
            n = cls.orders[0]
            return cls.fname + ("'" * n if n <= 3 else f"^({n})")
        return cls.fname + "_" + "".join(_label(cls, i) * k for i, k in enumerate(cls.orders))

    def _sympystr(self, printer: Any) -> str:
        name = self._ascii_name()
        if getattr(printer, "unicode_primes", False):
            name = name.replace("'''", "‴").replace("''", "″").replace("'", "′")
        return f"{name}({', '.join(printer._print(a) for a in self.args)})"

    def _latex(self, printer: Any, exp: str | None = None) -> str:
        """``g'\\left(x\\right)``; raised to a power (``exp``, as SymPy passes it for a
        function's power), ``g'\\left(x\\right)^{2}`` as a textbook writes g′(x)²."""
        args = ", ".join(printer._print(a) for a in self.args)
        power = f"^{{{exp}}}" if exp is not None else ""
        if len(self.orders) == 1:
            n = self.orders[0]
            mark = "'" * n if n <= 3 else f"^{{({n})}}"
            return f"{_latex_name(self.fname)}{mark}\\left({args}\\right){power}"
        subscript = "".join(_latex_name(_label(type(self), i)) * k for i, k in enumerate(self.orders))
        return f"{_latex_name(self.fname)}_{{{subscript}}}\\left({args}\\right){power}"

    def _pretty(self, printer: Any) -> Any:
        if len(self.orders) == 1:
            n = self.orders[0]
            name = self.fname + ("′" * n if n <= 3 else f"⁽{n}⁾")
        else:
            name = self.fname + "_" + "".join(_label(type(self), i) * k for i, k in enumerate(self.orders))
        return printer._print(sympy.Function(name)(*self.args))


def _label(cls: type[_DisplayDerivative], index: int) -> str:
    label = cls.labels[index] if index < len(cls.labels) else None
    return label if label else str(index + 1)


def _latex_name(name: str) -> str:
    return sympy.latex(sympy.Symbol(name))


@functools.lru_cache(maxsize=1024)
def _display_class(
    fname: str, orders: tuple[int, ...], labels: tuple[str | None, ...]
) -> type[_DisplayDerivative]:
    cls = type(
        f"D_{fname}",
        (_DisplayDerivative,),
        {"fname": fname, "orders": orders, "labels": labels},
    )
    # SymPy orders terms by class name: name each class by what it prints (f_x, g''), so the
    # order of f_x*x_m + f_y*y_m is the same in every run.
    cls.__name__ = cls._ascii_name()  # type: ignore[attr-defined]
    return cls


def _arg_label(arg: sympy.Basic) -> str | None:
    if isinstance(arg, sympy.Symbol):
        return arg.name
    if isinstance(arg, AppliedUndef):
        return arg.func.__name__
    return None


def _derivative_display(
    func: AppliedUndef, variables: list[tuple[sympy.Basic, int]], point: dict[Any, Any] | None
) -> sympy.Expr | None:
    """``func`` differentiated by ``variables`` (some of its own args), shown at ``point``."""
    args = list(func.args)
    orders = [0] * len(args)
    for var, count in variables:
        if var not in args or args.count(var) != 1:
            return None
        orders[args.index(var)] += int(count)
    if point:
        args = [point.get(a, a) for a in args]
    labels: tuple[str | None, ...] = (None,)
    if len(args) > 1:
        labels = tuple(_arg_label(a) for a in args)
    cls = _display_class(func.func.__name__, tuple(orders), labels)
    return cls(*args)


def _rewrite(node: sympy.Basic) -> sympy.Basic | None:
    if isinstance(node, sympy.Derivative) and isinstance(node.expr, AppliedUndef):
        return _derivative_display(node.expr, list(node.variable_count), None)
    if (
        isinstance(node, sympy.Subs)
        and isinstance(node.expr, sympy.Derivative)
        and isinstance(node.expr.expr, AppliedUndef)
    ):
        point = dict(zip(node.variables, node.point))
        return _derivative_display(node.expr.expr, list(node.expr.variable_count), point)
    return None


def display_form(expr: sympy.Basic) -> sympy.Basic:
    """``expr`` with derivatives of undefined functions in prime/subscript form."""
    if not expr.has(sympy.Derivative):
        return expr

    # Subs first: it holds a Derivative that the second pass would rewrite alone.
    for kind in (sympy.Subs, sympy.Derivative):

        def query(node: sympy.Basic, kind: type = kind) -> bool:
            return isinstance(node, kind) and _rewrite(node) is not None

        expr = expr.replace(query, _rewrite)
    return expr


class _Rate(sympy.Symbol):
    """The derivative of a quantity that changes with a variable (``y = y(x)``), printed as
    a textbook prints it: ``dy/dx`` (Leibniz) or ``y'`` (Lagrange). For printing only.

    Subclasses carry ``fname``, ``var`` (names), ``order`` and ``leibniz``. Their class
    names sort after ``Symbol``, so products read ``2 y dy/dx`` as in a textbook.
    """

    fname: str = "y"
    var: str = "x"
    order: int = 1
    leibniz: bool = True

    def _sympystr(self, printer: Any) -> str:
        if not self.leibniz:
            mark = "′" if getattr(printer, "unicode_primes", False) else "'"
            return self.fname + (mark * self.order if self.order <= 3 else f"^({self.order})")
        if self.order == 1:
            return f"d{self.fname}/d{self.var}"
        if getattr(printer, "unicode_primes", False):
            power = str(self.order).translate(_SUPERSCRIPT_DIGITS)
            return f"d{power}{self.fname}/d{self.var}{power}"
        return f"d^{self.order}{self.fname}/d{self.var}^{self.order}"

    def _latex(self, printer: Any) -> str:
        name, var = _latex_name(self.fname), _latex_name(self.var)
        if not self.leibniz:
            return name + ("'" * self.order if self.order <= 3 else f"^{{({self.order})}}")
        if self.order == 1:
            return rf"\frac{{d{name}}}{{d{var}}}"
        return rf"\frac{{d^{{{self.order}}}{name}}}{{d{var}^{{{self.order}}}}}"

    def _pretty(self, printer: Any) -> Any:
        from sympy.printing.pretty.stringpict import prettyForm, stringPict

        if not self.leibniz:
            marks = "′" * self.order if self.order <= 3 else f"⁽{self.order}⁾"
            return prettyForm(self.fname + marks)
        sup = "" if self.order == 1 else str(self.order).translate(_SUPERSCRIPT_DIGITS)
        top = prettyForm(f"d{sup}{self.fname}")
        bottom = prettyForm(f"d{self.var}{sup}")
        frac = prettyForm(*top.below(stringPict.LINE, bottom))
        frac.baseline = top.height()
        frac.binding = prettyForm.MUL
        return frac

    def _mathml_presentation(self, printer: Any) -> Any:
        dom = printer.dom

        def mi(text: str) -> Any:
            node = dom.createElement("mi")
            node.appendChild(dom.createTextNode(text))
            return node

        def row(*children: Any) -> Any:
            node = dom.createElement("mrow")
            for child in children:
                node.appendChild(child)
            return node

        def power(base: Any) -> Any:
            if self.order == 1:
                return base
            node = dom.createElement("msup")
            node.appendChild(base)
            number = dom.createElement("mn")
            number.appendChild(dom.createTextNode(str(self.order)))
            node.appendChild(number)
            return node

        name, var = printer._print(sympy.Symbol(self.fname)), printer._print(sympy.Symbol(self.var))
        if not self.leibniz:
            mark = dom.createElement("mo")
            mark.appendChild(dom.createTextNode("′" * self.order if self.order <= 3 else f"({self.order})"))
            return row(name, mark)
        frac = dom.createElement("mfrac")
        frac.appendChild(row(power(mi("d")), name))
        frac.appendChild(row(mi("d"), power(var)))
        return frac


_SUPERSCRIPT_DIGITS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


@functools.lru_cache(maxsize=256)
def _rate_class(fname: str, var: str, order: int, leibniz: bool) -> type[_Rate]:
    return type(f"SymbolRate_{fname}_{order}", (_Rate,), {"fname": fname, "var": var, "order": order,
                                                          "leibniz": leibniz})


def rate(name: str, var: str, order: int = 1, *, leibniz: bool = True) -> sympy.Symbol:
    """``dy/dx`` (or ``y'`` when not ``leibniz``) as a symbol that prints so in every printer.

    >>> sympy.sstr(2 * sympy.Symbol("y") * rate("y", "x"))
    '2*y*dy/dx'
    >>> print(sympy.latex(rate("y", "x", 2)), sympy.sstr(rate("y", "x", 2, leibniz=False)))
    \\frac{d^{2}y}{dx^{2}} y''
    """
    cls = _rate_class(name, var, order, leibniz)
    return cls(name + "'" * order, real=True)


def dependent_form(expr: sympy.Basic, functions: Any, *, leibniz: bool = True) -> sympy.Basic:
    """``expr`` with each quantity ``y(x)`` of ``functions`` written ``y`` and its derivatives
    ``dy/dx`` (or ``y'``), as a textbook writes implicit differentiation and related rates.

    >>> x = sympy.Symbol("x")
    >>> y = sympy.Function("y")(x)
    >>> sympy.sstr(dependent_form(2*x + 2*y*y.diff(x), [y]))
    '2*x + 2*y*dy/dx'
    """
    functions = [f for f in functions if expr.has(f)]
    if not functions:
        return expr
    replacements: dict[sympy.Basic, sympy.Basic] = {}
    for derivative in expr.atoms(sympy.Derivative):
        if derivative.expr in functions and len(set(derivative.variables)) == 1:
            (var,) = set(derivative.variables)
            name = derivative.expr.func.__name__
            replacements[derivative] = rate(name, str(var), derivative.derivative_count, leibniz=leibniz)
    shown = expr.xreplace(replacements) if replacements else expr
    return shown.xreplace({f: sympy.Symbol(f.func.__name__, real=True) for f in functions})


# -- as written ---------------------------------------------------------------
# The parser keeps sums and products in the order the student wrote them
# (``chainrule.written``); SymPy's printers would sort them. These printers
# keep the order of those, and print every other sum and product as SymPy does.


class WrittenOrder:
    """A printer mixin: sums and products written by the student print in their order.

    ``_keep`` is the printer's setting for "keep the arguments' order" (``none``
    for most printers, ``old`` for MathML's products).
    """

    _keep = "none"
    _settings: dict[str, Any]

    def _print_Add(self, expr: sympy.Add, order: str | None = None) -> Any:
        with self._ordered(is_written(expr)):
            return super()._print_Add(expr, order="none" if is_written(expr) else order)  # type: ignore[misc]

    def _print_Mul(self, expr: sympy.Mul) -> Any:
        with self._ordered(is_written(expr)):
            return super()._print_Mul(expr)  # type: ignore[misc]

    @contextlib.contextmanager
    def _ordered(self, written: bool) -> Iterator[None]:
        """Inside a written node keep the order; inside any other, SymPy's (the default)."""
        previous = self._settings.get("order")
        self._settings["order"] = self._keep if written else None
        try:
            yield
        finally:
            self._settings["order"] = previous

    def _print_WrittenSum(self, expr: sympy.Add, order: str | None = None) -> Any:
        return self._print_Add(expr, order)

    def _print_WrittenProduct(self, expr: sympy.Mul) -> Any:
        return self._print_Mul(expr)


class WrittenStrPrinter(WrittenOrder, StrPrinter):
    """``str()`` for people: sums and products in the order written, ``a = b`` for an
    equation, ``d/dx (...)`` for a derivative left as an operation."""

    def _print_Equality(self, expr: sympy.Eq) -> str:
        return f"{self._print(expr.lhs)} = {self._print(expr.rhs)}"

    def _print_WrittenProduct(self, expr: sympy.Mul) -> str:
        rest = negated_factors(expr)
        if rest is None:
            return str(self._print_Mul(expr))
        return "-" + self.parenthesize(rest, PRECEDENCE["Mul"], strict=True)

    def _print_Derivative(self, expr: sympy.Derivative) -> str:
        counts = list(expr.variable_count)
        if len(counts) != 1:
            return str(super()._print_Derivative(expr))
        (wrt, order), = counts
        d = "partial" if len(expr.expr.free_symbols) > 1 else "d"
        space = " " if d == "partial" else ""
        power = "" if order == 1 else self._order(int(order))
        if isinstance(expr.expr, sympy.Symbol):
            return f"{d}{power}{space}{self._print(expr.expr)}/{d}{space}{self._print(wrt)}{power}"
        operand = self.parenthesize(expr.expr, PRECEDENCE["Mul"] + 1, strict=False)
        return f"{d}{power}/{d}{space}{self._print(wrt)}{power} {operand}"

    @staticmethod
    def _order(order: int) -> str:
        return f"^{order}"


_SUPERSCRIPTS = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


class UnicodeLinePrinter(WrittenStrPrinter):
    """One line of Unicode for people: ``2·x·cos(x²)``, ``√x``, ``|x|``, ``∂/∂x (x²·y)``."""

    unicode_primes = True

    def _print_Pow(self, expr: sympy.Pow, rational: bool = False) -> str:
        exp = expr.exp
        base = self.parenthesize(expr.base, PRECEDENCE["Pow"], strict=False)
        if exp.is_Integer and (int(exp) > 1 or int(exp) < -1):
            return base + str(int(exp)).translate(_SUPERSCRIPTS)
        if exp is sympy.S.Half:
            return "√" + self.parenthesize(expr.base, PRECEDENCE["Atom"], strict=True)
        if exp == -sympy.S.Half:
            return "1/√" + self.parenthesize(expr.base, PRECEDENCE["Atom"], strict=True)
        if exp.is_Rational and not exp.is_Integer:
            return f"{base}^({exp.p}/{exp.q})"
        if not exp.is_Integer:
            shown = self._print(exp)
            return f"{base}^{shown}" if exp.is_Atom else f"{base}^({shown})"
        return str(super()._print_Pow(expr, rational))

    def _print_Mul(self, expr: sympy.Mul) -> str:
        """Factors side by side as a textbook writes them: ``3x⁴``, ``2wx``, ``(2x + 1)(x − 1)``,
        ``x sin(x)``; a dot where juxtaposition would misread (``2·3``, ``x^a·(x + 1)``)."""
        return juxtapose(str(super()._print_Mul(expr)))

    def _print_Abs(self, expr: sympy.Abs) -> str:
        return f"|{self._print(expr.args[0])}|"

    def _print_Function(self, expr: sympy.Function) -> str:
        """Textbook names: ``ln(x)``, ``arcsin(x)``."""
        name = shown_name(expr)
        if name is None:
            return str(super()._print_Function(expr))
        return f"{name}({self.stringify(expr.args, ', ')})"

    def _print_Pi(self, expr: sympy.Basic) -> str:
        return "π"

    def _print_Exp1(self, expr: sympy.Basic) -> str:
        return "e"

    def _print_Derivative(self, expr: sympy.Derivative) -> str:
        return super()._print_Derivative(expr).replace("partial ", "∂").replace("partial", "∂")

    @staticmethod
    def _order(order: int) -> str:
        return str(order).translate(_SUPERSCRIPTS)


class WrittenLatexPrinter(WrittenOrder, LatexPrinter):
    """SymPy's LaTeX, sums and products in the order written, with a textbook's
    names: ``\\ln``, ``\\arcsin`` (SymPy's ``ln_notation``, ``inv_trig_style="full"``)."""

    _default_settings = {**LatexPrinter._default_settings, "ln_notation": True, "inv_trig_style": "full"}

    def _print_WrittenProduct(self, expr: sympy.Mul) -> Any:
        rest = negated_factors(expr)
        if rest is not None:
            return "-" + self.parenthesize(rest, PRECEDENCE["Mul"], strict=True)
        factors = list(expr.args)
        if len(factors) < 2 or any(f.is_Pow and f.exp.is_negative for f in factors):
            return self._print_Mul(expr)
        dots = [repeated_letter(factors[k - 1], factors[k]) for k in range(1, len(factors))]
        if not any(dots):
            return self._print_Mul(expr)
        out = self.parenthesize(factors[0], PRECEDENCE["Mul"], strict=True)
        for k, dot in enumerate(dots, start=1):  # t·t: a letter written twice
            shown = self.parenthesize(factors[k], PRECEDENCE["Mul"], strict=True)
            out += (r" \cdot " if dot else " ") + shown
        return out


class WrittenPrettyPrinter(WrittenOrder, PrettyPrinter):
    """SymPy's 2-D form, sums and products in the order written, textbook names (``ln``)."""

    def _print_Mul(self, product: sympy.Mul) -> Any:
        """A product without a denominator side by side, as the Unicode line writes it
        (``2x``, ``x sin(x)``); anything else as SymPy draws it."""
        written = self.order in ("old", "none")
        factors = list(product.args)
        coeff = factors[0] if factors[0].is_Number else sympy.S.One
        rest = factors[1:] if factors[0].is_Number else factors
        if not written:
            coeff, body = product.as_coeff_Mul()
            rest = body.as_ordered_factors() if body.is_Mul else [body]
        if (
            not rest
            or not coeff.is_Integer
            or any(f.is_Number or (f.is_Pow and f.exp.is_negative) for f in rest)
        ):
            return super()._print_Mul(product)
        forms = [self._factor_form(f) for f in rest]
        if abs(coeff) != 1:
            forms.insert(0, self._print(abs(coeff)))
        out = last = forms[0]
        for form in forms[1:]:
            gap = between(pretty_baseline(last), pretty_baseline(form)).replace("·", "⋅")
            out = prettyForm(*stringPict.next(out, *([gap] if gap else []), form))
            last = form
        if coeff.is_negative:
            out = prettyForm(*stringPict.next("-", out))
            out.binding = prettyForm.NEG
        else:
            out.binding = prettyForm.MUL
        return out

    def _factor_form(self, factor: sympy.Basic) -> Any:
        form = self._print(factor)
        if form.binding > prettyForm.MUL and form.binding != prettyForm.NEG:
            form = prettyForm(*form.parens())
        return form

    def _print_Function(self, e: sympy.Function, *args: Any, **kwargs: Any) -> Any:
        name = shown_name(e)
        if name is not None and not args and "func_name" not in kwargs:
            kwargs["func_name"] = name
        return super()._print_Function(e, *args, **kwargs)


def negated_factors(expr: sympy.Mul) -> sympy.Expr | None:
    """For ``-1·a·b`` written so, the product ``a·b``; else ``None``."""
    if not (is_written(expr) and expr.args[0] is sympy.S.NegativeOne):
        return None
    rest = expr.args[1:]
    return rest[0] if len(rest) == 1 else WrittenProduct(*rest, evaluate=False)


def latex(expr: sympy.Basic, **settings: Any) -> str:
    """LaTeX for ``expr`` (SymPy's printer), primes for undefined functions."""
    return str(WrittenLatexPrinter(settings).doprint(display_form(expr)))


_SUBSCRIPT_INDEX = str.maketrans("0123456789k+-n", "₀₁₂₃₄₅₆₇₈₉ₖ₊₋ₙ")
_GREEK_NAMES = {"delta": "δ"}


def subscripted(name: str) -> str:
    """A name's index as a Unicode subscript: ``f_1`` is ``f₁``, ``delta_2`` is ``δ₂``,
    ``h_{k-1}`` is ``hₖ₋₁``; a name with another kind of index stays as it is."""
    head, _, index = name.partition("_")
    head = _GREEK_NAMES.get(head, head)
    index = index.removeprefix("{").removesuffix("}")
    if index and all(c in "0123456789k+-n" for c in index):
        return head + index.translate(_SUBSCRIPT_INDEX)
    return head + ("_" + index if index else "")


def plain(expr: sympy.Basic) -> str:
    """A one-line ASCII form like ``str()``, primes for undefined functions."""
    return str(WrittenStrPrinter().doprint(display_form(expr)))


def line(expr: sympy.Basic) -> str:
    """One line of Unicode for people: ``2·x·cos(x²)``, primes for undefined functions."""
    return str(UnicodeLinePrinter().doprint(display_form(expr)))


def pretty(expr: sympy.Basic, *, unicode: bool = True, wrap_line: bool = False) -> str:
    """SymPy's 2-D pretty form (Unicode by default), primes for undefined functions."""
    printer = WrittenPrettyPrinter({"use_unicode": unicode, "wrap_line": wrap_line})
    return str(printer.doprint(display_form(expr)))


class MachinePrinter(WrittenStrPrinter):
    """``sstr`` in the forms ``chainrule.parse`` reads: what JSON output writes (sums and
    products as written print in their order, so they read back as written).

    ``Derivative(f(x), x, 2)`` (no ``(x, 2)`` tuple), one variable per
    ``Subs``, ``Piecewise(e1, Lt(x, 0), e2)`` with its pairs flattened and the
    last piece's ``True`` left out, relations and logic as functions
    (``Lt``, ``And``), and ``sqrt(-1)`` for the imaginary unit.
    """

    def _print_Derivative(self, expr: sympy.Derivative) -> str:
        parts = [self._print(expr.expr)]
        for variable, count in expr.variable_count:
            parts.append(self._print(variable))
            if count != 1:
                parts.append(self._print(count))
        return f"Derivative({', '.join(parts)})"

    def _print_Subs(self, expr: sympy.Subs) -> str:
        text = self._print(expr.expr)
        for variable, point in zip(expr.variables, expr.point):
            text = f"Subs({text}, {self._print(variable)}, {self._print(point)})"
        return text

    def _print_Piecewise(self, expr: sympy.Piecewise) -> str:
        parts: list[str] = []
        for piece, condition in expr.args:
            parts.append(self._print(piece))
            if condition is not sympy.true:
                parts.append(self._print(condition))
        return f"Piecewise({', '.join(parts)})"

    def _print_Relational(self, expr: sympy.Basic) -> str:
        names = {"<": "Lt", "<=": "Le", ">": "Gt", ">=": "Ge", "==": "Eq", "!=": "Ne"}
        return f"{names[expr.rel_op]}({self._print(expr.lhs)}, {self._print(expr.rhs)})"

    def _print_And(self, expr: sympy.Basic) -> str:
        return f"And({', '.join(self._print(a) for a in expr.args)})"

    def _print_Or(self, expr: sympy.Basic) -> str:
        return f"Or({', '.join(self._print(a) for a in expr.args)})"

    def _print_Not(self, expr: sympy.Basic) -> str:
        return f"Not({self._print(expr.args[0])})"

    def _print_ImaginaryUnit(self, expr: sympy.Basic) -> str:
        return "sqrt(-1)"


def machine(expr: sympy.Basic) -> str:
    """``expr`` as text that ``chainrule.parse`` reads back as the same expression.

    >>> import sympy
    >>> x = sympy.Symbol("x", real=True)
    >>> f = sympy.Function("f", real=True)
    >>> machine(sympy.Derivative(f(x), x, 2))
    'Derivative(f(x), x, 2)'
    >>> machine(sympy.Piecewise((x**2, x < 0), (sympy.sin(x), True)))
    'Piecewise(x**2, Lt(x, 0), sin(x))'
    """
    return MachinePrinter({"order": None}).doprint(expr)
