"""Plot f and f′ on the same axes, with the tangent line at a point.

``plot(expr, output="plot.png")`` derives ``expr`` (every step checked),
evaluates f and f′ on a grid and draws them with matplotlib (an optional
extra: ``pip install 'chainrule[plot]'``), on the Agg backend so no display is
needed. The format follows the suffix: ``.png``, ``.svg`` or ``.pdf``.

Nothing a user typed is evaluated as code: the expression is read by the safe
parser, and the SymPy trees of f and f′ are evaluated by walking them here,
node by node, with NumPy's functions (``evaluate``); anything without a NumPy
counterpart is evaluated point by point with SymPy's ``evalf``.

Where f or f′ is undefined, not real or not finite, the curve has a gap. A
pole or a jump between two grid points is found by zooming in: a continuous
function's change shrinks as the interval does, a jump's does not; the curve
is cut there, so no vertical line is drawn across a discontinuity. The
y-range is chosen from the bulk of the values, so a pole does not flatten
everything else.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sympy

from chainrule import vocabulary
from chainrule.errors import ChainruleError, UsageError
from chainrule.parsing.inputs import read_value

if TYPE_CHECKING:
    import numpy as np

    from chainrule.derivation.model import Derivation

__all__ = ["IMAGE_SUFFIXES", "INSTALL_MATPLOTLIB", "PlotData", "evaluate", "plot", "plot_data"]

IMAGE_SUFFIXES = (".png", ".svg", ".pdf")

INSTALL_MATPLOTLIB = "plotting needs matplotlib: pip install 'chainrule[plot]'"

#: Grid points across the range.
POINTS = 1201
#: A jump between grid points larger than this share of the y-range is looked at closely.
JUMP_SHARE = 0.02
#: Zoom levels (16 times finer each) a suspected discontinuity is followed through.
ZOOM_LEVELS = 3
#: Longest formula shown in the legend.
LEGEND_CHARS = 70


def require_matplotlib() -> Any:
    """Import matplotlib on the Agg backend, or fail with what to install."""
    try:
        import matplotlib
    except ImportError:
        raise ChainruleError(INSTALL_MATPLOTLIB) from None
    matplotlib.use("Agg", force=True)
    return matplotlib


# ------------------------------------------------------------------ evaluation


def _numpy_function(node: sympy.Basic) -> Callable[..., Any] | None:
    """The NumPy counterpart of a function node, from the vocabulary, or ``None``."""
    import numpy as np

    entry = vocabulary.by_class(type(node))
    return entry.numpy(np) if entry is not None and entry.numpy is not None else None


def _power(base: Any, exponent: Any, exact: sympy.Expr) -> Any:
    import numpy as np

    if exact.is_Integer:
        return np.power(base, float(exact)) if int(exact) < 0 else np.power(base, int(exact))
    # Real powers: a negative base is not real (SymPy's principal root), so NaN.
    with np.errstate(invalid="ignore"):
        return np.power(base, exponent)


def evaluate(expr: sympy.Expr, wrt: sympy.Symbol, xs: np.ndarray) -> np.ndarray:
    """``expr`` at every point of ``xs`` as floats: NaN where it is undefined or not real.

    Walks the tree with an explicit stack (deep expressions do not recurse),
    applying NumPy's functions; a node NumPy lacks is evaluated point by point
    with SymPy's ``evalf``. Never ``eval`` or ``lambdify``.
    """
    import numpy as np

    values: dict[sympy.Basic, Any] = {}
    stack: list[tuple[sympy.Basic, bool]] = [(expr, False)]
    with np.errstate(all="ignore"):
        while stack:
            node, ready = stack.pop()
            if node in values:
                continue
            if node == wrt:
                values[node] = xs
                continue
            if not node.has(wrt):
                values[node] = _constant(node)
                continue
            if not ready:
                stack.append((node, True))
                stack.extend((arg, False) for arg in node.args if arg not in values)
                continue
            args = [values[a] for a in node.args]
            if isinstance(node, sympy.Add):
                values[node] = sum(args[1:], args[0])
            elif isinstance(node, sympy.Mul):
                out = args[0]
                for a in args[1:]:
                    out = out * a
                values[node] = out
            elif isinstance(node, sympy.Pow):
                values[node] = _power(args[0], args[1], node.exp)
            elif isinstance(node, sympy.Function) and (function := _numpy_function(node)) is not None:
                values[node] = function(*args)
            elif isinstance(node, sympy.Piecewise):
                values[node] = _pointwise(node, wrt, xs)
            elif isinstance(node, sympy.Function) and not node.free_symbols - {wrt}:
                values[node] = _pointwise(node, wrt, xs)
            else:
                raise UsageError(f"cannot evaluate {sympy.sstr(node)} numerically to plot it")
        result = np.asarray(values[expr], dtype=complex) * np.ones_like(xs)
    real = np.where(np.abs(result.imag) <= 1e-9 * (1 + np.abs(result.real)), result.real, np.nan)
    return np.where(np.isfinite(real), real, np.nan)


def _constant(node: sympy.Basic) -> complex:
    try:
        value = complex(sympy.N(node, 17))
    except (TypeError, ValueError):
        return complex(math.nan, 0)
    return value


def _pointwise(node: sympy.Basic, wrt: sympy.Symbol, xs: np.ndarray) -> np.ndarray:
    import numpy as np

    out = np.empty(len(xs), dtype=complex)
    for i, x in enumerate(xs):
        try:
            out[i] = complex(node.evalf(17, subs={wrt: sympy.Float(float(x), 17)}))
        except (TypeError, ValueError, ZeroDivisionError):
            out[i] = math.nan
    return out


# ----------------------------------------------------------- discontinuities


def _cut_discontinuities(
    fn: Callable[[np.ndarray], np.ndarray], xs: np.ndarray, ys: np.ndarray, span: float
) -> tuple[np.ndarray, np.ndarray]:
    """``xs``, ``ys`` with a NaN inserted wherever the curve jumps between two grid points."""
    import numpy as np

    if not math.isfinite(span) or span <= 0:
        return xs, ys
    jumps = np.abs(np.diff(ys))
    suspects = np.nonzero(jumps > JUMP_SHARE * span)[0]
    cuts = [i for i in suspects if _is_jump(fn, xs[i], xs[i + 1], ys[i], ys[i + 1])]
    if not cuts:
        return xs, ys
    mid = (xs[cuts] + xs[np.array(cuts) + 1]) / 2
    return np.insert(xs, np.array(cuts) + 1, mid), np.insert(ys, np.array(cuts) + 1, np.nan)


def _is_jump(fn: Callable[[np.ndarray], np.ndarray], a: float, b: float, ya: float, yb: float) -> bool:
    """Whether the change from ``ya`` to ``yb`` over ``[a, b]`` stays in one ever-smaller interval."""
    import numpy as np

    total = abs(yb - ya)
    for _ in range(ZOOM_LEVELS):
        xs = np.linspace(a, b, 17)
        ys = fn(xs)
        ys[0], ys[-1] = ya, yb
        if np.isnan(ys).any():
            return True  # undefined in between: a gap anyway
        steps = np.abs(np.diff(ys))
        k = int(np.argmax(steps))
        if steps[k] < 0.5 * total:
            return False  # the change spreads out: continuous, just steep
        a, b, ya, yb = xs[k], xs[k + 1], ys[k], ys[k + 1]
    return True


def _y_limits(*curves: np.ndarray) -> tuple[float, float] | None:
    """A y-range holding the bulk of the values, so poles do not flatten the plot."""
    import numpy as np

    finite = np.concatenate([c[np.isfinite(c)] for c in curves])
    if finite.size == 0:
        return None
    low, high = float(finite.min()), float(finite.max())
    p_low, p_high = np.percentile(finite, [5, 95])
    bulk = p_high - p_low
    if bulk > 0 and high - low > 8 * bulk:
        low, high = max(low, p_low - bulk), min(high, p_high + bulk)
    pad = (high - low) * 0.06 or max(1.0, abs(high)) * 0.5
    return low - pad, high + pad


# ---------------------------------------------------------------------- plot


@dataclass(frozen=True)
class PlotData:
    """What is drawn: the grid, f and f′ (NaN in the gaps), and the tangent."""

    derivation: Derivation
    x: np.ndarray
    f: np.ndarray
    df: np.ndarray
    f_x: np.ndarray
    df_x: np.ndarray
    at: float | None
    f_at: float | None
    slope: float | None
    vertical: bool = False


def _number(value: str | float | int | None, parameter: str) -> float | None:
    """A plot setting as a float: ``--at 2``, ``--from -pi``."""
    if value is None:
        return None
    number = read_value(parameter, value, parameter=parameter)
    try:
        result = float(sympy.N(number))
    except (TypeError, ValueError):
        raise UsageError(
            f"{{{parameter}}} must be a real number, not {sympy.sstr(number)}", parameters=(parameter,)
        ) from None
    if not math.isfinite(result):
        raise UsageError(f"{{{parameter}}} must be a finite number", parameters=(parameter,))
    return result


def plot_data(
    expr: str | sympy.Expr,
    wrt: str | sympy.Symbol | None = None,
    *,
    start: str | float | None = None,
    stop: str | float | None = None,
    at: str | float | None = None,
    points: int = POINTS,
    verify: bool = True,
) -> PlotData:
    """Derive ``expr`` (checked) and evaluate f and f′ on ``[start, stop]``.

    The range defaults to ``[-5, 5]``, or 5 either side of ``at``.
    """
    import numpy as np

    from chainrule.derivation.entry import derive

    a = _number(at, "at")
    lo = _number(start, "start")
    hi = _number(stop, "stop")
    center = a if a is not None else 0.0
    lo = center - 5 if lo is None else lo
    hi = center + 5 if hi is None else hi
    if not lo < hi:
        raise UsageError(
            f"{{start}} must be less than {{stop}} (got {lo:g} and {hi:g})", parameters=("start", "stop")
        )
    if a is not None and not lo <= a <= hi:
        raise UsageError(f"{{at}} {a:g} is outside the plotted range [{lo:g}, {hi:g}]", parameters=("at",))

    derivation = derive(expr, wrt)
    if verify:
        derivation.verify()
    x = derivation.wrt
    f_expr, df_expr = derivation.expr, derivation.result
    others = (f_expr.free_symbols | df_expr.free_symbols) - {x}
    if others:
        names = ", ".join(sorted(s.name for s in others))
        raise UsageError(f"a plot needs a function of {x} alone; {names} would need values too")
    from sympy.core.function import AppliedUndef

    if f_expr.atoms(AppliedUndef):
        example = sympy.sstr(sorted(f_expr.atoms(AppliedUndef), key=sympy.sstr)[0])
        raise UsageError(f"cannot plot an undefined function such as {example}")

    grid = np.linspace(lo, hi, points)
    if a is not None:
        grid = np.union1d(grid, [a])

    def f(xs: np.ndarray) -> np.ndarray:
        return evaluate(f_expr, x, xs)

    def df(xs: np.ndarray) -> np.ndarray:
        return evaluate(df_expr, x, xs)

    fy, dfy = f(grid), df(grid)
    span = _span(fy, dfy)
    f_x, fy = _cut_discontinuities(f, grid, fy, span)
    df_x, dfy = _cut_discontinuities(df, grid, dfy, span)

    f_at, slope, vertical = _tangent_at(derivation, at, a) if a is not None else (None, None, False)
    return PlotData(derivation, grid, fy, dfy, f_x, df_x, a, f_at, slope, vertical)


def _tangent_at(derivation: Derivation, at: str | float | None, a: float) -> tuple[float, float | None, bool]:
    """f(a), f′(a) and whether the tangent line is vertical, as ``derive --at`` decides them
    (at_point.py): no tangent line outside the domain or where f is not differentiable."""
    from chainrule.derivation.at_point import evaluate_at

    x = derivation.wrt
    point = evaluate_at(derivation, ((x, read_value("at", at, parameter="at")),))
    assert point is not None
    if point.kind == "outside_domain":
        raise UsageError(
            f"f is not defined at {x} = {a:g} (outside its domain), so there is no tangent line there"
        )
    if point.kind == "not_differentiable":
        raise UsageError(f"f is not differentiable at {x} = {a:g}, so there is no tangent line there")
    f_at = _real_at(point.function_value, x, a) if point.function_value is not None else None
    slope = _real_at(point.value, x, a) if point.value is not None else None
    if f_at is None or (slope is None and point.vertical is None):
        raise UsageError(f"f′ is not defined at {x} = {a:g}, so there is no tangent line there")
    return f_at, slope, point.vertical is not None


def _span(*curves: np.ndarray) -> float:
    limits = _y_limits(*curves)
    return math.nan if limits is None else limits[1] - limits[0]


def _real_at(expr: sympy.Expr, x: sympy.Symbol, a: float) -> float | None:
    try:
        value = complex(expr.evalf(30, subs={x: sympy.Float(a, 30)}))
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if abs(value.imag) > 1e-12 * (1 + abs(value.real)) or not math.isfinite(value.real):
        return None
    return value.real


def _label(name: str, expr: sympy.Expr, wrt: sympy.Symbol) -> str:
    """A legend entry: mathtext from SymPy's LaTeX when matplotlib can draw it, else Unicode."""
    from matplotlib.mathtext import MathTextParser

    from chainrule.printing import latex
    from chainrule.views.notation import oneline

    tex = latex(expr)
    if len(tex) <= 2 * LEGEND_CHARS:
        candidate = f"${name}({latex(wrt)}) = {tex}$"
        try:
            MathTextParser("path").parse(candidate)
        except ValueError:
            pass
        else:
            return candidate
    text = oneline(expr)
    if len(text) > LEGEND_CHARS:
        text = text[: LEGEND_CHARS - 1] + "…"
    return f"{name}({wrt}) = {text}"


