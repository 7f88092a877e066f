"""The multivariable chain rule: symbolic f(x(m,n), y(m,n)), where-definitions, paths, partials."""

from __future__ import annotations

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

import chainrule
from chainrule import Rule, derive
from chainrule.derivation.verify import compare
from chainrule.errors import ChainruleError, ParseError, UsageError
from chainrule.printing import plain
from chainrule.written import evaluated

m, n, r, t, s, x, y = (sympy.Symbol(c, real=True) for c in "mnrtsxy")


def checked(*args: object, **kwargs: object) -> chainrule.Derivation:
    d = derive(*args, **kwargs)  # type: ignore[arg-type]
    d.verify()
    return d


def test_seed_symbolic_formula_for_m_and_n() -> None:
    f, X, Y = (sympy.Function(c, real=True) for c in "fxy")
    for var in (m, n):
        d = checked("f(x(m, n), y(m, n))", wrt=var.name)
        assert d.root.rule is Rule.MULTIVARIABLE_CHAIN
        # named after the inner functions, as the textbook writes it
        assert [b[0].name for b in d.root.bindings] == ["x", "y"]
        expected = sympy.Derivative(f(X(m, n), Y(m, n)), X(m, n)) * sympy.Derivative(
            X(m, n), var
        ) + sympy.Derivative(f(X(m, n), Y(m, n)), Y(m, n)) * sympy.Derivative(Y(m, n), var)
        assert d.result == expected
        assert d.result == sympy.diff(f(X(m, n), Y(m, n)), var)
        shown = plain(d.result)
        assert "Subs" not in shown and "Derivative" not in shown
        assert shown == f"f_x(x(m, n), y(m, n))*x_{var}(m, n) + f_y(x(m, n), y(m, n))*y_{var}(m, n)"


def test_concrete_outer_function_with_where() -> None:
    d = checked("x**2*y", wrt="m", where={"x": "m*n", "y": "m + n"})
    assert d.root.rule is Rule.MULTIVARIABLE_CHAIN
    assert sympy.expand(d.result) == 3 * m**2 * n**2 + 2 * m * n**3
    partial_x, dx, partial_y, dy = d.root.substeps
    assert (evaluated(partial_x.expr), partial_x.wrt, partial_x.result) == (x**2 * y, x, 2 * x * y)
    assert (evaluated(dx.expr), dx.result) == (m * n, n)
    assert (partial_y.wrt, partial_y.result) == (y, x**2)
    assert (evaluated(dy.expr), dy.result) == (m + n, 1)
    assert {k: evaluated(v) for k, v in d.where} == {x: m * n, y: m + n}


def test_undefined_outer_function_with_concrete_inner_functions() -> None:
    d = checked("f(x, y)", wrt="m", where={"x": "m*n", "y": "m + n"})
    assert [s.rule for s in d.root.substeps[::2]] == [Rule.PARTIAL, Rule.PARTIAL]
    f = sympy.Function("f", real=True)
    assert compare(sympy.diff(f(m * n, m + n), m), d.result).equal


def test_polar_coordinates() -> None:
    d = checked("x**2 + y**2", wrt="r", where={"x": "r*cos(t)", "y": "r*sin(t)"})
    assert sympy.simplify(d.result) == 2 * r
    d = checked("x**2 + y**2", wrt="t", where={"x": "r*cos(t)", "y": "r*sin(t)"})
    assert d.result == 0


def test_three_levels_one_term_per_path() -> None:
    # f depends on s through x (x -> t -> s) and directly through t.
    d = checked("x*t", wrt="s", where={"x": "t**2", "t": "s + 1"})
    assert sympy.expand(d.result - sympy.diff((s + 1) ** 3, s)) == 0
    assert [b[0] for b in d.root.bindings] == [x, t]
    # dx/ds is itself a multivariable chain through t
    assert d.root.substeps[1].rule is Rule.CHAIN  # one path: the ordinary chain rule


def test_paths_that_do_not_exist_give_no_term() -> None:
    d = checked("x + y", wrt="m", where={"x": "m", "y": "n"})
    assert [b[0] for b in d.root.bindings] == [x]
    assert d.result == 1


def test_direct_dependence_is_a_term_too() -> None:
    d = checked("x*m", wrt="m", where={"x": "m**2"})
    assert d.result == 3 * m**2


def test_plain_partial_says_what_is_held_constant() -> None:
    d = checked("x**2*y + sin(x*y)", wrt="x")
    assert sympy.expand(d.result - (2 * x * y + y * sympy.cos(x * y))) == 0
    assert d.wrt == x


def test_bad_where_input() -> None:
    with pytest.raises(UsageError, match="circular"):
        derive("x*y", wrt="m", where={"x": "y*m", "y": "x"})
    with pytest.raises(UsageError, match="defined twice"):
        derive("x*y", wrt="m", where=[("x", "m"), ("x", "n")])
    with pytest.raises(ParseError):
        derive("x*y", wrt="m", where={"x": "m*("})


names = st.sampled_from(["p", "q", "r"])
bases = st.sampled_from(["m", "n"])
definitions = st.sampled_from(
    ["{b}*{c}", "sin({b})", "{b}**2 + {c}", "exp({b} - {c})", "{b}/(1 + {c}**2)", "log(1 + {b}**2)"]
)


@settings(max_examples=25)
@given(
    st.lists(st.tuples(definitions, bases, bases), min_size=3, max_size=3),
    st.sampled_from(["p*q + r", "sin(p)*q**2 + r", "p**2*exp(q) - r*p", "f(p, q) + r"]),
    bases,
)
def test_random_where_maps_agree_with_sympy(defs: list[tuple[str, str, str]], outer: str, wrt: str) -> None:
    # p may use q and r may use p, building chains of dependencies without cycles.
    where = {
        "q": defs[0][0].format(b=defs[0][1], c=defs[0][2]),
        "p": defs[1][0].format(b=defs[1][1], c="q"),
        "r": defs[2][0].format(b="p", c=defs[2][2]),
    }
    try:
        d = derive(outer, wrt=wrt, where=where)
    except ChainruleError as error:  # the variable does not occur at all
        assert "does not appear" in str(error)
        return
    d.verify()
    parse = chainrule.parse
    substituted = parse(outer)
    for name in ("r", "p", "q"):
        substituted = substituted.subs(sympy.Symbol(name, real=True), parse(where[name]))
    expected = sympy.diff(substituted, sympy.Symbol(wrt, real=True))
    assert compare(expected, d.result, domain=substituted).equal


def test_a_chain_through_definitions_answers_in_the_variables() -> None:
    # Found by test_random_where_maps_agree_with_sympy: the inner derivative was left as p.
    d = chainrule.derive("p*q + r", wrt="n", where={"q": "m*m", "p": "m*q", "r": "n*p"}).verify()
    m = next(s for s in d.result.free_symbols if s.name == "m")
    assert d.result == m**3
