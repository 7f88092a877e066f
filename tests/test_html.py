
"""HTML output: one self-contained page with presentation MathML, for derive and graph.

The page parses, every ``<math>`` block is well-formed XML, nothing reaches the
network or runs a script, and a real headless Chromium draws the math
(skipped, with the reason, where Chromium is not installed).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from html import escape
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sympy
from render_examples import deep_chain, example
from typer.testing import CliRunner

import chainrule
from chainrule.cli import app
from chainrule.derivation.model import Rule
from chainrule.graph import backprop
from chainrule.views import render
from chainrule.views.html import render_html_fragment
from chainrule.views.mathml import mathml_expr

MATHML_NS = "{http://www.w3.org/1998/Math/MathML}"
MATH_BLOCK = re.compile(r"<math\b[^>]*>.*?</math>", re.S)
VOID = {"meta", "br", "hr", "img", "link", "input"}
ENV = {"NO_COLOR": "1", "COLUMNS": "100"}
runner = CliRunner()
x = sympy.Symbol("x", real=True)


class _Checker(HTMLParser):
    """Collects tags and checks that every non-void element is closed in order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[str] = []
        self.errors: list[str] = []
        self.attrs: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
        else:
            self.stack.pop()


def check_page(page: str) -> list[ET.Element]:
    """Assert ``page`` is a self-contained, balanced HTML document; return its parsed MathML."""
    assert page.startswith("<!DOCTYPE html>\n")
    checker = _Checker()
    checker.feed(page)
    checker.close()
    assert checker.errors == [] and checker.stack == []
    assert "script" not in checker.tags and "link" not in checker.tags and "img" not in checker.tags
    assert checker.tags.count("style") == 1
    csp = [a for t, a in checker.attrs if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in (csp[0]["content"] or "")
    # The only URL is MathML's namespace name, which is never fetched.
    urls = set(re.findall(r"(?:https?:)?//[\w./-]+", page))
    assert urls <= {"http://www.w3.org/1998/Math/MathML"}
    return check_mathml(page)


def check_mathml(text: str) -> list[ET.Element]:
    """Every ``<math>`` block in ``text`` parses as XML in the MathML namespace."""
    blocks = MATH_BLOCK.findall(text)
    assert blocks, "no MathML at all"
    assert len(blocks) == text.count("<math ")
    parsed = [ET.fromstring(block) for block in blocks]
    assert all(p.tag == f"{MATHML_NS}math" for p in parsed)
    return parsed


def tags(elements: list[ET.Element]) -> set[str]:
    return {e.tag.removeprefix(MATHML_NS) for p in elements for e in p.iter()}


# --------------------------------------------------------------- derive pages


def test_page_for_a_quotient_has_fractions_and_every_step() -> None:
    d = chainrule.derive("sin(x^2)/(x + 1)").verify()
    page = render(d, "html", detail="full")
    maths = check_page(page)
    assert {"mfrac", "msup", "mi", "mo", "mn"} <= tags(maths)
    for step in d.steps:
        words = next(p for p in step.text.parts if isinstance(p, str))
        assert escape(words) in page
    assert page.count("<article ") == len(d.steps)
    assert "<title>d/dx (sin(x²)/(x + 1)) — chainrule</title>" in page
    # Leibniz and Lagrange forms of the chain step.
    assert "<dt>Leibniz</dt>" in page and "<dt>Lagrange</dt>" in page


@pytest.mark.parametrize("rule", list(Rule), ids=[r.value for r in Rule])
def test_every_rule_renders_as_wellformed_mathml(rule: Rule) -> None:
    d = example(rule).verify()
    page = render(d, "html")
    check_page(page)
    assert f'rule-{rule.value}"' in page


def test_notation_setting_is_honoured() -> None:
    d = chainrule.derive("sin(x^2)").verify()
    assert "<dt>Leibniz</dt>" in render(d, "html", notation="leibniz")
    assert "<dt>Lagrange</dt>" not in render(d, "html", notation="leibniz")
    assert "<dt>Leibniz</dt>" not in render(d, "html", notation="lagrange")


def test_undefined_functions_read_as_primes() -> None:
    d = chainrule.derive("g(h(x))").verify()
    page = render(d, "html")
    check_page(page)
    assert "<mrow><mi>g</mi><mo>′</mo></mrow>" in page
    assert "<mrow><mi>h</mi><mo>′</mo></mrow>" in page
    assert "Derivative" not in page and "Subs" not in page


def test_mathml_is_escaped_and_entity_free() -> None:
    # SymPy's own string would hold a bare "<" and HTML-only entities.
    out = mathml_expr(sympy.Piecewise((x, x < 0), (x**2, True)) * sympy.exp(x))
    ET.fromstring(f"<math>{out}</math>")
    assert "&lt;" in out and "&InvisibleTimes;" not in out and "&ExponentialE;" not in out
    assert "<mtext>\u2003otherwise</mtext>" in out


def test_point_values_and_tangent() -> None:
    d = chainrule.derive("x^3").verify()
    page = render(d, "html", at={"x": 2})
    check_page(page)
    assert '<section class="point">' in page and "Tangent line:" in page
    # f(2) = 8, f'(2) = 12, y = 8 + 12 (x - 2)
    assert "<mn>12</mn>" in page and "<mn>8</mn>" in page


def test_where_definitions_are_shown() -> None:
    d = chainrule.derive("x**2*y", wrt="m", where={"x": "m*n", "y": "m + n"}).verify()
    page = render(d, "html")
    check_page(page)
    assert '<p class="where">where ' in page and "<mo>∂</mo>" in page


def test_wide_equations_break_at_equals_signs() -> None:
    d = chainrule.derive("(x + 1)^12 * sin(x) * exp(x) * atan(x)").verify()
    page = render(d, "html")
    check_page(page)
    assert '<div class="eq cont">' in page


def test_deep_nest_renders() -> None:
    # test_render covers 300 levels in every format; here the MathML of 100 is checked as XML.
    d = deep_chain(100).verify()
    page = render(d, "html")
    maths = check_page(page)
    assert len(maths) > 100 and page.count("<article ") == 101


def test_text_is_escaped() -> None:
    d = chainrule.derive("sin(x)/x").verify()
    page = render(d, "html")
    check_page(page)
    words = next(p for s in d.steps for p in s.text.parts if isinstance(p, str) and "'" in p)
    assert escape(words) in page  # the quotient rule's "numerator's derivative", apostrophe escaped


def test_fragment_is_scoped() -> None:
    d = chainrule.derive("x^2").verify()
    out = render_html_fragment(d)
    assert out.startswith('<div class="chainrule">\n<style>')
    assert "<html" not in out and "<body" not in out
    style = out.split("<style>")[1].split("</style>")[0]
    selectors = [s.strip() for s in re.findall(r"([^{}]+)\{", style) if not s.strip().startswith("@")]
    assert all(part.strip().startswith(".chainrule") for sel in selectors for part in sel.split(","))
    check_mathml(out)


# ------------------------------------------------------------------------ CLI


def test_cli_format_html_and_suffix(tmp_path: Path) -> None:
    result = runner.invoke(app, ["derive", "sin(x^2)", "--format", "html"], env=ENV)
    assert result.exit_code == 0
    check_page(result.stdout)
    target = tmp_path / "steps.html"
    result = runner.invoke(app, ["derive", "sin(x^2)", "-o", str(target)], env=ENV)
    assert result.exit_code == 0 and result.stdout == ""
    assert target.read_text(encoding="utf-8") == render(chainrule.derive("sin(x^2)").verify(), "html")
    result = runner.invoke(app, ["derive", "x^2", "-o", str(tmp_path / "s.htm")], env=ENV)
    assert result.exit_code == 0 and (tmp_path / "s.htm").read_text().startswith("<!DOCTYPE html>")


def test_cli_graph_html(tmp_path: Path) -> None:
    target = tmp_path / "graph.html"
    result = runner.invoke(
        app, ["graph", "(x + y)*z", "--at", "x=-2", "--at", "y=5", "--at", "z=-4", "-o", str(target)], env=ENV
    )
    assert result.exit_code == 0
    page = target.read_text(encoding="utf-8")
    maths = check_page(page)
    assert "mfrac" in tags(maths)
    assert page.count("<tr") == 1 + 5 + 1 + 4  # header + 5 nodes, header + 4 edges
    result = runner.invoke(app, ["graph", "x*x + x", "--format", "html"], env=ENV)
    assert result.exit_code == 0 and "Fan-out" in result.stdout
    check_page(result.stdout)


def test_graph_html_numbers() -> None:
    g = backprop("1/(1 + exp(-(w0*x0 + w1*x1 + w2)))", at={"w0": 2, "x0": -1, "w1": -3, "x1": -2, "w2": -3})
    page = render(g, "html")
    check_page(page)
    assert "<mn>0.731059</mn>" in page  # the output value
    assert "<mrow><mo>−</mo><mn>0.196612</mn></mrow>" in page  # ∂f/∂x0 = -0.196612 (6 digits)


def test_graph_symbolic_html() -> None:
    g = backprop("tanh(x*w + b)")
    page = render(g, "html")
    maths = check_page(page)
    assert "<th>value</th>" not in page and "tanh" in page
    assert "msup" in tags(maths)


# -------------------------------------------------------------- real Chromium


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


def screenshot(html_file: Path, png: Path, profile: Path) -> None:
    browser = _chromium()
    assert browser is not None
    subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            f"--screenshot={png}",
            "--window-size=1000,1400",
            html_file.as_uri(),
        ],
        capture_output=True,
        timeout=180,
        check=True,
    )
    assert png.exists() and png.stat().st_size > 0


