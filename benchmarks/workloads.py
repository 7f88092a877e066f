"""What is measured: the homework exercises and the families that grow with a size.

Everything here builds inputs only (text, SymPy expressions, graphs' points);
``measurements`` times them. Only chainrule's public API is used: ``parse``
reads the homework, ``derive`` / ``Derivation.verify()`` / ``backprop`` are
what ``measurements`` times.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import sympy

X = sympy.Symbol("x", real=True)

#: Typical first-year homework, one exercise a line, as a student types it; each has
#: the single variable x. Polynomials and powers, then chain, product, quotient,
#: logarithms, inverse trigonometry, exponentials and a few harder ones.
HOMEWORK: tuple[str, ...] = (
    "x^3 - 4x^2 + 7x - 2",
    "5x^4 + 3/x^2",
    "sqrt(x) + 1/sqrt(x)",
    "(2x + 1)^5",
    "(x^2 + 1)^10",
    "sqrt(3x^2 - 2x + 1)",
    "1/(x^2 + 4)",
    "x^2 sin x",
    "x e^x",
    "e^(2x)",
    "e^(-x^2)",
    "ln(x^2 + 1)",
    "ln(sin x)",
    "sin(x^2)",
    "sin^2 x",
    "cos(3x + 2)",
    "tan(5x)",
    "sec x tan x",
    "x^2 ln x",
    "(x^2 + 1)/(x - 3)",
    "(3x - 1)/(2x + 5)",
    "sin x / x",
    "e^x / (1 + e^x)",
    "x / sqrt(1 - x^2)",
    "atan(2x)",
    "asin(x^2)",
    "x atan x",
    "ln(ln x)",
    "e^(sin x)",
    "sin(cos(x))",
    "cos^3(2x)",
    "sqrt(1 + sin^2 x)",
    "x^x",
    "x^(sin x)",
    "(sin x)^x",
    "2^x",
    "3^(x^2)",
    "log_2(x)",
    "log_10(x^2 + 1)",
    "sinh(x) cosh(x)",
    "tanh(2x)",
    "x^2 e^(3x) sin x",
    "(x + 1)^2 (x - 2)^3",
    "e^x cos x",
    "ln((x + 1)/(x - 1))",
    "sqrt(x) ln x",
    "1/(1 + e^(-x))",
    "x^3 / (1 + x^2)^2",
    "sin(x) cos(x) tan(x)",
    "|x^2 - 4|",
)


def homework(limit: int | None = None) -> list[tuple[str, sympy.Expr]]:
    """The first ``limit`` exercises of :data:`HOMEWORK` (all by default), read by ``chainrule.parse``."""
    from chainrule import parse

    return [(text, parse(text)) for text in HOMEWORK[:limit]]


def worksheet_lines(count: int) -> list[str]:
    """``count`` exercises: the homework list, its variable renamed in each round."""
    letters = "xtszrpqykm"
    lines = []
    for i in range(count):
        letter = letters[(i // len(HOMEWORK)) % len(letters)]
        lines.append(re.sub(r"(?<![A-Za-z])x(?![A-Za-z])", letter, HOMEWORK[i % len(HOMEWORK)]))
    return lines


# --------------------------------------------------------------------------- scaling families


def nest(
    functions: Sequence[Callable[[sympy.Expr], sympy.Expr]], depth: int, *, evaluate: bool
) -> sympy.Expr:
    """``f1(f2(...(x)))`` with ``depth`` applications, cycling through ``functions`` from the outside in."""
    expr: sympy.Expr = X
    with sympy.evaluate(evaluate):
        for i in reversed(range(depth)):
            expr = functions[i % len(functions)](expr)
    return expr


def sin_nest(depth: int) -> sympy.Expr:
    """``sin(sin(...sin(x)))``, ``depth`` applications."""
    return nest((sympy.sin,), depth, evaluate=True)


def mixed_nest(depth: int) -> sympy.Expr:
    """``exp(cos(log(exp(cos(log(...x))))))``, ``depth`` applications, from the outside in.

    Built unevaluated: SymPy would otherwise fold ``log(exp(u))`` into ``u`` for real u.
    """
    return nest((sympy.exp, sympy.cos, sympy.log), depth, evaluate=False)


def four_function_nest(depth: int) -> sympy.Expr:
    """``sin(exp(cos(log(sin(exp(...x))))))``, ``depth`` applications, from the outside in.

    Nothing here folds (``log`` always holds a ``sin``), so it is built as a user's input is.
    """
    return nest((sympy.sin, sympy.exp, sympy.cos, sympy.log), depth, evaluate=True)


def tanh_chain(depth: int) -> sympy.Expr:
    """``tanh(0.5*tanh(0.5*tanh(...x)))``: ``depth`` layers of a tiny network."""
    expr: sympy.Expr = X
    half = sympy.Float(0.5)
    for i in range(depth):
        expr = sympy.tanh(half * expr if i else expr)
    return expr


def wide_sum(terms: int) -> sympy.Expr:
    """``1*x + sin(2x) + exp(3x)/3 + log(x + 4) + 5x**5 + ...``: ``terms`` different terms."""
    kinds: list[Callable[[int], sympy.Expr]] = [
        lambda k: k * X**k,
        lambda k: sympy.sin(k * X),
        lambda k: sympy.exp(k * X) / k,
        lambda k: sympy.log(X + k),
    ]
    return sympy.Add(*(kinds[k % 4](k) for k in range(1, terms + 1)))


def long_product(factors: int) -> sympy.Expr:
    """``(x + 1)·sin(2x)·log(x + 3)·(x + 4)·...``: ``factors`` different factors."""
    kinds: list[Callable[[int], sympy.Expr]] = [
        lambda k: X + k,
        lambda k: sympy.sin(k * X),
        lambda k: sympy.log(X + k),
    ]
    return sympy.Mul(*(kinds[(k - 1) % 3](k) for k in range(1, factors + 1)))


Where = list[tuple[sympy.Symbol, sympy.Expr]]


def where_chain(length: int) -> tuple[sympy.Expr, sympy.Symbol, Where]:
    """``cos(y_n)`` with ``y_1 = m**2``, ``y_k = sin(y_(k-1)) + m``: ``length`` intermediates."""
    m = sympy.Symbol("m", real=True)
    ys = sympy.symbols(f"y1:{length + 1}", real=True)
    where = [(ys[0], m**2)] + [(ys[k], sympy.sin(ys[k - 1]) + m) for k in range(1, length)]
    return sympy.cos(ys[-1]), m, where


def substituted(expr: sympy.Expr, where: Where) -> sympy.Expr:
    """``expr`` with the where-definitions substituted, innermost last, for ``sympy.diff``."""
    for name, definition in reversed(where):
        expr = expr.xreplace({name: definition})
    return expr


#: The families of ``derive()``, by the name the report gives them: how each is built.
#: A builder returns the expression (by x), or ``(expr, wrt, where)`` for a where chain.
FAMILIES: dict[str, Callable[[int], object]] = {
    "sin nest": sin_nest,
    "exp(cos(log(...))) nest": mixed_nest,
    "sin(exp(cos(log(...)))) nest": four_function_nest,
    "tanh chain": tanh_chain,
    "sum": wide_sum,
    "product": long_product,
    "where chain": where_chain,
}

#: The variable each family's size counts, for the report.
FAMILY_SIZES = (
    "Sizes: nest depth (function applications); tanh layers; terms of the sum; factors of the "
    "product; intermediates of the `where` chain (`cos(y_n)`, `y_1 = m**2`, "
    "`y_k = sin(y_(k-1)) + m`, by `m`; `sympy.diff` gets the substituted expression). The "
    "`exp(cos(log(...)))` nest is built unevaluated, or SymPy would fold `log(exp(u))` to `u`; "
    "the `sin(exp(cos(log(...))))` nest has nothing to fold and is built as parsed."
)


# --------------------------------------------------------------------------- graphs


Point = dict[str, float]


def tanh_graph(nodes: int) -> tuple[sympy.Expr, Point]:
    """A chain of ``tanh(0.5*...)`` layers with about ``nodes`` graph nodes (2 per layer), at x = 0.3."""
    layers = max(1, (nodes - 2) // 2)
    expr: sympy.Expr = X
    half = sympy.Float(0.5)
    with sympy.evaluate(False):  # evaluating asks assumptions of the whole argument: quadratic
        for _ in range(layers):
            expr = sympy.tanh(sympy.Mul(half, expr))
    return expr, {"x": 0.3}


def sum_graph(nodes: int) -> tuple[sympy.Expr, Point]:
    """A neuron's wide sum ``w1*x1 + w2*x2 + ...``, every variable given: about ``nodes`` nodes (3 a term)."""
    terms = max(1, (nodes - 1) // 3)
    ws = sympy.symbols(f"w1:{terms + 1}", real=True)
    xs = sympy.symbols(f"x1:{terms + 1}", real=True)
    expr = sympy.Add(*(w * x for w, x in zip(ws, xs)))
    at = {s.name: 0.5 + (i % 7) / 10 for i, s in enumerate(ws + xs)}
    return expr, at


def fan_out_graph(nodes: int) -> tuple[sympy.Expr, None]:
    """``sin(x) + sin(2x) + sin(3x) + ...``, symbolic (no point): one input feeding about
    ``nodes`` nodes (3 a term), so its gradient gathers one contribution from every term."""
    terms = max(1, (nodes - 1) // 3)
    return sympy.Add(*(sympy.sin(k * X) for k in range(1, terms + 1))), None


#: The graphs of ``backprop()``, by the name the report gives them.
GRAPHS: dict[str, Callable[[int], tuple[sympy.Expr, Point | None]]] = {
    "tanh layers": tanh_graph,
    "wide sum": sum_graph,
    "symbolic fan-out": fan_out_graph,
}

GRAPH_SIZES = (
    "`tanh layers`: `tanh(0.5*tanh(0.5*...x))` at x = 0.3 (two nodes a layer); `wide sum`: "
    "`w1*x1 + w2*x2 + ...` with every variable given (three nodes a term); `symbolic fan-out`: "
    "`sin(x) + sin(2x) + ...` with no values, so every gradient is a formula and x's gathers one "
    "term from each of its uses (three nodes a term)."
)


# --------------------------------------------------------------------------- texts


def parser_length_limit() -> int:
    """The longest input ``chainrule.parse`` accepts by default (its ``max_length``)."""
    from chainrule import parse

    return int(inspect.signature(parse).parameters["max_length"].default)


def long_sum_text(chars: int) -> str:
    """``ln(x + 1) + 2x^3 + sin(3x) + e^(4x)/4 + ln(x + 5) + ...``, at most ``chars`` characters."""
    kinds: list[Callable[[int], str]] = [
        lambda k: f"ln(x + {k})",
        lambda k: f"{k}x^{k % 9 + 1}",
        lambda k: f"sin({k}x)",
        lambda k: f"e^({k}x)/{k}",
    ]
    terms: list[str] = []
    length, k = 0, 1
    while True:
        term = kinds[(k - 1) % 4](k)
        grown = length + len(term) + (3 if terms else 0)
        if grown > chars:
            return " + ".join(terms)
        terms.append(term)
        length, k = grown, k + 1


# --------------------------------------------------------------------------- a run's sizes


@dataclass(frozen=True, kw_only=True)
class Plan:
    """Sizes and budgets of one run: ``full()`` is the documented run, ``quick()`` a shorter one
    (fewer sizes and repeats, short time limits), ``smoke()`` the tests' tiny one."""

    name: str
    repeats: int
    case_budget: float  # seconds of repeated runs per case, after which three runs suffice
    timeout: float  # hard limit per case (one child process)
    diff_timeout: float  # hard limit for one case of SymPy's own
    homework_limit: int | None
    family_sizes: dict[str, tuple[int, ...]]
    graph_sizes: tuple[int, ...]
    traced_nodes: int  # the largest graph whose peak memory is traced (tracing is slow)
    parse_shares: tuple[float, ...]  # text lengths, as shares of the parser's length limit
    cli_runs: int
    worksheet_exercises: int
    process_timeout: float  # hard limit for one whole process (CLI, worksheet)

    @staticmethod
    def full() -> Plan:
        nests = (10, 20, 40, 80, 150, 300)
        return Plan(
            name="full",
            repeats=5,
            case_budget=1.0,
            timeout=60.0,
            diff_timeout=20.0,
            homework_limit=None,
            family_sizes={
                "sin nest": nests,
                "exp(cos(log(...))) nest": nests,
                "sin(exp(cos(log(...)))) nest": (5, 10, 15, 20, 30, 40),
                "tanh chain": (4, 5, 6, 7, 8, 9, 10, 11, 12),
                "sum": (10, 30, 100, 300, 1000),
                "product": (5, 10, 20, 50, 100),
                "where chain": (2, 5, 10, 20, 50),
            },
            graph_sizes=(100, 1_000, 3_000, 10_000, 30_000),
            traced_nodes=30_000,
            parse_shares=(0.03, 0.1, 0.3, 1.0),
            cli_runs=7,
            worksheet_exercises=500,
            process_timeout=1800.0,
        )

    @staticmethod
    def quick() -> Plan:
        return Plan(
            name="quick",
            repeats=3,
            case_budget=0.3,
            timeout=10.0,
            diff_timeout=5.0,
            homework_limit=None,
            # Past the smallest sizes, whose full simplification outweighs everything else.
            family_sizes={
                "sin nest": (20, 40, 80),
                "exp(cos(log(...))) nest": (20, 40, 80),
                "sin(exp(cos(log(...)))) nest": (10, 15, 20),
                "tanh chain": (6, 9, 12),
                "sum": (10, 30, 100),
                "product": (5, 10, 20),
                "where chain": (2, 5, 10),
            },
            graph_sizes=(300, 3_000, 30_000),
            traced_nodes=3_000,
            parse_shares=(0.1, 0.3, 1.0),
            cli_runs=3,
            worksheet_exercises=6,
            process_timeout=60.0,
        )

    @staticmethod
    def smoke() -> Plan:
        """Two tiny sizes of everything, one run each: for the tests, not for figures."""
        return Plan(
            name="smoke",
            repeats=1,
            case_budget=0.1,
            timeout=60.0,
            diff_timeout=60.0,
            homework_limit=2,
            family_sizes={name: (2, 3) for name in FAMILIES},
            graph_sizes=(10, 100),
            traced_nodes=100,
            parse_shares=(0.01, 0.02),
            cli_runs=1,
            worksheet_exercises=2,
            process_timeout=120.0,
        )
