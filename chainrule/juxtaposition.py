"""Products as a textbook writes them: factors side by side (``2x``, ``2wx``, ``x²y``,
``2(x + 1)``, ``(x + 1)(x − 1)``), a space before a function (``x sin(x)``), and a dot
only where side by side would misread (``2·3``, ``x^a·(x + 1)``).

The printers of ``chainrule.printing`` print a product with ``*`` between its factors
and hand the text here; the 2-D printer asks ``between`` about each pair of its forms.

>>> juxtapose("2*w*x")
'2wx'
>>> juxtapose("x*sin(x)")
'x sin(x)'
>>> juxtapose("x^x*(ln(x) + 1)")
'x^x·(ln(x) + 1)'
"""

from __future__ import annotations

import re
from typing import Any

_LETTER = re.compile(r"^-?[A-Za-zα-ωΑ-Ω][′″‴⁰¹²³⁴⁵⁶⁷⁸⁹⁻]*$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_POWERS = "⁰¹²³⁴⁵⁶⁷⁸⁹⁻"


def juxtapose(text: str) -> str:
    """Each ``*`` of a printed product replaced by what a textbook puts there."""
    parts = text.split("*")
    out = parts[0]
    for left, right in zip(parts, parts[1:]):
        out += between(_last_factor(left), _first_factor(right)) + right
    return out


def _last_factor(text: str) -> str:
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        ch = text[i]
        if ch in ")]":
            depth += 1
        elif ch in "([":
            if depth == 0:
                return text[i + 1 :]
            depth -= 1
        elif depth == 0 and ch in " /":
            return text[i + 1 :]
    return text


def _first_factor(text: str) -> str:
    depth = 0
    for i, ch in enumerate(text):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            if depth == 0:
                return text[:i]
            depth -= 1
        elif depth == 0 and ch in " /*":
            return text[:i]
    return text


def _is_group(text: str) -> bool:
    """``(x + 1)`` or ``(x + 1)²``: parentheses that group, not a function's call."""
    body = text.rstrip(_POWERS)
    if not body.endswith(")"):
        return False
    depth = 0
    for i in range(len(body) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(body[i], 0)
        if depth == 0:
            return i == 0 or not (body[i - 1].isalpha() or body[i - 1] in "′″‴_")
    return False


def between(left: str, right: str) -> str:
    """What goes between two printed factors: nothing (``2x``, ``2wx``, ``x²y``,
    ``2(x + 1)``, ``(x + 1)(x − 1)``), a space (``x sin(x)``) or a dot where juxtaposition
    would misread (``2·3``, ``x^a·(x + 1)``, ``cos(x)·x``, ``I·x``, ``t·t``)."""
    if not right or right[0].isdigit() or right[0] in "-." or "^" in left or left.lstrip("-") == "I":
        return "·"
    if left.endswith(")") and not _is_group(left) and _LETTER.match(right):
        return "·"  # a letter after a function's call would read as more of its argument
    if _LETTER.match(left) and right.isalpha() and left.lstrip("-")[0] == right:
        return "·"  # t·t, x²·x: the same letter twice would read as one name
    simple_right = bool(_LETTER.match(right)) or right[0] in "(√"
    if _NUMBER.match(left) and simple_right:
        return ""
    if _LETTER.match(left) and (_LETTER.match(right) or right[0] == "("):
        return ""
    if _is_group(left) and right[0] == "(":
        return ""
    return " "


def pretty_baseline(form: Any) -> str:
    """A 2-D form's baseline row, its tall brackets read as ( and ), for ``between``."""
    row = form.picture[form.baseline] if form.height() > 1 else form.picture[0]
    return row.strip().translate(str.maketrans("⎛⎜⎝⎡⎢⎣⎞⎟⎠⎤⎥⎦", "((([[[)))]]]"))


def repeated_letter(left: Any, right: Any) -> bool:
    """Whether two SymPy factors are a letter written twice (``t·t``, ``x²·x``): the one place
    LaTeX and MathML, which set powers as superscripts, need a visible dot in a product."""
    base = left.base if getattr(left, "is_Pow", False) else left
    return bool(getattr(right, "is_Symbol", False) and base == right)
