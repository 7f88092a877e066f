"""The textbook data in ``tests/data/textbook/`` is right: every entry is checked with SymPy.

The data files are trusted test data, so reading their expressions with ``sympy.parse_expr``
is fine here (the package itself never does this).  Each check first tries SymPy's
``simplify``; where that cannot decide, the expressions are compared numerically at
deterministic pseudo-random points.
"""

from __future__ import annotations

import math
import random
import re
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sympy
from sympy.parsing.sympy_parser import parse_expr

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    tomllib = pytest.importorskip("tomli")

DATA = Path(__file__).parent / "data" / "textbook"

# Every name a data file may use, so that no letter turns into a SymPy object
# (S, N, E, I, Q, ...) by accident.  Real symbols: d/dx |u| is then sign(u) u', not an
# expression in re(x) and im(x).
NAMES = {
    name: sympy.Symbol(name, real=True)
    for name in "a b c d h p r s t u v w x y z A D H R V theta alpha".split()
}
NAMES.update({"pi": sympy.pi, "E": sympy.E, "Abs": sympy.Abs})

TOLERANCE = 1e-8


def load(name: str) -> list[dict[str, Any]]:
    with open(DATA / name, "rb") as f:
        return tomllib.load(f)["case"]


def parse(text: str) -> sympy.Expr:
    return parse_expr(text, local_dict=dict(NAMES))


def parse_equation(text: str) -> tuple[sympy.Expr, sympy.Expr]:
    assert text.count("=") == 1, f"not an equation 'lhs = rhs': {text!r}"
    lhs, rhs = text.split("=")
    return parse(lhs), parse(rhs)


def close(a: complex, b: complex) -> bool:
    return abs(a - b) <= TOLERANCE * max(1.0, abs(a), abs(b))


def number(expr: sympy.Expr, subs: dict[sympy.Symbol, float]) -> complex:
    value = complex(sympy.N(expr.subs(subs), 30))
    assert math.isfinite(value.real) and math.isfinite(value.imag), (expr, subs)
    return value


def points(case: dict[str, Any], count: int = 6) -> list[float]:
    lo, hi = case.get("sample", [0.2, 0.9])
    rng = random.Random(case.get("id") or case.get("name"))
    return [rng.uniform(lo, hi) for _ in range(count)]


