"""A compiled numeric evaluator: expressions become flat programs, run at many points.

    tape = Tape()
    f = tape.add(expr)                      # the slot of expr; equal subtrees share slots
    code = tape.needed([f])                 # the instructions f needs, in order
    values, bounds = tape.float_values({tape.variable(x): 0.7})
    run_float(code, values, bounds)         # values[f], and its error bound in unit roundoffs
    value_mp(tape, code, point, [f], prec)  # the same program in mpmath, confirmed at two precisions

Why: SymPy's ``expr.xreplace(point).evalf()`` rebuilds and re-evaluates the tree at
every point (1-3 ms per point on homework); a compiled program costs 15-25 µs, and
its compilation about 100 µs per expression.

- No recursion (an explicit stack) and no ``eval``, ``exec`` or ``lambdify``: a
  program is a list of instructions ``(op, out, args, aux)`` over numbered slots.
  Structurally equal subtrees share one slot across everything compiled into a
  tape. A name with a definition (``u = x**2``) compiles to its definition's
  slot, so no substitution ever happens in SymPy.
- A point is abandoned per slot: a domain error, a value that is not real (log or
  square root of a negative number, a negative base to a fractional power: SymPy's
  principal root is not real) or an overflow (|v| > 1e300, and arguments that
  would cost mpmath thousands of digits) makes the slot NaN, and NaN spreads to
  everything that uses it.
- Cancellation: the float pass carries, per slot, a running bound on its relative
  error in unit roundoffs: a sum gets Σ|tᵢ|(cᵢ + 1)/|Σtᵢ|, a product Σcᵢ + n − 1,
  exp(u) |u|·c_u, log(u) c_u/|log u|, other functions their condition number.
  ``needed_prec`` turns the lost bits into an mpmath precision and ``value_mp``
  confirms at that precision and 64 bits more, doubling until the two agree.
- Undefined functions become their stand-ins (:mod:`chainrule.derivation.numeric`),
  ``Derivative(f(a, b), a)`` and ``Subs(Derivative(g(t), t), t, h)`` in closed
  form. Any other node SymPy knows and this module does not is evaluated by
  SymPy's ``evalf``, that node alone, its free symbols taken from the program.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import mpmath
import sympy
from mpmath import mp
from mpmath.libmp import fnan
from sympy.core.function import AppliedUndef

from chainrule.derivation import numeric
from chainrule.derivation.numeric import BIG, BIG_MAG, EPS, NAN, NonReal

ADD, MUL, POWI, POWC, POW, F1, FN, UNDEF, FALLBACK = range(9)

Instruction = tuple[int, int, tuple[int, ...], Any]
_ERRORS = (ValueError, OverflowError, ZeroDivisionError, TypeError, ArithmeticError)


class Tape:
    """A flat program over numbered slots; :meth:`add` compiles an expression into it."""

    def __init__(self) -> None:
        self.code: list[Instruction] = []
        self.nslots = 0
        self.fconst: dict[int, float] = {}  # slot -> float value of a constant
        self.fcond: dict[int, float] = {}  # slot -> its rounding (0 exact, 1 rounded)
        self.mconst: dict[int, tuple[Any, ...]] = {}  # slot -> how to make its mpf
        self.var: dict[sympy.Symbol, int] = {}  # independent variable -> slot
        self.deps: list[int] = []  # slot -> bit mask of the variables it depends on
        self.producer: dict[int, int] = {}  # slot -> index of the instruction computing it
        self._memo: dict[tuple[sympy.Basic, Any], int] = {}
        self._stand_ins: dict[tuple[str, int], numeric.StandIn] = {}
        self._mp_cache: dict[tuple[int, int], Any] = {}  # (slot, prec) -> mpf of a constant

    # -- building ---------------------------------------------------------------------------
    def _slot(self) -> int:
        self.nslots += 1
        self.deps.append(0)
        return self.nslots - 1

    def variable(self, symbol: sympy.Symbol) -> int:
        """The slot of an independent variable (made on first use)."""
        slot = self.var.get(symbol)
        if slot is None:
            slot = self.var[symbol] = self._slot()
            self.deps[slot] = 1 << (len(self.var) - 1)
        return slot

    def _constant(self, node: sympy.Basic) -> int | None:
        how: tuple[Any, ...]
        if node.is_Integer:
            p = int(node)
            value, rounded, how = float(p), 0.0 if abs(p) < 2**53 else 1.0, ("int", p)
        elif node.is_Rational:
            value, rounded, how = node.p / node.q, 1.0, ("rat", node.p, node.q)
        elif node.is_Float:
            value, rounded, how = float(node), 0.0 if node._prec <= 53 else 1.0, ("mpf", node._mpf_)
        elif node is sympy.pi:
            value, rounded, how = math.pi, 1.0, ("pi",)
        elif node is sympy.E:
            value, rounded, how = math.e, 1.0, ("e",)
        elif node.is_number and not node.args:  # EulerGamma, oo, zoo, nan, I, ...
            try:
                value = float(node.evalf(20))
            except (TypeError, ValueError):
                value = NAN
            if not math.isfinite(value):
                value = NAN
            rounded, how = 1.0, ("evalf", node) if value == value else ("nan",)
        else:
            return None
        slot = self._slot()
        self.fconst[slot], self.fcond[slot], self.mconst[slot] = value, rounded, how
        return slot

    def add(self, expr: sympy.Basic, resolve: Mapping[sympy.Symbol, sympy.Basic] | None = None,
            env: Any = None) -> int:
        """Compile ``expr``, names in ``resolve`` replaced by their definitions; its slot.

        ``env`` names the resolution map for sharing: expressions compiled with the
        same ``env`` share slots (pass equal keys for equal maps).
        """
        resolve = resolve or {}
        memo = self._memo
        stack: list[tuple[sympy.Basic, bool]] = [(expr, False)]
        while stack:
            node, ready = stack.pop()
            key = (node, env)
            if key in memo:
                continue
            if node.is_Symbol:
                definition = resolve.get(node)
                if definition is None:
                    memo[key] = self.variable(node)
                elif (definition, env) in memo:
                    memo[key] = memo[(definition, env)]
                elif ready:
                    raise ValueError(f"circular definition of {node}")
                else:
                    stack += [(node, True), (definition, False)]
                continue
            if not node.args:
                slot = self._constant(node)
                memo[key] = slot if slot is not None else self._fallback(node, resolve, env)
                continue
            children = _children(node)
            if not ready:
                stack.append((node, True))
                stack.extend((c, False) for c in children if (c, env) not in memo)
                continue
            memo[key] = self._emit(node, [memo[(c, env)] for c in children], resolve, env)
        return memo[(expr, env)]

    def _finish(self, op: int, args: tuple[int, ...], aux: Any) -> int:
        out = self._slot()
        dep = 0
        for a in args:
            dep |= self.deps[a]
        self.deps[out] = dep
        self.producer[out] = len(self.code)
        self.code.append((op, out, args, aux))
        return out

    def _emit(self, node: sympy.Basic, args: list[int], resolve: Any, env: Any) -> int:
        if node.is_Add:
            return self._finish(ADD, tuple(args), None)
        if node.is_Mul:
            return self._finish(MUL, tuple(args), None)
        if node.is_Pow:
            e = node.exp
            if e.is_Integer:
                return self._finish(POWI, (args[0],), int(e))
            if e.is_Rational:
                return self._finish(POWC, (args[0],), (e.p, e.q))
            return self._finish(POW, tuple(args), None)
        if isinstance(node, (sympy.Derivative, sympy.Subs, AppliedUndef)):
            found = numeric.undefined_derivative(node) if not isinstance(node, AppliedUndef) else None
            if isinstance(node, AppliedUndef):
                return self._finish(UNDEF, tuple(args), (self._stand_in(node), (0,) * len(args)))
            if found is None:
                return self._fallback(node, resolve, env)
            return self._finish(UNDEF, tuple(args), (self._stand_in(found[0]), found[1]))
        cls = type(node)
        unary = numeric.UNARY.get(cls)
        if unary is not None and len(args) == 1:
            return self._finish(F1, (args[0],), unary)
        kind = numeric.SEVERAL.get(cls)
        if kind == "heaviside":
            at_zero = node.args[1] if len(node.args) > 1 else sympy.S.Half
            if at_zero.is_Rational:
                return self._finish(FN, (args[0],), (kind, at_zero))
        elif kind is not None:
            return self._finish(FN, tuple(args), (kind, None))
        return self._fallback(node, resolve, env)

    def _stand_in(self, f: AppliedUndef) -> numeric.StandIn:
        key = (f.func.__name__, len(f.args))
        found = self._stand_ins.get(key)
        if found is None:
            found = self._stand_ins[key] = numeric.stand_in(*key)
        return found

    def _fallback(self, node: sympy.Basic, resolve: Any, env: Any) -> int:
        """SymPy's evalf for this node alone: its free symbols come from the program."""
        symbols = tuple(sorted(node.free_symbols, key=lambda s: s.name))
        slots = tuple(self.add(s, resolve, env) for s in symbols)
        return self._finish(FALLBACK, slots, (numeric.exact(numeric.concrete(node)), symbols))

    def sum_of(self, slots: Sequence[int]) -> int:
        """A slot holding the sum of existing slots."""
        return self._finish(ADD, tuple(slots), None)

    # -- choosing what to run -----------------------------------------------------------------
    def needed(self, roots: Sequence[int]) -> list[Instruction]:
        """The instructions the slots ``roots`` need, in order: O(k log k) for k of them."""
        producer, code = self.producer, self.code
        seen: set[int] = set()
        stack = [r for r in roots if r in producer]
        while stack:
            slot = stack.pop()
            if slot in seen:
                continue
            seen.add(slot)
            stack.extend(a for a in code[producer[slot]][2] if a in producer and a not in seen)
        return [code[i] for i in sorted(producer[s] for s in seen)]

    def depending(self, code: list[Instruction], var_slot: int) -> list[Instruction]:
        """The instructions of ``code`` whose value depends on the variable in ``var_slot``."""
        bit = self.deps[var_slot]
        return [ins for ins in code if self.deps[ins[1]] & bit]

    # -- values ---------------------------------------------------------------------------------
    def float_values(self, point: Mapping[int, float]) -> tuple[list[float], list[float]]:
        """Fresh value and error-bound arrays with the constants and the point filled in."""
        values = [NAN] * self.nslots
        bounds = [0.0] * self.nslots
        for s, v in self.fconst.items():
            values[s] = v
        for s, c in self.fcond.items():
            bounds[s] = c
        for s, v in point.items():
            values[s] = v
        return values, bounds

    def mp_values(self, point: Mapping[int, Any], code: list[Instruction],
                  extra: Sequence[int] = ()) -> dict[int, Any]:
        """The leaves ``code`` reads (the point's variables, constants) at the current ``mp.prec``."""
        prec = mp.prec
        producer = self.producer
        wanted = {a for ins in code for a in ins[2] if a not in producer}
        wanted.update(a for a in extra if a not in producer)
        values: dict[int, Any] = {}
        cache = self._mp_cache
        for s in wanted:
            if s in point:
                values[s] = mpmath.mpf(point[s])
                continue
            v = cache.get((s, prec))
            if v is None:
                v = cache[(s, prec)] = _mp_constant(self.mconst[s])
            values[s] = v
        return values


