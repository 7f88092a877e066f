"""The parser reads SymPy syntax, student syntax and LaTeX into the expected SymPy objects."""

from __future__ import annotations

import re

import pytest
import sympy
from sympy import (
    Abs,
    E,
    Float,
    Function,
    Max,
    Min,
    Rational,
    Symbol,
    acos,
    acosh,
    acot,
    asin,
    asinh,
    atan,
    atanh,
    binomial,
    cos,
    cosh,
    cot,
    csc,
    exp,
    factorial,
    log,
    pi,
    sec,
    sin,
    sinh,
    sqrt,
    tan,
    tanh,
)

from chainrule.errors import ChainruleError, ParseError
from chainrule.functions import relu, sigmoid
from chainrule.parsing import parse, parse_assignment, parse_symbol
from chainrule.written import evaluated


def evaluated_pair(pair):
    return pair[0], evaluated(pair[1])

x, y, z, t, m, n, a, b, k = (Symbol(s, real=True) for s in "xyztmnabk")
theta = Symbol("theta", real=True)
f, g, h, i_ = (Function(s, real=True) for s in "fghi")
X, Y = Function("x", real=True), Function("y", real=True)
D1, D2, D3 = (Function(f"Dense_{j}", real=True) for j in (1, 2, 3))

STUDENT = [
    # SymPy / Python syntax
    ("sin(x**2)", sin(x**2)),
    ("exp(3*x)*cos(x)", exp(3 * x) * cos(x)),
    ("(x**2+1)/(x-1)", (x**2 + 1) / (x - 1)),
    ("log(x, 2)", log(x, 2)),
    ("x**-2", x**-2),
    ("-x**2", -(x**2)),
    ("2**x", 2**x),
    ("x**y**z", x ** (y**z)),
    ("x/y/z", x / y / z),
    ("1/2*x", x / 2),
    # powers with ^
    ("x^2", x**2),
    ("x^-1", 1 / x),
    ("x^(1/2)", sqrt(x)),
    ("2^3^2", sympy.Integer(512)),
    ("e^(2x)", exp(2 * x)),
    ("e^x", exp(x)),
    ("E^(x^2)", exp(x**2)),
    ("e^-x", exp(-x)),
    ("e^2x", exp(2) * x),
    ("x^2y", x**2 * y),
    # implicit multiplication
    ("2x", 2 * x),
    ("3x^2 sin(x)", 3 * x**2 * sin(x)),
    ("2(x+1)", 2 * (x + 1)),
    ("(x+1)(x-1)", (x + 1) * (x - 1)),
    ("x y", x * y),
    ("2 x y", 2 * x * y),
    ("x(x+1)", x * (x + 1)),
    ("t(t^2+1)", t * (t**2 + 1)),
    ("x^2 + x(1-x)", x**2 + x * (1 - x)),
    ("(x)(y)", x * y),
    ("2.5x", Float("2.5") * x),
    ("1/2x", x / 2),
    ("-2x", -2 * x),
    ("x sin x", x * sin(x)),
    ("sin(x)cos(x)", sin(x) * cos(x)),
    ("2pi x", 2 * pi * x),
    ("|x||y|", Abs(x) * Abs(y)),
    # paren-less function application
    ("sin x", sin(x)),
    ("ln x", log(x)),
    ("3 sin x", 3 * sin(x)),
    ("sin x^2", sin(x**2)),
    ("sin 2x", sin(2 * x)),
    ("sin x cos x", sin(x) * cos(x)),
    ("sin x + 1", sin(x) + 1),
    ("sin x / 2", sin(x) / 2),
    ("sin x (x+1)", sin(x) * (x + 1)),
    ("sqrt x", sqrt(x)),
    ("exp -x", exp(-x)),
    ("ln ln x", log(log(x))),
    ("cos^2 x", cos(x) ** 2),
    # logarithms and constants
    ("ln(x)", log(x)),
    ("log(x)", log(x)),
    ("log10(x)", log(x, 10)),
    ("log2(x)", log(x, 2)),
    ("log_2(x)", log(x, 2)),
    ("log_b x", log(x, b)),
    ("log(x, b)", log(x, b)),
    ("e", E),
    ("E", E),
    ("pi", pi),
    ("π", pi),
    ("2π", 2 * pi),
    ("e x", E * x),
    ("e(x+1)", E * (x + 1)),
    # roots, absolute values
    ("sqrt(x)", sqrt(x)),
    ("cbrt(x)", x ** Rational(1, 3)),
    ("root(x, 3)", x ** Rational(1, 3)),
    ("root(x, n)", x ** (1 / n)),
    ("abs(x)", Abs(x)),
    ("Abs(x - 1)", Abs(x - 1)),
    ("|x|", Abs(x)),
    ("|x - 1|^2", Abs(x - 1) ** 2),
    ("||x| - 1|", Abs(Abs(x) - 1)),
    # inverse trig and hyperbolic spellings
    ("arcsin(x)", asin(x)),
    ("asin(x)", asin(x)),
    ("arccos x", acos(x)),
    ("arctan(x)", atan(x)),
    ("atan(x)", atan(x)),
    ("arccot(x)", acot(x)),
    ("arsinh(x)", asinh(x)),
    ("arcsinh(x)", asinh(x)),
    ("acosh(x)", acosh(x)),
    ("artanh(x)", atanh(x)),
    ("sinh(x) + cosh(x)", sinh(x) + cosh(x)),
    ("sec(x)", sec(x)),
    ("csc(x)", csc(x)),
    ("cot(x)", cot(x)),
    ("tg x", tan(x)),
    # function powers
    ("sin^2(x)", sin(x) ** 2),
    ("sin^-1(x)", asin(x)),
    ("sin^(-1)(x)", asin(x)),
    ("tan^-1 x", atan(x)),
    ("tanh^-1(x)", atanh(x)),
    ("cos^3(2x)", cos(2 * x) ** 3),
    ("sin^y(x)", sin(x) ** y),
    ("sin²(x)", sin(x) ** 2),
    # machine-learning functions
    ("max(x, y)", Max(x, y)),
    ("min(x, 0)", Min(x, 0)),
    ("max(0, x, y)", Max(0, x, y)),
    ("sigmoid(x)", sigmoid(x)),
    ("relu(x)", relu(x)),
    ("relu(w x + b)", relu(Symbol("w", real=True) * x + b)),
    ("tanh(2x)", tanh(2 * x)),
    # unicode
    ("2·x", 2 * x),
    ("2×x", 2 * x),
    ("x − 1", x - 1),
    ("√x", sqrt(x)),
    ("√(x+1)", sqrt(x + 1)),
    ("x²", x**2),
    ("x³ + 2x²", x**3 + 2 * x**2),
    ("x⁻¹", 1 / x),
    ("θ²", Symbol("θ", real=True) ** 2),
    ("theta^2", theta**2),
    # undefined functions
    ("f(x)", f(x)),
    ("g(h(i(x)))", g(h(i_(x)))),
    ("Dense_3(Dense_2(Dense_1(x)))", D3(D2(D1(x)))),
    ("f(x(m, n), y(m, n))", f(X(m, n), Y(m, n))),
    ("f(x+1)", f(x + 1)),
    ("f(2x)^2", f(2 * x) ** 2),
    ("f(x, y)", f(x, y)),
    # factorials and binomials
    ("5!", sympy.Integer(120)),
    ("n!", factorial(n)),
    ("factorial(n)", factorial(n)),
    ("binomial(n, k)", binomial(n, k)),
    ("binomial(5, 2)", sympy.Integer(10)),
    # numbers
    ("0.5", Float("0.5")),
    (".5x", Float("0.5") * x),
    ("1e3", Float("1000")),
    ("2.5e-3", Float("0.0025")),
    ("  x  ", x),
]

