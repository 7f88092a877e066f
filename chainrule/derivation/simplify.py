"""The final answer in the form a textbook prints, from a few targeted SymPy passes.

``final_form(expr, wrt)`` tries a handful of candidate forms and keeps the one a
textbook would print (the policy is docs/answers.md):

1. ``factor_terms``: common factors out of sums, ``2(2x+1)⁴(x³-x+1)³(...)``.
2. One fraction: ``together``; the numerator's common factors out and the rest
   expanded (only when the expansion stays small: its term count is estimated
   first) and collected in powers of ``wrt``; the denominator factored; equal
   factors of both cancelled structurally, and by ``cancel`` (a polynomial gcd)
   only when the answer is exact and small.
3. Terms: a fraction with functions split over its numerator's terms, each term
   reduced (``(x cos x + sin x)/(x sin x)`` is ``1/x + cot x``); a rational
   function with a polynomial part as that part plus a fraction
   (``270x⁴ + 39/(x + 1)²``, but ``(x² - 2x - 1)/(x - 1)²`` stays one fraction).
4. ``factor``, for exact rational functions of small degree.
5. Tidying passes applied to each candidate: trigonometric ratios
   (sin/cos → tan, 1/cos → sec, ...) and the Pythagorean identities between two
   terms (1 + tan² → sec², tan² − sec² → −1, 1 − tanh² → sech², ...); for small
   exact answers in one trigonometric argument, sin² → 1 − cos² by polynomial
   division; ``sign(u)/|u|`` → ``1/u``; ``sqrt(1 - 1/x²)`` → ``sqrt(1 - x²)/|x|``.

The choice: no candidate longer (``count_ops``) than ``expr`` itself, so the answer
is never longer than the rules' result; then the fewest compound fractions, the
fewest functions ``expr`` does not already use (no ``Piecewise``, no sin/cos where
the exercise has sec/tan; tan, cot, sec and csc are ratios, never new), the fewest
operations; ties keep the earlier candidate.

Never ``sympy.simplify`` or ``trigsimp``: they are unbounded in time (seconds on
a 29-operation tanh chain, minutes on some integrands), and ``simplify`` imports
``sympy.physics.units`` (0.1 s) just to ask whether the answer holds units. Every
pass here is bounded by the size of what it gets (the limits below), so the time
does not depend on the machine, and no deadline is needed. Answers with Floats
get only the passes that are exact in floating point (no ``cancel`` or
``factor``); answers with derivatives of undefined functions only
``factor_terms``, and answers of more than ``MAX_NODES`` nodes none: they stay as
the rules wrote them. A ``simplify`` step is verified by value like every other step,
so a wrong pass would be caught.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import sympy
from sympy import Add, Mul, S
from sympy.core.function import AppliedUndef
from sympy.functions.elementary.hyperbolic import HyperbolicFunction
from sympy.functions.elementary.trigonometric import TrigonometricFunction

from chainrule.derivation import trigforms
from chainrule.walk import rebuilt

#: Above this many nodes (as a tree), the rules' answer stays as it is: every pass, and
#: ``count_ops`` itself, walks the tree, which for a nest of depth d has O(d²) nodes.
MAX_NODES = 400
#: A sum is expanded only if it gives at most this many terms.
MAX_EXPANDED_TERMS = 60
#: ``factor`` and ``cancel`` only on exact answers this small...
MAX_EXACT_NODES = 120
#: ...of at most this degree.
MAX_FACTOR_DEGREE = 24
#: One fraction only from at most this many different denominators.
MAX_DENOMINATORS = 6
#: Numbers beyond this make polynomial algorithms slow: no ``factor`` or ``cancel``.
MAX_NUMBER = 10**12


def final_form(expr: sympy.Expr, wrt: sympy.Symbol | None = None) -> sympy.Expr:
    """``expr`` in the form a textbook prints; never longer (``count_ops``) than ``expr``.

    Args:
        expr: the answer as the rules give it.
        wrt: the variable whose powers a numerator is collected in (inferred when
            ``expr`` has one free symbol).

    >>> import sympy
    >>> x = sympy.Symbol("x", real=True)
    >>> final_form(-(x**2 + 1)/(x - 1)**2 + 2*x/(x - 1), x)
    (x**2 - 2*x - 1)/(x - 1)**2
    >>> final_form(sympy.sin(x)**2 + sympy.cos(x)**2)
    1
    """
    if expr.is_Atom or _larger_than(expr, MAX_NODES):
        return expr
    if wrt is None and len(expr.free_symbols) == 1:
        (wrt,) = expr.free_symbols
    info = _Contents(expr)
    starts = [expr]
    if info.abs_sign:
        starts.append(_sign_over_abs(expr))
    if info.root_of_fraction:
        starts.append(_roots_of_fractions(starts[-1]))
    candidates = list(starts)
    for start in starts:
        candidates += _forms(start, wrt, info if start is expr else _Contents(start))
    return _best(candidates, expr)


def _forms(expr: sympy.Expr, wrt: sympy.Symbol | None, info: _Contents) -> list[sympy.Expr]:
    """The candidate forms of ``expr`` (see the module's docstring)."""
    forms = [factor_terms(expr)]
    if info.opaque:
        return forms
    exact = not info.floats
    if (info.denominators or expr.is_Add) and len(info.denominators) <= MAX_DENOMINATORS:
        fraction = _one_fraction(expr, wrt, exact and info.small_exact)
        forms.append(fraction)
        if info.denominators and not info.rational:
            forms.append(_terms(fraction))
        if info.small_exact and info.rational and wrt is not None:
            forms.append(_divided(fraction, wrt))
    if info.small_exact and info.rational:
        forms.append(sympy.factor(expr))
    if info.trig or info.hyper:
        forms += [trigforms.ratios(f) for f in forms]
        if exact and info.small_exact and not info.hyper and len(info.trig_args) == 1 and not info.other:
            (u,) = info.trig_args
            best = _best(forms, expr)
            if trigforms.has_identity_terms(best):
                reduced = trigforms.pythagoras_reduce(best, u)
                if reduced is not None and _term_count(reduced) < _term_count(best):
                    forms.append(reduced)  # only when it joins terms: cos²x - sin²x stays
    return forms


# -- what an expression contains: one walk ---------------------------------------------------------


def _larger_than(expr: sympy.Expr, limit: int) -> bool:
    """Whether ``expr`` has more than ``limit`` nodes as a tree; stops counting there."""
    count, stack = 0, [expr]
    while stack:
        count += 1
        if count > limit:
            return True
        stack.extend(stack.pop().args)
    return False


#: Nodes the passes leave alone (only ``factor_terms`` runs on an answer holding one).
_OPAQUE = (sympy.Derivative, sympy.Subs, sympy.Piecewise, AppliedUndef, sympy.Integral)


class _Contents:
    """What ``expr`` holds, found in one explicit-stack walk, to choose the passes."""

    def __init__(self, expr: sympy.Expr) -> None:
        self.nodes = 0
        self.floats = self.big_numbers = self.trig = self.hyper = self.other = self.opaque = False
        self.abs_sign = self.root_of_fraction = False
        self.trig_args: set[sympy.Expr] = set()
        self.denominators: set[sympy.Expr] = set()
        self.max_exponent = 0
        stack = [expr]
        while stack:
            node = stack.pop()
            self.nodes += 1
            if node.is_Atom:
                self._atom(node)
                continue
            if node.is_Pow:
                self._power(node)
            elif isinstance(node, TrigonometricFunction):
                self.trig = True
                self.trig_args.add(node.args[0])
            elif isinstance(node, HyperbolicFunction):
                self.hyper = True
            elif isinstance(node, _OPAQUE):
                self.opaque = True
            elif isinstance(node, (sympy.Abs, sympy.sign)):
                self.abs_sign = True
                self.other = True
            elif node.is_Function:
                self.other = True
            stack.extend(node.args)

    def _atom(self, node: sympy.Basic) -> None:
        if node.is_Float:
            self.floats = True
        elif node.is_Rational and (abs(node.p) > MAX_NUMBER or node.q > MAX_NUMBER):
            self.big_numbers = True

    def _power(self, node: sympy.Basic) -> None:
        base, e = node.args
        if e.is_Integer:
            self.max_exponent = max(self.max_exponent, abs(int(e)))
        elif not e.is_Rational:
            self.other = True
            return
        if e.is_negative:
            self.denominators.add(base)
        if not e.is_Integer and base.is_Add and any(_has_denominator(Mul.make_args(t)) for t in base.args):
            self.root_of_fraction = True

    @property
    def small_exact(self) -> bool:
        """Small enough, and exact, for polynomial algorithms (``cancel``, ``factor``)."""
        return (
            not self.floats
            and not self.big_numbers
            and self.nodes <= MAX_EXACT_NODES
            and self.max_exponent <= MAX_FACTOR_DEGREE
        )

    @property
    def rational(self) -> bool:
        """A rational function: no functions, no symbolic exponents."""
        return not (self.trig or self.hyper or self.other or self.opaque)


# -- one fraction ------------------------------------------------------------------------------------


def factor_terms(expr: sympy.Expr) -> sympy.Expr:
    """SymPy's ``factor_terms`` outside function arguments: ``e^(x² + x)`` keeps its argument as
    written (SymPy's would write ``e^(x(x + 1))``), and so does a symbolic exponent
    (``10^(1 − x²)``, not ``10/10^(x²)``) unless its base has another power to meet
    (``7^(4 − x²)·7^(x² − 4)``); each is a symbol while it runs."""
    symbolic = [p for p in expr.atoms(sympy.Pow) if not p.exp.is_Number]
    bases = [p.base for p in symbolic]
    calls = expr.atoms(sympy.Function) | {p for p in symbolic if bases.count(p.base) == 1}
    if not calls:
        return sympy.factor_terms(expr)
    hide = {call: sympy.Dummy() for call in calls}
    return sympy.factor_terms(expr.xreplace(hide)).xreplace({d: call for call, d in hide.items()})


def _expanded_terms(expr: sympy.Expr) -> int:
    """An upper estimate of how many terms :func:`_expand` of ``expr`` gives."""
    sizes: dict[int, int] = {}
    stack: list[tuple[sympy.Expr, bool]] = [(expr, False)]
    while stack:
        node, ready = stack.pop()
        if node.is_Atom or not (node.is_Add or node.is_Mul or node.is_Pow):
            sizes[id(node)] = 1
            continue
        if not ready:
            stack.append((node, True))
            stack.extend((a, False) for a in node.args)
            continue
        if node.is_Add:
            n = sum(sizes[id(a)] for a in node.args)
        elif node.is_Mul:
            n = math.prod(sizes[id(a)] for a in node.args)
        else:
            base, e = sizes[id(node.args[0])], node.args[1]
            n = math.comb(base + int(e) - 1, int(e)) if e.is_Integer and e > 0 and base > 1 else 1
        sizes[id(node)] = min(n, 10**6)
    return sizes[id(expr)]


def _expand(expr: sympy.Expr) -> sympy.Expr:
    """Products and integer powers of sums multiplied out, never inside a function's argument."""

    def leaf(node: sympy.Basic) -> sympy.Basic | None:
        inside = node.is_Add or node.is_Mul or (node.is_Pow and node.args[1].is_Integer and node.args[1] > 0)
        return None if inside else node

    def combine(node: sympy.Basic, args: list[sympy.Basic]) -> sympy.Basic:
        new = node.func(*args)
        if new.is_Pow:
            new = sympy.expand_multinomial(new, deep=False)
        if new.is_Mul:
            new = sympy.expand_mul(new, deep=False)
        return new

    return rebuilt(expr, leaf, combine)


def _collect_sum(s: sympy.Expr, wrt: sympy.Symbol | None) -> sympy.Expr:
    """A sum multiplied out (when that stays small) and collected in powers of ``wrt``."""
    if not s.is_Add or _expanded_terms(s) > MAX_EXPANDED_TERMS:
        return s
    expanded = _expand(s)
    if wrt is not None and expanded.is_Add:
        expanded = sympy.collect(expanded, wrt)
    return expanded


def _numerator_form(num: sympy.Expr, wrt: sympy.Symbol | None) -> sympy.Expr:
    """Common factors out, each remaining sum multiplied out and collected."""
    num = factor_terms(num)
    return Mul(*(_collect_sum(f, wrt) if f.is_Add else f for f in Mul.make_args(num)))


def _powers(expr: sympy.Expr) -> dict[sympy.Expr, sympy.Expr]:
    """A product as {base: exponent}, numbers under the key 1."""
    parts: dict[sympy.Expr, sympy.Expr] = {}
    for f in Mul.make_args(expr):
        if f.is_Number:
            parts[S.One] = parts.get(S.One, S.One) * f
            continue
        b, e = f.as_base_exp()
        parts[b] = parts.get(b, S.Zero) + e
    return parts


def _product(parts: dict[sympy.Expr, sympy.Expr]) -> sympy.Expr:
    return Mul(*(e if b is S.One else b**e for b, e in parts.items()))


def _cancel_equal_factors(num: sympy.Expr, den: sympy.Expr) -> tuple[sympy.Expr, sympy.Expr]:
    """Equal factors (the same base) of numerator and denominator cancelled, no polynomials."""
    n, d = _powers(num), _powers(den)
    changed = False
    for base in list(n):
        if base is S.One or base not in d or not (n[base].is_Number and d[base].is_Number):
            continue
        common = min(n[base], d[base])
        if common > 0:
            n[base], d[base] = n[base] - common, d[base] - common
            changed = True
    return (_product(n), _product(d)) if changed else (num, den)


def _one_fraction(expr: sympy.Expr, wrt: sympy.Symbol | None, polynomial: bool) -> sympy.Expr:
    """One fraction: a collected numerator over a factored denominator."""
    num, den = sympy.fraction(sympy.together(expr))
    num = _numerator_form(num, wrt)
    den = factor_terms(den)
    num, den = _cancel_equal_factors(num, den)
    if polynomial and not den.is_Number:
        cn, cd = sympy.fraction(sympy.cancel(num / den))  # a polynomial gcd: x**2 - 1 over x - 1
        if cd != den and sympy.count_ops(cd) <= sympy.count_ops(den):
            num, den = _numerator_form(cn, wrt), sympy.factor(cd)
    if polynomial and den.is_Mul and _expanded_terms(den) <= 8:
        expanded = sympy.expand(den)
        if sympy.count_ops(expanded) < sympy.count_ops(den):
            den = expanded
    return num / den


def _divided(fraction: sympy.Expr, wrt: sympy.Symbol) -> sympy.Expr:
    """``q + r/d`` for a fraction ``n/d`` whose polynomial quotient ``q`` is not a constant
    (``270x⁴ + 39/(x + 1)²``); the fraction itself otherwise (``(x² - 2x - 1)/(x - 1)²``)."""
    num, den = sympy.fraction(fraction)
    try:
        q, r = sympy.div(sympy.expand(num), sympy.expand(den), wrt)
    except sympy.PolynomialError:
        return fraction
    if r == 0 or not q.has(wrt):
        return fraction
    return q + _numerator_form(r, wrt) / den


def _terms(fraction: sympy.Expr) -> sympy.Expr:
    """A fraction split over its numerator's terms, each term's factors cancelled and tidied."""
    num, den = sympy.fraction(fraction)
    if not num.is_Add:
        return fraction
    return Add(*(trigforms.ratios(t / den) for t in num.args))


# -- sign and absolute value; roots of fractions -----------------------------------------------------


def _sign_over_abs(expr: sympy.Expr) -> sympy.Expr:
    """``sign(u)·|u|^k`` → ``u^k`` for odd k (``sign(u)/|u|`` is ``1/u``) in every product."""

    def rewrite(node: sympy.Expr) -> sympy.Expr:
        parts = _powers(node)
        for base, e in list(parts.items()):
            if not (isinstance(base, sympy.sign) and e == 1):
                continue
            u = base.args[0]
            k = parts.get(sympy.Abs(u))
            if k is not None and k.is_Integer and k % 2 == 1:
                del parts[base], parts[sympy.Abs(u)]
                parts[u] = parts.get(u, S.Zero) + k
        return _product(parts)

    return trigforms.bottom_up(expr, lambda node: rewrite(node) if node.is_Mul else node)


def _roots_of_fractions(expr: sympy.Expr) -> sympy.Expr:
    """``sqrt(1 - 1/x²)`` → ``sqrt(1 - x²)/|x|``: a root of a sum with fractions over a square."""

    def rewrite(node: sympy.Expr) -> sympy.Expr:
        if not (node.is_Pow and node.exp.is_Rational and not node.exp.is_Integer and node.base.is_Add):
            return node
        num, den = sympy.fraction(sympy.together(node.base))
        root = _square_root_of_monomial(den)
        if root is None:
            return node
        return _expand(num) ** node.exp / sympy.Abs(root) ** (2 * node.exp)

    return trigforms.bottom_up(expr, rewrite)


def _square_root_of_monomial(expr: sympy.Expr) -> sympy.Expr | None:
    parts = _powers(expr)
    out = []
    for base, e in parts.items():
        if base is S.One:
            if not (e.is_Rational and e > 0 and sympy.sqrt(e).is_Rational):
                return None
            out.append(sympy.sqrt(e))
        elif e.is_Integer and e % 2 == 0 and (base.is_Symbol or base.is_Atom):
            out.append(base ** (e // 2))
        else:
            return None
    return Mul(*out)


def _term_count(expr: sympy.Expr) -> int:
    """How many terms all the sums in ``expr`` have together."""
    return sum(len(node.args) for node in sympy.preorder_traversal(expr) if node.is_Add)


# -- the choice ----------------------------------------------------------------------------------------


#: Functions a textbook writes for ratios of others (``cos/sin`` is ``cot``): never foreign.
_RATIOS = {sympy.tan, sympy.cot, sympy.sec, sympy.csc, sympy.sech, sympy.csch}


def _functions(expr: sympy.Expr) -> set[type]:
    return {type(f) for f in expr.atoms(sympy.Function, sympy.Piecewise)} - _RATIOS


#: A form without compound fractions may have this many more operations than an ``original``
#: with them (``(2√x + 1)/(4√x·√(x + √x))`` for ``(1 + 1/(2√x))/(2√(x + √x))``, 14 against 12).
FRACTION_FREE_SLACK = 2


def _best(candidates: Iterable[sympy.Expr], original: sympy.Expr) -> sympy.Expr:
    """Never longer than ``original`` (a form clearing its compound fractions a little longer);
    then the fewest compound fractions, the fewest functions ``original`` does not use, the
    fewest operations, the fewest untidy sums (:func:`untidy_sums`); ties keep the earlier
    candidate."""
    limit = sympy.count_ops(original)
    compound = compound_fractions(original)
    known = _functions(original)
    best, best_key = original, (compound, 0, limit, untidy_sums(original))
    seen = {original}
    for c in candidates:
        if c in seen:
            continue  # many passes leave an answer as it was: count it once
        seen.add(c)
        ops = sympy.count_ops(c)
        fractions = compound_fractions(c)
        if ops > (limit + FRACTION_FREE_SLACK if compound and not fractions else limit):
            continue
        key = (fractions, len(_functions(c) - known), ops, untidy_sums(c))
        if key < best_key:
            best, best_key = c, key
    return best


def untidy_sums(expr: sympy.Expr) -> int:
    """Sums a textbook would tidy, outside function arguments: a factor of a product whose
    terms share a number or a power (``5(4x³ + 6x)``, which is ``10x(2x² + 3)``), and a
    term of a sum holding a power of a sum or a product of sums to multiply out
    (``−x + (x + 1)²``; but ``x²(a + b) + x(c + d)``, collected, is tidy)."""
    count = 0
    stack = [expr]
    while stack:
        node = stack.pop()
        if node.is_Mul:
            count += sum(1 for f in node.args if f.is_Add and _has_content(f))
        elif node.is_Add:
            for term in node.args:
                sums = [f for f in Mul.make_args(term) if f.is_Add or (f.is_Pow and f.base.is_Add)]
                powers = [f for f in sums if f.is_Pow and f.exp.is_Integer and f.exp > 1]
                count += len(powers) + (len(sums) > 1)
        if node.is_Add or node.is_Mul or node.is_Pow:
            stack.extend(node.args)
    return count


def _has_content(s: sympy.Expr) -> bool:
    """Whether the terms of the sum ``s`` share a number other than ±1, or a symbol's power."""
    content, _ = s.primitive()
    if content not in (S.One, S.NegativeOne):
        return True
    shared = None
    for term in s.args:
        symbols = {b for b, e in term.as_powers_dict().items() if b.is_Symbol and e.is_Rational and e > 0}
        shared = symbols if shared is None else shared & symbols
        if not shared:
            return False
    return bool(shared)


def _has_denominator(factors: Iterable[sympy.Expr]) -> bool:
    return any((f.is_Pow and f.exp.is_negative) or (f.is_Rational and not f.is_Integer) for f in factors)


def compound_fractions(expr: sympy.Expr) -> int:
    """How many fractions sit inside a fraction: ``(2 + x**(-1/3))/(3*x**(1/3))``,
    ``(1 + 1/x)/(x + 2)``, ``(log(x)/2 + 1)/sqrt(x)``."""
    count = 0
    stack = [expr]
    while stack:
        node = stack.pop()
        if node.is_Mul and any(f.is_Pow and f.exp.is_negative for f in node.args):
            for f in node.args:
                inner = f.base if f.is_Pow and f.exp.is_negative else f
                if inner.is_Add and any(_has_denominator(Mul.make_args(t)) for t in inner.args):
                    count += 1
        elif node.is_Pow and node.exp.is_negative and node.base.is_Add:
            if any(_has_denominator(Mul.make_args(t)) for t in node.base.args):
                count += 1
        stack.extend(node.args)
    return count
