"""Which steps a reader sees, and their numbers: ``1``, ``1.2``, ``1.2.1``.

A derivation keeps every step (the JSON has them all, and each is checked).
What is shown depends on the level of detail:

- ``full``: every step, down to ``dx/dx = 1``, ``d/dx 5 = 0`` and ``dy/dx = y′``;
- ``normal`` (the default): the same without those trivial leaves, whose
  values the parent's equation already shows (``d/dx (7x) = 7``);
- ``brief``: only the steps that combine others (the sum, product, quotient,
  chain rule...); the table lookups show in their parent's equations.

The numbers count the shown steps, so ``chainrule derive`` and ``chainrule
check`` (which names the step where a mistake happens) agree at every level.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from chainrule.derivation.model import Derivation, Rule, Step
from chainrule.errors import UsageError

DETAILS = ("brief", "normal", "full")
DEFAULT_DETAIL = "normal"

_TRIVIAL = frozenset({Rule.VARIABLE, Rule.CONSTANT, Rule.DEPENDENT})  # dy/dx = y′ among them


@dataclass(frozen=True)
class Numbered:
    """A shown step, its parent among the shown steps, its depth and its number."""

    step: Step
    parent: Step | None
    depth: int
    label: str


def check_detail(detail: str) -> str:
    if detail not in DETAILS:
        raise UsageError(
            f"unknown {{detail}} {detail!r}; choose one of {', '.join(DETAILS)}", parameters=("detail",)
        )
    return detail


def shown(step: Step, detail: str, *, top: bool = False) -> bool:
    """Whether a reader sees ``step`` at this level of detail (a derivation's top step always)."""
    if top or detail == "full":
        return True
    if detail == "normal":
        return step.rule not in _TRIVIAL
    return bool(step.substeps) or step.rule in (Rule.SIMPLIFY, Rule.HIGHER_ORDER)


def numbered(derivation: Derivation, detail: str = DEFAULT_DETAIL) -> Iterator[Numbered]:
    """The shown steps in reading order, numbered; the simplification last."""
    roots = [derivation.root]
    if derivation.simplification is not None:
        roots.append(derivation.simplification)
    yield from numbered_roots(roots, detail)


def numbered_roots(roots: Iterable[Step], detail: str = DEFAULT_DETAIL) -> Iterator[Numbered]:
    """The shown steps under each of ``roots`` in turn, the roots numbered ``1``, ``2``, ..."""
    check_detail(detail)
    for k, root in enumerate(roots, start=1):
        yield from _numbered(root, detail, str_prefix="", first=k)


def _numbered(root: Step, detail: str, *, str_prefix: str, first: int) -> Iterator[Numbered]:
    # Explicit stack: (step, shown parent, depth, label). Hidden steps pass their children on.
    stack: list[tuple[Step, Step | None, int, str]] = [(root, None, 0, f"{str_prefix}{first}")]
    while stack:
        step, parent, depth, label = stack.pop()
        yield Numbered(step, parent, depth, label)
        visible = _visible_children(step, detail)
        for k in reversed(range(len(visible))):
            stack.append((visible[k], step, depth + 1, f"{label}.{k + 1}"))


def _visible_children(step: Step, detail: str) -> list[Step]:
    """The shown descendants that stand directly under ``step`` (hidden steps skipped over)."""
    found: list[Step] = []
    stack = list(reversed(step.substeps))
    while stack:
        child = stack.pop()
        if shown(child, detail):
            found.append(child)
        else:
            stack.extend(reversed(child.substeps))
    return found


def label_of(derivation: Derivation, target: Step, detail: str = DEFAULT_DETAIL) -> str:
    """The number of ``target``, or of its nearest shown ancestor when it is hidden."""
    labels = {id(n.step): n.label for n in numbered(derivation, detail)}
    if id(target) in labels:
        return labels[id(target)]
    # Walk down from the root, remembering the last shown step on the way to the target.
    stack: list[tuple[Step, str]] = [(derivation.root, labels[id(derivation.root)])]
    while stack:
        step, nearest = stack.pop()
        if step is target:
            return nearest
        for sub in step.substeps:
            stack.append((sub, labels.get(id(sub), nearest)))
    return labels[id(derivation.root)]


def labels_by_path(root: Step, detail: str = DEFAULT_DETAIL) -> dict[tuple[int, ...], str]:
    """Each step's number by its path (child indices from ``root``); a hidden step has its
    nearest shown ancestor's, as :func:`label_of` gives it."""
    check_detail(detail)
    out: dict[tuple[int, ...], str] = {}
    # Explicit stack: (path, step, nearest shown ancestor, its label, its shown children).
    stack: list[tuple[tuple[int, ...], Step, Step, str, list[Step]]] = [((), root, root, "1", [])]
    while stack:
        path, step, anchor, label, siblings = stack.pop()
        if path and shown(step, detail):
            label = f"{label}.{next(k for k, s in enumerate(siblings) if s is step) + 1}"
            anchor = step
        out[path] = label
        visible = _visible_children(anchor, detail) if anchor is step else siblings
        for i, sub in enumerate(step.substeps):
            stack.append(((*path, i), sub, anchor, label, visible))
    return out