def _children(node: sympy.Basic) -> tuple[sympy.Basic, ...]:
    """The subexpressions an instruction for ``node`` reads, or () for a fallback node."""
    if isinstance(node, (sympy.Derivative, sympy.Subs)):
        found = numeric.undefined_derivative(node)
        return () if found is None else found[2]
    if node.is_Pow and node.exp.is_Rational:
        return (node.base,)
    if isinstance(node, sympy.Heaviside):
        return node.args[:1]
    if node.is_Add or node.is_Mul or node.is_Pow or isinstance(node, AppliedUndef):
        return node.args
    cls = type(node)
    if (cls in numeric.UNARY and len(node.args) == 1) or cls in numeric.SEVERAL:
        return node.args
    return ()


def _mp_constant(how: tuple[Any, ...]) -> Any:
    kind = how[0]
    if kind == "int":
        return mpmath.mpf(how[1])
    if kind == "rat":
        return mpmath.mpf(how[1]) / how[2]
    if kind == "mpf":
        return mpmath.mpf(how[1])
    if kind == "pi":
        return +mpmath.pi
    if kind == "e":
        return +mpmath.e
    if kind == "nan":
        return mpmath.mpf("nan")
    return mpmath.mpf(how[1].evalf(int(mp.prec / 3.32) + 5)._mpf_)


