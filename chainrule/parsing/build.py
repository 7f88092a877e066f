"""Build SymPy expressions for the parser, safely and in bounded time.

The parser hands every finished piece of the syntax tree to a :class:`Builder`
method, bottom-up, so expressions are built without recursion. The builder

* creates only objects from the allow-list in :mod:`chainrule.parsing.names`, with real
  symbols and real undefined functions;
* refuses numbers whose value would be huge (``9**9**9**9``, ``factorial(10**9)``)
  with a :class:`LimitError` *before* SymPy computes them;
* controls SymPy's automatic evaluation. SymPy re-examines the whole argument
  each time it builds a function, which is quadratic on deep nestings (1000
  nested ``sin`` take seconds and overflow the stack) and exponential for
  hyperbolic functions whose argument it cannot prove real (``tanh(0.5*tanh(...
  log(x)))`` doubles in cost per layer). Shallow applications are evaluated
  exactly as SymPy would; beyond :data:`DEEP` levels, or beyond :data:`RISKY`
  nested hyperbolic layers with a not-provably-real argument, a function is
  built unevaluated after the one normalisation that matters there, pulling a
  minus sign out of odd and even functions (``tanh(-u) = -tanh(u)``,
  ``cos(-u) = cos(u)``);
* keeps sums, products and powers as the student wrote them (see ``Builder``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import sympy
from sympy.core.function import FunctionClass

from chainrule.errors import LimitError, ParseError
from chainrule.parsing.names import CONSTANTS, known
from chainrule.written import WrittenProduct, WrittenSum, product

DEEP = 24
RISKY = 3
MAX_FLOAT_EXPONENT = 300  # |log10| of any floating-point number, as with IEEE doubles

_LOG10_2 = math.log10(2)


@dataclass(frozen=True, slots=True)
class Meta:
    """What the builder knows about a built expression, computed bottom-up.

    ``depth`` is the height of the tree, ``risk`` the number of nested hyperbolic
    layers whose argument is not known to be real, ``real``/``positive`` are cheap
    sufficient conditions (``False`` means "not known"), ``const`` means no symbols.
    """

    depth: int = 1
    risk: int = 0
    real: bool = True
    positive: bool = False
    const: bool = True


Node = tuple[sympy.Expr, Meta]
_LEAF = Meta()


def _combine(metas: Sequence[Meta], *, real: bool, positive: bool, risk: int = 0) -> Meta:
    return Meta(
        depth=1 + max(m.depth for m in metas),
        risk=max(m.risk for m in metas) + risk,
        real=real,
        positive=positive,
        const=all(m.const for m in metas),
    )


def _digits(number: sympy.Expr) -> float:
    """Decimal digits needed for a SymPy number (log10 of its size, at least 0)."""
    if isinstance(number, sympy.Float):
        _, man, exp, bc = number._mpf_[:4]
        return abs(exp + bc) * _LOG10_2 if man else 0.0
    if isinstance(number, sympy.Rational):
        return max(abs(number.p).bit_length(), abs(number.q).bit_length()) * _LOG10_2
    return 0.0


def _log10_magnitude(number: sympy.Expr) -> float:
    """log10 of |number| (``-inf`` for zero)."""
    if isinstance(number, sympy.Float):
        _, man, exp, bc = number._mpf_[:4]
        return (exp + bc) * _LOG10_2 if man else -math.inf
    if isinstance(number, sympy.Rational):
        if number.p == 0:
            return -math.inf
        return (abs(number.p).bit_length() - abs(number.q).bit_length()) * _LOG10_2
    return 0.0


class Builder:
    """Makes SymPy objects for the parser, enforcing the numeric limits."""

    def __init__(self, *, text: str, max_result_digits: int) -> None:
        self.text = text
        self.max_result_digits = max_result_digits
        self._functions: dict[str, FunctionClass] = {}

    # -- leaves ---------------------------------------------------------------
    def number(self, literal: str) -> Node:
        if any(c in literal for c in ".eE"):
            value = sympy.Float(literal)
            self._check_float(value)
            return value, _LEAF
        return sympy.Integer(int(literal)), _LEAF

    def symbol(self, name: str) -> Node:
        return sympy.Symbol(name, real=True), Meta(const=False)

    def constant(self, name: str) -> Node:
        return CONSTANTS[name], Meta(positive=True)

    # -- arithmetic -----------------------------------------------------------
    # Sums, products and powers are built as the student wrote them (SymPy's
    # ``evaluate=False``): the order of terms and factors is kept, a power of a
    # quotient stays a power, ``(3x)^4`` stays ``(3x)^4``. Only rewrites that
    # never change the method are made: numbers are computed, numeric factors
    # are gathered in front, a minus sign goes into a product's coefficient,
    # ``a/b`` is ``a*b^-1`` and ``1/x^n`` is ``x^-n`` (docs/input.md, "What is kept").

    def sum(self, terms: Sequence[Node], negated: Sequence[bool]) -> Node:
        """``a + b - c + ...`` in the order written (one n-ary sum, built once)."""
        nodes = [self.neg(t) if minus else t for t, minus in zip(terms, negated)]
        args: list[sympy.Expr] = []
        for expr, _ in nodes:
            args.extend(expr.args if expr.is_Add else (expr,))
        args = [a for a in args if not (a.is_Number and a.is_zero)] or [sympy.S.Zero]
        metas = [m for _, m in nodes]
        meta = _combine(metas, real=all(m.real for m in metas),
                        positive=all(m.positive for m in metas) and not any(negated))
        if all(a.is_Number for a in args):
            return self._checked(sympy.Add(*args)), meta
        return self._checked(WrittenSum(*args, evaluate=False)), meta

    def add(self, a: Node, b: Node, *, subtract: bool = False) -> Node:
        return self.sum((a, b), (False, subtract))

    def neg(self, a: Node) -> Node:
        expr = a[0]
        if expr.is_Number:
            negated = -expr
        elif expr.is_Mul and expr.args[0].is_Number:
            negated = product((-expr.args[0], *expr.args[1:]))
        else:
            negated = WrittenProduct(sympy.S.NegativeOne, expr, evaluate=False)
        return self._checked(negated), _combine((a[1],), real=a[1].real, positive=False)

    def mul(self, a: Node, b: Node) -> Node:
        for zero, other in ((a, b), (b, a)):
            if zero[0] is sympy.S.Zero and (other[1].risk or other[1].depth > DEEP):
                # SymPy would ask whether ``other`` is finite (0*oo is nan): on these
                # trees that question costs exponential time, and the answer is 0 here,
                # since the parser never builds an infinity.
                return sympy.S.Zero, _LEAF
        factors = [f for node in (a, b) for f in (node[0].args if node[0].is_Mul else (node[0],))]
        meta = _combine((a[1], b[1]), real=a[1].real and b[1].real,
                        positive=a[1].positive and b[1].positive)
        return self._checked(product(factors)), meta

    def div(self, a: Node, b: Node, col: int | None) -> Node:
        denominator = b[0]
        if denominator.is_Number and denominator.is_zero:
            raise ParseError("division by zero", text=self.text, column=col)
        if denominator.is_Mul and denominator.args[0].is_Number:
            # a/(c f) = (1/c) a f^-1: the constant comes out, as a textbook writes it.
            coefficient, rest = denominator.args[0], product(denominator.args[1:])
            inverse = self.power((rest, b[1]), (sympy.Integer(-1), _LEAF))
            return self.mul(self.mul(a, (1 / coefficient, _LEAF)), inverse)
        if denominator.is_Pow and denominator.exp.is_Number:
            inverse = self.power((denominator.base, b[1]), (-denominator.exp, _LEAF))
        else:
            inverse = self.power(b, (sympy.Integer(-1), _LEAF))
        return self.mul(a, inverse)

    def power(self, base: Node, exponent: Node) -> Node:
        b, e = base[0], exponent[0]
        if b is sympy.E:
            return self.call("exp", [exponent])
        self._check_power(b, e)
        if b.is_Number and b.is_zero and e.is_Number and e.is_negative:
            raise ParseError("division by zero (0 to a negative power)", text=self.text)
        bm, em = base[1], exponent[1]
        if max(bm.depth, em.depth) > DEEP:
            shallow = self._deep_power(base, exponent)
            if shallow is not None:
                return shallow
        if (b.is_Number and e.is_Number) or e is sympy.S.One or (e.is_Number and e.is_zero):
            expr = sympy.Pow(b, e)
        else:
            expr = sympy.Pow(b, e, evaluate=False)
        real = bm.real and (e.is_Integer or (bm.positive and em.real))
        meta = _combine((bm, em), real=bool(real), positive=bm.positive and em.real)
        return self._checked(expr), meta

    def _deep_power(self, base: Node, exponent: Node) -> Node | None:
        """The structural rules of SymPy's Pow that apply to deep operands, or ``None``.

        ``u**0 = 1``, ``u**1 = u``, ``(a*b)**n = a**n * b**n``, ``(u**a)**n = u**(a*n)``
        and ``exp(u)**n = exp(n*u)`` for an integer ``n``; everything else stays as
        written (SymPy would only query assumptions it cannot settle).
        """
        b, e = base[0], exponent[0]
        if e.is_Number and e.is_zero:
            return sympy.S.One, _LEAF
        if e is sympy.S.One:
            return base
        if not e.is_Integer:
            return None
        if b.is_Mul:
            result: Node | None = None
            for factor in b.args:
                term = self.power((factor, base[1]), exponent)
                result = term if result is None else self.mul(result, term)
            return result
        if b.is_Pow:
            return self.power((b.base, base[1]), self.mul((b.exp, base[1]), exponent))
        if isinstance(b, sympy.exp):
            return self.call("exp", [self.mul((b.args[0], base[1]), exponent)])
        return None

    # -- functions ------------------------------------------------------------
    def call(self, name: str, args: Sequence[Node]) -> Node:
        """Apply the known function ``name`` (a canonical name) to ``args``."""
        if name in ("sqrt", "cbrt"):
            return self.power(args[0], (sympy.Rational(1, 2 if name == "sqrt" else 3), _LEAF))
        if name == "root":
            return self.power(args[0], self.div((sympy.S.One, _LEAF), args[1], col=None))
        if name == "log" and len(args) == 2 and max(a[1].depth for a in args) > DEEP:
            return self.div(self.call("log", args[:1]), self.call("log", args[1:]), col=None)
        exprs = [a[0] for a in args]
        metas = [a[1] for a in args]
        if name in ("factorial", "binomial"):
            self._check_combinatorial(name, exprs)
        entry = known(name)
        all_real = all(m.real for m in metas)
        real = (entry.real_on_reals and all_real) or (name == "log" and all(
            m.positive for m in metas))
        positive = entry.positive_on_reals and all_real
        risk = int(entry.hyperbolic and not all_real)
        meta = _combine(metas, real=real, positive=positive, risk=risk)
        build = entry.build
        if name == "log" and len(exprs) == 1:
            build = sympy.log
        if isinstance(build, FunctionClass) and (
            max(m.depth for m in metas) > DEEP or meta.risk > RISKY
        ):
            expr = self._unevaluated(name, build, exprs)
        else:
            expr = build(*exprs)
        return self._checked(expr), meta

    def undefined(self, name: str, args: Sequence[Node]) -> Node:
        """Apply the undefined (real-valued) function ``name`` to ``args``."""
        function = self._functions.get(name)
        if function is None:
            function = self._functions[name] = sympy.Function(name, real=True)
        metas = [a[1] for a in args]
        deep = max(m.depth for m in metas) > DEEP
        expr = function(*[a[0] for a in args], evaluate=not deep)
        meta = _combine(metas, real=all(m.real for m in metas), positive=False)
        return expr, Meta(meta.depth, meta.risk, meta.real, False, False)

    def _unevaluated(self, name: str, build: FunctionClass, exprs: list[sympy.Expr]) -> sympy.Expr:
        parity = known(name).parity
        if len(exprs) == 1 and parity is not None:
            (arg,) = exprs
            if arg.could_extract_minus_sign():
                inner = build(-arg, evaluate=False)
                return -inner if parity == "odd" else inner
        return build(*exprs, evaluate=False)

    # -- limits ---------------------------------------------------------------
    def _limit(self, what: str) -> LimitError:
        return LimitError(
            f"{what} would have more than {self.max_result_digits} digits "
            "(max_result_digits)"
        )

    def _check_power(self, base: sympy.Expr, exponent: sympy.Expr) -> None:
        """Refuse numeric powers whose value would be huge, before SymPy computes them.

        Only numbers SymPy would actually raise to the power count: the base
        itself, the factors of a product, the bases of powers. ``x**(10**100)``
        stays symbolic and passes.
        """
        if not exponent.is_Number:
            return
        size = _log10_magnitude(exponent)
        if size <= 0:
            return
        digits, stack = 0.0, [base]
        while stack:
            node = stack.pop()
            if node.is_Number:
                digits = max(digits, _digits(node))
            elif node.is_Mul:
                stack.extend(node.args)
            elif node.is_Pow:
                stack.append(node.base)
        if digits > 0 and size + math.log10(digits) > math.log10(self.max_result_digits):
            raise self._limit("a power")

    def _check_combinatorial(self, name: str, args: list[sympy.Expr]) -> None:
        limit = self.max_result_digits
        if name == "factorial":
            (n,) = args
            if n.is_Number and n > 0 and (
                _log10_magnitude(n) > 7 or math.lgamma(float(n) + 1) / math.log(10) > limit
            ):
                raise self._limit(f"factorial({n})" if _digits(n) < 30 else "a factorial")
        else:
            n, k = args
            if n.is_Number and k.is_Number:
                if max(_log10_magnitude(n), _log10_magnitude(k)) > 7:
                    raise self._limit("a binomial coefficient")
                nf, kf = float(n), float(k)
                if 0 <= kf <= nf:
                    size = (math.lgamma(nf + 1) - math.lgamma(kf + 1) - math.lgamma(nf - kf + 1))
                    if size / math.log(10) > limit:
                        raise self._limit("a binomial coefficient")
            elif k.is_Number and _log10_magnitude(k) > 4:
                raise self._limit("a binomial coefficient")

    def _check_float(self, value: sympy.Expr) -> None:
        if isinstance(value, sympy.Float) and abs(_log10_magnitude(value)) > MAX_FLOAT_EXPONENT:
            if value != 0:
                raise LimitError(
                    f"a decimal number would be beyond 1e±{MAX_FLOAT_EXPONENT}, "
                    "the limit for decimals"
                )

    def _checked(self, expr: sympy.Expr) -> sympy.Expr:
        """Check the numbers at the top of a freshly built expression."""
        for node in (expr, *expr.args) if expr.is_Add or expr.is_Mul else (expr,):
            if node.is_Rational and _digits(node) > self.max_result_digits:
                raise self._limit("a number")
            if node.is_Float:
                self._check_float(node)
        return expr


def check_result(expr: sympy.Expr, *, text: str, max_result_digits: int) -> None:
    """Walk the finished expression once (iteratively): no huge numbers, nothing undefined."""
    stack = [expr]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if node.is_Rational and _digits(node) > max_result_digits:
            raise LimitError(f"a number would have more than {max_result_digits} digits "
                             "(max_result_digits)")
        if node in (sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
            raise ParseError(
                f"the expression is undefined (SymPy evaluates part of it to {node})",
                text=text,
                hint="look for a division by zero or a function outside its domain",
            )
        stack.extend(node.args)


__all__ = ["Builder", "Meta", "Node", "check_result"]