def render_plot(data: PlotData, image: str) -> bytes:
    """The figure as ``png``, ``svg`` or ``pdf`` bytes."""
    require_matplotlib()
    import numpy as np
    from matplotlib.figure import Figure

    d = data.derivation
    x = d.wrt
    fig = Figure(figsize=(8, 5.5), dpi=120, layout="constrained")
    ax = fig.add_subplot()
    ax.axhline(0, color="0.75", linewidth=0.8, zorder=0)
    ax.axvline(0, color="0.75", linewidth=0.8, zorder=0)
    ax.plot(data.f_x, data.f, color="#1f5fa8", linewidth=2, label=_label("f", d.expr, x))
    ax.plot(data.df_x, data.df, color="#d0641c", linewidth=2, label=_label("f'", d.result, x))
    limits = _y_limits(data.f, data.df)
    if data.at is not None and data.f_at is not None and data.vertical:
        ax.axvline(
            data.at,
            color="#3a8a3a",
            linewidth=1.4,
            linestyle="--",
            label=f"vertical tangent {x} = {data.at:.4g}",
        )
        ax.plot([data.at], [data.f_at], "o", color="#3a8a3a", zorder=5)
    elif data.at is not None and data.f_at is not None and data.slope is not None:
        tangent = data.f_at + data.slope * (data.x - data.at)
        at_text = f"{data.at:.4g}"
        ax.plot(
            data.x,
            tangent,
            color="#3a8a3a",
            linewidth=1.4,
            linestyle="--",
            label=f"tangent at {x} = {at_text}: slope {data.slope:.4g}",
        )
        ax.plot([data.at], [data.f_at], "o", color="#3a8a3a", zorder=5)
        if limits is not None:
            limits = (min(limits[0], data.f_at), max(limits[1], data.f_at))
    if limits is not None:
        ax.set_ylim(*limits)
    ax.set_xlim(float(np.min(data.x)), float(np.max(data.x)))
    ax.set_xlabel(str(x))
    ax.grid(True, color="0.92")
    ax.legend(loc="best", fontsize=9, framealpha=0.92)
    buffer = io.BytesIO()
    fig.savefig(buffer, format=image)
    return buffer.getvalue()


def plot(
    expr: str | sympy.Expr,
    wrt: str | sympy.Symbol | None = None,
    *,
    output: str | Path,
    start: str | float | None = None,
    stop: str | float | None = None,
    at: str | float | None = None,
    verify: bool = True,
) -> Path:
    """Draw f and f′ (and the tangent at ``at``) into ``output`` (``.png``, ``.svg`` or ``.pdf``).

    The file is written whole or not at all. Returns its path. ``verify=False`` skips
    checking the derivation's steps.
    """
    from chainrule.files import write_file

    path = Path(output)
    suffix = path.suffix.lower()
    if suffix not in IMAGE_SUFFIXES:
        raise UsageError(
            f"{{output}} must end in {', '.join(IMAGE_SUFFIXES)}, not {path.name!r}", parameters=("output",)
        )
    require_matplotlib()
    data = plot_data(expr, wrt, start=start, stop=stop, at=at, verify=verify)
    write_file(render_plot(data, suffix[1:]), path)
    return path