# -- running --------------------------------------------------------------------------------------


def run_float(  # long: the inner loop of every check, one branch per operation, one function for speed
    code: list[Instruction], values: list[float], bounds: list[float] | None
) -> None:
    """Evaluate ``code`` in floats into ``values``; ``bounds`` (if given) gets error bounds in ulps."""
    isfinite = math.isfinite
    track = bounds is not None
    for op, out, args, aux in code:
        try:
            if op == MUL:
                r = 1.0
                for a in args:
                    r *= values[a]
                if track:
                    c = len(args) - 1.0
                    for a in args:
                        c += bounds[a]  # type: ignore[index]
                    bounds[out] = c  # type: ignore[index]
            elif op == ADD:
                r = 0.0
                for a in args:
                    r += values[a]
                if track:
                    m = 0.0
                    for a in args:
                        m += abs(values[a]) * (bounds[a] + 1.0)  # type: ignore[index]
                    bounds[out] = m / abs(r) if r else (0.0 if m == 0 else math.inf)  # type: ignore[index]
            elif op == POWI:
                r = values[args[0]] ** aux
                if track:
                    bounds[out] = abs(aux) * bounds[args[0]] + 1.0  # type: ignore[index]
            elif op == F1:
                u = values[args[0]]
                if u != u:
                    r = NAN
                else:
                    r = aux.in_floats(u)
                    if track:
                        cu = bounds[args[0]]  # type: ignore[index]
                        if cu:
                            cf = aux.condition
                            k = cf(u, r) if cf else numeric.condition(aux.in_floats, u, r)
                            bounds[out] = k * cu + 1.0  # type: ignore[index]
                        else:
                            bounds[out] = 1.0  # type: ignore[index]
            elif op == POWC:
                b = values[args[0]]
                p, q = aux
                if b < 0:
                    raise NonReal("a root of a negative number")
                r = math.sqrt(b) if q == 2 and p == 1 else b ** (p / q)
                if track:
                    bounds[out] = abs(p / q) * bounds[args[0]] + 1.0  # type: ignore[index]
            elif op == POW:
                b, e = values[args[0]], values[args[1]]
                if b < 0 and e != int(e):
                    raise NonReal("a negative base to a fractional power")
                r = b**e
                if track:
                    lb = math.log(abs(b)) if b else 0.0
                    bounds[out] = (  # type: ignore[index]
                        abs(e) * bounds[args[0]] + abs(e * lb) * (bounds[args[1]] + 1) + 1.0  # type: ignore[index]
                    )
            elif op == FN:
                xs = [values[a] for a in args]
                r = NAN if any(x != x for x in xs) else numeric.float_n(aux[0], aux[1], xs)
                if track:
                    bounds[out] = max(bounds[a] for a in args) * 4 + 1.0  # type: ignore[index]
            elif op == UNDEF:
                r = numeric.stand_in_float(aux[0], aux[1], [values[a] for a in args])
                if track:
                    bounds[out] = (max(bounds[a] for a in args) if args else 0) * 8 + 4.0  # type: ignore[index]
            else:
                r = float(_fallback(aux, [values[a] for a in args], 30))
                if track:
                    bounds[out] = 1.0  # type: ignore[index]
            if type(r) is complex:
                raise NonReal("complex value")
            if not isfinite(r) or abs(r) > BIG:
                r = NAN
        except _ERRORS:
            r = NAN
        values[out] = r


