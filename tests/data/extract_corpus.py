"""Extract tests/data/integration_corpus.txt from SymPy's Rubi integration tests.

Source: the Rubi test suite shipped with SymPy 1.5, directory
``sympy/integrals/rubi/rubi_tests/tests/`` (https://github.com/sympy/sympy,
BSD-3-Clause, Copyright (c) 2006-2019 SymPy Development Team). Those tests
port Albert Rich's Rubi integration test problems; every line is
``rubi_test(rubi_integrate(INTEGRAND, x), x, ANTIDERIVATIVE, ...)``, and a
CAS must differentiate both sides correctly (the antiderivative's derivative
is the integrand).

How it was run (the sdist comes from PyPI through pip, the ordinary client;
sha256 31567dc010bff0967ef7a87210acf3f938c6ab24481581fc143536fb103e9ce8)::

    mkdir -p /tmp/corpus_src && cd /tmp/corpus_src
    pip download sympy==1.5 --no-deps --no-binary :all: -d .
    tar xzf sympy-1.5.tar.gz
    cd /work/main
    python tests/data/extract_corpus.py \\
        /tmp/corpus_src/sympy-1.5/sympy/integrals/rubi/rubi_tests/tests \\
        > tests/data/integration_corpus.txt

The test files are read as text and walked with :mod:`ast`; nothing in them is
ever evaluated (no ``eval``, ``exec`` or ``sympify``). Each expression is
rewritten on the syntax tree (see :class:`Normalize`), printed with
``ast.unparse`` and kept only if ``chainrule.parse`` reads it and the result
passes the filters in :func:`keep`. The output is deterministic.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from pathlib import Path

# Total number of expressions wanted, spread over the source files (see select()).
TARGET = 300
MAX_CHARS = 200

# Names the tests import, as SymPy functions: Rubi's utility aliases and the
# ``as`` names of the imports (arctan for atan, ...). Anything called that is
# not in ELEMENTARY after this mapping drops the expression.
RUBI_ALIASES = {
    "Log": "log",
    "Sqrt": "sqrt",
    "Exp": "exp",
    "ArcTan": "atan",
    "ArcTanh": "atanh",
    "ArcSin": "asin",
    "ArcSinh": "asinh",
    "ArcCos": "acos",
    "ArcCosh": "acosh",
    "ArcCsc": "acsc",
    "ArcCsch": "acsch",
    "ArcSec": "asec",
    "ArcSech": "asech",
    "ArcCot": "acot",
    "ArcCoth": "acoth",
    "Sin": "sin",
    "Cos": "cos",
    "Tan": "tan",
    "Cot": "cot",
    "Sec": "sec",
    "Csc": "csc",
    "Sinh": "sinh",
    "Cosh": "cosh",
    "Tanh": "tanh",
    "Coth": "coth",
    "Sech": "sech",
    "Csch": "csch",
}
ELEMENTARY = {
    "sin",
    "cos",
    "tan",
    "cot",
    "sec",
    "csc",
    "asin",
    "acos",
    "atan",
    "acot",
    "asec",
    "acsc",
    "sinh",
    "cosh",
    "tanh",
    "coth",
    "sech",
    "csch",
    "asinh",
    "acosh",
    "atanh",
    "acoth",
    "asech",
    "acsch",
    "exp",
    "log",
    "sqrt",
    "Abs",
    "erf",
}
CONSTANTS = {"Pi": "pi", "pi": "pi"}
# Names chainrule.parse reads as constants. A test file that makes them
# symbols (``e`` in ``d + e*x`` everywhere; ``E`` in test_exponential.py)
# means a parameter, so they are renamed to a letter the expression does not use.
PARSER_CONSTANTS = {"e", "E"}
SPARE_LETTERS = "kqrstvwjlo"


class Skip(Exception):
    """The expression is outside the corpus's scope; the message says why."""


