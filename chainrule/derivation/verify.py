"""Check that every step is true: d(expr)/d(wrt) really is its result.

``verify_derivation`` checks a whole derivation on one compiled program
(:mod:`chainrule.derivation.evaluate`), at random real points, with numbers only:

- Every step's ``expr`` and ``result`` are compiled into one tape. The names a
  step's ancestors bind (``u = x**2``) and the derivation's ``where`` compile to
  the slots of their definitions (nothing is substituted in SymPy), so every
  level of a chain shares its slots. A step that differentiates by one of those
  names (the chain rule's ``d/du sin(u)``) sees all names as independent
  variables (a partial derivative), and the names a step holds (``held``) stay
  independent too. This sharing relies on names being fresh: a step never
  contains a name bound outside its own ancestors (the engine takes each name
  once; ``tests/test_verify.py`` checks it).
- A derivative step is compared with a numeric derivative of its expression, never
  ``sympy.diff``: 5-point central differences in floats over only the
  instructions that depend on the step's variable, at two step sizes, whose
  difference (Richardson) estimates the truncation error, while the float pass's
  error bounds estimate the rounding error.
- **Floats only accept**: agreement within 1e-8 (relative to 1 + |D| + |R|) while
  the estimated error is under 1e-9. Everything else goes to mpmath, at a
  precision chosen from the float pass's error bounds (raised where sums cancel,
  as in expanded ``(x + 1)**120``), where central differences at h = 2⁻⁴⁰ and
  2⁻⁴⁸ are confirmed against each other; **only mpmath rejects**, at the old
  tolerance 1e-12, after recomputing the result 64 bits more precisely. The
  trade-off: a result wrong by a relative 1e-9 (and no more) can be accepted by
  the floats, where the old verifier (30 digits, 1e-12) rejected anything above
  1e-12; a wrong rule errs by O(1), and every seeded false step the old verifier
  catches this one catches too (``tests/test_verify.py``).
- ``sum`` steps whose terms are exactly the terms of the sum are checked as
  "result = the sum of the terms' results", a comparison of values: each term's
  own step is checked on its own, so the sum step is true if and only if that
  holds, and a 1,000-term sum is never differentiated numerically as a whole.
- The final ``simplify`` step (raw answer = simplified answer) and the sections of
  a ``higher_order`` step (each section differentiates the previous one's
  simplified result) are value comparisons too, so no derivative of a higher
  order is ever taken numerically.

Points come from one seeded generator per derivation and are shared by all
steps: a point sets every variable; each step needs 3 points where its values are
defined. A point where a value on the way is undefined, not real or overflows
(log of a negative number, ``exp(10**11262)``) is abandoned for the steps that
use it, and another is drawn. A step with no real point at all (``acosh(asin(x))``)
goes to the reference check (:func:`chainrule.derivation.comparison.verify_step`),
which tries complex points.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import mpmath
import sympy

from chainrule.derivation import evaluate
from chainrule.derivation.comparison import TOL, Comparison, compare, verify_step
from chainrule.derivation.evaluate import Instruction, Tape
from chainrule.derivation.numeric import EPS
from chainrule.errors import VerificationError
from chainrule.printing import plain
from chainrule.recursion import deep_recursion

if TYPE_CHECKING:
    from chainrule.derivation.model import Derivation, Step

__all__ = ["Claim", "Comparison", "compare", "verify_claims", "verify_derivation", "verify_step"]

POINTS = 3
ATTEMPTS = 60
TOL_FLOAT = 1e-8  # floats accept only agreement this close...
ERR_FLOAT = 1e-9  # ...while their estimated error is this small
H_FLOAT, H_FLOAT2 = 2.0**-10, 2.0**-13  # the two step sizes of the float differences

DERIVATIVE, VALUE = 0, 1
Names = dict[sympy.Symbol, sympy.Expr]


class _Item:
    """One check: ``d(f)/d(wrt) = r`` (DERIVATIVE) or ``f = r`` (VALUE), and its progress."""

    __slots__ = ("step", "claim", "kind", "f", "r", "wrt", "inherited", "what", "checked", "needs", "narrow")

    def __init__(self, step: Step | None, kind: int, f: int, r: int, wrt: int | None,
                 inherited: Names, what: str = "", claim: Claim | None = None) -> None:
        self.step, self.claim, self.kind, self.f, self.r, self.wrt = step, claim, kind, f, r, wrt
        self.inherited, self.what = inherited, what
        self.checked = 0
        self.needs = POINTS
        self.narrow: list[Instruction] | None = None  # f's instructions that depend on wrt


def verify_derivation(derivation: Derivation) -> None:
    """Check every step of ``derivation``; raise ``VerificationError`` on the first false one."""
    with deep_recursion():
        tape = Tape()
        items = _items(derivation, tape)
        _check_points(f"{derivation.input}|{derivation.wrt}|{derivation.order}", tape, items)
        for item in items:
            if item.checked == 0 and item.step is not None:  # no real point: complex points, step by step
                verify_step(item.step, item.inherited)


@dataclass(frozen=True, kw_only=True)
class Claim:
    """A fact to check with numbers: ``d(expr)/d(wrt) = result``, or ``expr = result`` without ``wrt``.

    ``label`` names it in the error (``the local gradient of n3 by x``).
    """

    expr: sympy.Expr
    result: sympy.Expr
    wrt: sympy.Symbol | None = None
    label: str


def verify_claims(claims: Sequence[Claim], *, seed: str,
                  at: Mapping[sympy.Symbol, float] | None = None) -> None:
    """Check every claim at shared random points (the variables in ``at`` fixed there);
    raise ``VerificationError`` on the first false one, or one that no point can check."""
    with deep_recursion():
        tape = Tape()
        items = []
        claims = [c for c in claims if c.wrt is not None or c.expr != c.result]  # x = x needs no numbers
        for claim in claims:
            f, r = tape.add(claim.expr), tape.add(claim.result)
            kind, wrt = (VALUE, None) if claim.wrt is None else (DERIVATIVE, tape.variable(claim.wrt))
            items.append(_Item(None, kind, f, r, wrt, {}, "claim", claim))
        fixed = {tape.var[s]: float(v) for s, v in (at or {}).items() if s in tape.var}
        free = sum(tape.deps[slot] for slot in tape.var.values() if slot not in fixed)
        for it in items:
            if not _uses(tape, it) & free:
                it.needs = 1  # nothing random in it: one point decides
        _check_points(seed, tape, items, fixed)
        for it, claim in zip(items, claims):
            if it.checked == 0:
                raise VerificationError(f"{claim.label} could not be checked: no point where it is defined")


def _uses(tape: Tape, it: _Item) -> int:
    """The bit mask of the variables a check depends on."""
    return tape.deps[it.f] | tape.deps[it.r] | (tape.deps[it.wrt] if it.wrt is not None else 0)


def _items(derivation: Derivation, tape: Tape) -> list[_Item]:
    """Every step compiled into ``tape``, as the checks it needs."""
    where = derivation.where_dict
    bound: Names = dict(where)
    for step, _, _ in derivation.walk():
        bound.update(step.bindings)
    maps: dict[frozenset[sympy.Symbol], Names] = {}
    items: list[_Item] = []
    context: dict[int, tuple[Names, frozenset[sympy.Symbol]]] = {}
    for step, parent, _ in derivation.root.walk():
        inherited, held = context[id(parent)] if parent is not None else (where, frozenset())
        if step.held:
            inherited = {n: v for n, v in inherited.items() if n not in step.held}
            held = held | frozenset(step.held)
        context[id(step)] = ({**inherited, **step.bindings_dict} if step.bindings else inherited), held
        if step.wrt in inherited:
            resolve: Names = {}
            env: Any = "independent"
        else:
            # Names are fresh, so resolving every name not held is resolving the inherited
            # ones, and every level shares its compiled slots.
            if held not in maps:
                maps[held] = {n: v for n, v in bound.items() if n not in held}
            resolve, env = maps[held], held
        items += _step_items(step, tape, resolve, env, inherited)
    if derivation.simplification is not None:
        resolve = maps.get(frozenset()) or dict(bound)
        raw = tape.add(derivation.raw_result, resolve, frozenset())
        final = tape.add(derivation.result, resolve, frozenset())
        items.append(_Item(derivation.simplification, VALUE, raw, final, None, where, "simplification"))
    return items


def _step_items(step: Step, tape: Tape, resolve: Names, env: Any, inherited: Names) -> list[_Item]:
    """The checks of one step: a derivative, or comparisons of values (sum, higher order)."""
    if step.rule.value == "higher_order":  # the Rule enum's values (model.py imports this module)
        return [
            _Item(step, VALUE, tape.add(before.result, resolve, env), tape.add(after.expr, resolve, env),
                  None, inherited, "section")
            for before, after in zip(step.substeps, step.substeps[1:])
        ]
    if step.order != 1:
        return [_Item(step, VALUE, -1, -1, None, inherited)]  # never happens: checked = 0, reference check
    if (
        step.rule.value == "sum"
        and not step.bindings
        and not any(s.held for s in step.substeps)
        and sympy.Add(*(s.expr for s in step.substeps)) == step.expr
    ):
        # (t1 + ... + tn)' = t1' + ... + tn': each term's step is checked on its own.
        total = tape.sum_of([tape.add(s.result, resolve, env) for s in step.substeps])
        r = tape.add(step.result, resolve, env)
        return [_Item(step, VALUE, total, r, None, inherited, "sum of the terms' derivatives")]
    f, r = tape.add(step.expr, resolve, env), tape.add(step.result, resolve, env)
    return [_Item(step, DERIVATIVE, f, r, tape.variable(step.wrt), inherited)]


def _sample(rng: random.Random, attempt: int) -> float:
    """Mostly moderate values; wider ones later, for domains like acosh or sqrt(x - 5)."""
    width = 2.5 if attempt < 20 else (6.0 if attempt < 40 else 40.0)
    value = rng.uniform(-width, width)
    return value + 0.37 if abs(value) < 0.05 else value


class _Plan:
    """What one point runs: the instructions the pending checks need, and per variable
    the instructions that depend on it (for the shifted passes of the differences)."""

    def __init__(self, tape: Tape, pending: list[_Item]) -> None:
        live = [it for it in pending if it.f >= 0]
        self.code = tape.needed([s for it in live for s in (it.f, it.r)])
        by_wrt: dict[int, list[int]] = {}
        for it in live:
            if it.kind == DERIVATIVE:
                by_wrt.setdefault(it.wrt, []).append(it.f)  # type: ignore[arg-type]
        self.shifted = {
            w: (tape.depending(tape.needed(fs), w), list(dict.fromkeys(fs))) for w, fs in by_wrt.items()
        }


def _check_points(
    seed: str, tape: Tape, items: list[_Item], fixed: Mapping[int, float] | None = None
) -> None:
    rng = random.Random(zlib.crc32(seed.encode()))
    variables = sorted(tape.var.items(), key=lambda kv: kv[0].name)
    pending = [it for it in items if it.f >= 0]
    plan = _Plan(tape, pending)
    for attempt in range(ATTEMPTS):
        if not pending:
            return
        point = {slot: _sample(rng, attempt) for _, slot in variables}
        point.update(fixed or {})
        values, bounds = tape.float_values(point)
        evaluate.run_float(plan.code, values, bounds)
        around: dict[tuple[int, int], list[float]] = {}
        for w, (sub, fs) in plan.shifted.items():
            around.update(_shifted(sub, values, w, fs, point[w], 0))
        done = False
        for it in pending:
            ok = _check(tape, it, point, values, bounds, around)
            if ok is None:
                continue  # undefined here: another point
            if isinstance(ok, tuple):
                _fail(it, tape, point, *ok)
            it.checked += 1
            done = done or it.checked >= it.needs
        if done:
            pending = [it for it in pending if it.checked < it.needs]
            plan = _Plan(tape, pending)


def _check(tape: Tape, it: _Item, point: dict[int, float], values: list[float], bounds: list[float],
           around: dict[tuple[int, int], list[float]]) -> bool | tuple[Any, Any] | None:
    """One check at one point: True, a pair (expected, got) that differ, or None (undefined)."""
    fv, rv = values[it.f], values[it.r]
    if fv != fv or rv != rv:
        return None
    if it.kind == VALUE:
        if _floats_agree(fv, rv, bounds[it.f], bounds[it.r]):
            return True
        return _mp_values(tape, it, point, bounds)
    w = it.wrt
    assert w is not None
    fs = around[(w, it.f)]
    if any(z != z for z in fs):
        return None
    x0 = point[w]
    ok, why = _float_derivative(fs, rv, bounds[it.f], bounds[it.r], x0, 0)
    level = 0
    while ok is None and why == "truncation" and level < 2:
        level += 1  # a fast-varying function: smaller steps, for this expression only
        if it.narrow is None:
            it.narrow = tape.depending(tape.needed([it.f]), w)
        fs = _shifted(it.narrow, values, w, [it.f], x0, level)[(w, it.f)]
        if any(z != z for z in fs):
            break
        ok, why = _float_derivative(fs, rv, bounds[it.f], bounds[it.r], x0, level)
    if ok:
        return True
    return _mp_derivative(tape, it, point, bounds, rv)


def _steps(x0: float, level: int) -> tuple[float, float]:
    s = max(1.0, abs(x0)) * 2.0 ** (-6 * level)
    return H_FLOAT * s, H_FLOAT2 * s


def _shifted(sub: list[Instruction], values: list[float], w: int, fs: list[int], x0: float,
             level: int) -> dict[tuple[int, int], list[float]]:
    """Each slot of ``fs`` at x0 + k·h (k = ±1, ±2, two h), evaluating ``sub`` in place and
    restoring what it overwrote: O(len(sub)), never a copy of the whole program's values."""
    written = [ins[1] for ins in sub]
    saved = [values[s] for s in written]
    out: dict[tuple[int, int], list[float]] = {(w, f): [] for f in fs}
    for h in _steps(x0, level):
        for k in (-2, -1, 1, 2):
            values[w] = x0 + k * h
            evaluate.run_float(sub, values, None)
            for f in fs:
                out[(w, f)].append(values[f])
    values[w] = x0
    for s, old in zip(written, saved):
        values[s] = old
    return out


