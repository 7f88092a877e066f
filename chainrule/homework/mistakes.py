"""Which classic mistakes explain a wrong answer, and at which step.

The search re-derives the wrong way. It walks the right step tree, computes
one step's result as a catalogue entry (``chainrule.homework.catalogue``)
perturbs that rule's combination, rebuilds every enclosing step from its parts
with the rules' own combinations (``rules.combine``: a sum adds, a product
takes one term per factor, a chain multiplies its links), and compares the
whole with the answer. So a mistake is found anywhere inside a larger
expression, and the step it blames is the only one done wrong.

Blame follows three rules:

1. Every single misstep that reproduces the answer is named: one entry at one
   step, or the same entry at every step where it applies (a rule
   misremembered). Two or more distinct entries: "either", all named.
2. Only when none does, two missteps at once (two steps, or two entries
   composed at one step): "together".
3. Otherwise no blame: the answer and the right one are expanded along the
   steps to find the first step where they differ (``difference.py``).
"""

from __future__ import annotations

import dataclasses
import itertools
import random
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

import mpmath
import sympy

from chainrule.derivation import rules
from chainrule.derivation.bindings import full_values, put_back
from chainrule.derivation.model import Binding, Derivation, Rule, Step
from chainrule.derivation.numbering import labels_by_path
from chainrule.derivation.rules import combine
from chainrule.homework.catalogue import CATALOGUE, Base, ClassicMistake, Show, Values, Variant, d_dx
from chainrule.homework.difference import FirstDifference, first_difference
from chainrule.homework.equality import decide
from chainrule.homework.points import decimal_number, value_at
from chainrule.printing import line

__all__ = [
    "Candidate", "Diagnosis", "Explanation", "Misstep",
    "candidates", "diagnose", "propagate", "rebuilt", "searchable_steps",
]  # fmt: skip

Path = tuple[int, ...]
Override = Callable[[Step, Values], "sympy.Expr | None"]

#: Pairs of missteps tried at most, so that a wrong answer far from any mistake stays quick.
MAX_PAIRS = 1500
#: Explanations named at most.
MAX_NAMED = 3
#: Rules whose substeps are chainrule's method, which a student may not have followed.
METHOD_RULES = frozenset({Rule.GENERAL_POWER})


@dataclass(frozen=True, kw_only=True)
class Misstep:
    """A catalogue mistake made at one step of the right derivation (or the same way at ``count``).

    Args:
        mistake: the catalogue entry.
        step: the step of the right derivation done wrong.
        path: its position (child indices from the root).
        wrong: the step's wrong result, with its parts right, and the facts its sentence names.
        where: the intermediate variables the step uses (``u = x**2``).
        label: the step's number as ``chainrule derive`` shows it (``1.2``).
        count: at how many steps it was made (more than 1: everywhere the rule is used).
    """

    mistake: ClassicMistake
    step: Step
    path: Path
    wrong: Variant
    where: tuple[Binding, ...] = ()
    label: str = "1"
    count: int = 1

    @property
    def name(self) -> str:
        return self.mistake.name

    @property
    def title(self) -> str:
        return self.mistake.title


    def location(self, show: Show = line) -> str:
        """``step 1.2 (chain rule on exp(5x))``, with the names it uses."""
        defs = "".join(f", {n} = {show(e)}" for n, e in self.where)
        return f"step {self.label} ({self.step.rule.title} rule on {show(self.step.expr)}{defs})"

    @property
    def explanation(self) -> str:
        """One sentence: in which step, what was done, and what the rule says (Unicode)."""
        return self.sentence(line)

    def sentence(self, show: Show) -> str:
        """The explanation with expressions written by ``show`` (``line`` or ASCII ``plain``)."""
        step = self.step
        fields: dict[str, str] = {
            "d": d_dx(step.expr, step.wrt, show),
            "expr": show(step.expr),
            "right": show(step.result),
            "wrong": show(self.wrong.result),
            "wrt": str(step.wrt),
        }
        fields.update({k: v if isinstance(v, str) else show(v) for k, v in self.wrong.facts.items()})
        where = "".join(f" ({n} = {show(e)})" for n, e in self.where)
        more = self.count - 1
        again = f" (and the same way in {more} more step{'s' if more > 1 else ''})" if more else ""
        return f"In step {self.label}{where}{again} you {self.mistake.says.format(**fields)}"

    def __str__(self) -> str:
        return self.explanation


@dataclass(frozen=True, kw_only=True)
class Explanation:
    """Missteps (one, or two made together) that give exactly the answer: ``result``."""

    missteps: tuple[Misstep, ...]
    result: sympy.Expr


@dataclass(frozen=True, kw_only=True)
class Diagnosis:
    """Which classic mistakes give the answer, or where it first differs from the right one.

    ``kind`` is ``one`` (one explanation), ``either`` (several, each alone enough),
    ``together`` (two missteps needed at once) or ``none``.
    """

    explanations: tuple[Explanation, ...]
    first_difference: FirstDifference | None = None

    @property
    def kind(self) -> str:
        if not self.explanations:
            return "none"
        if len(self.explanations[0].missteps) > 1:
            return "together"
        return "one" if len(self.explanations) == 1 else "either"

    @property
    def names(self) -> tuple[str, ...]:
        """The catalogue names of every misstep named, in order."""
        return tuple(m.name for e in self.explanations for m in e.missteps)