LATEX = [
    (r"\sin(x^2)", sin(x**2)),
    (r"\frac{1}{x}", 1 / x),
    (r"e^{3x}", exp(3 * x)),
    (r"\sqrt{1+x^3}", sqrt(1 + x**3)),
    (r"\sqrt[3]{x}", x ** Rational(1, 3)),
    (r"\ln(x^2+1)", log(x**2 + 1)),
    (r"\left(x+1\right)^2", (x + 1) ** 2),
    (r"\left|x\right|", Abs(x)),
    (r"\cos^{2}(x)", cos(x) ** 2),
    (r"\sin^{-1}(x)", asin(x)),
    (r"\frac{\sin x}{x}", sin(x) / x),
    (r"3x^2\sin x", 3 * x**2 * sin(x)),
    (r"\pi x", pi * x),
    (r"\tanh(x)", tanh(x)),
    (r"\frac12 x", x / 2),
    (r"x \cdot y", x * y),
    (r"2 \times x", 2 * x),
    (r"\mathrm{e}^{x}", exp(x)),
    (r"\exp\left(-\frac{x^2}{2}\right)", exp(-(x**2) / 2)),
    (r"\log_{10}(x)", log(x, 10)),
    (r"\log_2 x", log(x, 2)),
    (r"\arctan x", atan(x)),
    (r"\sinh x \cosh x", sinh(x) * cosh(x)),
    (r"x_1^2", Symbol("x_1", real=True) ** 2),
    (r"\operatorname{sigmoid}(x)", sigmoid(x)),
    (r"\binom{n}{k}", binomial(n, k)),
    (r"\theta^2", theta**2),
    (r"f(g(x))", f(g(x))),
    (r"xy^{2}", x * y**2),
    (r"\sqrt x", sqrt(x)),
    (r"$\frac{1}{\sqrt{x}}$", 1 / sqrt(x)),
    (r"\dfrac{x+1}{x-1}", (x + 1) / (x - 1)),
    (r"\left[x+1\right]^{2}", (x + 1) ** 2),
    (r"\max(x, y)", Max(x, y)),
    (r"\sin^{x}{\left(x \right)}", sin(x) ** x),
]