def _float_derivative(fs: list[float], r: float, cf: float, cr: float, x0: float,
                      level: int) -> tuple[bool | None, str]:
    """5-point differences at h and h/8: (True, "") if they accept ``r``, else (None, why);
    why is "truncation" when a smaller step would help. Floats never reject."""
    hs = _steps(x0, level)
    d = []
    for j, h in enumerate(hs):
        fm2, fm1, fp1, fp2 = fs[4 * j:4 * j + 4]
        d.append((fm2 - 8.0 * fm1 + 8.0 * fp1 - fp2) / (12.0 * h))
    fmax = max(abs(z) for z in fs)
    scale = 1.0 + abs(d[1]) + abs(r)
    round_r = EPS * (cr + 1.0) * abs(r)
    best: tuple[float, float, bool] | None = None
    for dj, h, truncation in ((d[0], hs[0], abs(d[0] - d[1])), (d[1], hs[1], abs(d[0] - d[1]) / 4095.0)):
        rounding = EPS * (cf + 2.0) * fmax * 3.0 / h
        err = rounding + truncation + round_r
        if best is None or err < best[1]:
            best = (dj, err, truncation > rounding + round_r)
    assert best is not None
    dj, err, truncation_dominates = best
    if err > ERR_FLOAT * scale:
        return None, "truncation" if truncation_dominates else "rounding"
    if abs(dj - r) <= TOL_FLOAT * scale:
        return True, ""
    return None, "differ"


