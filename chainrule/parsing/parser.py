"""Read what people type into SymPy expressions, safely.

Plain text (``3x^2 sin x``, ``e^(2x)``, ``sin(x**2)``) and LaTeX (``\\frac{1}{x}``)
become ordinary, evaluated SymPy expressions with real symbols. User text is
never evaluated as code: it is split into tokens (:mod:`chainrule.parsing.lexer`,
:mod:`chainrule.parsing.latex`), parsed by an operator-precedence parser with
explicit stacks (no recursion, so deep nesting cannot overflow), and built from
an allow-list of functions (:mod:`chainrule.parsing.names`, :mod:`chainrule.parsing.build`).
The grammar and every ambiguous case are documented in ``docs/input.md``.

>>> parse("3x^2 sin x")
3*x**2*sin(x)
>>> parse("e^(2x)")
exp(2*x)
>>> parse(r"\\frac{1}{\\sqrt{x}}")
1/sqrt(x)
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import sympy

from chainrule.errors import LimitError, ParseError
from chainrule.parsing.build import Builder, Node, check_result
from chainrule.parsing.latex import math_delimited, tokenize_latex
from chainrule.parsing.lexer import END, NAME, NUM, OP, SUP, Token, check_name, tokenize
from chainrule.parsing.names import (
    CONSTANTS,
    bad_log_base,
    called,
    canonical,
    glued_call,
    inverse,
    log_base,
    transposition_of,
)
from chainrule.parsing.names import known as entry_of
from chainrule.recursion import run_deep

__all__ = ["parse", "parse_assignment", "parse_symbol"]

MAX_LENGTH = 10_000
MAX_DEPTH = 1_000
MAX_DIGITS = 100
MAX_RESULT_DIGITS = 1_000

_BINARY = {"+": 10, "-": 10, "*": 20, "/": 20, "^": 40}
_UNARY = 25
_APPLY = 30  # sin x: binds tighter than * but looser than ^ (sin x^2 = sin(x^2))
_TIGHT = 35  # juxtaposition inside a paren-less argument: sin 2x = sin(2x)
_BARRIERS = ("group", "call", "undef", "abs")


@dataclass(slots=True)
class _Op:
    """An entry of the operator stack: an operator, a pending function, or an open bracket."""

    kind: str  # bin, sum, neg, pos, apply, group, call, undef, abs
    value: str
    col: int
    prec: int = 0
    power: int | None = None  # sin^2(x)
    base: str | None = None  # log_2 x
    argc: int = 1
    negated: list[bool] | None = None  # a sum's terms: which are subtracted

    @property
    def barrier(self) -> bool:
        return self.kind in _BARRIERS


def _starts_operand(tok: Token) -> bool:
    return tok.kind in (NUM, NAME) or (tok.kind == OP and tok.value in "(|-+")


class _Parser:
    """Operator-precedence (shunting-yard) parser over a token list.

    Operands are SymPy expressions built as soon as their operator is reduced,
    so the expression is built bottom-up in one pass with no recursion.
    """

    def __init__(self, text: str, tokens: list[Token], *, max_depth: int,
                 max_result_digits: int) -> None:
        self.text = text
        self.tokens = tokens
        self.max_depth = max_depth
        self.build = Builder(text=text, max_result_digits=max_result_digits)
        self.operands: list[Node] = []
        self.ops: list[_Op] = []
        self.nesting = 0
        # A name that appears somewhere as a plain variable is a variable everywhere,
        # so x(x+1) is a product; a name only ever followed by "(" is a function.
        self.variables = {
            t.value for t, nxt in zip(tokens, tokens[1:])
            if t.kind == NAME and self._is_plain_name(t.value)
            and not (nxt.kind == OP and nxt.value == "(")
        }

    # -- helpers --------------------------------------------------------------
    @staticmethod
    def _is_plain_name(name: str) -> bool:
        return name not in CONSTANTS and canonical(name) is None and log_base(name) is None

    def error(self, message: str, col: int | None, hint: str | None = None) -> ParseError:
        return ParseError(message, text=self.text, column=col, hint=hint)

    def push_op(self, op: _Op) -> None:
        if op.kind not in ("bin", "sum") or op.value == "^":
            self.nesting += 1
            if self.nesting > self.max_depth:
                raise LimitError(
                    f"the expression is nested more than {self.max_depth} levels deep "
                    "(max_depth)"
                )
        self.ops.append(op)

    def pop_op(self) -> _Op:
        op = self.ops.pop()
        if op.kind not in ("bin", "sum") or op.value == "^":
            self.nesting -= 1
        return op

    def is_function_call(self, i: int) -> bool:
        """Whether the NAME token at ``i`` starts a function application."""
        name = self.tokens[i].value
        if name in CONSTANTS:
            return False
        if canonical(name) is not None or log_base(name) is not None:
            return True
        nxt = self.tokens[i + 1]
        return nxt.kind == OP and nxt.value == "(" and name not in self.variables

    # -- the main loop --------------------------------------------------------
    def run(self) -> sympy.Expr:
        tokens, i, expect_operand = self.tokens, 0, True
        while True:
            tok = tokens[i]
            if expect_operand:
                i = self.operand(i)
                expect_operand = not self._last_was_value
                continue
            if tok.kind == END:
                break
            if tok.kind == OP and tok.value in _BINARY:
                self.binary(tok.value, _BINARY[tok.value], tok.col)
                expect_operand = True
            elif tok.kind == OP and tok.value == "!":
                self.operands.append(self.build.call("factorial", [self.operands.pop()]))
            elif tok.kind == SUP:
                self.raise_top(int(tok.value))
            elif tok.kind == OP and tok.value == ")":
                self.close_paren(tok)
            elif tok.kind == OP and tok.value == ",":
                self.comma(tok)
                expect_operand = True
            elif tok.kind == OP and tok.value == "|" and self.nearest_barrier() == "abs":
                self.reduce_to_barrier()
                self.pop_op()
                self.operands.append(self.build.call("Abs", [self.operands.pop()]))
            elif tok.kind == NUM:
                raise self.error(
                    "a number cannot follow an expression directly", tok.col,
                    hint="write '*' for a product, as in x*2 or (x+1)*3",
                )
            else:  # juxtaposition: implicit multiplication
                self.binary("*", _TIGHT if self.tight(i) else _BINARY["*"], tok.col)
                expect_operand = True
                continue
            i += 1
        self.reduce_to_barrier()
        if self.ops:
            op = self.ops[-1]
            what = "'|'" if op.kind == "abs" else f"'{op.value}('" if op.kind != "group" else "'('"
            raise self.error(
                f"{what} opened at column {op.col} is never closed; the input ends", len(self.text),
                hint="unbalanced parentheses: add ')'" if op.kind != "abs" else "add '|'",
            )
        (result,) = self.operands
        return result[0]

    _last_was_value = False

    def operand(self, i: int) -> int:
        """Handle a token where an operand is expected; return the next index.

        Sets ``_last_was_value`` when a complete operand was pushed (as opposed
        to an opening bracket, a prefix function or a unary sign).
        """
        tok = self.tokens[i]
        self._last_was_value = False
        if tok.kind == NUM:
            self.operands.append(self.build.number(tok.value))
            self._last_was_value = True
            return i + 1
        if tok.kind == NAME:
            return self.name(i)
        if tok.kind == OP and tok.value == "(":
            self.push_op(_Op("group", "(", tok.col))
            return i + 1
        if tok.kind == OP and tok.value == "|":
            self.push_op(_Op("abs", "|", tok.col))
            return i + 1
        if tok.kind == OP and tok.value in "+-":
            self.push_op(_Op("neg" if tok.value == "-" else "pos", tok.value, tok.col, _UNARY))
            return i + 1
        raise self.unexpected(i)

    def unexpected(self, i: int) -> ParseError:
        tok, prev = self.tokens[i], self.tokens[i - 1] if i else None
        if tok.kind == END:
            hint = "unbalanced parentheses: add ')'" if any(o.barrier for o in self.ops) else None
            return self.error("the expression ends too early", tok.col, hint=hint)
        if tok.value == ")" and prev is not None and prev.value == "(":
            return self.error("empty parentheses", prev.col,
                              hint="a function needs an argument, as in f(x)")
        if tok.value == ")" and not any(o.barrier for o in self.ops):
            return self.error("unexpected ')'", tok.col,
                              hint="unbalanced parentheses: there is no matching '('")
        shown = tok.value if tok.kind != SUP else "a superscript"
        return self.error(f"unexpected '{shown}'", tok.col, hint="an expression is missing here")

    def name(self, i: int) -> int:
        tok = self.tokens[i]
        name = tok.value
        if name in CONSTANTS:
            self.operands.append(self.build.constant(name))
            self._last_was_value = True
            return i + 1
        known = canonical(name)
        base = log_base(name)
        if known is not None or base is not None:
            return self.function(i, known or "log", base)
        glued = glued_call(name)
        if glued is not None:
            f, arg = glued
            raise self.error(f"unknown name {name!r}", tok.col,
                             hint=f"write {f}({arg}) or {f} {arg}")
        if self.is_function_call(i):
            fix = transposition_of(name)
            if fix is not None:
                raise self.error(
                    f"unknown function {name!r}", tok.col,
                    hint=f"did you mean {fix}? (other unknown names are undefined functions)",
                )
            self.push_op(_Op("undef", name, tok.col))
            return i + 2
        self.operands.append(self.build.symbol(name))
        self._last_was_value = True
        return i + 1

    def function(self, i: int, name: str, base: str | None) -> int:
        """A known function name at ``i``: sin(x), sin x, sin^2(x), sin^-1 x, log_2 x."""
        tokens, col = self.tokens, self.tokens[i].col
        j, exponent = self.function_power(i + 1)
        if tokens[i].kind == OP:  # sin^{y}(x) was rewritten as (sin(x))^(y)
            return i
        power = None
        if exponent is not None:
            if exponent == -1 and (inverted := inverse(name)) is not None:
                name = inverted
            elif exponent >= 1:
                power = exponent
            else:
                raise self.error(
                    f"{tokens[i].value}^{exponent} is ambiguous", col,
                    hint=f"write {tokens[i].value}(x)^{exponent} for a power",
                )
        nxt = tokens[j]
        if nxt.kind == OP and nxt.value == "(":
            self.push_op(_Op("call", name, col, power=power, base=base))
            return j + 1
        if entry_of(name).prefix and _starts_operand(nxt):
            self.push_op(_Op("apply", name, col, _APPLY, power=power, base=base))
            return j
        shown = tokens[i].value
        raise self.error(f"{shown!r} needs an argument", nxt.col,
                         hint=f"write {shown}(x)" + ("" if base else f" or {shown} x"))

    def function_power(self, j: int) -> tuple[int, int | None]:
        """Read the power written after a function name (sin^2, sin², sin^(-1)), if any."""
        tokens = self.tokens
        if tokens[j].kind == SUP:
            return j + 1, int(tokens[j].value)
        if not (tokens[j].kind == OP and tokens[j].value == "^"):
            return j, None
        k = j + 1
        paren = tokens[k].kind == OP and tokens[k].value == "("
        k += paren
        sign = -1 if tokens[k].kind == OP and tokens[k].value == "-" else 1
        k += sign == -1
        if tokens[k].kind == NUM and tokens[k].value.isdigit():
            value = sign * int(tokens[k].value)
            k += 1
            if not paren or (tokens[k].kind == OP and tokens[k].value == ")"):
                return k + paren, value
        if self.move_power_after_argument(j):
            return j, None
        raise self.error(
            "the power of a function name must be a whole number", tokens[j].col,
            hint="as in sin^2(x) or sin^-1(x); for other powers write (sin x)^y",
        )

    def matching(self, k: int) -> int | None:
        """The index of the ')' that closes the '(' at ``k``, if any."""
        depth = 0
        for m in range(k, len(self.tokens)):
            value = self.tokens[m].value if self.tokens[m].kind == OP else ""
            depth += (value == "(") - (value == ")")
            if depth == 0:
                return m
        return None

    def move_power_after_argument(self, j: int) -> bool:
        """Rewrite ``sin^{y}(x)`` (how SymPy's LaTeX writes sin(x)**y) as ``(sin(x))^(y)``.

        ``j`` is the index of the ``^`` after the function name; the tokens are
        respliced in place and parsing resumes at the inserted ``(``.
        """
        tokens, k = self.tokens, j + 1
        if tokens[k].kind == OP and tokens[k].value == "(":
            end = self.matching(k)
        elif tokens[k].kind in (NAME, NUM):
            end = k
        else:
            return False
        if end is None or not (tokens[end + 1].kind == OP and tokens[end + 1].value == "("):
            return False
        close = self.matching(end + 1)
        if close is None:
            return False
        name, col = tokens[j - 1], tokens[j - 1].col
        tokens[j - 1:close + 1] = [
            Token(OP, "(", col), name, *tokens[end + 1:close + 1], Token(OP, ")", col),
            tokens[j], *tokens[k:end + 1],
        ]
        return True

    # -- operators ------------------------------------------------------------
    def tight(self, i: int) -> bool:
        """Whether juxtaposition at ``i`` continues a paren-less argument (sin 2x)."""
        tok = self.tokens[i]
        if tok.kind != NAME or self.is_function_call(i):
            return False
        for op in reversed(self.ops):
            if op.barrier:
                return False
            if op.kind == "apply":
                return True
        return False

    def binary(self, value: str, prec: int, col: int) -> None:
        right_assoc = value == "^"
        additive = value in "+-"
        while self.ops and not self.ops[-1].barrier and (
            self.ops[-1].prec > prec or (self.ops[-1].prec == prec and not right_assoc)
        ):
            if additive and self.ops[-1].kind == "sum":
                # a + b - c + ...: one sum of all the terms, built once (linear in their number)
                top = self.ops[-1]
                top.argc += 1
                assert top.negated is not None
                top.negated.append(value == "-")
                return
            self.reduce()
        if additive:
            self.push_op(_Op("sum", "+", col, prec, argc=2, negated=[False, value == "-"]))
        else:
            self.push_op(_Op("bin", value, col, prec))

    def reduce(self) -> None:
        op = self.pop_op()
        build, operands = self.build, self.operands
        if op.kind == "sum":
            assert op.negated is not None
            terms = operands[-op.argc:]
            del operands[-op.argc:]
            operands.append(build.sum(terms, op.negated))
        elif op.kind == "bin":
            right, left = operands.pop(), operands.pop()
            if op.value == "*":
                result = build.mul(left, right)
            elif op.value == "/":
                result = build.div(left, right, op.col)
            else:
                result = build.power(left, right)
            operands.append(result)
        elif op.kind == "neg":
            operands.append(build.neg(operands.pop()))
        elif op.kind == "apply":
            self.finish_call(op, [operands.pop()])

    def reduce_to_barrier(self) -> None:
        while self.ops and not self.ops[-1].barrier:
            self.reduce()

    def nearest_barrier(self) -> str | None:
        for op in reversed(self.ops):
            if op.barrier:
                return op.kind
        return None

    def raise_top(self, exponent: int) -> None:
        """Apply a superscript power (x², x⁻¹) to the operand just read."""
        power = self.build.number(str(abs(exponent)))
        if exponent < 0:
            power = self.build.neg(power)
        self.operands.append(self.build.power(self.operands.pop(), power))

    def close_paren(self, tok: Token) -> None:
        self.reduce_to_barrier()
        if not self.ops:
            raise self.error("unexpected ')'", tok.col,
                             hint="unbalanced parentheses: there is no matching '('")
        op = self.ops[-1]
        if op.kind == "abs":
            raise self.error(f"'|' at column {op.col} is not closed before ')'", tok.col,
                             hint="add '|'")
        self.pop_op()
        if op.kind in ("call", "undef"):
            args = self.operands[-op.argc:]
            del self.operands[-op.argc:]
            self.finish_call(op, args)

    def comma(self, tok: Token) -> None:
        self.reduce_to_barrier()
        if not self.ops or self.ops[-1].kind not in ("call", "undef"):
            raise self.error("',' outside a function's arguments", tok.col,
                             hint="tuples are not expressions; a comma separates f(x, y)")
        self.ops[-1].argc += 1

    def finish_call(self, op: _Op, args: list[Node]) -> None:
        known = called(op.value) if op.kind == "undef" else None
        if known is not None:  # gamma(x), Derivative(f(x), x): a function read only when called
            op = _Op("call", known, op.col, argc=op.argc)
        if op.kind == "undef":
            if _printer_reserved(op.value):
                raise self.error(
                    f"{op.value!r} cannot name a function: SymPy reserves it", op.col,
                    hint="choose another name, such as f or g",
                )
            self.operands.append(self.build.undefined(op.value, args))
            return
        if op.base is not None:
            if len(args) != 1:
                raise self.error(f"log_{op.base} takes one argument", op.col)
            base = (self.build.number(op.base) if op.base.isdigit()
                    else self.build.constant(op.base) if op.base in CONSTANTS
                    else self.build.symbol(op.base))
            args = [*args, base]
        fewest, most = entry_of(op.value).arity
        if not fewest <= len(args) <= most:
            counts = f"{fewest}" if fewest == most else f"{fewest} to {most}"
            raise self.error(f"{op.value} takes {counts} argument(s), not {len(args)}", op.col)
        why = bad_log_base(args[1][0]) if op.value == "log" and len(args) == 2 else None
        if why is not None:
            raise self.error(why, op.col, hint="as in log(x, 2), log_10 x or ln x")
        result = self.build.call(op.value, args)
        if op.power is not None:
            result = self.build.power(result, self.build.number(str(op.power)))
        self.operands.append(result)


def parse(
    text: str,
    *,
    latex: bool | None = None,
    max_length: int = MAX_LENGTH,
    max_depth: int = MAX_DEPTH,
    max_digits: int = MAX_DIGITS,
    max_result_digits: int = MAX_RESULT_DIGITS,
) -> sympy.Expr:
    """Read an expression: SymPy syntax, student syntax, or LaTeX.

    Args:
        text: the input, e.g. ``"3x^2 sin x"`` or ``r"\\sqrt{1+x^3}"``.
        latex: read ``text`` as LaTeX; ``None`` (the default) detects it from a
            backslash or a brace.
        max_length: the longest input accepted, in characters.
        max_depth: how deeply brackets, functions and powers may nest.
        max_digits: the most digits one number literal may have.
        max_result_digits: the most digits any number the input computes may
            have (powers, factorials, binomials, products).

    Raises:
        ParseError: the text is not an expression chainrule reads.
        LimitError: the text exceeds one of the limits.

    >>> parse("sin^2(x) + cos(x)^2")
    sin(x)**2 + cos(x)**2
    >>> parse("|x| / ln x")
    Abs(x)/log(x)
    >>> parse("2**(10**100)")
    Traceback (most recent call last):
    ...
    chainrule.errors.LimitError: a power would have more than 1000 digits (max_result_digits)
    """
    if not isinstance(text, str):
        raise ParseError(f"expected text, got {type(text).__name__}")
    if len(text) > max_length:
        raise LimitError(
            f"the input is {len(text)} characters long; the limit is {max_length} (max_length)"
        )
    delimited = math_delimited(text) if latex is not False else None  # $x^2$, \(x^2\): LaTeX
    if latex is None:
        latex = delimited is not None or any(c in text for c in "\\{}")
    source = delimited if delimited is not None else text
    max_exponent = min(max_result_digits, 300)
    tokens = (tokenize_latex(source, max_digits=max_digits, max_exponent=max_exponent) if latex
              else tokenize(source, max_digits=max_digits, max_exponent=max_exponent))
    if len(tokens) == 1:
        raise ParseError("the input is empty", text=text, column=0)
    parser = _Parser(text, tokens, max_depth=max_depth, max_result_digits=max_result_digits)
    return run_deep(_run, parser, max_result_digits, limit=20 * max_depth + 5_000)


def _run(parser: _Parser, max_result_digits: int) -> sympy.Expr:
    try:
        expr = parser.run()
        check_result(expr, text=parser.text, max_result_digits=max_result_digits)
    except RecursionError:
        raise LimitError("the expression is too deeply nested to build (max_depth)") from None
    except (ValueError, TypeError, ArithmeticError) as err:
        # SymPy refuses some well-formed inputs, e.g. max(asin(2), 1): not comparable.
        raise ParseError(f"SymPy cannot build this expression: {err}", text=parser.text) from None
    if not isinstance(expr, sympy.Expr):
        raise ParseError(
            f"{expr} is a condition, not an expression", text=parser.text,
            hint="conditions such as Lt(x, 0) belong inside Piecewise(e1, c1, e2)",
        )
    return expr


def parse_symbol(text: str) -> sympy.Symbol:
    """Read a variable name, as given to ``--wrt``.

    >>> parse_symbol(" theta ")
    theta
    >>> parse_symbol("sin")
    Traceback (most recent call last):
    ...
    chainrule.errors.ParseError: 'sin' is a function, not a variable at column 0
      sin
      ^
    """
    stripped = text.strip()
    col = len(text) - len(text.lstrip())
    tokens = tokenize(text, max_digits=MAX_DIGITS, max_exponent=300) if stripped else []
    if len(tokens) != 2 or tokens[0].kind != NAME:
        raise ParseError("expected a variable name, such as x or theta", text=text,
                         column=col if not tokens or tokens[0].kind == END else tokens[-2].col)
    name = tokens[0].value
    if name in CONSTANTS:
        raise ParseError(f"{name!r} is a constant, not a variable", text=text, column=col)
    if canonical(name) is not None or log_base(name) is not None:
        raise ParseError(f"{name!r} is a function, not a variable", text=text, column=col)
    check_name(name, col, text)
    return sympy.Symbol(name, real=True)


def parse_assignment(text: str, **limits: int) -> tuple[sympy.Symbol, sympy.Expr]:
    """Read ``NAME=EXPR``, as in ``--where x=m*n`` or ``--at x=2``.

    >>> parse_assignment("x = m n")
    (x, m*n)
    """
    eq = text.find("=")
    if eq < 0:
        raise ParseError("expected NAME=EXPR, as in x=2", text=text, column=len(text))
    if text[eq + 1:eq + 2] == "=":
        raise ParseError("expected a single '=', as in x=2", text=text, column=eq + 1)
    try:
        name = parse_symbol(text[:eq])
    except ParseError as err:
        raise ParseError(err.message, text=text, column=err.column, hint=err.hint) from None
    if not text[eq + 1:].strip():
        raise ParseError("expected an expression after '='", text=text, column=eq + 1)
    try:
        value = parse(text[eq + 1:], **limits)  # type: ignore[arg-type]
    except ParseError as err:
        column = None if err.column is None else err.column + eq + 1
        raise ParseError(err.message, text=text, column=column, hint=err.hint) from None
    return name, value


@functools.lru_cache(maxsize=256)
def _printer_reserved(name: str) -> bool:
    """SymPy's printers pick a method by class name: a function called ``Rational`` or
    ``Float`` would be printed as a number and crash. Such names are refused."""
    from sympy.printing.latex import LatexPrinter
    from sympy.printing.mathml import MathMLPresentationPrinter
    from sympy.printing.pretty.pretty import PrettyPrinter
    from sympy.printing.str import StrPrinter

    method = f"_print_{name}"
    printers = (StrPrinter, LatexPrinter, PrettyPrinter, MathMLPresentationPrinter)
    return any(hasattr(printer, method) for printer in printers)