# ---------------------------------------------------------------------------- the search


def diagnose(derivation: Derivation, answer: sympy.Expr) -> Diagnosis:
    """Explain the wrong ``answer`` to ``derivation`` by classic mistakes, or locate where it differs."""
    root = derivation.root
    matches = _Matcher(answer, derivation.expr)
    tried = list(candidates(root))
    scope = _scopes(root)
    found: list[Explanation] = []
    seen: list[sympy.Expr] = []
    for candidate in tried:
        result = propagate(root, {candidate.path: candidate.override()})
        if result is None:
            continue
        seen.append(result)
        if matches(result):
            found.append(Explanation(missteps=(candidate.misstep(scope),), result=result))
    found += _everywhere(root, tried, seen, matches, scope)
    if found:
        return Diagnosis(explanations=_distinct(_unshadowed(found)))
    together = _pairs(root, tried, matches, scope)
    if together:
        return Diagnosis(explanations=(together[0],))
    return Diagnosis(explanations=(), first_difference=first_difference(derivation, answer))


@dataclass(frozen=True)
class Candidate:
    """One variant of one catalogue entry at one step."""

    mistake: ClassicMistake
    path: Path
    step: Step
    index: int
    variant: Variant

    def override(self, base: Base | None = None) -> Override:
        use = base or _right

        def compute(step: Step, values: Values) -> sympy.Expr | None:
            variants = self.mistake.perturb(step, values, use)
            return variants[self.index].result if self.index < len(variants) else None

        return compute

    def misstep(self, scope: Scope, count: int = 1) -> Misstep:
        return Misstep(
            mistake=self.mistake,
            step=self.step,
            path=self.path,
            wrong=self.variant,
            where=scope.names.get(self.path, ()),
            label=scope.labels.get(self.path, "1"),
            count=count,
        )


def _right(step: Step, values: Values) -> sympy.Expr | None:
    return combine(step, values)


def candidates(root: Step) -> Iterator[Candidate]:
    """Every (step, entry, variant) that changes the step's result, outer steps first."""
    for path, step in searchable_steps(root):
        right = tuple(s.result for s in step.substeps)
        for mistake in CATALOGUE:
            if mistake.rule is not step.rule:
                continue
            for index, variant in enumerate(mistake.perturb(step, right, _right)):
                if not _same(variant.result, step.result):
                    yield Candidate(mistake, path, step, index, variant)


def _same(a: sympy.Expr, b: sympy.Expr) -> bool:
    if a == b:
        return True
    try:
        return sympy.count_ops(a - b) < 200 and sympy.expand(a - b) == 0
    except (TypeError, ValueError, RecursionError):
        return False


def _everywhere(
    root: Step,
    tried: list[Candidate],
    seen: list[sympy.Expr],
    matches: Callable[[sympy.Expr], bool],
    scope: Scope,
) -> list[Explanation]:
    """Each entry made at every step where it applies (its first variant), when that is several."""
    found = []
    for mistake in CATALOGUE:
        if not mistake.everywhere:
            continue
        first = {c.path: c for c in tried if c.mistake is mistake and c.index == 0}
        if len(first) < 2:
            continue
        result = propagate(root, {path: c.override() for path, c in first.items()})
        if result is None or any(result == s for s in seen) or not matches(result):
            continue
        head = next(iter(first.values()))
        found.append(Explanation(missteps=(head.misstep(scope, count=len(first)),), result=result))
    return found


def _pairs(
    root: Step,
    singles: list[Candidate],
    matches: Callable[[sympy.Expr], bool],
    scope: Scope,
) -> list[Explanation]:
    """The first two missteps that give the answer at once: at two steps, or composed at one."""
    tried = 0
    for a, b in itertools.combinations(singles, 2):
        if a.path == b.path:
            if a.mistake is b.mistake or not (a.mistake.composes and b.mistake.composes):
                continue
            trials = [{a.path: a.override(b.override())}, {a.path: b.override(a.override())}]
        else:
            trials = [{a.path: a.override(), b.path: b.override()}]
        for overrides in trials:
            tried += 1
            if tried > MAX_PAIRS:
                return []
            values = rebuilt(root, overrides)
            result = values[()]
            if result is not None and matches(result):
                # Each misstep's wrong result as made together with the other one.
                missteps = tuple(
                    dataclasses.replace(c.misstep(scope), wrong=Variant(values[c.path], c.variant.facts))
                    for c in (a, b)
                )
                return [Explanation(missteps=missteps, result=result)]
    return []


