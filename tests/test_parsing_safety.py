"""User text is never code, and hostile sizes fail fast with a LimitError."""

from __future__ import annotations

import ast
import sys
import time
from pathlib import Path

import pytest
import sympy

from chainrule.errors import ChainruleError, LimitError, ParseError
from chainrule.parsing import parse
from chainrule.written import evaluated

# A guard against hangs and exponential blow-ups (an unguarded case takes minutes),
# not a speed test: speed is measured in benchmarks/, on a quiet machine.
HANG_GUARD = 5.0

SENTINEL = "/tmp/chainrule_pwned"

INJECTIONS = [
    f"__import__('os').system('touch {SENTINEL}')",
    f'__import__("os").system("touch {SENTINEL}")',
    "().__class__.__bases__[0].__subclasses__()",
    "x.__class__",
    "x.__class__.__mro__",
    "lambda: 0",
    "(lambda: 0)()",
    "lambda x: x",
    f"exec(\"open('{SENTINEL}', 'w')\")",
    f"eval(\"__import__('os').system('touch {SENTINEL}')\")",
    "eval('1')",
    f"open('{SENTINEL}', 'w')",
    "__builtins__",
    "__import__",
    "globals()",
    "locals()['x']",
    "getattr(x, '__class__')",
    "x[0]",
    "[x for x in range(10)]",
    "{x: 1 for x in y}",
    "(x for x in y)",
    "x if y else z",
    "x and y",
    "x or y",
    "not x",
    "x == y",
    "x < y",
    "x = 1",
    "x := 1",
    "x; y",
    "import os",
    "from os import system",
    "f'{x}'",
    "'abc'",
    '"abc"',
    "b'abc'",
    "x.y",
    "sin.__globals__",
    "sin(x).func",
    "sympy.sin(x)",
    "os.system('ls')",
    "Symbol('x')",
    "x @ y",
    "x % y",
    "~x",
    "x << 2",
    "x & y",
    "x | y | z | w",
    "# comment",
    "def f(): pass",
    "class A: pass",
    "yield x",
    "await x",
    "assert x",
    "del x",
    "raise x",
    "True",
    "None",
    "x is y",
    "x in y",
    "print('x')",
    "*x",
    "**x",
    "x.__dict__",
    "__class__",
    "_x",
    "$(rm -rf /)",
    "`ls`",
    "\\input{/etc/passwd}",
    "\\immediate\\write18{touch /tmp/chainrule_pwned}",
    "{}.__class__",
    "[].__class__",
    "x\x00",
]


def test_corpus_is_large() -> None:
    assert len(INJECTIONS) >= 40


@pytest.mark.parametrize("text", INJECTIONS)
def test_code_injection_is_refused_without_side_effects(text: str) -> None:
    Path(SENTINEL).unlink(missing_ok=True)
    with pytest.raises(ParseError):
        parse(text)
    assert not Path(SENTINEL).exists()


def test_builtin_names_are_only_maths() -> None:
    """Names of Python builtins are plain variables or undefined functions: nothing runs."""
    assert evaluated(parse("exec")) == sympy.Symbol("exec", real=True)
    assert evaluated(parse("vars(x)")) == sympy.Function("vars", real=True)(sympy.Symbol("x", real=True))


def test_package_source_never_evaluates_text() -> None:
    """No eval, exec, sympify, parse_expr or lambdify anywhere in the package (the parser
    modules also never call ``S(...)``, which is ``sympify``)."""
    package = Path(__file__).parent.parent / "chainrule"
    for source in sorted(package.rglob("*.py")):
        module = source.relative_to(package).as_posix()
        forbidden = {"eval", "exec", "sympify", "parse_expr", "__import__", "lambdify"}
        if module.startswith("parsing/"):
            forbidden.add("S")
        tree = ast.parse(source.read_text(encoding="utf-8"))
        called = {
            node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
        }
        assert not (called & forbidden), (module, called & forbidden)


HOSTILE = [
    "9**9**9**9",
    "10**10**10",
    "2**(10**100)",
    "factorial(10**9)",
    "(10**9)!",
    "binomial(10**9, 5*10**8)",
    "(2x)**(10**100)",
    "sqrt(2)**(10**100)",
    "1.5**(10**100)",
    "((2^100)^100)^100",
    "10^999 * 10^999",
    "9" * 101,
    "1e400",
    "exp(1e300)",
    "x" * 10_001,
    "(" * 1_001 + "x" + ")" * 1_001,
    "sin(" * 1_001 + "x" + ")" * 1_001,
    "-" * 1_001 + "x",
    "x^" * 1_001 + "x",
    "|" * 1_001 + "x" + "|" * 1_001,
    "factorial(factorial(10))",
    "2^3^4^5",
    r"10^{10^{10}}",
    r"\frac{1}{" * 600 + "x" + "}" * 600,
]


