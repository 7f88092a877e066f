"""Read LaTeX input into the same tokens as plain text.

A small LaTeX reader for the maths students paste from homework sheets:
``\\frac{a}{b}``, ``\\sqrt[n]{x}``, ``e^{3x}``, ``\\left( ... \\right)``,
``\\sin^{2}``, ``\\ln``, ``\\operatorname{name}``, Greek letters. Commands
with arguments are expanded with an explicit stack of frames (no recursion),
and every token keeps the column of the LaTeX it came from, so errors point at
the input the person typed. Letters are separate variables, as in TeX
(``xy`` is ``x·y``); a digit after ``^``, ``_`` or as a command argument is a
single digit (``x^23`` is ``x^2·3``, ``\\frac12`` is 1/2).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from chainrule.errors import LimitError, ParseError
from chainrule.parsing.lexer import (
    _FORBIDDEN,
    _OPERATORS,
    _SYMBOL_NAMES,
    END,
    NAME,
    NUM,
    OP,
    Token,
    check_name,
    log_bases,
    normal_name,
)

_FUNCTIONS = {
    "sin", "cos", "tan", "sec", "csc", "cot", "arcsin", "arccos", "arctan", "arcsec", "arccsc",
    "arccot", "sinh", "cosh", "tanh", "coth", "sech", "csch", "arsinh", "arcosh", "artanh",
    "ln", "log", "lg", "exp", "max", "min", "sgn", "tg", "ctg", "arctg", "cosec",
}
_GREEK = {
    "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta",
    "vartheta", "iota", "kappa", "lambda", "mu", "nu", "xi", "pi", "varpi", "rho", "varrho",
    "sigma", "varsigma", "tau", "upsilon", "phi", "varphi", "chi", "psi", "omega", "Gamma",
    "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi", "Psi", "Omega",
}
_SPACES = {",", ";", ":", "!", " ", "quad", "qquad", "displaystyle", "textstyle", "limits"}
_SIZES = {"left", "right", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr", "Biggl", "Biggr",
          "big", "Big", "bigg", "Bigg", "middle"}
_DELIMITERS = {"(": "(", ")": ")", "[": "(", "]": ")", "|": "|", "\\{": "(", "\\}": ")",
               "\\lvert": "|", "\\rvert": "|", "\\vert": "|", "\\lbrack": "(", "\\rbrack": ")",
               "\\lparen": "(", "\\rparen": ")"}
_OPERATOR_COMMANDS = {"cdot": "*", "times": "*", "ast": "*", "div": "/", "lvert": "|",
                      "rvert": "|", "vert": "|", "mid": "|", "{": "(", "}": ")"}
_ARGUMENTS = {"frac": 2, "dfrac": 2, "tfrac": 2, "cfrac": 2, "binom": 2, "dbinom": 2,
              "tbinom": 2, "sqrt": 1}
_NAMED = {"operatorname", "mathrm", "text", "textrm", "mathit", "mathsf", "textit"}
_UNSUPPORTED = {"int", "iint", "oint", "sum", "prod", "lim", "partial", "nabla", "infty",
                "pm", "mp", "to", "rightarrow", "leq", "geq", "neq", "le", "ge", "approx"}


@dataclass(slots=True)
class _Frame:
    kind: str  # root, brace, index, command
    col: int
    name: str = ""
    need: int = 0
    tokens: list[Token] = field(default_factory=list)
    args: list[list[Token]] = field(default_factory=list)
    index: list[Token] | None = None


class _LatexReader:
    def __init__(self, text: str, *, max_digits: int) -> None:
        self.text = text
        self.max_digits = max_digits
        self.stack = [_Frame("root", 0)]
        self.script = False  # just after ^ or _: the next digit stands alone

    def error(self, message: str, col: int, hint: str | None = None) -> ParseError:
        return ParseError(message, text=self.text, column=col, hint=hint)

    def deliver(self, unit: list[Token]) -> None:
        """Hand a finished unit (token, group, expanded command) to the enclosing frame."""
        self.script = False
        while True:
            top = self.stack[-1]
            if top.kind != "command":
                top.tokens.extend(unit)
                return
            top.args.append(unit)
            if len(top.args) < top.need:
                return
            self.stack.pop()
            unit = self.expand(top)

    def expand(self, frame: _Frame) -> list[Token]:
        col = frame.col

        def tok(kind: str, value: str) -> Token:
            return Token(kind, value, col)

        def wrap(tokens: list[Token]) -> list[Token]:
            return [tok(OP, "("), *tokens, tok(OP, ")")]

        if frame.name.endswith("frac"):
            top, bottom = frame.args
            letters = [t.value for t in top + bottom if t.kind == NAME]
            if letters[:1] == ["d"] and len(letters) >= 2 and letters[1] == "d":
                raise self.error("d/dx is an operator, not an expression", col,
                                 hint="give only the function to differentiate")
            return wrap([*wrap(top), tok(OP, "/"), *wrap(bottom)])
        if frame.name.endswith("binom"):
            first, second = frame.args
            return [tok(NAME, "binomial"), tok(OP, "("), *first, tok(OP, ","), *second,
                    tok(OP, ")")]
        (radicand,) = frame.args
        if frame.index is None:
            return [tok(NAME, "sqrt"), *wrap(radicand)]
        return [tok(NAME, "root"), tok(OP, "("), *radicand, tok(OP, ","), *frame.index,
                tok(OP, ")")]

    def skip_spaces(self, i: int) -> int:
        while i < len(self.text) and self.text[i].isspace():
            i += 1
        return i

    def command_name(self, i: int) -> tuple[str, int]:
        """The command starting at the backslash at ``i``, and where it ends."""
        j = i + 1
        while j < len(self.text) and self.text[j].isascii() and self.text[j].isalpha():
            j += 1
        if j == i + 1:
            if j >= len(self.text):
                raise self.error("a lone backslash", i)
            j += 1
        return self.text[i + 1:j], j

    def braced_word(self, i: int, what: str) -> tuple[str, int]:
        """Read ``{word}`` (letters, digits) at ``i``, as in ``\\operatorname{sigmoid}``."""
        i = self.skip_spaces(i)
        if i >= len(self.text) or self.text[i] != "{":
            raise self.error(f"{what} needs a {{name}}", i)
        close = self.text.find("}", i)
        word = self.text[i + 1:close].strip() if close > 0 else ""
        if not word or not all(c.isalnum() or c == "_" for c in word):
            raise self.error(f"{what} needs a {{name}} of letters and digits", i)
        return word, close + 1

    def subscript(self, i: int) -> int:
        """Glue ``_1`` / ``_{ij}`` onto the name before it: ``x_1``, ``\\log_{10}``."""
        top = self.stack[-1]
        if not top.tokens or top.tokens[-1].kind != NAME:
            raise self.error("a subscript needs a name before it", i)
        j = self.skip_spaces(i + 1)
        if top.tokens[-1].value == "log" and self.text.startswith("{", j) and not _word(self.text, j):
            # \log_{x+1} y: a base that is an expression, read as log_(x+1) y
            top.tokens[-1] = Token(NAME, "log_", top.tokens[-1].col)
            return j
        if j < len(self.text) and self.text[j] == "{":
            sub, end = self.braced_word(j, "a subscript")
        elif j < len(self.text) and self.text[j].isalnum():
            sub, end = self.text[j], j + 1
        else:
            raise self.error("a subscript must be letters or digits, as in x_1", i)
        name = top.tokens[-1]
        top.tokens[-1] = Token(NAME, f"{name.value}_{sub}", name.col)
        return end

    def command(self, i: int) -> int:
        name, j = self.command_name(i)
        if name in _SPACES:
            return j
        if name in _SIZES:
            j = self.skip_spaces(j)
            if self.text.startswith("\\", j):
                delim, k = self.command_name(j)
                delim = "\\" + delim
            else:
                delim, k = self.text[j:j + 1], j + 1
            if delim == ".":
                return k
            if delim not in _DELIMITERS:
                raise self.error(f"\\{name} needs a delimiter such as ( or |", j)
            self.deliver([Token(OP, _DELIMITERS[delim], i)])
            return k
        if name in _OPERATOR_COMMANDS:
            self.deliver([Token(OP, _OPERATOR_COMMANDS[name], i)])
            return j
        if name in _ARGUMENTS:
            frame = _Frame("command", i, name=name, need=_ARGUMENTS[name])
            self.stack.append(frame)
            k = self.skip_spaces(j)
            if name == "sqrt" and self.text.startswith("[", k):
                frame.index = []
                self.stack.append(_Frame("index", k))
                return k + 1
            return j
        if name in _NAMED:
            word, k = self.braced_word(j, f"\\{name}")
            check_name(word, i, self.text)  # \operatorname{__import__} is as refused as __import__
            self.deliver([Token(NAME, normal_name(word, i, self.text), i)])
            return k
        if name in _FUNCTIONS or name in _GREEK:
            # \lambda is SymPy's lamda (Python reserves the word); it prints as λ all the same
            self.deliver([Token(NAME, {"lg": "log10", "lambda": "lamda"}.get(name, name), i)])
            return j
        if name in _UNSUPPORTED:
            raise self.error(f"\\{name} is not supported", i,
                             hint="chainrule reads a single expression to differentiate")
        raise self.error(f"unknown LaTeX command \\{name}", i)

    def read(self) -> list[Token]:
        text, i, n = self.text, 0, len(self.text)
        while i < n:
            ch = text[i]
            single = self.script or self.stack[-1].kind == "command"
            if ch.isspace() or ch == "$" or ch == "~" or (ch == "\ufeff" and i == 0):
                i += 1
            elif ch.isascii() and ch.isdigit():
                j = i + 1
                if not single:
                    while j < n and text[j].isascii() and text[j].isdigit():
                        j += 1
                    if j + 1 < n and text[j] == "." and text[j + 1].isdigit():
                        j += 1
                        while j < n and text[j].isascii() and text[j].isdigit():
                            j += 1
                if sum(c.isdigit() for c in text[i:j]) > self.max_digits:
                    raise LimitError(f"a number literal has more than {self.max_digits} digits "
                                     "(max_digits)")
                self.deliver([Token(NUM, text[i:j], i)])
                i = j
            elif ch in _SYMBOL_NAMES:
                self.deliver([Token(NAME, _SYMBOL_NAMES[ch], i)])
                i += 1
            elif ch.isalpha():
                self.deliver([Token(NAME, ch, i)])
                i += 1
            elif ch == "\\":
                i = self.command(i)
            elif ch == "{":
                self.stack.append(_Frame("brace", i))
                self.script = False
                i += 1
            elif ch == "}" or (ch == "]" and self.stack[-1].kind == "index"):
                frame = self.stack.pop()
                if frame.kind != ("brace" if ch == "}" else "index"):
                    raise self.error(f"unexpected '{ch}'", i, hint="unbalanced braces")
                if frame.kind == "index":
                    command = self.stack[-1]
                    command.index = frame.tokens
                else:
                    self.deliver([Token(OP, "(", frame.col), *frame.tokens, Token(OP, ")", i)])
                i += 1
            elif ch == "_":
                i = self.subscript(i)
            elif ch == "^":
                self.deliver([Token(OP, "^", i)])
                self.script = True
                i += 1
            elif ch in "[]":
                self.deliver([Token(OP, "(" if ch == "[" else ")", i)])
                i += 1
            elif ch in _OPERATORS:
                self.deliver([Token(OP, _OPERATORS[ch], i)])
                i += 1
            elif ch == "&" or ch == "'":
                raise self.error(f"unexpected {ch!r} in LaTeX", i)
            elif ch in _FORBIDDEN:
                raise self.error(_FORBIDDEN[ch], i)
            else:
                raise self.error(f"unexpected character {ch!r}", i)
        top = self.stack[-1]
        if top.kind == "brace":
            raise self.error(
                f"'{{' opened at column {top.col} is never closed; the input ends", n, hint="add '}'"
            )
        if top.kind == "index":
            raise self.error(
                f"'[' opened at column {top.col} is never closed; the input ends", n, hint="add ']'"
            )
        if top.kind == "command":
            raise self.error(f"\\{top.name} needs {top.need} argument(s)", top.col)
        for tok in top.tokens:
            if tok.kind == NAME:
                check_name(tok.value, tok.col, text)
        return [*top.tokens, Token(END, "", n)]


def tokenize_latex(text: str, *, max_digits: int, max_exponent: int = 300) -> list[Token]:
    """Translate LaTeX into parser tokens (columns point into the LaTeX).

    >>> [t.value for t in tokenize_latex(r"\\frac{1}{x}", max_digits=10)]
    ['(', '(', '(', '1', ')', ')', '/', '(', '(', 'x', ')', ')', ')', '']
    """
    del max_exponent  # LaTeX has no 1e5 notation; kept for a uniform signature
    return log_bases(_LatexReader(text, max_digits=max_digits).read(), text)


#: Math delimiters around a whole input, as copied from a LaTeX or Markdown document.
_DELIMITERS_AROUND = (("$$", "$$"), ("\\[", "\\]"), ("\\(", "\\)"), ("$", "$"))


def math_delimited(text: str) -> str | None:
    """``text`` with one pair of math delimiters around it blanked (``$x^2$``, ``$$...$$``,
    ``\\(...\\)``, ``\\[...\\]``), so columns still point into what was typed; else ``None``.

    >>> math_delimited("$x^2$")
    ' x^2 '
    """
    stripped = text.strip()
    for opening, closing in _DELIMITERS_AROUND:
        if (
            len(stripped) >= len(opening) + len(closing)
            and stripped.startswith(opening)
            and stripped.endswith(closing)
        ):
            start = text.index(opening)
            end = text.rindex(closing)
            inside, after = text[start + len(opening):end], text[end + len(closing):]
            return f"{text[:start]}{' ' * len(opening)}{inside}{' ' * len(closing)}{after}"
    return None


def _word(text: str, i: int) -> bool:
    """Whether ``{...}`` at ``i`` holds a single word of letters and digits."""
    close = text.find("}", i)
    word = text[i + 1:close].strip() if close > 0 else ""
    return bool(word) and all(c.isalnum() or c == "_" for c in word)
