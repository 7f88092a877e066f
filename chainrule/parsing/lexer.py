"""Split input text into tokens for :mod:`chainrule.parsing`.

Only a small alphabet is accepted: numbers, names, ``+ - * / ^ ** ( ) , | !``,
Unicode maths symbols (``· × − ÷ √ ∛ π ²``), and whitespace. Everything else
(quotes, dots, brackets, ``=``, ``;``, ``:`` ...) is a :class:`ParseError` at its
column, so nothing resembling Python code ever reaches the parser.
"""

from __future__ import annotations

import keyword
import unicodedata
from dataclasses import dataclass

from chainrule.errors import LimitError, ParseError

NUM, NAME, OP, SUP, END = "NUM", "NAME", "OP", "SUP", "END"

_OPERATORS = {
    "+": "+", "-": "-", "*": "*", "/": "/", "^": "^", "(": "(", ")": ")", ",": ",", "|": "|",
    "!": "!",
    "\u2212": "-",  # − minus sign
    "\u2013": "-",  # – en dash
    "\u00b7": "*",  # · middle dot
    "\u22c5": "*",  # ⋅ dot operator
    "\u00d7": "*",  # × times
    "\u2217": "*",  # ∗ asterisk operator
    "\u00f7": "/",  # ÷
}
_SYMBOL_NAMES = {"\u03c0": "pi", "\u221a": "sqrt", "\u221b": "cbrt"}  # π √ ∛
_SUPERSCRIPTS = {
    "\u2070": "0", "\u00b9": "1", "\u00b2": "2", "\u00b3": "3", "\u2074": "4",
    "\u2075": "5", "\u2076": "6", "\u2077": "7", "\u2078": "8", "\u2079": "9", "\u207b": "-",
}
_FORBIDDEN = {
    "'": "strings are not allowed",
    '"': "strings are not allowed",
    ".": "'.' (attribute access) is not allowed; decimals need a digit, as in 0.5",
    "[": "square brackets (lists, subscripts) are not allowed; use parentheses",
    "]": "square brackets (lists, subscripts) are not allowed; use parentheses",
    "=": "'=' (assignment, comparison) is not part of an expression",
    "<": "comparisons are not expressions",
    ">": "comparisons are not expressions",
    ";": "';' separates statements; chainrule reads one expression",
    ":": "':' (lambdas, slices, dictionaries) is not allowed",
    "@": "'@' (decorators, matrix products) is not allowed",
    "#": "'#' (comments) is not allowed",
    "{": "braces are LaTeX; pass latex=True (or leave latex unset to detect it)",
    "}": "braces are LaTeX; pass latex=True (or leave latex unset to detect it)",
    "\\": "a backslash is LaTeX; pass latex=True (or leave latex unset to detect it)",
}
PYTHON_KEYWORDS = frozenset(keyword.kwlist)


@dataclass(frozen=True, slots=True)
class Token:
    """One token: its kind, its normalised text, and its 0-based column in the input."""

    kind: str
    value: str
    col: int


#: Letters of other scripts that look like Latin ones, and the Latin letter each imitates.
CONFUSABLES = dict(zip(
    "аеорсухіјѕԁһӏԛԝвкмнтАВЕКМНОРСТХУІЈЅοΟΑΒΕΗΙΚΜΝΡΤΧΥΖϲ",
    "aeopcyxijsdhlqwBKMHTABEKMHOPCTXYIJSoOABEHIKMNPTXYZc",
))


def normal_name(name: str, col: int, text: str) -> str:
    """A name as the parser keeps it: NFKC (``ｓｉｎ`` is ``sin``), and refused when it
    has a letter of another script that looks like a Latin one (a Cyrillic ``і`` in ``sіn``).
    """
    name = unicodedata.normalize("NFKC", name)
    for offset, ch in enumerate(name):
        latin = CONFUSABLES.get(ch)
        if latin is None:
            continue
        skeleton = "".join(CONFUSABLES.get(c, c) for c in name)
        from chainrule.parsing.names import canonical  # the vocabulary, for the hint

        known = canonical(skeleton) if skeleton.isascii() else None
        hint = f"did you mean {known}?" if known else f"type {skeleton!r} with Latin letters"
        raise ParseError(
            f"{name!r} has U+{ord(ch):04X} {unicodedata.name(ch, '?')}, which looks like the Latin "
            f"{latin!r}",
            text=text, column=col + offset, hint=hint,
        )
    return name


def check_name(name: str, col: int, text: str) -> None:
    """Reject names that are Python keywords or start with an underscore (dunders)."""
    if name.startswith("_"):
        raise ParseError(
            f"names may not start with '_' ({name!r})", text=text, column=col,
            hint="dunder names and private names are not maths",
        )
    if name in PYTHON_KEYWORDS:
        raise ParseError(f"{name!r} is a Python keyword, not maths", text=text, column=col)


def _scan_number(text: str, i: int, *, max_digits: int, max_exponent: int) -> tuple[str, int]:
    """Return the number literal starting at ``i`` (digits, point, exponent) and its end."""
    n = len(text)
    j = i
    while j < n and text[j].isascii() and text[j].isdigit():
        j += 1
    if j < n and text[j] == "." and j + 1 < n and text[j + 1].isascii() and text[j + 1].isdigit():
        j += 1
        while j < n and text[j].isascii() and text[j].isdigit():
            j += 1
    elif j < n and text[j] == "." and j > i and not (j + 1 < n and text[j + 1].isalpha()):
        j += 1  # "2." is the number 2.0, but "x.y" stays an error
    mantissa_digits = sum(ch.isdigit() for ch in text[i:j])
    if mantissa_digits > max_digits:
        raise LimitError(
            f"a number literal has {mantissa_digits} digits; the limit is {max_digits} "
            "(max_digits)"
        )
    # Scientific notation: 1e5, 2.5E-3 (an 'e' not followed by digits is Euler's e).
    if j < n and text[j] in "eE":
        k = j + 1
        if k < n and text[k] in "+-":
            k += 1
        m = k
        while m < n and text[m].isascii() and text[m].isdigit():
            m += 1
        if m > k:  # the exponent's digits end the number, whatever follows: 1e3x is 1000.0*x
            exponent_digits = text[k:m].lstrip("0")
            if len(exponent_digits) > 6 or int(exponent_digits or "0") > max_exponent:
                raise LimitError(
                    f"the exponent of {text[i:m]!r} is too large; the limit is {max_exponent}"
                )
            j = m
    return text[i:j], j