def _floats_agree(a: float, b: float, ca: float, cb: float) -> bool:
    scale = 1.0 + abs(a) + abs(b)
    if EPS * ((ca + 1) * abs(a) + (cb + 1) * abs(b)) > ERR_FLOAT * scale:
        return False
    return abs(a - b) <= TOL_FLOAT * scale


def _close(a: Any, b: Any) -> bool:
    return bool(abs(a - b) <= mpmath.mpf(TOL) * (1 + abs(a) + abs(b)))


def _mp_values(tape: Tape, it: _Item, point: Mapping[int, float],
               bounds: list[float]) -> bool | tuple[Any, Any] | None:
    code = tape.needed([it.f, it.r])
    prec = evaluate.needed_prec(max(bounds[it.f], bounds[it.r]))
    found = evaluate.value_mp(tape, code, point, [it.f, it.r], prec)
    if found is None:
        return None
    a, b = found
    if _close(a, b):
        return True
    found = evaluate.value_mp(tape, code, point, [it.f, it.r], prec + 64)  # confirm before rejecting
    if found is None:
        return None
    return True if _close(*found) else (found[0], found[1])


def _mp_result(tape: Tape, it: _Item, point: Mapping[int, float], bound: float, extra: int) -> Any:
    found = evaluate.value_mp(tape, tape.needed([it.r]), point, [it.r], evaluate.needed_prec(bound) + extra)
    return None if found is None else found[0]


