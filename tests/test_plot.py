"""``chainrule plot``: f and f′ on one set of axes, gaps at poles and jumps, the tangent line."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest
import sympy
from typer.testing import CliRunner

from chainrule.cli import app
from chainrule.errors import ChainruleError, UsageError

np = pytest.importorskip("numpy")
pytest.importorskip("matplotlib", reason="the plot extra: pip install 'chainrule[plot]'")

from chainrule.views.plot import INSTALL_MATPLOTLIB, evaluate, plot, plot_data  # noqa: E402

runner = CliRunner()
ENV = {"NO_COLOR": "1", "COLUMNS": "100"}
x = sympy.Symbol("x", real=True)


def gaps(xs: np.ndarray, ys: np.ndarray) -> int:
    """How many runs of NaN lie between finite values (breaks in the curve)."""
    finite = np.isfinite(ys)
    idx = np.nonzero(finite)[0]
    return int(np.sum(np.diff(idx) > 1))


def crosses(xs: np.ndarray, ys: np.ndarray, point: float) -> bool:
    """Whether a drawn segment joins finite values on both sides of ``point``."""
    for i in range(len(xs) - 1):
        if xs[i] < point < xs[i + 1] and math.isfinite(ys[i]) and math.isfinite(ys[i + 1]):
            return True
    return False


# ----------------------------------------------------------------- evaluation


@pytest.mark.parametrize(
    "expr",
    [
        x**3 - 2 * x,
        sympy.sin(x**2) * sympy.exp(-x),
        sympy.atan(x) / (1 + x**2),
        sympy.sqrt(x**2 + 1) * sympy.cosh(x / 3),
        sympy.Abs(x - 1) + sympy.sign(x),
        sympy.erf(x) * x,  # no NumPy counterpart: evaluated point by point by SymPy
    ],
    ids=str,
)
def test_evaluate_matches_sympy(expr: sympy.Expr) -> None:
    xs = np.array([-2.5, -0.3, 0.7, 1.9])
    got = evaluate(expr, x, xs)
    want = [float(expr.evalf(20, subs={x: sympy.Float(v)})) for v in xs]
    assert got == pytest.approx(want, rel=1e-10, abs=1e-12)


def test_evaluate_is_nan_outside_the_real_domain() -> None:
    xs = np.array([-1.0, 0.0, 4.0])
    out = evaluate(sympy.log(x) + sympy.sqrt(x), x, xs)
    assert math.isnan(out[0]) and math.isnan(out[1]) and out[2] == pytest.approx(math.log(4) + 2)
    out = evaluate(1 / x, x, xs)
    assert math.isnan(out[1]) and out[0] == -1.0


# ------------------------------------------------------------ discontinuities


def test_pole_is_a_gap_not_a_vertical_line() -> None:
    data = plot_data("1/(x - 1)", at="2")
    data.derivation.verify()
    assert not crosses(data.f_x, data.f, 1.0)
    assert not crosses(data.df_x, data.df, 1.0)
    assert gaps(data.f_x, data.f) == 1 and gaps(data.df_x, data.df) == 1
    assert data.slope == pytest.approx(-1.0) and data.f_at == pytest.approx(1.0)


def test_tan_has_a_gap_at_every_pole() -> None:
    data = plot_data("tan(x)", start=-5, stop=5)
    data.derivation.verify()
    poles = [k * math.pi / 2 for k in (-3, -1, 1, 3)]
    for pole in poles:
        assert not crosses(data.f_x, data.f, pole)
        assert not crosses(data.df_x, data.df, pole)
    assert gaps(data.f_x, data.f) == 4 and gaps(data.df_x, data.df) == 4


def test_jump_in_the_derivative_is_cut_but_continuous_f_is_not() -> None:
    data = plot_data("abs(x)", start=-1, stop=1)
    data.derivation.verify()
    assert gaps(data.f_x, data.f) == 0 and np.isfinite(data.f).all()
    assert not crosses(data.df_x, data.df, 0.0)


def test_steep_but_continuous_is_not_cut() -> None:
    data = plot_data("atan(200*x)", start=-1, stop=1)
    data.derivation.verify()
    assert np.isfinite(data.f).all() and np.isfinite(data.df).all()
    assert len(data.f_x) == len(data.x)


def test_domain_edge_is_a_gap() -> None:
    data = plot_data("ln(x)", start=-2, stop=3, at="1")
    data.derivation.verify()
    assert np.isnan(data.f[data.f_x < 0]).all()
    assert np.isfinite(data.f[data.f_x > 0.01]).all()
    assert data.slope == pytest.approx(1.0) and data.f_at == pytest.approx(0.0)


# ---------------------------------------------------------------------- files


@pytest.mark.parametrize(
    ("expr", "suffix", "magic"),
    [
        ("sin(x^2)", ".png", b"\x89PNG"),
        ("1/(x - 1)", ".svg", b"<?xml"),
        ("x^3 - 3x", ".pdf", b"%PDF"),
        ("tan(x)", ".png", b"\x89PNG"),
    ],
)
def test_plot_files_exist_and_are_not_trivial(tmp_path: Path, expr: str, suffix: str, magic: bytes) -> None:
    target = tmp_path / f"plot{suffix}"
    assert plot(expr, output=target, at="0.5") == target
    data = target.read_bytes()
    assert data.startswith(magic) and len(data) > 10_000
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_png_shows_both_curves_and_the_legend(tmp_path: Path) -> None:
    from PIL import Image

    target = tmp_path / "p.png"
    plot("sin(x^2)", output=target, at="1")
    image = Image.open(target).convert("RGB")
    colours = image.getcolors(maxcolors=1_000_000) or []
    near = {"f": (0x1F, 0x5F, 0xA8), "f'": (0xD0, 0x64, 0x1C), "tangent": (0x3A, 0x8A, 0x3A)}
    for name, rgb in near.items():
        count = sum(n for n, c in colours if sum(abs(a - b) for a, b in zip(c, rgb)) < 30)
        assert count > 300, name


def test_legend_has_both_formulas() -> None:
    from chainrule.views.plot import _label

    d = plot_data("exp(2x)").derivation.verify()
    assert _label("f", d.expr, d.wrt) == "$f(x) = e^{2 x}$"
    assert _label("f'", d.result, d.wrt) == "$f'(x) = 2 e^{2 x}$"


# ------------------------------------------------------------------------ CLI


def test_cli_plot(tmp_path: Path) -> None:
    target = tmp_path / "pole.svg"
    result = runner.invoke(
        app, ["plot", "1/(x - 1)", "--from", "-3", "--to", "5", "--at", "2", "-o", str(target)], env=ENV
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == "" and target.read_bytes().startswith(b"<?xml")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["x^2", "-o", "p.gif"], "--output must end in .png, .svg, .pdf"),
        (["x^2*y", "-o", "p.png"], "several"),
        (["x^2*y", "--wrt", "y", "-o", "p.png"], "x would need values too"),
        (["x^2", "--from", "3", "--to", "1", "-o", "p.png"], "--from must be less than --to"),
        (["x^2", "--at", "9", "--from", "0", "--to", "1", "-o", "p.png"], "outside the plotted range"),
        (["ln(x)", "--at", "-1", "-o", "p.png"], "f is not defined at x = -1"),
        (["g(x)", "-o", "p.png"], "undefined function"),
        (["x^2", "--from", "y", "-o", "p.png"], "--from must be a number"),
    ],
)
def test_cli_plot_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["plot", *args], env=ENV)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: ") and message in result.stderr
    assert result.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_without_matplotlib_one_line_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now raises ImportError
    target = tmp_path / "p.png"
    result = runner.invoke(app, ["plot", "x^2", "-o", str(target)], env=ENV)
    assert result.exit_code == 1
    assert result.stderr == f"error: {INSTALL_MATPLOTLIB}\n"
    assert "pip install 'chainrule[plot]'" in result.stderr
    assert not target.exists()
    with pytest.raises(ChainruleError, match="matplotlib"):
        plot("x^2", output=target)


def test_library_errors_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        plot("x^2", output=tmp_path / "p.jpg")


def test_console_blocks_in_the_docs_are_what_the_tool_prints() -> None:
    from test_docs import BLOCK, run

    page = Path(__file__).resolve().parent.parent / "docs" / "html-and-plots.md"
    found = BLOCK.findall(page.read_text(encoding="utf-8"))
    assert len(found) == 3
    for command, shown in found:
        output, code = run(command)
        assert output == shown and code == 2


def test_tangent_line_follows_what_is_true_at_the_point(tmp_path: Path) -> None:
    """No tangent at a kink, a vertical one at a cube root's 0, the extension's at a 0/0."""
    with pytest.raises(UsageError, match="not differentiable"):
        plot_data("abs(x)", at="0")
    data = plot_data("x^(1/3)", at="0")
    assert data.vertical and data.f_at == 0 and data.slope is None
    removable = plot_data("sin(x)/x", at="0")
    assert removable.f_at == pytest.approx(1) and removable.slope == pytest.approx(0)
    plot("x^(1/3)", output=tmp_path / "p.png", at="0")
