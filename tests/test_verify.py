"""The compiled verifier (issue 17): as strict as the reference check, and fast where it was slow.

- Seeded perturbations: a random step of each derivation made false (×1.01, +1, x → 2x);
  whenever the reference check (SymPy's evalf, step by step) catches it, so must
  ``verify()``; and both accept every true derivation.
- What the reference check got wrong: expanded ``(x + 1)**n`` for large n, where 30
  digits lose the cancellation, and deep mixed nests that sent it computing
  ``sin(10**11262)``.
- Every kind of expression a step may hold: derivatives of undefined functions,
  Piecewise, Max/Min, Abs, Heaviside, sigmoid, relu; and steps with no real point.
"""

from __future__ import annotations

import dataclasses
import random
import time

import pytest
import sympy

import chainrule
from benchmarks.workloads import HOMEWORK, four_function_nest
from chainrule.derivation import evaluate
from chainrule.derivation.comparison import reference_verify
from chainrule.derivation.model import Derivation, Rule, Step
from chainrule.derivation.verify import verify_derivation
from chainrule.errors import VerificationError

x = sympy.Symbol("x", real=True)
f, g = sympy.Function("f"), sympy.Function("g")

SPECIAL = [
    ("g(h(i(x)))", {}),
    ("f(x, x**2)", {}),
    ("f(g(x)) * g(f(x))", {}),
    ("x**2*y", {"wrt": "m", "where": {"x": "m*n", "y": "m + n"}}),
    ("cos(y_2)", {"wrt": "m", "where": {"y_1": "m**2", "y_2": "sin(y_1) + m"}}),
    ("exp(2*x)*sin(x)", {"order": 3}),
    ("Max(x, x**2) + Min(sin(x), cos(x))", {}),
    ("|x^3 - x|", {}),
    ("relu(x) + sigmoid(x^2)", {}),
    ("relu(x^2 - 1)", {}),
    ("factorial(x)", {}),
    ("x^x^x", {}),
    ("atan2(x, 2)", {}),
    ("erf(x^2)", {}),
    ("asec(x) + acsc(x) + acoth(x) + asech(x/4)", {}),
    ("log(x, 3)", {}),
    ("binomial(x, 2)", {}),
]


def _verdict(check: object, d: Derivation) -> str:
    try:
        check(d)  # type: ignore[operator]
    except VerificationError as err:
        return f"false: {err}"
    return "ok"


def _perturbed(d: Derivation, rng: random.Random) -> Derivation | None:
    """``d`` with one seeded step's result made wrong."""
    steps = [s for s, _, _ in d.root.walk() if s.rule is not Rule.CONSTANT]
    target = rng.choice(steps)
    kind = rng.randrange(3)
    if kind == 0:
        wrong = target.result * sympy.Rational(101, 100)
    elif kind == 1:
        wrong = target.result + 1
    else:
        shift = target.wrt if target.result.is_number else 0
        wrong = target.result.xreplace({target.wrt: 2 * target.wrt}) + shift
    if wrong == target.result:
        return None

    def rebuild(step: Step) -> Step:
        if step is target:
            return dataclasses.replace(step, result=wrong)
        if not step.substeps:
            return step
        return dataclasses.replace(step, substeps=tuple(rebuild(s) for s in step.substeps))

    return dataclasses.replace(d, root=rebuild(d.root))


def _derivations() -> list[Derivation]:
    return [chainrule.derive(text) for text in HOMEWORK] + [chainrule.derive(t, **kw) for t, kw in SPECIAL]


@pytest.mark.slow
def test_catches_every_seeded_false_step_the_reference_catches() -> None:
    rng = random.Random(17)
    caught = 0
    for d in _derivations():
        assert _verdict(verify_derivation, d) == "ok", d.input
        for _ in range(2):
            wrong = _perturbed(d, rng)
            if wrong is None:
                continue
            reference = _verdict(reference_verify, wrong)
            ours = _verdict(verify_derivation, wrong)
            if reference != "ok":
                assert ours != "ok", f"{d.input}: the reference check caught it ({reference}), verify() not"
                caught += 1
    assert caught > 100


@pytest.mark.parametrize(("text", "options"), SPECIAL, ids=[t for t, _ in SPECIAL])
def test_every_kind_of_step_verifies_and_a_false_leaf_is_caught(text: str, options: dict) -> None:
    d = chainrule.derive(text, **options)
    verify_derivation(d)
    steps = [s for s, _, _ in d.root.walk() if s.rule is not Rule.CONSTANT]
    target = steps[-1]

    def rebuild(step: Step) -> Step:
        if step is target:
            return dataclasses.replace(step, result=step.result + 1)
        return dataclasses.replace(step, substeps=tuple(rebuild(s) for s in step.substeps))

    with pytest.raises(VerificationError, match="is false"):
        verify_derivation(dataclasses.replace(d, root=rebuild(d.root)))


