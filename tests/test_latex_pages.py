"""LaTeX as a teacher prints it (issue 15): compiled with pdflatex, rendered to PNG with
pdftoppm, and read back with pdftotext.

The tests that compile are skipped where pdflatex (or pdftoppm) is missing, with a reason
that says how to install them. ``python tests/test_latex_pages.py --regenerate`` writes the
worksheet page shown in ``docs/homework.md`` (``docs/images/worksheet-solutions.png``).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import sympy

import chainrule
from chainrule.printing import latex, line
from chainrule.views import render
from chainrule.views.mathml import mathml_expr
from chainrule.views.worksheet import build

PDFLATEX = shutil.which("pdflatex")
PDFTOPPM = shutil.which("pdftoppm")
PDFTOTEXT = shutil.which("pdftotext")
INSTALL = "apt-get install texlive-latex-base texlive-latex-recommended poppler-utils"
needs_pdflatex = pytest.mark.skipif(PDFLATEX is None, reason=f"pdflatex is not installed: {INSTALL}")
needs_poppler = pytest.mark.skipif(
    PDFTOPPM is None or PDFTOTEXT is None, reason=f"pdftoppm and pdftotext are not installed: {INSTALL}"
)

#: The worksheet of the docs' picture: a chain, a partial derivative, a second derivative of
#: a nest of undefined functions (g′(x)² in its answer), a product of powers, an inverse trig.
SHEET = "sin(x^2)\nx^2 y ; wrt=y\nf(g(x)) ; order=2\n(2x+1)^5 (x^3-x+1)^4\narcsin(x^2)\n"
DOC_IMAGE = Path(__file__).parent.parent / "docs" / "images" / "worksheet-solutions.png"
x = sympy.Symbol("x", real=True)


def pdflatex(source: str, directory: Path, name: str = "page") -> str:
    """Compile ``source`` once; return the log. Fails on an error, an overfull line or a rerun."""
    assert PDFLATEX is not None
    (directory / f"{name}.tex").write_text(source, encoding="utf-8")
    done = subprocess.run(
        [PDFLATEX, "-interaction=nonstopmode", "-halt-on-error", f"{name}.tex"],
        cwd=directory,
        capture_output=True,
        timeout=240,
        check=False,
    )
    log = (directory / f"{name}.log").read_text(encoding="latin-1")
    assert done.returncode == 0, done.stdout.decode(errors="replace")[-2000:]
    assert "Overfull \\hbox" not in log
    assert "Rerun" not in log  # one pass is enough: nothing waits for a second
    return log


def ink_bands(png: Path) -> tuple[float, int]:
    """(share of dark pixels, bands of consecutive rows with ink: lines of text or formulas)."""
    from PIL import Image

    image = Image.open(png).convert("L")
    width, height = image.size
    pixels = image.load()
    dark = 0
    bands = 0
    inked_before = False
    for y in range(height):
        row = sum(1 for xx in range(width) if pixels[xx, y] < 128)
        dark += row
        if row and not inked_before:
            bands += 1
        inked_before = row > 0
    return dark / (width * height), bands


# -- crash shapes compile -------------------------------------------------------------------


@needs_pdflatex
@pytest.mark.parametrize(("expr", "order"), [("f(g(x))", 2), ("f(x)**3", 3), ("exp(f(x))", 2)])
def test_squares_of_derivatives_compile(expr: str, order: int, tmp_path: Path) -> None:
    d = chainrule.derive(expr, order=order)
    pdflatex(render(d, "latex", standalone=True), tmp_path)


# -- a worksheet, compiled, read and looked at ----------------------------------------------


@needs_pdflatex
@needs_poppler
def test_worksheet_page_has_words_and_partials(tmp_path: Path) -> None:
    pytest.importorskip("PIL", reason="Pillow (from the test extra, via matplotlib) reads the pages")
    pdflatex(build(SHEET).document, tmp_path, "sheet")
    text = subprocess.run(
        [PDFTOTEXT, "-layout", "sheet.pdf", "-"], cwd=tmp_path, capture_output=True, check=True, text=True
    ).stdout
    assert "∂" in text.split("Solutions")[0]  # the exercise list: ∂/∂y (x²y)
    for words in ("Chain rule with outer function", "Product rule with factors", "Answer. Putting the steps"):
        assert words in text
    subprocess.run([PDFTOPPM, "-png", "-r", "50", "-f", "2", "-l", "2", "sheet.pdf", "page"],
                   cwd=tmp_path, check=True, timeout=120)
    share, bands = ink_bands(next(tmp_path.glob("page*.png")))
    assert 0.005 < share < 0.15  # a page of print, not blank, not a smear
    assert bands >= 20  # sentences and equations, line after line


# -- what the LaTeX and the other formats say -----------------------------------------------


def test_negative_factors_and_sums_in_products_are_bracketed() -> None:
    d = chainrule.derive("sin(cos(x**2))")
    assert r"\cdot \left(- \sin{\left(u \right)}\right) \cdot 2 x" in render(d, "latex")
    assert "cos(v) · (-sin(u)) · 2x" in render(d, "text")
    assert "<mo>(</mo><mrow><mo>−</mo>" in render(d, "html").replace(' stretchy="false"', "")


def test_a_wrapped_lagrange_line_keeps_its_brackets() -> None:
    d = chainrule.derive("sin(cos(x**7 + 3*x**6 + 5*x**5 + 7*x**4 + 9*x**3 + 11*x**2 + 13*x + 15))")
    out = render(d, "latex")
    lagrange = out.split(r"\text{Lagrange}")[1].split(r"\intertext")[0]
    assert r"\qquad \cdot \left(- \sin{\left(x^{7}" in lagrange  # broken before the factor, still bracketed
    assert out.count(r"\left(") == out.count(r"\right)")


def test_the_operand_of_d_dx_is_bracketed() -> None:
    assert render(chainrule.derive("-sqrt(1-x**2)"), "text").startswith("d/dx (-√(1 - x²))")
    product = chainrule.derive("(2*x+1)**5*(x**3-x+1)**4")
    assert render(product, "text").startswith("d/dx [(2x + 1)⁵(x³ - x + 1)⁴]")
    assert r"\frac{d}{d x} \left[\left(2 x + 1\right)^{5}" in render(product, "latex")
    assert render(chainrule.derive("x*sin(x)"), "text").startswith("d/dx (x sin(x))")


def test_textbook_names_for_people_and_parseable_names_for_programs() -> None:
    expr = sympy.log(x) + sympy.asin(x) + sympy.atan(x) + sympy.asec(x)
    assert line(expr) == "ln(x) + arcsec(x) + arcsin(x) + arctan(x)"
    assert r"\ln{\left(x \right)}" in latex(expr) and r"\arcsin{\left(x \right)}" in latex(expr)
    assert "<mi>ln</mi>" in mathml_expr(sympy.log(x)) and "<mi>arcsin</mi>" in mathml_expr(sympy.asin(x))
    d = chainrule.derive("2^x")
    assert "itself times ln(2)" in render(d, "text")
    assert "log(2)" in render(d, "json")  # JSON is read back by chainrule.parse


@pytest.mark.parametrize(
    ("expr", "shown"),
    [
        ("2*w*x", "2wx"),
        ("x**2*y", "x²y"),
        ("x*sin(x)", "x sin(x)"),
        ("2*x*cos(x**2)", "2x cos(x²)"),
        ("(2*x+1)**4*(x-1)**3", "(x - 1)³(2x + 1)⁴"),
        ("2*(x+1)", "2x + 2"),
        ("x**x*(log(x)+1)", "x^x·(ln(x) + 1)"),
        ("sin(x)/(2*sqrt(x))", "sin(x)/(2√x)"),
    ],
)
def test_products_are_written_side_by_side(expr: str, shown: str) -> None:
    from chainrule.written import evaluated

    assert line(evaluated(chainrule.parse(expr))) == shown


# -- the picture in the docs ----------------------------------------------------------------


def regenerate_image() -> None:
    """Compile the worksheet and write its first page of solutions to ``docs/images``."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        pdflatex(build(SHEET).document, directory, "sheet")
        assert PDFTOPPM is not None
        subprocess.run(
            [PDFTOPPM, "-png", "-r", "80", "-f", "2", "-l", "2", "-singlefile", "sheet.pdf", "page"],
            cwd=directory,
            check=True,
        )
        DOC_IMAGE.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(directory / "page.png", DOC_IMAGE)


def test_the_docs_show_a_compiled_page() -> None:
    assert DOC_IMAGE.exists() and DOC_IMAGE.stat().st_size > 10_000
    assert "images/worksheet-solutions.png" in (DOC_IMAGE.parent.parent / "homework.md").read_text()


if __name__ == "__main__" and "--regenerate" in sys.argv:
    regenerate_image()