def dark_runs(png: Path) -> tuple[int, int]:
    """(dark pixels, horizontal dark runs 12-200 px long) in the screenshot."""
    from PIL import Image

    image = Image.open(png).convert("L")
    width, height = image.size
    pixels = image.load()
    dark = 0
    runs = 0
    for y in range(height):
        run = 0
        for xx in range(width):
            if pixels[xx, y] < 110:
                dark += 1
                run += 1
            else:
                if 12 <= run <= 200:
                    runs += 1
                run = 0
    return dark, runs


needs_chromium = pytest.mark.skipif(
    _chromium() is None, reason="Chromium is not installed: apt-get install chromium"
)


@needs_chromium
@pytest.mark.slow
def test_chromium_draws_the_math(tmp_path: Path) -> None:
    pytest.importorskip("PIL", reason="Pillow (from the test extra, via matplotlib) reads the screenshots")
    d = chainrule.derive("sin(x)/(x^2 + 1)").verify()
    page = render(d, "html")
    check_page(page)
    flat = page.replace("<mfrac>", "<mrow>").replace("</mfrac>", "</mrow>")
    bare = MATH_BLOCK.sub("", page)
    shots = {}
    for name, text in (("page", page), ("flat", flat), ("bare", bare)):
        source = tmp_path / f"{name}.html"
        source.write_text(text, encoding="utf-8")
        screenshot(source, tmp_path / f"{name}.png", tmp_path / f"profile-{name}")
        shots[name] = dark_runs(tmp_path / f"{name}.png")
    dark, bars = shots["page"]
    # Not blank, and the math adds a lot of ink over the same page without it.
    assert dark > 4000
    assert dark > 1.3 * shots["bare"][0]
    # Fraction bars: short horizontal strokes that the page with <mfrac> turned
    # into rows does not have, so the browser draws MathML fractions.
    assert bars >= shots["flat"][1] + 4


