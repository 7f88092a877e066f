"""chainrule.derivation.jacobian: every entry a verified derivation, the matrix chain rule, bad input refused.

The 1×2 case of the seed, f(x(m, n), y(m, n)), must agree with
``chainrule.derive`` and its multivariable chain rule; every matrix must
agree with SymPy's own ``Matrix.jacobian``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import xml.dom.minidom
from pathlib import Path

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import chainrule
from chainrule.derivation.jacobian import MAX_SIZE, Jacobian, JacobianEntry, MatrixChain, jacobian
from chainrule.errors import ChainruleError, LimitError, ParseError, UsageError, VariableError
from chainrule.views.settings import Settings

r, t, x, y, m, n, u, v = sympy.symbols("r t x y m n u v", real=True)


def polar() -> Jacobian:
    return jacobian("r*cos(t), r*sin(t)", "r,t")


def seed() -> Jacobian:
    return jacobian("x**2*y", "m,n", where={"x": "m*n", "y": "m + n"})


def test_polar_coordinates() -> None:
    j = polar()
    assert j.result == sympy.Matrix([[sympy.cos(t), -r * sympy.sin(t)], [sympy.sin(t), r * sympy.cos(t)]])
    assert sympy.simplify(j.result.det()) == r
    assert j.chain is None and j.wrt == (r, t)
    for entry in j.matrix.walk():
        assert entry.derivation is not None
        assert entry.derivation.expr == entry.expr and entry.derivation.wrt == entry.wrt
        assert entry.derivation.result == entry.result
        entry.derivation.verify()
    assert [(e.row, e.column) for e in j.steps] == [(0, 0), (0, 1), (1, 0), (1, 1)]  # type: ignore[union-attr]


def test_the_seeds_1x2_case_agrees_with_derive() -> None:
    by_m = chainrule.derive("x**2*y", "m", where={"x": "m*n", "y": "m+n"})
    by_n = chainrule.derive("x**2*y", "n", where={"x": "m*n", "y": "m+n"})
    j = seed()
    assert j.result.shape == (1, 2)
    assert by_m.result == j.result[0, 0]
    assert by_n.result == j.result[0, 1]


def test_the_matrix_chain_rule_is_a_named_step_with_both_matrices_and_their_product() -> None:
    j = seed()
    chain = j.chain
    assert isinstance(chain, MatrixChain)
    assert chain.outer.result == sympy.Matrix([[2 * x * y, x**2]])
    assert chain.inner.result == sympy.Matrix([[n, m], [1, 1]])
    assert chain.outer_at_inner == sympy.Matrix([[2 * m * n * (m + n), m**2 * n**2]])
    assert chain.product == chain.outer_at_inner * chain.inner.result
    assert sympy.expand(chain.product - j.result) == sympy.zeros(1, 2)
    assert "(1x2)(2x2) product giving 1x2" in chain.text
    assert "df/dm = df/dx*dx/dm + df/dy*dy/dm" in chain.text
    kinds = [type(step).__name__ for step in j.steps]
    assert kinds == ["JacobianEntry"] * 6 + ["MatrixChain"] + ["JacobianEntry"] * 2
    assert [s.matrix for s in j.steps if isinstance(s, JacobianEntry)] == ["J_f"] * 2 + ["J_g"] * 4 + [
        "J"
    ] * 2


def test_chain_rule_with_u_xy_and_v_x_minus_y() -> None:
    j = jacobian("u*v, u + v", where="u = x*y, v = x - y")
    assert j.wrt == (x, y)
    composed = sympy.Matrix([(x * y) * (x - y), x * y + x - y])
    assert sympy.expand(j.result - composed.jacobian([x, y])) == sympy.zeros(2, 2)
    assert j.chain is not None and j.chain.outer.wrt == (u, v) and j.chain.inner.shape == (2, 2)


def test_an_entry_that_does_not_depend_on_its_variable_is_zero_with_a_sentence() -> None:
    j = jacobian("x*y, x", "x,y")
    entry = j.matrix.entries[1][1]
    assert entry.result == 0 and entry.derivation is None
    assert entry.text == "f_2 = x does not depend on y, so df_2/dy = 0."


def test_a_comma_inside_a_function_does_not_split_components() -> None:
    j = jacobian("atan2(y, x), sqrt(x**2 + y**2)")
    assert len(j.components) == 2 and j.wrt == (x, y)
    assert sympy.simplify(
        j.result - sympy.Matrix([sympy.atan2(y, x), sympy.sqrt(x**2 + y**2)]).jacobian([x, y])
    ) == sympy.zeros(2, 2)


EXPRESSIONS = [
    "x*y",
    "sin(x)*y",
    "exp(x - y)",
    "x**3 + y",
    "log(x**2 + 1)",
    "cos(x*y)",
    "tanh(y)",
    "x/(1 + y**2)",
]


@settings(max_examples=25)
@given(st.lists(st.sampled_from(EXPRESSIONS), min_size=1, max_size=3))
def test_property_every_matrix_equals_sympys_jacobian(components: list[str]) -> None:
    j = jacobian(components, "x,y")
    expected = sympy.Matrix([chainrule.parse(c) for c in components]).jacobian([x, y])
    assert sympy.simplify(j.result - expected) == sympy.zeros(len(components), 2)


@settings(max_examples=8)
@given(st.sampled_from(EXPRESSIONS), st.sampled_from(EXPRESSIONS))
def test_property_the_chain_product_equals_the_composed_jacobian(g1: str, g2: str) -> None:
    outer = "u**2*v + sin(v)"
    j = jacobian(outer, "x,y", where={"u": g1, "v": g2})
    composed = sympy.Matrix(
        [chainrule.parse(outer).xreplace({u: chainrule.parse(g1), v: chainrule.parse(g2)})]
    )
    assert sympy.simplify(j.chain.product - composed.jacobian([x, y])) == sympy.zeros(1, 2)  # type: ignore[union-attr]


# ------------------------------------------------------------------ JSON and views


def test_json_schema() -> None:
    data = json.loads(seed().to_json())
    assert data["schema"] == "chainrule/jacobian@1"
    assert data["matrix"] == [["m*n**2*(3*m + 2*n)", "m**2*n*(2*m + 3*n)"]]
    assert (
        data["where"] == {"x": "m*n", "y": "m + n"} and data["wrt"] == ["m", "n"] and data["shape"] == [1, 2]
    )
    entries = [s for s in data["steps"] if s["kind"] == "entry"]
    assert all(s["derivation"]["schema"] == "chainrule/derivation@1" for s in entries)
    chain = next(s for s in data["steps"] if s["kind"] == "matrix_chain")
    assert chain["outer"]["matrix"] == [["2*x*y", "x**2"]] and chain["inner"]["matrix"] == [
        ["n", "m"],
        ["1", "1"],
    ]
    assert sympy.Matrix(chain["product"]).applyfunc(sympy.expand) == sympy.Matrix(data["matrix"]).applyfunc(
        sympy.expand
    )
    assert [s["id"] for s in data["steps"]] == list(range(len(data["steps"])))


def test_text_view_is_pinned_for_polar_coordinates() -> None:
    text = polar().to_text(steps=False)
    assert text == (
        "Jacobian of (r·cos(t), r·sin(t)) with respect to (r, t)\n"
        "\n"
        "Entries of J = ∂(f₁, f₂)/∂(r, t), 2×2\n"
        "  (1, 1) ∂f₁/∂r = cos(t)\n"
        "      Constant multiple rule: the constant cos(t) stays, and r is differentiated.\n"
        "  (1, 2) ∂f₁/∂t = -r·sin(t)\n"
        "      Constant multiple rule: the constant r stays, and cos(t) is differentiated.\n"
        "  (2, 1) ∂f₂/∂r = sin(t)\n"
        "      Constant multiple rule: the constant sin(t) stays, and r is differentiated.\n"
        "  (2, 2) ∂f₂/∂t = r·cos(t)\n"
        "      Constant multiple rule: the constant r stays, and sin(t) is differentiated.\n"
        "\n"
        "J = ∂(f₁, f₂)/∂(r, t) =\n"
        "  [cos(t)  -r·sin(t)]\n"
        "  [sin(t)   r·cos(t)]\n"
    )
    ascii_text = polar().to_text(steps=False, unicode=False)  # where the stream cannot encode Unicode
    assert ascii_text.startswith("Jacobian of (r*cos(t), r*sin(t)) with respect to (r, t)\n")
    assert "  (1, 2) df_1/dt = -r*sin(t)\n" in ascii_text and ascii_text.isascii()
    full = polar().to_text(detail="full")
    assert "∂/∂r r = 1" in full and "∂/∂r r = 1" not in polar().to_text()  # the trivial step at full only
    with pytest.raises(UsageError, match=r"unknown render setting\(s\): colour"):
        polar().to_text(colour="red")


def test_every_format_shows_the_chain_step() -> None:
    j = seed()
    from chainrule.views.jacobian import render_rich_text

    for rendered in (j.to_text(), render_rich_text(j, Settings(width=300))):
        assert "Matrix chain rule" in rendered and "J_f(g)·J_g" in rendered
    latex = j.to_latex()
    assert r"J_{f \circ g}(x) = J_f(g(x))\, J_g(x)" in latex and r"\underbrace{" in latex
    assert r"\begin{bmatrix}n & m\\1 & 1\end{bmatrix}" in latex
    assert "\\begin{aligned}" in j.to_markdown()
    html = j.to_html()
    assert "<script" not in html
    xml.dom.minidom.parseString(html[html.index("<main") : html.index("</main>") + len("</main>")])
    assert j._repr_html_().startswith('<div class="chainrule">') and str(j) == j.to_text()


@pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex is not installed")
@pytest.mark.parametrize("j", [polar(), seed()], ids=["polar", "chain"])
def test_standalone_latex_compiles_with_pdflatex(j: Jacobian, tmp_path: Path) -> None:
    (tmp_path / "jacobian.tex").write_text(j.to_latex(standalone=True), encoding="utf-8")
    run = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "jacobian.tex"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-2000:]
    assert (tmp_path / "jacobian.pdf").exists()


# ------------------------------------------------------------------ bad input

BAD = [
    (("", "x"), UsageError, "components must hold at least one expression"),
    ((5, "x"), UsageError, "components must be a list or a comma-separated string"),
    (([3.5], "x"), UsageError, "components must be expressions"),
    ((", ".join(["x"] * (MAX_SIZE + 1)), "x"), LimitError, f"components may have at most {MAX_SIZE}"),
    (("x*y", "x,sin"), UsageError, "wrt must be variable names such as x or theta, not 'sin'"),
    (("x*y", "x,x"), UsageError, "wrt names a variable twice"),
    (("5", None), VariableError, "the components have no variables; give wrt"),
    (("u", "x", "u=x, u=2*x"), UsageError, "u is defined twice in where"),
    (("u", "u", "u=x"), UsageError, "where defines u, which is also a variable in wrt"),
    (("u*v", "x", "u=x, v=u*x"), UsageError, "where: v = u*x uses u, another inner function"),
    (("u + x", "x", "u=x*y"), UsageError, "component 1 (u + x) uses x directly"),
    (("u", "x", "u x*y"), UsageError, "where expects NAME=EXPR"),
    (("u", "x", [("u",)]), UsageError, "where expects a mapping, (name, value) pairs"),
]


@pytest.mark.parametrize("args,error,message", BAD, ids=[m for _, _, m in BAD])
def test_bad_input_is_one_clear_sentence(args: tuple, error: type[ChainruleError], message: str) -> None:
    with pytest.raises(error) as caught:
        jacobian(*args)
    assert message in str(caught.value)
    assert caught.value.exit_code == 2


def test_a_parse_error_points_into_the_whole_input() -> None:
    with pytest.raises(ParseError) as caught:
        jacobian("r*cos(t), r*sin(", "r,t")
    assert caught.value.text == "r*cos(t), r*sin(" and caught.value.column == 16


def test_the_module_is_callable_as_chainrule_jacobian() -> None:
    import chainrule.derivation.jacobian

    assert chainrule.jacobian("r*cos(t), r*sin(t)", "r,t").result == polar().result  # type: ignore[operator]


def test_sympy_expressions_with_plain_symbols_are_read_over_the_reals() -> None:
    a, b = sympy.symbols("a b")  # no assumptions, unlike chainrule.parse's
    j = jacobian([a * b, a + b], [a, b])
    real_a, real_b = sympy.symbols("a b", real=True)
    assert j.wrt == (real_a, real_b)
    assert j.result == sympy.Matrix([[real_b, real_a], [1, 1]])
    assert all(entry.derivation is not None for entry in j.matrix.walk())
    chained = jacobian(u * v, "x", where={"u": sympy.Symbol("x") ** 2, "v": "x"})
    assert chained.result == sympy.Matrix([[3 * x**2]])
