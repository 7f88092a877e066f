"""Every failure of a public function is a ``ChainruleError`` with one clear sentence, and a
worksheet line that fails is reported while the others go on (issue #13)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import sympy
from cli_process import one_clean_error_line, run_cli

import chainrule
from chainrule import ChainruleError
from chainrule.derivation import rules
from chainrule.errors import InternalError, UnsupportedError

x_plain = sympy.Symbol("x")


@pytest.mark.parametrize(
    "call",
    [
        lambda: chainrule.derive(x_plain**2, x_plain + 1),
        lambda: chainrule.derive(sympy.Symbol("x", real=True) ** 2, 3),
        lambda: str(chainrule.backprop("x^5", at={"x": "9" * 999}).value),
        lambda: str(chainrule.backprop("x*x*x*x*x", at={"x": 10**999}).value),
        lambda: chainrule.derive("Heaviside(x, x)"),
        lambda: chainrule.derive(sympy.zeta(sympy.Symbol("x", real=True))),
        lambda: chainrule.derive(sympy.zeta(x_plain)),
        lambda: chainrule.parse("Lt(x, 0)"),
    ],
    ids=["wrt=x+1", "wrt=3", "backprop-999-digits", "backprop-int", "Heaviside(x,x)", "zeta", "zeta-plain",
         "a-condition"],
)
def test_every_failure_is_a_chainrule_error(call: Callable[[], object]) -> None:
    try:
        call()
    except ChainruleError as err:
        assert str(err).strip() and "\n" not in str(err).splitlines()[0]
    # success (a derivation, a value that prints) is fine too; any other exception fails


@pytest.mark.parametrize("text", ["Heaviside(x, x)", "zeta(x)"])
def test_what_sympy_cannot_differentiate_is_unsupported(text: str) -> None:
    expr = chainrule.parse(text) if "zeta" not in text else sympy.zeta(sympy.Symbol("x", real=True))
    with pytest.raises(UnsupportedError, match="no derivative of it is known"):
        chainrule.derive(expr)


def test_sign_is_differentiated_by_its_own_rule() -> None:
    d = chainrule.derive("sign(x)").verify()
    assert d.result == 2 * sympy.DiracDelta(d.wrt)


def test_an_unexpected_exception_becomes_an_internal_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(expr: sympy.Expr, wrt: sympy.Symbol, ctx: rules.Context) -> None:
        raise TypeError("boom")

    monkeypatch.setattr(rules, "MATCHERS", (broken,))
    with pytest.raises(InternalError, match="internal error: TypeError: boom") as info:
        chainrule.derive("x**2")
    assert isinstance(info.value.__cause__, TypeError)
    assert info.value.exit_code == 1


def test_graph_at_with_huge_values_is_a_clean_error(tmp_path: Path) -> None:
    r = run_cli("graph", "x^5", "--at", "x=" + "9" * 999, "-f", "text", cwd=tmp_path)
    if r.returncode:
        one_clean_error_line(r.stderr)


def test_a_function_sympy_cannot_differentiate_does_not_stop_a_worksheet(tmp_path: Path) -> None:
    (tmp_path / "w.txt").write_text("sin(x)\nHeaviside(x, x)\nx^2\n")
    r = run_cli("worksheet", "w.txt", "-f", "markdown", cwd=tmp_path)
    out = r.stdout.decode()
    assert out.count("### Exercise") == 2, out[:300]
    assert r.returncode == 1
    assert r.stderr.decode().startswith("error: line 2: chainrule cannot differentiate")
    assert b"internal error" not in r.stderr