class _Slow(Exception):
    pass


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Interrupt SymPy after ``seconds`` (POSIX main thread only; elsewhere no limit is set
    and the caller does not try ``simplify`` at all)."""

    def interrupt(signum: int, frame: object) -> None:
        raise _Slow

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def simplifies_to_zero(expr: sympy.Expr, seconds: float = 3.0) -> bool:
    """``simplify(expr) == 0``, given a few seconds; False when it cannot tell in time.

    A couple of entries (``tan(4x^2 - 3x + 1)``, ``ln|sec x + tan x|``) keep ``simplify``
    busy for minutes; those are decided numerically instead.
    """
    if expr == 0:
        return True
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        return False
    try:
        with _time_limit(seconds):
            return bool(sympy.simplify(expr) == 0)
    except (_Slow, TypeError, ValueError, NotImplementedError):
        return False


def equal(a: sympy.Expr, b: sympy.Expr, var: sympy.Symbol, case: dict[str, Any]) -> bool:
    """``a == b`` as functions of ``var``: symbolically, or at sample points."""
    if simplifies_to_zero(a - b):
        return True
    return all(close(number(a, {var: p}), number(b, {var: p})) for p in points(case))


def differ(a: sympy.Expr, b: sympy.Expr, var: sympy.Symbol, case: dict[str, Any]) -> bool:
    """``a`` and ``b`` differ at some sample point (so a wrong answer is really wrong)."""
    return any(not close(number(a, {var: p}), number(b, {var: p})) for p in points(case))


def var_of(case: dict[str, Any]) -> sympy.Symbol:
    return NAMES[case.get("var", "x")]


# ---------------------------------------------------------------------------- answers.toml

ANSWERS = load("answers.toml")
TOPICS = {"chain", "product", "quotient", "logarithmic", "inverse_trig", "trig", "exponential", "power"}


def test_answers_file_shape() -> None:
    ids = [c["id"] for c in ANSWERS]
    assert len(ids) == len(set(ids)), "duplicate ids"
    assert len(ANSWERS) >= 60
    for case in ANSWERS:
        assert {"id", "source", "expr", "answer", "topic", "answer_source"} <= case.keys(), case["id"]
        assert case["topic"] in TOPICS, case["id"]
        assert case["answer_source"] in {"printed", "computed"}, case["id"]
        assert case["source"].strip(), case["id"]
    printed = [c for c in ANSWERS if c["answer_source"] == "printed"]
    assert len(printed) >= 40


def test_answers_include_the_famous_ones() -> None:
    exprs = {c["expr"].replace(" ", "") for c in ANSWERS}
    for famous in [
        "(x**2+1)/(x-1)",
        "(2*x+1)**5*(x**3-x+1)**4",
        "log(Abs(sec(x)+tan(x)))",
        "((t-2)/(2*t+1))**9",
        "x**x",
        "sqrt(1-x**2)",
    ]:
        assert famous in exprs, famous


@pytest.mark.parametrize("case", ANSWERS, ids=[c["id"] for c in ANSWERS])
def test_answer_is_the_derivative(case: dict[str, Any]) -> None:
    x = var_of(case)
    expr, answer = parse(case["expr"]), parse(case["answer"])
    assert expr.free_symbols <= {x}, case["id"]
    derivative = sympy.diff(expr, x, case.get("order", 1))
    assert equal(answer, derivative, x, case), f"{case['id']}: {answer} != {derivative}"


# ---------------------------------------------------------------------------- methods.toml

METHODS = load("methods.toml")
FIRST_RULES = {
    "chain", "product", "quotient", "sum", "power", "constant_multiple",
    "exp", "log", "trig", "inverse_trig", "general_power",
}  # fmt: skip
U = NAMES["u"]
TRIG = (sympy.sin, sympy.cos, sympy.tan, sympy.cot, sympy.sec, sympy.csc)
INVERSE_TRIG = (sympy.asin, sympy.acos, sympy.atan, sympy.acot, sympy.asec, sympy.acsc)


def test_methods_file_shape() -> None:
    ids = [c["id"] for c in METHODS]
    assert len(ids) == len(set(ids)), "duplicate ids"
    assert len(METHODS) >= 40
    for case in METHODS:
        assert {"id", "source", "expr", "first_rule", "note", "method_source"} <= case.keys(), case["id"]
        assert case["first_rule"] in FIRST_RULES, case["id"]
        assert case["method_source"] in {"printed", "textbook convention"}, case["id"]
        assert "\n" not in case["note"], case["id"]
        has_chain_fields = "outer" in case or "inner" in case
        assert has_chain_fields == (case["first_rule"] == "chain"), case["id"]
        assert ("term_order" in case) == (case["first_rule"] == "sum"), case["id"]


@pytest.mark.parametrize("case", METHODS, ids=[c["id"] for c in METHODS])
def test_method_fits_the_expression(case: dict[str, Any]) -> None:
    x = var_of(case)
    expr = parse(case["expr"])
    assert x in expr.free_symbols, case["id"]
    rule = case["first_rule"]
    if rule == "chain":
        outer = parse(case["outer"])
        inner = parse(case["inner"])
        assert U in outer.free_symbols and outer != U, case["id"]
        assert x not in outer.free_symbols, case["id"]
        assert x in inner.free_symbols and inner != x, case["id"]
        assert equal(outer.subs(U, inner), expr, x, case), case["id"]
    elif rule == "sum":
        terms = [parse(t) for t in case["term_order"]]
        assert len(terms) >= 2 and all(t != 0 for t in terms), case["id"]
        assert sympy.Add(*terms) == expr, case["id"]
    elif rule == "product":
        factors = [parse(f) for f in case["factors"]]
        assert len(factors) >= 2 and all(x in f.free_symbols for f in factors), case["id"]
        assert sympy.Mul(*factors) == expr, case["id"]
    elif rule == "quotient":
        numerator, denominator = parse(case["numerator"]), parse(case["denominator"])
        assert x in denominator.free_symbols, case["id"]
        assert equal(numerator / denominator, expr, x, case), case["id"]
    elif rule == "constant_multiple":
        # As typed: SymPy's own parse would distribute (x**3 + 2*x**2 - 4)/3 into a sum.
        typed = parse_expr(case["expr"], local_dict=dict(NAMES), evaluate=False)
        assert isinstance(typed, sympy.Mul), case["id"]
        constants = [f for f in typed.args if x not in f.free_symbols]
        assert constants and sympy.Mul(*constants) != 1, case["id"]
    elif rule == "general_power":
        assert isinstance(expr, sympy.Pow), case["id"]
        assert x in expr.base.free_symbols and x in expr.exp.free_symbols, case["id"]
    elif rule == "power":
        assert isinstance(expr, sympy.Pow) and expr.base == x and x not in expr.exp.free_symbols
    elif rule == "exp":
        assert expr == sympy.exp(x), case["id"]
    elif rule == "log":
        assert expr == sympy.log(x), case["id"]
    elif rule == "trig":
        assert isinstance(expr, TRIG) and expr.args == (x,), case["id"]
    elif rule == "inverse_trig":
        assert isinstance(expr, INVERSE_TRIG) and expr.args == (x,), case["id"]


# ---------------------------------------------------------------------------- mistakes.toml

MISTAKES = load("mistakes.toml")
MISTAKE_RULES = {
    "chain", "product", "quotient", "power", "exp", "log", "trig", "inverse_trig", "constant",
    "constant_multiple", "exponential_base", "general_power", "sum",
}  # fmt: skip
SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$")


def test_mistakes_file_shape() -> None:
    names = [c["name"] for c in MISTAKES]
    assert len(names) == len(set(names)), "duplicate names"
    assert len(MISTAKES) >= 36
    for case in MISTAKES:
        assert {"name", "rule", "title", "expr", "wrong", "sentence"} <= case.keys(), case["name"]
        assert SNAKE.match(case["name"]), case["name"]
        assert case["rule"] in MISTAKE_RULES, case["name"]
        assert case["title"].strip() and len(case["title"]) <= 80, case["name"]
        sentence = case["sentence"]
        assert "\n" not in sentence and sentence.endswith("."), case["name"]
        for other in case.get("also", []) + case.get("combines", []):
            assert other in names and other != case["name"], (case["name"], other)
    assert sum(len(c.get("combines", [])) >= 2 for c in MISTAKES) >= 4


def test_mistakes_cover_the_classics() -> None:
    names = {c["name"] for c in MISTAKES}
    required = {
        # chainrule's catalogue (chainrule/mistakes.py)
        "chain_rule_without_inner_derivative", "product_of_derivatives",
        "quotient_rule_numerator_swapped", "quotient_rule_denominator_not_squared",
        "power_rule_exponent_not_lowered", "cos_derivative_sign", "exponential_as_power",
        "exp_as_power", "sign_slip",
        # the rest of the brief
        "inner_differentiated_in_place", "outer_derivative_at_wrong_argument",
        "product_rule_with_minus", "product_rule_term_missing", "quotient_of_derivatives",
        "power_rule_coefficient_dropped", "power_rule_on_variable_exponent",
        "sin_derivative_sign", "tan_derivative_not_squared", "sec_derivative_as_tan_squared",
        "acos_derivative_sign", "asin_derivative_without_root", "log_of_product_split_wrongly",
        "constant_derivative_one", "constant_pi_squared_power_rule",
        "antiderivative_of_reciprocal", "antiderivative_of_cos", "sin_squared_inner_and_outer",
    }  # fmt: skip
    assert required <= names, required - names


@pytest.mark.parametrize("case", MISTAKES, ids=[c["name"] for c in MISTAKES])
def test_wrong_answer_is_wrong(case: dict[str, Any]) -> None:
    x = var_of(case)
    expr, wrong = parse(case["expr"]), parse(case["wrong"])
    assert (expr.free_symbols | wrong.free_symbols) <= {x}, case["name"]
    derivative = sympy.diff(expr, x)
    assert not simplifies_to_zero(wrong - derivative), case["name"]
    assert differ(wrong, derivative, x, case), f"{case['name']}: {wrong} is the derivative"


# ---------------------------------------------------------------------------- applications.toml

APPLICATIONS = load("applications.toml")
KINDS = {"implicit", "related_rates", "parametric", "multivariable"}
REQUIRED = {
    "implicit": {"equation", "dependent", "independent", "answer"},
    "related_rates": {"formula", "rates", "values", "unknown", "answer"},
    "parametric": {"x", "y", "parameter"},
    "multivariable": {"z", "where", "wrt", "answer"},
}
MINIMUM = {"implicit": 10, "related_rates": 6, "parametric": 6, "multivariable": 6}


def of_kind(kind: str) -> list[dict[str, Any]]:
    return [c for c in APPLICATIONS if c["kind"] == kind]


def test_applications_file_shape() -> None:
    ids = [c["id"] for c in APPLICATIONS]
    assert len(ids) == len(set(ids)), "duplicate ids"
    for case in APPLICATIONS:
        assert case["kind"] in KINDS, case["id"]
        assert {"id", "source", "kind", "printed_fields"} | REQUIRED[case["kind"]] <= case.keys(), case["id"]
        for field in case["printed_fields"]:
            assert field in case, (case["id"], field)
    for kind, minimum in MINIMUM.items():
        assert len(of_kind(kind)) >= minimum, kind
    implicit = of_kind("implicit")
    assert sum("tangent" in c or "normal" in c for c in implicit) >= 3
    assert sum(c.get("order", 1) == 2 for c in implicit) >= 1
    assert sum("d2ydx2" in c or "d2ydx2_at" in c for c in of_kind("parametric")) >= 2


def sample_values(symbols: set[sympy.Symbol], case: dict[str, Any], count: int = 6) -> list[dict]:
    lo, hi = case.get("sample", [0.2, 0.9])
    rng = random.Random(case["id"])
    ordered = sorted(symbols, key=str)
    return [{s: rng.uniform(lo, hi) for s in ordered} for _ in range(count)]


def equal_everywhere(a: sympy.Expr, b: sympy.Expr, case: dict[str, Any]) -> bool:
    """``a == b`` for all values of their free symbols: symbolically or at sample points."""
    if simplifies_to_zero(a - b):
        return True
    symbols = a.free_symbols | b.free_symbols
    return all(close(number(a, p), number(b, p)) for p in sample_values(symbols, case))


def line_through(text: str, point: tuple[sympy.Expr, sympy.Expr], slope: sympy.Expr | None) -> None:
    """The line ``text`` ('lhs = rhs', linear in x and y) passes through ``point`` with ``slope``
    (``None``: a vertical line)."""
    x, y = NAMES["x"], NAMES["y"]
    lhs, rhs = parse_equation(text)
    line = sympy.expand(lhs - rhs)
    assert sympy.Poly(line, x, y).total_degree() == 1, text
    assert close(number(line, {x: point[0], y: point[1]}), 0), f"{text} misses {point}"
    a, b = line.coeff(x), line.coeff(y)
    if slope is None:
        assert b == 0, f"{text} is not vertical"
    else:
        assert b != 0, f"{text} is vertical"
        assert close(number(-a / b, {}), number(slope, {})), f"{text}: slope is not {slope}"


# ------------------------------------------------------------------ implicit


def implicit_parts(case: dict[str, Any]) -> tuple[sympy.Expr, sympy.Symbol, sympy.Symbol, sympy.Expr]:
    x, y = NAMES[case["independent"]], NAMES[case["dependent"]]
    lhs, rhs = parse_equation(case["equation"])
    constants = {NAMES[k]: parse(v) for k, v in case.get("constants", {}).items()}
    F = (lhs - rhs).subs(constants)
    assert F.free_symbols <= {x, y}, case["id"]
    slope = -sympy.diff(F, x) / sympy.diff(F, y)
    if case.get("order", 1) == 2:
        expected = sympy.diff(slope, x) + sympy.diff(slope, y) * slope
    else:
        expected = slope
    return F, x, y, expected


def curve_points(F: sympy.Expr, x: sympy.Symbol, y: sympy.Symbol, case: dict[str, Any]) -> list[dict]:
    """Points of the curve near the entry's point, found with Newton's method in y."""
    x0, y0 = (float(parse(v)) for v in case["point"])
    found = []
    for dx in (0.0, 0.011, -0.017, 0.023):
        try:
            root = sympy.nsolve(F.subs(x, x0 + dx), y, y0, prec=30)
        except (ValueError, ZeroDivisionError):
            continue
        if abs(sympy.im(root)) < 1e-20:
            found.append({x: x0 + dx, y: float(sympy.re(root))})
    return found


@pytest.mark.parametrize("case", of_kind("implicit"), ids=[c["id"] for c in of_kind("implicit")])
def test_implicit(case: dict[str, Any]) -> None:
    F, x, y, expected = implicit_parts(case)
    answer = parse(case["answer"])
    if "point" in case:
        px, py = (parse(v) for v in case["point"])
        assert close(number(F, {x: px, y: py}), 0), f"{case['id']}: the point is not on the curve"
    if not equal_everywhere(answer, expected, case):
        # Answers simplified with the equation itself only hold on the curve.
        assert "point" in case, f"{case['id']}: {answer} != {expected} (and no point to check on the curve)"
        on_curve = [p for p in curve_points(F, x, y, case) if close(number(F, p), 0)]
        assert len(on_curve) >= 3, case["id"]
        for p in on_curve:
            assert close(number(answer, p), number(expected, p)), f"{case['id']} at {p}"
    if "point" in case:
        at = {x: px, y: py}
        slope = expected.subs(at)
        if "value" in case:
            tolerance = case.get("value_tolerance", TOLERANCE)
            value = number(parse(case["value"]), {})
            assert abs(value - number(slope, {})) <= tolerance * max(1.0, abs(value)), case["id"]
        if "tangent" in case:
            line_through(case["tangent"], (px, py), slope)
        if "normal" in case:
            line_through(case["normal"], (px, py), -1 / slope)


# ------------------------------------------------------------------ related rates

RATE = re.compile(r"^d(\w+)/dt$")


@pytest.mark.parametrize("case", of_kind("related_rates"), ids=[c["id"] for c in of_kind("related_rates")])
def test_related_rates(case: dict[str, Any]) -> None:
    t = sympy.Symbol("time", real=True)
    lhs, rhs = parse_equation(case["formula"])
    relation = lhs - rhs
    quantities = sorted(relation.free_symbols, key=str)
    values = {NAMES[k]: parse(v) for k, v in case["values"].items()}
    assert set(values) == set(quantities), f"{case['id']}: give a value for every quantity"
    assert close(number(relation, values), 0), f"{case['id']}: the values do not satisfy the formula"

    moving = {q: sympy.Function(str(q))(t) for q in quantities}
    rate_of = {q: sympy.Symbol(f"d{q}/dt") for q in quantities}
    differentiated = sympy.diff(relation.subs(moving), t)
    differentiated = differentiated.subs({sympy.Derivative(moving[q], t): rate_of[q] for q in quantities})
    differentiated = differentiated.subs({moving[q]: q for q in quantities}).subs(values)

    known = {}
    for name, value in case["rates"].items():
        match = RATE.match(name)
        assert match and NAMES[match.group(1)] in quantities, (case["id"], name)
        known[rate_of[NAMES[match.group(1)]]] = parse(value)
    match = RATE.match(case["unknown"])
    assert match, case["id"]
    unknown = rate_of[NAMES[match.group(1)]]
    assert unknown not in known, case["id"]
    solutions = sympy.solve(differentiated.subs(known), unknown)
    assert len(solutions) == 1, (case["id"], solutions)
    assert close(number(solutions[0], {}), number(parse(case["answer"]), {})), (case["id"], solutions[0])


# ------------------------------------------------------------------ parametric


@pytest.mark.parametrize("case", of_kind("parametric"), ids=[c["id"] for c in of_kind("parametric")])
def test_parametric(case: dict[str, Any]) -> None:
    p = NAMES[case["parameter"]]
    X, Y = parse(case["x"]), parse(case["y"])
    assert (X.free_symbols | Y.free_symbols) <= {p}, case["id"]
    slope = sympy.diff(Y, p) / sympy.diff(X, p)
    concavity = sympy.diff(slope, p) / sympy.diff(X, p)
    if "dydx" in case:
        assert equal(parse(case["dydx"]), slope, p, case), case["id"]
    if "d2ydx2" in case:
        assert equal(parse(case["d2ydx2"]), concavity, p, case), case["id"]
    if "at" in case:
        at = {p: parse(case["at"])}
        if "dydx_at" in case:
            assert close(number(parse(case["dydx_at"]), {}), number(slope, at)), case["id"]
        if "d2ydx2_at" in case:
            assert close(number(parse(case["d2ydx2_at"]), {}), number(concavity, at)), case["id"]
        if "tangent" in case:
            vertical = sympy.diff(X, p).subs(at) == 0
            point = (X.subs(at), Y.subs(at))
            line_through(case["tangent"], point, None if vertical else slope.subs(at))


# ------------------------------------------------------------------ multivariable


@pytest.mark.parametrize("case", of_kind("multivariable"), ids=[c["id"] for c in of_kind("multivariable")])
def test_multivariable(case: dict[str, Any]) -> None:
    where = {NAMES[k]: parse(v) for k, v in case["where"].items()}
    wrt = NAMES[case["wrt"]]
    f = parse(case["z"])
    assert f.free_symbols <= set(where), case["id"]
    independent = set().union(*(e.free_symbols for e in where.values()))
    assert wrt in independent, case["id"]
    # Substitute all intermediate variables at once: z may also name one of them.
    composite = f.subs(where, simultaneous=True)
    derivative = sympy.diff(composite, wrt)
    answer = parse(case["answer"]).subs(where, simultaneous=True)
    assert equal_everywhere(answer, derivative, case), case["id"]
    if "printed_answer" in case:
        printed = parse(case["printed_answer"]).subs(where, simultaneous=True)
        assert "erratum" in case, case["id"]
        assert not equal_everywhere(printed, derivative, case), f"{case['id']}: the erratum is not one"
    if "at" in case:
        at = {NAMES[k]: parse(v) for k, v in case["at"].items()}
        assert close(number(parse(case["value"]), {}), number(derivative, at)), case["id"]