def _fallback(aux: Any, xs: list[Any], digits: int) -> Any:
    """SymPy's evalf of one node, its free symbols given (the slow path, for rare nodes)."""
    node, symbols = aux
    if any(x != x for x in xs):
        raise ValueError("undefined argument")
    point = {s: sympy.Float(x, digits + 10) for s, x in zip(symbols, xs)}
    value = node.xreplace(point).evalf(digits)
    if not value.is_number or value.has(sympy.nan, sympy.zoo, sympy.oo, -sympy.oo):
        raise ValueError("undefined")
    re, im = value.as_real_imag()
    if abs(im) > 10 ** (-digits // 2) * (1 + abs(re)):
        raise NonReal("complex value")
    return mpmath.mpf(re.evalf(digits)._mpf_) if not re.is_zero else mpmath.mpf(0)


def run_mp(code: list[Instruction], values: dict[int, Any]) -> None:
    """Evaluate ``code`` in mpmath at the current ``mp.prec`` into ``values`` (NaN: abandoned)."""
    nan = mpmath.mpf("nan")
    mag = mpmath.mag
    digits = int(mp.prec / 3.32) + 5
    for op, out, args, aux in code:
        try:
            xs = [values[a] for a in args]
            if any(x._mpf_ == fnan for x in xs):
                values[out] = nan
                continue
            if op == MUL:
                r = mpmath.fprod(xs)
            elif op == ADD:
                r = mpmath.fsum(xs)
            elif op == POWI:
                r = xs[0] ** aux
            elif op == F1:
                r = aux.in_mp(xs[0])
            elif op == POWC:
                r = _mp_root(xs[0], *aux)
            elif op == POW:
                b, e = xs
                if b < 0 and e != int(e):
                    raise NonReal("a negative base to a fractional power")
                if b > 0 and e * mpmath.log(b) > numeric.EXP_LIMIT:
                    raise OverflowError("overflows")
                r = b**e
            elif op == FN:
                r = numeric.mp_n(aux[0], aux[1], xs)
            elif op == UNDEF:
                r = numeric.stand_in_mp(aux[0], aux[1], xs)
            else:
                r = _fallback(aux, xs, digits)
            r = numeric.real_mp(r)
            if r and mag(r) > BIG_MAG:
                r = nan
        except _ERRORS:
            r = nan
        values[out] = r


def _mp_root(b: Any, p: int, q: int) -> Any:
    if b < 0:
        raise NonReal("a root of a negative number")
    if (p, q) == (1, 2):
        return mpmath.sqrt(b)
    root = mpmath.root(b, q)
    return root**p if p > 0 else 1 / root**-p


def needed_prec(bound: float, target_bits: int = 80) -> int:
    """mpmath precision (bits) for ``target_bits`` correct bits when the float pass lost log2(bound)."""
    if bound <= 1:
        lost = 0.0
    elif math.isfinite(bound):
        lost = math.log2(bound)
    else:
        lost = 200.0
    return int(target_bits + lost + 16)


def value_mp(tape: Tape, code: list[Instruction], point: Mapping[int, float], slots: Sequence[int],
             prec: int, *, rel: float = 1e-20, max_prec: int = 8000) -> list[Any] | None:
    """Values of ``slots`` accurate to ``rel``: at prec and prec + 64 bits, doubling until they agree.

    ``None`` when a value is undefined at the point.
    """
    found = None
    while prec <= max_prec:
        with mpmath.workprec(prec):
            values = tape.mp_values(point, code, slots)
            run_mp(code, values)
            now = [values[s] for s in slots]
        with mpmath.workprec(prec + 64):
            values = tape.mp_values(point, code, slots)
            run_mp(code, values)
            found = [values[s] for s in slots]
        if any(v != v for v in found):
            return None
        if all(abs(a - b) <= rel * abs(b) for a, b in zip(now, found)):
            return found
        prec *= 2
    return found


class Compiled:
    """One expression compiled for many points: ``Compiled(expr).value({x: 0.5})``."""

    def __init__(self, expr: sympy.Basic) -> None:
        self.tape = Tape()
        self.root = self.tape.add(expr)
        self.code = self.tape.needed([self.root])

    def _slots(self, point: Mapping[sympy.Symbol, float]) -> dict[int, float]:
        return {self.tape.var[s]: float(v) for s, v in point.items() if s in self.tape.var}

    def in_floats(self, point: Mapping[sympy.Symbol, float]) -> tuple[float, float]:
        """The value in floats and its error bound in unit roundoffs (NaN: undefined there)."""
        values, bounds = self.tape.float_values(self._slots(point))
        run_float(self.code, values, bounds)
        return values[self.root], bounds[self.root]

    def value(self, point: Mapping[sympy.Symbol, float], *, bits: int = 40) -> Any:
        """The value with ``bits`` correct bits: floats when their bound allows, else mpmath; or None."""
        v, bound = self.in_floats(point)
        if v != v:
            return None
        if bound * EPS < 2.0**-bits:
            return v
        got = value_mp(self.tape, self.code, self._slots(point), [self.root], needed_prec(bound))
        return None if got is None else got[0]