def _unshadowed(found: list[Explanation]) -> list[Explanation]:
    """Drop explanations inside a step of a ``METHOD_RULES`` rule that has one of its own.

    Logarithmic differentiation is chainrule's method for ``f^g``, not necessarily
    the student's: an answer explained by the power rule misused on ``x^x`` is not
    also blamed on a product rule inside ``(x ln x)'`` the student never wrote.
    """
    methods = [e.missteps[0].path for e in found if e.missteps[0].step.rule in METHOD_RULES]
    return [
        e
        for e in found
        if not any(len(e.missteps[0].path) > len(p) and e.missteps[0].path[: len(p)] == p for p in methods)
    ]


def _distinct(found: list[Explanation]) -> tuple[Explanation, ...]:
    """One explanation per set of entries (the first, the outermost), at most ``MAX_NAMED``."""
    kept: list[Explanation] = []
    keys: set[tuple[str, ...]] = set()
    for explanation in found:
        key = tuple(sorted(m.name for m in explanation.missteps))
        if key not in keys:
            keys.add(key)
            kept.append(explanation)
    return tuple(kept[:MAX_NAMED])


class _Matcher:
    """Is a candidate the answer? A quick look at a few points, then ``decide`` to be sure."""

    def __init__(self, answer: sympy.Expr, domain: sympy.Expr) -> None:
        self.answer = answer
        self.domain = domain
        symbols = sorted(answer.free_symbols | domain.free_symbols, key=lambda s: s.name)
        rng = random.Random(1)
        self.points: list[tuple[dict[sympy.Symbol, sympy.Expr], mpmath.mpf | mpmath.mpc]] = []
        for _ in range(40):
            point = {s: decimal_number(rng.uniform(-2.5, 2.5)) for s in symbols}
            if value_at(domain, point, 20) is None:
                continue
            have = value_at(answer, point, 30, complex_ok=True)
            if have is not None:
                self.points.append((point, have))
            if len(self.points) == 3:
                break

    def __call__(self, candidate: sympy.Expr) -> bool:
        for point, have in self.points:
            value = value_at(candidate, point, 30, complex_ok=True)
            if value is None or abs(value - have) > mpmath.mpf(10) ** -15 * (1 + abs(have) + abs(value)):
                return False
        return decide(candidate, self.answer, domain=self.domain).equal is True


# ---------------------------------------------------------------------------- re-deriving


def searchable_steps(root: Step) -> list[tuple[Path, Step]]:
    """Every step a mistake can be propagated from, in reading order (pre-order)."""
    out: list[tuple[Path, Step]] = []
    stack: list[tuple[Path, Step]] = [((), root)]
    while stack:
        path, step = stack.pop()
        out.append((path, step))
        if step.substeps and rules.SPECS[step.rule].combine is not None:
            for i in reversed(range(len(step.substeps))):
                stack.append(((*path, i), step.substeps[i]))
    return out


def propagate(root: Step, overrides: Mapping[Path, Override]) -> sympy.Expr | None:
    """The root's result with the ``overrides`` steps computed their own way.

    Steps off the paths from the root to the overridden steps keep their
    results; the others are rebuilt bottom-up with ``combine`` (explicit
    stack, no recursion). ``None`` when a step cannot be rebuilt.
    """
    return rebuilt(root, overrides)[()]


def rebuilt(root: Step, overrides: Mapping[Path, Override]) -> dict[Path, sympy.Expr | None]:
    """The results of the root and of every step on a path to an override, as ``propagate`` makes them."""
    touched = {path[:k] for path in overrides for k in range(len(path) + 1)}
    values: dict[Path, sympy.Expr | None] = {}
    stack: list[tuple[Path, Step, bool]] = [((), root, False)]
    while stack:
        path, step, ready = stack.pop()
        if path not in touched:
            values[path] = step.result
            continue
        if not ready and step.substeps:
            stack.append((path, step, True))
            for i, sub in enumerate(step.substeps):
                stack.append(((*path, i), sub, False))
            continue
        children = tuple(values.get((*path, i)) for i in range(len(step.substeps)))
        if any(c is None for c in children):
            values[path] = None
            continue
        known: Values = tuple(c for c in children if c is not None)
        values[path] = overrides[path](step, known) if path in overrides else combine(step, known)
    return values


@dataclass(frozen=True)
class Scope:
    """Where each step stands, by its path: the names bound above it that its expression
    uses, in the variable (``u = x**2``), and its number as ``chainrule derive`` shows it."""

    names: Mapping[Path, tuple[Binding, ...]]
    labels: Mapping[Path, str]


def _scopes(root: Step) -> Scope:
    """Each step's :class:`Scope`."""
    out: dict[Path, tuple[Binding, ...]] = {}
    stack: list[tuple[Path, Step, dict[sympy.Symbol, sympy.Expr]]] = [((), root, {})]
    while stack:
        path, step, scope = stack.pop()
        used = step.expr.free_symbols | {step.wrt}
        out[path] = tuple((n, e) for n, e in scope.items() if n in used)
        inner = {**scope, **{n: put_back(v, scope) for n, v in full_values(step.bindings).items()}}
        for i, sub in enumerate(step.substeps):
            stack.append(((*path, i), sub, inner))
    return Scope(names=out, labels=labels_by_path(root))