def tokenize(text: str, *, max_digits: int, max_exponent: int) -> list[Token]:
    """Split plain-text input into tokens; the last token is ``END``.

    >>> [t.value for t in tokenize("3x² − sin x", max_digits=10, max_exponent=10)]
    ['3', 'x', '2', '-', 'sin', 'x', '']
    """
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace() or (ch == "\ufeff" and i == 0):  # a byte-order mark opening the text
            i += 1
        elif (ch.isascii() and ch.isdigit()) or (
            ch == "." and i + 1 < n and text[i + 1].isascii() and text[i + 1].isdigit()
        ):
            literal, j = _scan_number(text, i, max_digits=max_digits, max_exponent=max_exponent)
            tokens.append(Token(NUM, literal, i))
            i = j
        elif ch in _SYMBOL_NAMES:
            tokens.append(Token(NAME, _SYMBOL_NAMES[ch], i))
            i += 1
        elif ch.isalpha() or ch == "_":
            j = i + 1
            while j < n and (
                (text[j].isalpha() and text[j] not in _SYMBOL_NAMES)
                or (text[j].isascii() and text[j].isdigit())
                or text[j] == "_"
            ):
                j += 1
            name = normal_name(text[i:j], i, text)
            if j < n and text[j] in "'\"":
                raise ParseError("strings are not allowed", text=text, column=j)
            check_name(name, i, text)
            tokens.append(Token(NAME, name, i))
            i = j
        elif ch in _SUPERSCRIPTS:
            j = i
            while j < n and text[j] in _SUPERSCRIPTS:
                j += 1
            value = "".join(_SUPERSCRIPTS[c] for c in text[i:j])
            if not (value.lstrip("-").isdigit() and value.count("-") <= 1 and value[-1] != "-"):
                raise ParseError("a superscript must be a whole number, as in x² or x⁻¹",
                                 text=text, column=i)
            if len(value.lstrip("-")) > max_digits:
                raise LimitError(f"a superscript has more than {max_digits} digits (max_digits)")
            tokens.append(Token(SUP, value, i))
            i = j
        elif ch == "*" and i + 1 < n and text[i + 1] == "*":
            tokens.append(Token(OP, "^", i))
            i += 2
        elif ch == "!" and i + 1 < n and text[i + 1] == "=":
            raise ParseError("comparisons are not expressions", text=text, column=i)
        elif ch in _OPERATORS:
            tokens.append(Token(OP, _OPERATORS[ch], i))
            i += 1
        elif ch in _FORBIDDEN:
            raise ParseError(_FORBIDDEN[ch], text=text, column=i)
        else:
            shown = repr(ch) if ch.isprintable() else f"U+{ord(ch):04X}"
            raise ParseError(f"unexpected character {shown}", text=text, column=i)
    tokens.append(Token(END, "", n))
    return log_bases(tokens, text)


def log_bases(tokens: list[Token], text: str) -> list[Token]:
    """``log_(b)(x)`` (any base in parentheses) as ``log(x, (b))``; ``log_(b) x`` for one name.

    ``log_2``, ``log_b`` are single names the parser knows; a base that is an
    expression needs parentheses, and so does the argument after it, unless
    it is one name or number.
    """
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if not (tok.kind == NAME and tok.value == "log_" and _is(tokens[i + 1], "(")):
            out.append(tok)
            i += 1
            continue
        base_end = _closing(tokens, i + 1)
        if base_end is None:
            raise ParseError("the base of log_( is never closed", text=text, column=tokens[i + 1].col,
                             hint="write log_(b)(x), as in log_(x+1)(y)")
        start = base_end + 1
        if _is(tokens[start], "("):
            end = _closing(tokens, start)
            if end is None:
                raise ParseError("'(' is never closed; the input ends", text=text, column=tokens[start].col,
                                 hint="unbalanced parentheses: add ')'")
            argument = tokens[start + 1:end]
        elif tokens[start].kind in (NAME, NUM) and not (
            tokens[start + 1].kind in (NAME, NUM) or _is(tokens[start + 1], "(")
        ):  # one name or number alone: log_(b) x, not log_(b) 2y
            end, argument = start, [tokens[start]]
        else:
            raise ParseError("log_(b) needs its argument in parentheses", text=text,
                             column=tokens[start].col, hint="write log_(b)(x), as in log_(x+1)(y)")
        col = tok.col
        out += [Token(NAME, "log", col), Token(OP, "(", col), *argument, Token(OP, ",", col),
                *tokens[i + 1:base_end + 1], Token(OP, ")", col)]
        i = end + 1
    return out


def _is(tok: Token, op: str) -> bool:
    return tok.kind == OP and tok.value == op


def _closing(tokens: list[Token], k: int) -> int | None:
    """The index of the ')' closing the '(' at ``k``."""
    depth = 0
    for m in range(k, len(tokens)):
        depth += _is(tokens[m], "(") - _is(tokens[m], ")")
        if depth == 0:
            return m
    return None