@pytest.mark.parametrize(("text", "expected"), STUDENT, ids=[s for s, _ in STUDENT])
def test_student_syntax(text: str, expected: sympy.Expr) -> None:
    assert evaluated(parse(text)) == expected


@pytest.mark.parametrize(("text", "expected"), LATEX, ids=[s for s, _ in LATEX])
def test_latex(text: str, expected: sympy.Expr) -> None:
    assert evaluated(parse(text)) == expected


def test_tables_are_large_enough() -> None:
    assert len(STUDENT) >= 80
    assert len(LATEX) >= 15


def test_latex_flag_forces_latex_reading() -> None:
    assert evaluated(parse("xy", latex=True)) == x * y
    assert evaluated(parse("xy")) == Symbol("xy", real=True)
    with pytest.raises(ParseError, match="LaTeX"):
        parse(r"\frac{1}{x}", latex=False)


def test_symbols_and_functions_are_real() -> None:
    expr = parse("f(x) + y")
    assert all(s.is_real for s in expr.free_symbols)
    (applied,) = expr.atoms(sympy.core.function.AppliedUndef)
    assert applied.is_real


def test_name_used_as_variable_elsewhere_multiplies() -> None:
    # x is a plain variable elsewhere, so x(...) is a product; f is only ever applied.
    assert evaluated(parse("x(x+1) + f(x)")) == x * (x + 1) + f(x)
    # a name applied to an argument list with a comma is always a function
    assert parse("f(x(m, n), y(m, n))").atoms(sympy.core.function.AppliedUndef) == {
        f(X(m, n), Y(m, n)), X(m, n), Y(m, n)
    }


def test_deep_power_of_product_distributes_like_sympy() -> None:
    expr = parse("(2*" + "sin(" * 40 + "x" + ")" * 40 + ")^2")
    assert expr.is_Mul and sympy.Integer(4) in expr.args


def test_parse_symbol() -> None:
    assert parse_symbol("x") == x
    assert parse_symbol("  theta ") == theta
    assert parse_symbol("x").is_real
    for bad, fragment in [("sin", "function"), ("e", "constant"), ("2x", "variable name"),
                          ("x y", "variable name"), ("", "variable name"), ("__x", "'_'"),
                          ("lambda", "keyword"), ("x.y", "attribute")]:
        with pytest.raises(ParseError, match=fragment):
            parse_symbol(bad)