@pytest.mark.parametrize("text", HOSTILE, ids=[h[:30] for h in HOSTILE])
def test_hostile_sizes_fail_fast(text: str) -> None:
    start = time.perf_counter()
    with pytest.raises(LimitError) as info:
        parse(text)
    elapsed = time.perf_counter() - start
    assert elapsed < HANG_GUARD, f"{text[:30]!r} took {elapsed:.2f}s"
    assert "limit" in str(info.value) or "max_" in str(info.value)


def test_long_flat_input_is_fine() -> None:
    start = time.perf_counter()
    assert evaluated(parse("x+" * 1_000 + "x")) == 1_001 * sympy.Symbol("x", real=True)
    assert time.perf_counter() - start < HANG_GUARD


def test_symbolic_huge_exponent_is_fine() -> None:
    start = time.perf_counter()
    x = sympy.Symbol("x", real=True)
    assert evaluated(parse("x**(10**100)")) == x ** (sympy.Integer(10) ** 100)
    assert evaluated(parse("(x+2)^(10^100)")) == (x + 2) ** (sympy.Integer(10) ** 100)
    assert time.perf_counter() - start < HANG_GUARD


def test_limits_are_keyword_arguments() -> None:
    with pytest.raises(LimitError, match="max_length"):
        parse("x + y", max_length=3)
    with pytest.raises(LimitError, match="max_depth"):
        parse("sin(sin(x))", max_depth=1)
    with pytest.raises(LimitError, match="max_digits"):
        parse("12345", max_digits=4)
    with pytest.raises(LimitError, match="max_result_digits"):
        parse("2^20", max_result_digits=5)
    assert evaluated(parse("2^20", max_result_digits=10)) == 2**20


def _nest(opening: str, closing: str, leaf: str, depth: int) -> str:
    return opening * depth + leaf + closing * depth


@pytest.mark.parametrize(
    ("opening", "closing", "leaf"),
    [("sin(", ")", "x"), ("(x+", ")", "y"), ("f(", ")", "x"), ("exp(", ")", "x"),
     ("log(", ")", "x"), ("tanh(", ")", "x"), ("sqrt(", ")", "x"), ("(1+", ")^2", "x")],
)
def test_deep_legitimate_nesting_parses(opening: str, closing: str, leaf: str) -> None:
    text = _nest(opening, closing, leaf, 1_000 if opening != "(1+" else 500)
    limit = sys.getrecursionlimit()
    start = time.perf_counter()
    expr = parse(text)
    elapsed = time.perf_counter() - start
    assert sys.getrecursionlimit() == limit  # restored
    assert elapsed < HANG_GUARD, elapsed  # a hang guard, not a speed test (benchmarks/ measure speed)
    depth, node = 0, expr
    while node.args:
        node = node.args[0] if not node.is_Add else max(node.args, key=lambda a: len(a.args))
        depth += 1
    assert depth >= (1 if opening == "(x+" else 500)


def test_thousand_nested_sines_are_exact() -> None:
    x = sympy.Symbol("x", real=True)
    expr = parse(_nest("sin(", ")", "x", 1_000))
    for _ in range(1_000):
        assert isinstance(expr, sympy.sin)
        expr = expr.args[0]
    assert expr == x


@pytest.mark.parametrize("leaf", ["x", "log(x)", "sqrt(x)", "x^y", "acosh(x)"])
def test_twelve_layer_tanh_chain_is_fast(leaf: str) -> None:
    text = _nest("tanh(0.5*", ")", leaf, 12)
    start = time.perf_counter()
    expr = parse(text)
    elapsed = time.perf_counter() - start
    assert elapsed < HANG_GUARD, f"{elapsed:.2f}s"
    for _ in range(12):
        assert isinstance(expr, sympy.tanh)
        coefficient, expr = expr.args[0].as_coeff_Mul()
        assert coefficient == sympy.Float(0.5)


def test_deep_odd_function_pulls_out_the_sign_like_sympy() -> None:
    expr = parse(_nest("tanh(0.5*", ")", "log(x)", 8) + "*0 + tanh(-" + _nest(
        "tanh(0.5*", ")", "log(x)", 8) + ")")
    assert isinstance(expr, sympy.Mul) and expr.args[0] == -1


def test_random_garbage_only_raises_chainrule_errors() -> None:
    samples = ["((((", "))))", "^^^", "sin sin", "x!!", "|||", "2..3", "x^^2", "e^", "√", "²",
               "⁻", "log_", "\\", "{", "}", r"\frac", r"\sqrt[3]", r"\left", "x_", "$",
               "1e", "1e+", "0x1F", "1_000", "∞", "x'", "d/dx x", r"\frac{d}{dx} x"]
    for text in samples:
        start = time.perf_counter()
        try:
            parse(text)
        except ChainruleError:
            pass
        assert time.perf_counter() - start < HANG_GUARD


@pytest.mark.parametrize("text", ["Rational(1,2)*x", "Float(x)*x", "Integer(2)*x", "Symbol(x)", "Lambda(x)"])
def test_sympy_reserved_names_cannot_name_a_function(text: str) -> None:
    # SymPy's printers dispatch on class names: a function called Float would print as a number and crash.
    with pytest.raises(ParseError, match="SymPy reserves it"):
        parse(text)
