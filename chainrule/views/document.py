"""A derivation's document: what every format shows, assembled once.

The title (``d/dx expr``), the user's definitions, the variables held
constant, the dependency tree, the numbered steps with their equations, the
answer, and the value at a point. Each format prints this document; none
re-assembles it, so none can leave a part out.

``StepRenderer`` is the base of the per-format renderers: it dispatches each
step to ``_print_<rule>`` (looked up by the rule's name, SymPy-printer
style), with ``_print_step`` as the fallback.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sympy

from chainrule.derivation.at_point import PointValue, evaluate_at
from chainrule.derivation.dependencies import Dependence, DependencyNode, dependency_tree, function_name
from chainrule.derivation.model import Derivation, Equals, Sentence, Step, listing, say
from chainrule.derivation.numbering import DEFAULT_DETAIL, numbered_roots
from chainrule.printing import plain
from chainrule.views.notation import (
    Diff,
    Equation,
    Math,
    StepMath,
    StepNotation,
    answer_equation,
    dependents_of,
    exercise,
    shown_rate,
    with_dependents,
)
from chainrule.views.settings import Settings
from chainrule.written import WrittenProduct, WrittenSum


@dataclass(frozen=True)
class NumberedStep:
    """A step with its place in the tree: ``label`` is ``1``, ``1.2``, ``2``..."""

    index: int
    label: str
    step: Step
    parent: int | None
    depth: int
    math: StepMath


@dataclass(frozen=True, kw_only=True)
class PointSection:
    """The value at a point, as equations and sentences: ``f(2) = 4``, ``f'(2) = 10``, the
    tangent line in point-slope and slope-intercept form (``y − 4 = 10(x − 2)``, i.e.
    ``y = 10x − 16``) or ``x = a`` when vertical; ``notes`` say what a textbook says where
    there is no plain value (outside the domain, not differentiable, a limit)."""

    value: PointValue
    point: tuple[Equation, ...]
    derivative: Equation | None
    function_value: Equation | None = None
    tangent: tuple[Equation, ...] = ()
    notes: tuple[Sentence, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Document:
    """Everything a format shows for one derivation, in reading order."""

    derivation: Derivation
    title: Diff
    where: tuple[Equation, ...]
    held: tuple[sympy.Symbol, ...]
    dependencies: DependencyNode | None
    steps: tuple[NumberedStep, ...]
    answer: Equation
    point: PointSection | None


def document(derivation: Derivation, settings: Settings, *, detail: str | None = None) -> Document:
    """The document of ``derivation`` (with the point of ``settings.at``, if any), its steps
    at ``detail`` (by default the settings' level)."""
    leibniz = settings.notation != "lagrange"
    return Document(
        derivation=derivation,
        title=exercise(derivation),
        where=tuple(Equation((Math(n), Math(v))) for n, v in derivation.where),
        held=held_constant(derivation),
        dependencies=dependency_tree(derivation),
        steps=tuple(numbered_steps(derivation, detail or settings.detail, leibniz=leibniz)),
        answer=answer_equation(derivation, leibniz=leibniz),
        point=point_section(derivation, settings.at),
    )


def held_constant(derivation: Derivation) -> tuple[sympy.Symbol, ...]:
    """The other variables of a plain partial derivative (no ``where``): they are held constant."""
    if derivation.where:
        return ()
    others = (s for s in derivation.expr.free_symbols if s != derivation.wrt)
    return tuple(sorted(others, key=lambda s: s.name))


def numbered_steps(
    derivation: Derivation, detail: str = DEFAULT_DETAIL, *, leibniz: bool = True
) -> list[NumberedStep]:
    """The steps a reader sees at this level of detail, numbered like ``1``, ``1.1``, ``2``.

    Quantities that change with the variable (``r = r(t)``) are written ``r`` and
    their derivatives ``dr/dt`` (``r′`` unless ``leibniz``).
    """
    where = derivation.where_dict
    roots = [derivation.root]
    if derivation.simplification is not None:
        roots.append(derivation.simplification)
    return number_steps(
        roots, dependents_of(derivation), detail=detail, leibniz=leibniz, where=where,
        name=function_name(derivation.expr, *where.values(), *where),
    )


def number_steps(
    roots: Iterable[Step],
    functions: Mapping[sympy.Symbol, sympy.Expr],
    *,
    detail: str = DEFAULT_DETAIL,
    leibniz: bool = True,
    where: Mapping[sympy.Symbol, sympy.Expr] | None = None,
    name: str = "f",
) -> list[NumberedStep]:
    """The shown steps under ``roots`` (numbered ``1``, ``2``, ...), with their math.

    ``functions`` are the quantities that change with the variable (``y = y(x)``).
    """
    notation = StepNotation(Dependence({**functions, **(where or {})}), name)
    shown = tuple(functions.values())
    out: list[NumberedStep] = []
    index_of: dict[int, int] = {}
    for item in numbered_roots(roots, detail):
        parent = index_of[id(item.parent)] if item.parent is not None else None
        index_of[id(item.step)] = len(out)
        math = with_dependents(notation.doprint(item.step), shown, leibniz=leibniz)
        out.append(NumberedStep(len(out), item.label, item.step, parent, item.depth, math))
    return out


def point_section(
    derivation: Derivation, at: tuple[tuple[sympy.Symbol, sympy.Expr], ...]
) -> PointSection | None:
    """The equations of the value at a point: ``f(a) = …``, ``f'(a) = …``, the tangent line,
    and the sentences of :func:`point_notes`."""
    value = evaluate_at(derivation, at)
    if value is None:
        return None
    if dependents_of(derivation):  # related rates: the quantity and its rate at that instant
        return PointSection(
            value=value,
            point=tuple(Equation((Math(shown_rate(s, derivation.wrt)), Math(v))) for s, v in value.point),
            derivative=Equation((exercise(derivation), Math(value.value))),
            function_value=Equation((Math(derivation.expr), Math(value.function_value)))
            if value.function_value is not None and value.function_value.is_number else None,
        )
    variables = value.variables
    where = derivation.where_dict
    fname = function_name(derivation.expr, *where.values(), *where)  # not the exercise's own f
    f = sympy.Function(fname)
    values = tuple(v for _, v in value.point)
    wrt = next((s for s in variables if s.name == derivation.wrt.name), derivation.wrt)
    lhs = sympy.Derivative(f(*variables), wrt, derivation.order).subs(dict(value.point))
    function_value = derivative = None
    # f(1) = f(1) for an undefined f says nothing: such a line is left out.
    known = value.function_value is not None and value.kind != "limit"
    if known and _says_something(f(*values), value.function_value):
        function_value = Equation((Math(f(*values)), Math(value.function_value)))
    if value.value is not None and value.kind != "limit" and _says_something(lhs, value.value):
        derivative = Equation((Math(lhs), Math(value.value)))
    return PointSection(
        value=value,
        point=tuple(Equation((Math(s), Math(v))) for s, v in value.point),
        derivative=derivative,
        function_value=function_value,
        tangent=tangent_equations(value),
        notes=point_notes(value, lhs, derivation.order, fname),
    )


def _says_something(lhs: sympy.Basic, rhs: sympy.Basic) -> bool:
    """Whether ``lhs = rhs`` is more than a name said twice (``f(1) = f(1)`` for an undefined f)."""
    return plain(lhs) != plain(rhs)


def tangent_equations(value: PointValue) -> tuple[Equation, ...]:
    """The tangent line as Stewart writes it: ``y − f(a) = f′(a)(x − a)``, then, when that
    reads differently, ``y = mx + b``; the vertical line ``x = a``; nothing without one."""
    if value.vertical is not None:
        return (Equation((Math(value.variables[0]), Math(value.vertical))),)
    if value.tangent is None or value.function_value is None or value.value is None:
        return ()
    ((x, a),), y = value.point, sympy.Symbol("y")
    if not value.exact:  # numbers too large to evaluate: the line as written, y = f(a) + f'(a)(x - a)
        return (Equation((Math(y), Math(value.tangent))),)
    m, fa = value.value, value.function_value
    if m == 0:
        return (Equation((Math(y), Math(fa))),)
    lhs = WrittenSum(y, *sympy.Add.make_args(-fa), evaluate=False) if fa != 0 else y
    rhs = m * x if a == 0 else x - a if m == 1 else _times(m, x - a)
    point_slope = Equation((Math(lhs), Math(rhs)))
    intercept = value.tangent - m * x
    mx = m * x if m.is_Rational else _times(m, x)
    line = WrittenSum(mx, *sympy.Add.make_args(intercept), evaluate=False) if intercept != 0 else mx
    slope_intercept = Equation((Math(y), Math(line)))
    if (str(lhs), str(rhs)) == (str(y), str(line)):  # y = mx: one form
        return (slope_intercept,)
    return (point_slope, slope_intercept)


def _times(m: sympy.Expr, factor: sympy.Expr) -> sympy.Expr:
    """``m·factor`` with the slope first, as written: ``4cos(4)(x − 2)``, ``−(x − π/2)``."""
    coeff, factors = m.as_coeff_mul()
    if coeff == -1 and not factors:
        return sympy.Mul(-1, factor, evaluate=False)
    if not coeff.is_Integer:  # (√3/2)(x − π/6)
        return WrittenProduct(m, factor, evaluate=False)
    head = (coeff,) if coeff != 1 else ()
    return WrittenProduct(*head, *factors, factor, evaluate=False)


def point_notes(value: PointValue, lhs: sympy.Expr, order: int, fname: str = "f") -> tuple[Sentence, ...]:
    """What a textbook says at a point where there is no plain value (docs/answers.md)."""
    if not value.point:
        return ()
    name = sympy.Symbol(fname)
    f = sympy.Function(fname)(*(v for _, v in value.point))
    if value.kind == "outside_domain":
        what = " is not a real number: " if value.not_real else " is undefined: "
        where = [Equals(s, v) for s, v in value.point]
        words = ", so there is no derivative there." if order == 1 else "."
        head = f if order == 1 else lhs
        return (say(head, what, *listing(where), " is outside the domain of ", name, words),)
    if len(value.point) != 1:
        return ()
    ((x, a),) = value.point
    at = Equals(x, a)
    g = name if order == 1 else sympy.Derivative(sympy.Function("f")(x), x, order - 1)
    if value.kind == "limit":
        parts: list[Any] = ["The formula is 0/0 at ", at, ", so ", name, " is undefined there; as ", x]
        parts += [" approaches ", a, ", ", sympy.Function("f")(x), " approaches ", value.function_value]
        if value.value is not None:
            derivative = sympy.Derivative(sympy.Function("f")(x), x, order)
            parts += [" and ", derivative, " approaches ", value.value]
        parts += [" (the values of the continuous extension of ", name, ", whose tangent line is below)."]
        return (say(*parts),)
    if value.kind == "vertical_tangent":
        grows = "increases" if value.one_sided == (sympy.oo, sympy.oo) else "decreases"
        words = f" and its slope {grows} without bound from both sides, so the tangent line is vertical."
        return (say(lhs, " does not exist: ", g, " is continuous at ", at, words),)
    if value.kind != "not_differentiable":
        return ()
    head_parts: list[Any] = [name, " is not differentiable at ", at, ": "]
    if order != 1:
        head_parts = [lhs, " does not exist: "]
    if value.one_sided is None:
        tail = ["it is not continuous there."] if order == 1 else [g, " is not continuous at ", at, "."]
        return (say(*head_parts, *tail),)
    left, right = value.one_sided
    sides = [*_side(left, "left", first=True), ", and ", *_side(right, "right", first=False), "."]
    return (say(*head_parts, *sides),)


def _side(limit: sympy.Expr | None, side: str, *, first: bool) -> list[Any]:
    """One side of a derivative that does not exist, in words."""
    if limit is None:
        return [f"it is not defined to the {side}"]
    if limit in (sympy.oo, -sympy.oo):
        return [f"from the {side} its slope {'in' if limit == sympy.oo else 'de'}creases without bound"]
    return [f"its derivative from the {side} is " if first else f"from the {side} it is ", limit]


def render_sentence(
    sentence: Sentence | str, words: Callable[[str], str], math: Callable[[tuple[sympy.Basic, ...]], str]
) -> str:
    """A sentence in a format: ``words`` prints the words, ``math`` a run of mathematics (one
    expression, or the two sides of an equation, which it joins with its own ``=``)."""
    out: list[str] = []
    for part in sentence.parts if isinstance(sentence, Sentence) else (sentence,):
        if isinstance(part, str):
            out.append(words(part))
        elif isinstance(part, Equals):
            out.append(math((part.lhs, part.rhs)))
        else:
            out.append(math((part,)))
    return "".join(out)


R = TypeVar("R")


class StepRenderer(Generic[R]):
    """Base of the step-by-step formats: dispatch each step per rule."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def render_steps(self, doc: Document) -> list[R]:
        return [self.render_step(item) for item in doc.steps]

    def render_step(self, item: NumberedStep) -> R:
        method = getattr(self, f"_print_{item.step.rule.value}", self._print_step)
        return method(item)

    def _print_step(self, item: NumberedStep) -> R:
        raise NotImplementedError

    def notation_lines(self, math: StepMath) -> list[tuple[str, Equation]]:
        """The chain-rule forms the settings ask for, as ``(label, equation)``."""
        lines: list[tuple[str, Equation]] = []
        if self.settings.leibniz and math.leibniz is not None:
            lines.append(("Leibniz", math.leibniz))
        if self.settings.lagrange and math.lagrange is not None:
            lines.append(("Lagrange", math.lagrange))
        return lines
