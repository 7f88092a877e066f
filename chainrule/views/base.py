"""What every format shares: settings, step numbering, the value at a point.

``StepRenderer`` is the base of the per-format renderers. It walks the
derivation in reading order and dispatches each step to
``_print_<rule>`` (looked up by the rule's name, SymPy-printer style), with
``_print_step`` as the fallback, so a format that lays out one rule
differently adds one method.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sympy

from chainrule.derivation.model import Binding, Derivation, Step
from chainrule.errors import UsageError
from chainrule.recursion import deep_recursion
from chainrule.views.notation import (
    Equation,
    Math,
    Product,
    StepMath,
    StepNotation,
    Sum,
    answer_equation,
)

NOTATIONS = ("leibniz", "lagrange", "both")

#: The renderers' name for it: SymPy's printers recurse once per tree level.
recursion_limit = deep_recursion


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Validated render settings; every format accepts the same set.

    Args:
        notation: which forms of the chain rule to show: ``leibniz``,
            ``lagrange`` or ``both``.
        standalone: LaTeX only: a complete document instead of an
            ``align*`` environment.
        at: points to evaluate the derivative at, as ``(symbol, value)``.
        indent: JSON indentation (``None`` for one line).
    """

    notation: str = "both"
    standalone: bool = False
    at: tuple[Binding, ...] = ()
    indent: int | None = 2

    def __post_init__(self) -> None:
        if self.notation not in NOTATIONS:
            raise UsageError(f"unknown notation {self.notation!r}; choose one of {', '.join(NOTATIONS)}")

    @property
    def leibniz(self) -> bool:
        return self.notation in ("leibniz", "both")

    @property
    def lagrange(self) -> bool:
        return self.notation in ("lagrange", "both")


def make_settings(**settings: Any) -> Settings:
    """``Settings`` from keyword arguments; an unknown setting is an error."""
    known = Settings.__dataclass_fields__
    unknown = sorted(set(settings) - set(known))
    if unknown:
        raise UsageError(f"unknown render setting(s): {', '.join(unknown)}")
    at = settings.get("at")
    if at is not None:
        pairs = at.items() if isinstance(at, dict) else at
        settings["at"] = tuple((_symbol(name), _value(value)) for name, value in pairs)
    return Settings(**settings)


def _symbol(name: Any) -> sympy.Symbol:
    if isinstance(name, sympy.Symbol):
        return name
    from chainrule.parsing import parse_symbol

    return parse_symbol(str(name))


def _value(value: Any) -> sympy.Expr:
    """A point's coordinate: text goes through the safe parser, never ``sympify``."""
    if isinstance(value, str):
        from chainrule.parsing import parse

        return parse(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return sympy.Integer(value) if isinstance(value, int) else sympy.Float(value)
    if isinstance(value, sympy.Basic):
        return value
    raise UsageError(f"a point's value must be a number, text or a SymPy expression, not {value!r}")


def held_constant(derivation: Derivation) -> list[sympy.Symbol]:
    """The other variables of a plain partial derivative (no ``where``): they are held constant."""
    if derivation.where:
        return []
    return sorted((s for s in derivation.expr.free_symbols if s != derivation.wrt), key=lambda s: s.name)


@dataclass(frozen=True)
class NumberedStep:
    """A step with its place in the tree: ``label`` is ``1``, ``1.2``, ``2``..."""

    index: int
    label: str
    step: Step
    parent: int | None
    depth: int
    math: StepMath


def numbered_steps(derivation: Derivation) -> list[NumberedStep]:
    """Every step in reading order, numbered like ``1``, ``1.1``, ``1.2``, ``2``."""
    notation = StepNotation()
    out: list[NumberedStep] = []
    # Keyed by object identity: the most recent occurrence of each step object.
    # Pre-order means a step's whole subtree is listed before the next occurrence.
    index_of: dict[int, int] = {}
    children: dict[int, int] = {}
    top = 0
    for step, parent, depth in derivation.walk():
        if parent is None:
            top += 1
            label, parent_index = str(top), None
        else:
            parent_index = index_of[id(parent)]
            children[parent_index] = children.get(parent_index, 0) + 1
            label = f"{out[parent_index].label}.{children[parent_index]}"
        index = len(out)
        index_of[id(step)] = index
        children[index] = 0
        out.append(NumberedStep(index, label, step, parent_index, depth, notation.doprint(step)))
    return out


@dataclass(frozen=True)
class PointValue:
    """The derivative at a point and, for a first derivative in one variable, the tangent line."""

    point: tuple[Binding, ...]
    value: Equation
    value_expr: sympy.Expr
    tangent_expr: sympy.Expr | None
    numeric: sympy.Expr | None
    function_value: Equation | None
    tangent: Equation | None


def evaluate_at(derivation: Derivation, at: tuple[Binding, ...]) -> PointValue | None:
    """The value of the derivative at ``at`` (and the tangent line when it has one)."""
    if not at:
        return None
    where = derivation.where_dict
    point = dict(at)
    expr = derivation.expr.subs(where) if where else derivation.expr
    result = derivation.result.subs(where) if where else derivation.result
    free = expr.free_symbols | result.free_symbols
    names = {s.name for s in free}
    unknown = [s.name for s in point if s not in free and s.name not in names]
    if unknown:
        raise UsageError(
            f"--at names {', '.join(unknown)}, which is not a free symbol of the expression "
            f"(free symbols: {', '.join(sorted(names)) or 'none'})"
        )
    # Match by name too: the engine may use real symbols while the point uses plain ones.
    by_name = {s.name: s for s in free}
    subs = {by_name.get(s.name, s): v for s, v in point.items()}
    missing = sorted(s.name for s in free if s not in subs)
    if missing:
        raise UsageError(f"--at needs a value for every free symbol; missing: {', '.join(missing)}")
    value = result.subs(subs)
    f = sympy.Function("f")
    args = tuple(subs[s] for s in sorted(free, key=lambda s: s.name))
    order = derivation.order
    wrt = by_name.get(derivation.wrt.name, derivation.wrt)
    lhs = sympy.Derivative(f(*sorted(free, key=lambda s: s.name)), wrt, order)
    lhs = lhs.subs(subs)
    numeric = None
    if not value.is_Rational:
        evaluated = sympy.N(value, 6)
        numeric = evaluated if evaluated.is_Number else None
    value_eq = Equation((Math(lhs), Math(value)))
    function_value = None
    tangent = None
    tangent_expr = None
    if len(free) == 1:
        fa = expr.subs(subs)
        function_value = Equation((Math(f(*args)), Math(fa)))
        if order == 1:
            a = subs[wrt]
            slope_term = Product((Math(value), Math(wrt - a)))
            rhs = Sum((Math(fa), slope_term)) if fa != 0 else slope_term
            tangent = Equation((Math(sympy.Symbol("y")), rhs))
            tangent_expr = fa + value * (wrt - a)
    return PointValue(tuple(subs.items()), value_eq, value, tangent_expr, numeric, function_value, tangent)


R = TypeVar("R")


class StepRenderer(Generic[R]):
    """Base of the step-by-step formats: walk, dispatch per rule, assemble."""

    format: str = ""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def render_steps(self, derivation: Derivation) -> list[R]:
        return [self.render_step(item) for item in numbered_steps(derivation)]

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

    @staticmethod
    def answer(derivation: Derivation) -> Equation:
        return answer_equation(derivation)