class Normalize(ast.NodeTransformer):
    """Rewrite one expression tree into plain SymPy str syntax over real symbols."""

    def __init__(self, symbols: dict[str, str], aliases: dict[str, str]) -> None:
        self.symbols = symbols  # Python name -> SymPy symbol name
        self.aliases = aliases  # imported name -> SymPy function name
        self.used: set[str] = set()

    def visit_Call(self, node: ast.Call) -> ast.AST:
        if not isinstance(node.func, ast.Name) or node.keywords:
            raise Skip("call of a non-name or with keywords")
        name = node.func.id
        if name in {"S", "Integer"}:
            if len(node.args) != 1 or not _is_int_literal(node.args[0]):
                raise Skip(f"{name}() of a non-integer")
            return node.args[0]
        if name == "Rational" and len(node.args) == 2 and all(map(_is_int_literal, node.args)):
            return ast.BinOp(node.args[0], ast.Div(), node.args[1])
        func = RUBI_ALIASES.get(name, self.aliases.get(name, name))
        if func not in ELEMENTARY:
            raise Skip(f"function {name} (special or Rubi-internal)")
        node.func = ast.Name(func, ast.Load())
        node.args = [self.visit(arg) for arg in node.args]
        if func == "log" and len(node.args) != 1:
            raise Skip("log with a base")
        return node

    def visit_Name(self, node: ast.Name) -> ast.AST:
        name = node.id
        if name == "I":
            raise Skip("imaginary unit I")
        if name in CONSTANTS:
            return ast.Name(CONSTANTS[name], ast.Load())
        if name not in self.symbols:
            raise Skip(f"name {name} is not a symbol of the file")
        if self.symbols[name] != name:
            raise Skip(f"Python name {name} is symbol {self.symbols[name]}")
        self.used.add(name)
        return node

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if not isinstance(node.value, int) or isinstance(node.value, bool):
            raise Skip(f"literal {node.value!r}")
        return node

    def generic_visit(self, node: ast.AST) -> ast.AST:
        allowed = (
            ast.BinOp,
            ast.UnaryOp,
            ast.Add,
            ast.Sub,
            ast.Mult,
            ast.Div,
            ast.Pow,
            ast.USub,
            ast.UAdd,
            ast.Load,
        )
        if not isinstance(node, allowed):
            raise Skip(f"syntax {type(node).__name__}")
        return super().generic_visit(node)


def _is_int_literal(node: ast.AST) -> bool:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        node = node.operand
    return isinstance(node, ast.Constant) and type(node.value) is int


def file_names(tree: ast.Module) -> tuple[dict[str, str], dict[str, str]]:
    """The file's symbols (``a, b = symbols('a b')``) and its import aliases."""
    symbols: dict[str, str] = {}
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.asname:
                    aliases[alias.asname] = alias.name
        elif (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Name)
            and node.value.func.id == "symbols"
            and node.value.args
            and isinstance(node.value.args[0], ast.Constant)
        ):
            names = node.value.args[0].value.replace(",", " ").split()
            target = node.targets[0]
            targets = target.elts if isinstance(target, ast.Tuple) else [target]
            for var, sym in zip(targets, names):
                if isinstance(var, ast.Name):
                    symbols[var.id] = sym
    return symbols, aliases


def rubi_pairs(tree: ast.Module) -> Iterator[tuple[int, str, ast.AST]]:
    """(line, role, expression) for every rubi_test(rubi_integrate(F, x), x, G, ...)."""
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "rubi_test"
            and len(node.args) >= 3
        ):
            continue
        inner, var, antiderivative = node.args[:3]
        if not (isinstance(var, ast.Name) and var.id == "x"):
            continue
        if (
            isinstance(inner, ast.Call)
            and isinstance(inner.func, ast.Name)
            and inner.func.id == "rubi_integrate"
            and len(inner.args) == 2
            and isinstance(inner.args[1], ast.Name)
            and inner.args[1].id == "x"
        ):
            yield node.lineno, "integrand", inner.args[0]
        yield node.lineno, "antiderivative", antiderivative


def to_text(expr: ast.AST, symbols: dict[str, str], aliases: dict[str, str]) -> str:
    normalize = Normalize(symbols, aliases)
    tree = normalize.visit(ast.parse(ast.unparse(expr), mode="eval").body)
    renames: dict[str, str] = {}
    for name in sorted(normalize.used & PARSER_CONSTANTS):
        spare = next(
            (c for c in SPARE_LETTERS if c not in normalize.used and c not in renames.values()), None
        )
        if spare is None:
            raise Skip(f"no spare letter to rename symbol {name}")
        renames[name] = spare
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in renames:
            node.id = renames[node.id]
    text = ast.unparse(tree)
    # SymPy's str() spacing: a*b, a**b, a/b (but a + b).
    return re.sub(r" (\*\*|\*|/) ", r"\1", text)


def keep(text: str) -> str | None:
    """Why ``text`` is left out, or None to keep it."""
    import sympy
    from sympy.core.function import AppliedUndef

    import chainrule

    if len(text) > MAX_CHARS:
        return f"longer than {MAX_CHARS} characters"
    try:
        expr = chainrule.parse(text)
    except Exception as exc:  # noqa: BLE001 - a reason to report, not to hide
        return f"chainrule.parse: {type(exc).__name__}"
    x = sympy.Symbol("x", real=True)
    if x not in expr.free_symbols:
        return "no x"
    if expr.atoms(AppliedUndef):
        return "undefined function"
    if expr.has(sympy.I) or expr.has(sympy.zoo) or expr.has(sympy.nan):
        return "complex or undefined constant"
    return None


