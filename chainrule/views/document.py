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
from typing import Generic, TypeVar

import sympy

from chainrule.derivation.at_point import PointValue, evaluate_at
from chainrule.derivation.dependencies import Dependence, DependencyNode, dependency_tree, function_name
from chainrule.derivation.model import Derivation, Equals, Sentence, Step
from chainrule.derivation.numbering import DEFAULT_DETAIL, numbered_roots
from chainrule.views.notation import (
    Diff,
    Equation,
    Math,
    Product,
    StepMath,
    StepNotation,
    Sum,
    answer_equation,
    dependents_of,
    exercise,
    shown_rate,
    with_dependents,
)
from chainrule.views.settings import Settings


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
    """The value at a point, as equations: ``f(2) = 4``, ``f'(2) = 10``, the tangent line."""

    value: PointValue
    point: tuple[Equation, ...]
    derivative: Equation
    function_value: Equation | None = None
    tangent: Equation | None = None


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
    """The equations of the value at a point: ``f(a) = …``, ``f'(a) = …``, ``y = f(a) + f'(a)(x - a)``."""
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
    f = sympy.Function("f")
    values = tuple(v for _, v in value.point)
    wrt = next((s for s in variables if s.name == derivation.wrt.name), derivation.wrt)
    lhs = sympy.Derivative(f(*variables), wrt, derivation.order).subs(dict(value.point))
    function_value = tangent = None
    if value.function_value is not None:
        function_value = Equation((Math(f(*values)), Math(value.function_value)))
    if value.tangent is not None:
        (variable,), (a,) = variables, values
        slope = Product((Math(value.value), Math(variable - a)))
        rhs = Sum((Math(value.function_value), slope)) if value.function_value != 0 else slope
        tangent = Equation((Math(sympy.Symbol("y")), rhs))
    return PointSection(
        value=value,
        point=tuple(Equation((Math(s), Math(v))) for s, v in value.point),
        derivative=Equation((Math(lhs), Math(value.value))),
        function_value=function_value,
        tangent=tangent,
    )


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