def test_parse_assignment() -> None:
    assert evaluated_pair(parse_assignment("x=m*n")) == (x, m * n)
    assert evaluated_pair(parse_assignment("x = 2")) == (x, sympy.Integer(2))
    assert evaluated_pair(parse_assignment("y=m + n")) == (y, m + n)


@pytest.mark.parametrize(
    ("text", "column", "fragment"),
    [("x+2", 3, "NAME=EXPR"), ("x==2", 2, "single '='"), ("x=", 2, "after '='"),
     ("x=(m", 4, "never closed"), ("x = m)", 5, "unexpected ')'"), ("sin=2", 0, "function"),
     ("2=x", 0, "variable name")],
)
def test_parse_assignment_errors_have_columns(text: str, column: int, fragment: str) -> None:
    with pytest.raises(ParseError, match=re.escape(fragment)) as info:
        parse_assignment(text)
    assert info.value.column == column
    assert info.value.text == text


@pytest.mark.parametrize(
    ("text", "column", "fragment"),
    [
        ("(x+1))", 5, "unexpected ')'"),
        ("sin(x", 5, "never closed"),
        ("x +", 3, "ends too early"),
        ("x + * 2", 4, "unexpected '*'"),
        ("f()", 1, "empty parentheses"),
        ("x 2", 2, "number cannot follow"),
        ("sni(x)", 0, "unknown function 'sni'"),
        ("sinx", 0, "unknown name 'sinx'"),
        ("sin", 3, "needs an argument"),
        ("|x", 2, "never closed"),
        ("(|x)|", 3, "not closed before"),
        ("x, y", 1, "outside a function"),
        ("log(x, 2, 3)", 0, "takes 1 to 2"),
        ("sin(x, y)", 0, "takes 1 argument"),
        ("1/0", 1, "division by zero"),
        ("sin^x + 1", 3, "whole number"),
        ("x.real", 1, "attribute"),
        ("x = 1", 2, "'='"),
        (r"\frac{1}{x", 10, "never closed"),
        (r"\foo x", 0, "unknown LaTeX command"),
        (r"\int x dx", 0, "not supported"),
    ],
)
def test_errors_point_at_the_fault(text: str, column: int, fragment: str) -> None:
    with pytest.raises(ParseError, match=re.escape(fragment)) as info:
        parse(text)
    assert info.value.column == column
    assert info.value.text == text


def test_error_message_shows_a_caret_and_a_hint() -> None:
    with pytest.raises(ParseError) as info:
        parse("sin(x))")
    assert str(info.value).splitlines() == [
        "unexpected ')' at column 6",
        "  sin(x))",
        "        ^",
        "hint: unbalanced parentheses: there is no matching '('",
    ]
    with pytest.raises(ParseError) as info:
        parse("sni(x)")
    assert "did you mean sin?" in str(info.value)
    with pytest.raises(ParseError) as info:
        parse("(x+1")
    assert "unbalanced parentheses" in str(info.value)


def test_unknown_names_are_variables_or_undefined_functions() -> None:
    assert evaluated(parse("velocity")) == Symbol("velocity", real=True)
    assert evaluated(parse("loss(w)")) == Function("loss", real=True)(Symbol("w", real=True))
    assert evaluated(parse("sen(x)")) == Function("sen", real=True)(x)  # not a transposition of sin


@pytest.mark.parametrize("text", ["", "   ", "()", "+", "sin^2", "x^", "|", "f(x,)", ",x", "!"])
def test_incomplete_inputs_are_parse_errors(text: str) -> None:
    with pytest.raises(ParseError):
        parse(text)


def test_sympy_refusals_become_parse_errors() -> None:
    with pytest.raises(ParseError, match="not comparable"):
        parse("max(asin(2), 1)")


def test_non_string_input() -> None:
    with pytest.raises(ChainruleError):
        parse(x)  # type: ignore[arg-type]


def test_docs_input_examples_run() -> None:
    import doctest
    from pathlib import Path

    path = Path(__file__).parent.parent / "docs" / "input.md"
    result = doctest.testfile(str(path), module_relative=False,
                              optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 15
    assert result.failed == 0