def select(candidates: list[tuple[str, int, str, str]]) -> list[tuple[str, int, str, str]]:
    """About TARGET lines, spread over files: an even stride through each file's list."""
    by_file: dict[str, list[tuple[str, int, str, str]]] = {}
    for c in candidates:
        by_file.setdefault(c[0], []).append(c)
    quota = {name: 0 for name in by_file}
    remaining = TARGET
    # Water-filling: every file gets an equal share, capped by what it has.
    while remaining > 0:
        open_files = [n for n in by_file if quota[n] < len(by_file[n])]
        if not open_files:
            break
        share = max(1, remaining // len(open_files))
        for name in sorted(open_files):
            take = min(share, len(by_file[name]) - quota[name], remaining)
            quota[name] += take
            remaining -= take
    chosen = []
    for name in sorted(by_file):
        items, k = by_file[name], quota[name]
        chosen += [items[(i * len(items)) // k] for i in range(k)]
    return chosen


def main(directory: str) -> None:
    candidates: list[tuple[str, int, str, str]] = []
    seen: set[str] = set()
    dropped: dict[str, int] = {}
    total = 0
    for path in sorted(Path(directory).glob("test_*.py")):
        tree = ast.parse(path.read_text())
        symbols, aliases = file_names(tree)
        for line, role, node in sorted(rubi_pairs(tree), key=lambda t: (t[0], t[1] != "integrand")):
            total += 1
            try:
                text = to_text(node, symbols, aliases)
            except Skip as why:
                reason = str(why)
                reason = re.sub(r"^(function|name|literal|Python name) \S+", r"\1 ...", reason)
                dropped[reason] = dropped.get(reason, 0) + 1
                continue
            if text in seen:
                dropped["duplicate"] = dropped.get("duplicate", 0) + 1
                continue
            reason = keep(text)
            if reason is not None:
                dropped[reason] = dropped.get(reason, 0) + 1
                continue
            seen.add(text)
            candidates.append((path.name, line, role, text))
    chosen = select(candidates)
    out = sys.stdout
    out.write(
        HEADER.format(
            total=total, candidates=len(candidates), chosen=len(chosen), target=TARGET, max_chars=MAX_CHARS
        )
    )
    for reason, count in sorted(dropped.items(), key=lambda kv: -kv[1]):
        out.write(f"#   {count:5d}  {reason}\n")
    out.write("#\n")
    for name, line, role, text in chosen:
        out.write(f"{text}  # {name}:{line} {role}\n")


HEADER = f"""\
# Real-world expressions for tests/test_corpus.py: integrands and antiderivatives
# from SymPy's port of the Rubi integration test suite.
#
# Source: https://github.com/sympy/sympy, SymPy 1.5 (sdist from PyPI),
#   sympy/integrals/rubi/rubi_tests/tests/test_*.py
#   Copyright (c) 2006-2019 SymPy Development Team. BSD-3-Clause license:
#   redistribution with or without modification is permitted provided the
#   copyright notice, conditions and disclaimer are retained (see SymPy's LICENSE;
#   the Rubi problems themselves are Albert D. Rich's, MIT-licensed).
#
# Format: one expression per line, SymPy str syntax, then "  # FILE:LINE ROLE"
# (ROLE is integrand or antiderivative). Lines starting with # are comments.
# Every expression is in x; the other letters are constant parameters.
# Generated by tests/data/extract_corpus.py (ast only, never eval/sympify).
#
# Rewrites: S(n), Integer(n) -> n (so S(1)/2 is 1/2, a rational for chainrule.parse);
#   Rubi aliases Log, Sqrt, ArcTan, ... and import aliases arctan, arcsinh, Pi, ...
#   -> SymPy names; the symbols e and E, which chainrule.parse reads as Euler's
#   number, renamed to a letter the expression does not use (first of {SPARE_LETTERS}).
#
# Of {{total}} expressions ({{candidates}} kept after filters and de-duplication),
# {{chosen}} are here: an even stride through each file, about {{target}} spread over
# the files. Left out (count, reason):
#   - special functions (Ei, erfi, Gamma, polylog, hypergeom, elliptic, ...),
#     Integral/Int and Rubi internals: not elementary, outside the engine's rules;
#   - the imaginary unit I and anything complex: chainrule works over the reals;
#   - floats: the corpus is exact;
#   - longer than {{max_chars}} characters: keeps the test file fast;
#   - Python name i bound to the symbol i1 (test_trinomials.py), and E where a
#     file imports SymPy's E: kept out rather than guessed at;
#   - chainrule.parse: ParseError: two antiderivatives that divide by
#     x - log(exp(x)), which is 0 over the reals (the parser refuses 1/0);
#   - no x, or a log with a base: not a derivative in x / rare form.
# test_1_2/1_3/1_4.py keep their problems in data lists, not rubi_test(...) calls,
# and test_special_functions.py is all special functions: they add no lines.
"""


if __name__ == "__main__":
    main(sys.argv[1])