def _mp_derivative(tape: Tape, it: _Item, point: Mapping[int, float], bounds: list[float],
                   r_float: float) -> bool | tuple[Any, Any] | None:
    """The step's result R and a central difference D of its expression, in mpmath.

    R comes from the float pass when its error bound is far below the tolerance, else
    from ``value_mp``. D: differences at h and h/2⁸ at a precision chosen from the float
    pass's error bound; their disagreement estimates D's error, and decides between a
    smaller step (truncation) and more digits (rounding).
    """
    if EPS * (bounds[it.r] + 1.0) < TOL / 4:
        r = mpmath.mpf(r_float)
    else:
        r = _mp_result(tape, it, point, bounds[it.r], 0)
    if r is None:
        return None
    d = _mp_difference(tape, it, point, evaluate.needed_prec(bounds[it.f]), r)
    if d is None:
        return None
    if _close(d, r):
        return True
    r = _mp_result(tape, it, point, bounds[it.r], 64)  # confirm the result before rejecting
    if r is None:
        return None
    return True if _close(d, r) else (d, r)


def _mp_difference(tape: Tape, it: _Item, point: Mapping[int, float], prec: int, r: Any) -> Any:
    code = tape.needed([it.f])
    sub = tape.depending(code, it.wrt)  # type: ignore[arg-type]
    x0 = mpmath.mpf(point[it.wrt])  # type: ignore[index]
    exponent = 40
    d2 = None
    for _ in range(6):
        work = prec + 2 * (exponent + 8)
        with mpmath.workprec(work):
            base = tape.mp_values(point, code, (it.f,))
            evaluate.run_mp(code, base)
            ds = []
            for e in (exponent, exponent + 8):
                h = mpmath.ldexp(max(mpmath.mpf(1), abs(x0)), -e)
                fx = []
                for k in (-1, 1):
                    shifted = dict(base)
                    shifted[it.wrt] = x0 + k * h  # type: ignore[index]
                    evaluate.run_mp(sub, shifted)
                    fx.append(shifted[it.f])
                if any(z != z for z in fx):
                    return None
                ds.append((fx[1] - fx[0]) / (2 * h))
            d1, d2 = ds
            truncation = abs(d1 - d2) / 65535
            rounding = mpmath.ldexp(max(abs(base[it.f]), abs(d2)), -(work - exponent - 12))
            if truncation + rounding <= mpmath.mpf(10) ** -16 * (1 + abs(d2) + abs(r)):
                break
        if truncation > rounding:
            exponent += 16
        else:
            prec *= 2
    return d2


