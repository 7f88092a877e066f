"""The package's shape holds: layers, no import cycles, small modules and functions.

The layers are import-linter's contract in ``pyproject.toml`` (docs/architecture.md
draws them). Import cycles are found with grimp, counting imports inside
functions too; the one allowed upward edge, the display mixin, is left out.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "chainrule"

#: A module may be longer, or a function, when a line says why (``# long: ...``).
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80
REASON = "# long:"


def test_layer_contract_is_kept() -> None:
    """import-linter's layers contract (pyproject.toml): each layer imports only those beneath it."""
    program = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    result = subprocess.run(
        [program, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "1 kept, 0 broken" in result.stdout


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for start in sorted(edges):
        if start in index:
            continue
        work = [(start, iter(sorted(edges[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_cycles_except_through_the_display_mixin() -> None:
    grimp = pytest.importorskip("grimp", reason="install import-linter (pip install -e '.[test]')")
    graph = grimp.build_graph("chainrule", exclude_type_checking_imports=True)
    edges: dict[str, set[str]] = {}
    for module in graph.modules:
        targets = set(graph.find_modules_directly_imported_by(module))
        if module == "chainrule.display":
            targets = {t for t in targets if not t.startswith("chainrule.views")}
        # A package's __init__ importing its own submodules is how packages export names.
        edges[module] = {t for t in targets if t != "chainrule" and not t.startswith(module + ".")}
    assert _cycles(edges) == []


def test_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def _long_functions(tree: ast.Module, lines: list[str]) -> list[tuple[str, int]]:
    long = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno is not None:
            length = node.end_lineno - node.lineno + 1
            first = lines[node.lineno - 1] if node.lineno - 1 < len(lines) else ""
            decorators = "".join(lines[d.lineno - 1] for d in node.decorator_list)
            if length > MAX_FUNCTION_LINES and REASON not in first + decorators:
                long.append((node.name, length))
    return long


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_and_functions_are_small_or_say_why(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    if len(lines) > MAX_MODULE_LINES:
        assert any(REASON in line for line in lines[:40]), f"{len(lines)} lines and no '{REASON}' reason"
    assert _long_functions(ast.parse(source), lines) == []