def _one_step(expr: sympy.Expr, result: sympy.Expr) -> Derivation:
    step = Step(rule=Rule.KNOWN, expr=expr, wrt=x, result=result, text="")
    return Derivation(input=str(expr), expr=expr, wrt=x, order=1, root=step, raw_result=result, result=result)


@pytest.mark.parametrize(
    ("expr", "result", "wrong"),
    [
        (
            sympy.Piecewise((x**2, x > 0), (sympy.sin(x), True)),
            sympy.Piecewise((2 * x, x > 0), (sympy.cos(x), True)),
            sympy.Piecewise((2 * x, x > 0), (-sympy.cos(x), True)),
        ),
        (
            sympy.Heaviside(x - 1, 0) * x**2,
            sympy.Heaviside(x - 1, 0) * 2 * x,
            sympy.Heaviside(x - 1) * 2 * x + 1,
        ),
        (f(x**2), 2 * x * sympy.Subs(sympy.Derivative(f(x), x), x, x**2), x * sympy.Derivative(f(x**2), x)),
        (sympy.Derivative(f(x), x) * x, sympy.Derivative(f(x), x) + x * sympy.Derivative(f(x), (x, 2)),
         sympy.Derivative(f(x), x)),
        (sympy.Max(x, x**3), sympy.Piecewise((1, x > x**3), (3 * x**2, True)), sympy.S.One),
    ],
)
def test_steps_holding_piecewise_derivatives_and_gates(expr: sympy.Expr, result: sympy.Expr,
                                                        wrong: sympy.Expr) -> None:
    verify_derivation(_one_step(expr, result))
    with pytest.raises(VerificationError, match="is false"):
        verify_derivation(_one_step(expr, wrong))


@pytest.mark.parametrize("n", [60, 80, 120])
def test_expanded_powers_lose_no_digits(n: int) -> None:
    # The reference check (30 digits) called the sum step of these false.
    d = chainrule.derive(sympy.expand((x + 1) ** n), x, simplify=False)
    verify_derivation(d)


def test_deep_mixed_nest_is_verified_in_well_under_a_second() -> None:
    # sin(exp(cos(log(...)))) of depth 20: the reference check ran for minutes (log of a
    # negative number, exp of 10**11262); points like those are abandoned at once.
    d = chainrule.derive(four_function_nest(20), x)
    started = time.perf_counter()
    verify_derivation(d)
    assert time.perf_counter() - started < 2.0  # 10 ms on a quiet machine; a guard against hangs


def test_steps_real_nowhere_go_to_the_reference_check() -> None:
    for text in ("acosh(asin(x))", "1/sqrt(-2*x**4 + x**2 - 3)"):
        verify_derivation(chainrule.derive(text))


def test_a_false_simplification_is_caught() -> None:
    d = chainrule.derive("x^2 sin x")
    assert d.simplification is not None
    wrong = dataclasses.replace(d, result=d.result + x)
    with pytest.raises(VerificationError, match="simplification does not preserve the value"):
        verify_derivation(wrong)


def test_names_are_fresh() -> None:
    """No step holds a name bound outside its own ancestors: what lets every level share slots."""
    for d in _derivations():
        bound = set(d.where_dict)
        for step, _, _ in d.walk():
            bound.update(name for name, _ in step.bindings)
        context: dict[int, tuple[set[sympy.Symbol], set[sympy.Symbol]]] = {}
        for step, parent, _ in d.root.walk():
            inherited, held = context[id(parent)] if parent is not None else (set(d.where_dict), set())
            inherited, held = inherited - set(step.held), held | set(step.held)
            context[id(step)] = inherited | {name for name, _ in step.bindings}, held
            used = step.expr.free_symbols | step.result.free_symbols
            assert not (used & (bound - inherited - held)), (d.input, step.rule, step.expr)


def test_evaluator_abandons_points_instead_of_computing_huge_values() -> None:
    compiled = evaluate.Compiled(sympy.sin(sympy.exp(sympy.exp(x))))
    assert compiled.value({x: 10.0}) is None  # exp(exp(10)) overflows: abandoned, not computed
    assert compiled.value({x: 0.5}) == pytest.approx(float(sympy.sin(sympy.exp(sympy.exp(0.5)))))
    assert evaluate.Compiled(sympy.log(x)).value({x: -1.0}) is None  # not real
    assert evaluate.Compiled(x ** sympy.Rational(1, 3)).value({x: -8.0}) is None  # principal root