@needs_chromium
@pytest.mark.slow
def test_chromium_draws_the_graph_page(tmp_path: Path) -> None:
    pytest.importorskip("PIL", reason="Pillow (from the test extra, via matplotlib) reads the screenshots")
    g = backprop("(x + y)*z", at={"x": -2, "y": 5, "z": -4})
    page = render(g, "html")
    check_page(page)
    source = tmp_path / "graph.html"
    source.write_text(page, encoding="utf-8")
    flat = tmp_path / "flat.html"
    flat.write_text(page.replace("<mfrac>", "<mrow>").replace("</mfrac>", "</mrow>"), encoding="utf-8")
    screenshot(source, tmp_path / "graph.png", tmp_path / "profile-a")
    screenshot(flat, tmp_path / "flat.png", tmp_path / "profile-b")
    dark, bars = dark_runs(tmp_path / "graph.png")
    assert dark > 3000
    assert bars > dark_runs(tmp_path / "flat.png")[1] + 3


def test_a_subtracted_sum_keeps_its_brackets_and_a_repeated_letter_its_dot() -> None:
    # The quotient rule with its pieces put in: (6t·t − (3t² − 3))/t², not 6tt − 3t² − 3.
    from chainrule.views.mathml import mathml_expr
    from chainrule.written import WrittenSum, product

    t = sympy.Symbol("t", real=True)
    pieces = WrittenSum(
        product([6 * t, t]), product([sympy.S.NegativeOne, 3 * t**2 - 3, sympy.S.One]), evaluate=False
    )
    shown = "".join(re.sub(r"<[^>]+>", " ", mathml_expr(pieces)).split()).replace("\u2062", "")
    assert shown == "6t·t−(3t2−3)"
    typed = chainrule.parse("(3t^2 - 3)/t")  # a sum as typed keeps its order inside a fraction
    assert "".join(re.sub(r"<[^>]+>", " ", mathml_expr(typed)).split()).replace("\u2062", "") == "3t2−3t"
    latex = chainrule.derive("(3t^2-3)/t", "t").verify().to_latex()
    assert latex.count(r"6 t \cdot t - \left(3 t^{2} - 3\right)") == 1


def test_a_decaying_exponential_stays_a_factor() -> None:
    # SymPy's MathML writes 2x e^(−3x) as 2x/e^(3x); LaTeX and the text keep the factor.
    from chainrule.views.mathml import mathml_expr

    x = sympy.Symbol("x", real=True)

    def shown(expr: sympy.Expr) -> str:
        return "".join(re.sub(r"<[^>]+>", " ", mathml_expr(expr)).split()).replace("\u2062", "")

    assert shown(2 * x * sympy.exp(-3 * x)) == "2xe−3x"
    assert shown(-sympy.exp(-x) / (x + 1)) == "−e−xx+1"  # the factor on top of the fraction
    assert "<mfrac>" not in mathml_expr(x**2 * sympy.exp(-3 * x))