def _fail(it: _Item, tape: Tape, point: Mapping[int, float], want: Any, got: Any) -> None:
    if it.claim is not None:
        _fail_claim(it, it.claim, tape, point, want, got)
    step = it.step
    assert step is not None
    at = _point_text(it, tape, point)
    if it.kind == VALUE:
        claim = f"the {it.what} does not preserve the value"
    else:
        claim = f"d/d{step.wrt} {plain(step.expr)} is not {plain(step.result)}"
    raise VerificationError(
        f"step {step.rule.value!r} is false: {claim} (at {at}: expected "
        f"{mpmath.nstr(want, 12)}, got {mpmath.nstr(got, 12)})",
        step=step,
    )


def _point_text(it: _Item, tape: Tape, point: Mapping[int, float]) -> str:
    uses = _uses(tape, it)
    names = {slot: symbol for symbol, slot in tape.var.items() if tape.deps[slot] & uses}
    return ", ".join(
        f"{names[s]} = {mpmath.nstr(mpmath.mpf(v), 6)}"
        for s, v in sorted(point.items(), key=lambda kv: str(names.get(kv[0], ""))) if s in names
    )


def _fail_claim(it: _Item, claim: Claim, tape: Tape, point: Mapping[int, float], want: Any, got: Any) -> None:
    at = _point_text(it, tape, point)
    where = f" at {at}" if at else ""
    if claim.wrt is None:
        fact = f"{plain(claim.expr)} = {plain(claim.result)}"
    else:
        fact = f"d/d{claim.wrt} {plain(claim.expr)} = {plain(claim.result)}"
    raise VerificationError(
        f"{claim.label} is false: {fact} does not hold{where} (expected {mpmath.nstr(want, 12)}, "
        f"got {mpmath.nstr(got, 12)})"
    )
