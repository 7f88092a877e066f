"""The parser's misreadings (issue #13): each input gets the reading a student means, or a
clear error with a hint."""

from __future__ import annotations

import pytest
import sympy

import chainrule
from chainrule import ChainruleError, ParseError


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1e3x", "1000.0*x"),
        ("1.5e2x", "150.0*x"),
        ("2e3 x", "2000.0*x"),
        ("2ex", "2*ex"),  # no digits after e: not an exponent
        ("3e", "3*E"),
        ("log_(x+1)(y)", "log(y)/log(x + 1)"),
        ("log_(x+1) y", "log(y)/log(x + 1)"),
        ("log_(2)(x^2)", "log(x**2)/log(2)"),
        (r"\log_{x+1} y", "log(y)/log(x + 1)"),
        (r"\log_{x+1}(y)", "log(y)/log(x + 1)"),
        ("$x^2$", "x**2"),
        ("$$\\sin x$$", "sin(x)"),
        ("\\(x^2\\)", "x**2"),
        ("\\[x^2\\]", "x**2"),
        (" $x^2$ ", "x**2"),
        ("\ufeffsin(x)", "sin(x)"),
        ("\ufeff\\sin x", "sin(x)"),
        ("ｓｉｎ(x)", "sin(x)"),  # fullwidth letters: NFKC
        ("θ^2 + α", "α + θ**2"),  # Greek letters stay names
        (r"\lambda x^2", "lamda*x**2"),  # SymPy's spelling: lambda is a Python keyword
        ("gamma*x^2", "gamma*x**2"),  # a variable, unless called
        ("gamma(x)", "gamma(x)"),
    ],
)
def test_the_reading_a_student_means(text: str, expected: str) -> None:
    assert sympy.sstr(chainrule.parse(text)) == expected


@pytest.mark.parametrize(
    "text, fragment, hint",
    [
        ("log(x, 0)", "base must be a positive number, not 0", "log(x, 2)"),
        (r"\log_{0} x", "base must be a positive number, not 0", "log(x, 2)"),
        ("log_0 x", "base must be a positive number, not 0", "log(x, 2)"),
        ("log(x, -2)", "base must be a positive number, not -2", "log(x, 2)"),
        ("log(x, 1)", "base cannot be 1", "log(x, 2)"),
        ("s\u0456n(x)", "U+0456 CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I", "did you mean sin?"),
        ("x + \u0445", "U+0445 CYRILLIC SMALL LETTER HA, which looks like the Latin 'x'", "Latin letters"),
        ("c\u03bfs(x)", "GREEK SMALL LETTER OMICRON", "did you mean cos?"),
        (r"\operatorname{__import__}(x)", "may not start with '_'", "dunder"),
        (r"\mathrm{__class__}", "may not start with '_'", "dunder"),
        (r"\operatorname{lambda}(x)", "Python keyword", None),
        ("log_(x+1) 2y", "needs its argument in parentheses", "log_(b)(x)"),
        ("Lt(x, 0)", "is a condition, not an expression", "Piecewise"),
    ],
)
def test_misreadings_become_clear_errors(text: str, fragment: str, hint: str | None) -> None:
    with pytest.raises(ParseError) as info:
        chainrule.parse(text)
    assert fragment in info.value.message
    if hint is not None:
        assert info.value.hint is not None and hint in info.value.hint


def test_the_caret_points_at_the_look_alike_letter() -> None:
    with pytest.raises(ParseError) as info:
        chainrule.parse("x + s\u0456n(x)")
    assert info.value.column == 5


def test_1e3x_is_not_a_variable_called_e3x() -> None:
    d = chainrule.derive("1e3x")
    assert d.wrt.name == "x" and float(d.result) == 1000.0


def test_the_forms_json_writes_are_read_only_when_called() -> None:
    x = sympy.Symbol("x", real=True)
    f = sympy.Function("f", real=True)
    assert chainrule.parse("Derivative(f(x), x, 2)") == sympy.Derivative(f(x), (x, 2))
    assert chainrule.parse("Subs(Derivative(f(u), u), u, x^2)").point == sympy.Tuple(x**2)
    assert chainrule.parse("Piecewise(x^2, Lt(x, 0), x)") == sympy.Piecewise((x**2, x < 0), (x, True))
    assert chainrule.parse("DiracDelta(x, 1)") == sympy.DiracDelta(x, 1)
    assert chainrule.parse("polygamma(0, 10^50)").args[1] == 10**50  # kept unevaluated
    for bad in ("Derivative(f(x), 2)", "Derivative(f(x), x, 0)", "Subs(x, 1, 2)", "And(x, y)",
                "Piecewise(x, y)", "polygamma(-1, x)", "DiracDelta(x, 1/2)"):
        with pytest.raises(ChainruleError):
            chainrule.parse(bad)
