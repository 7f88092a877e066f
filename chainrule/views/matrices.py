"""What the matrix views (Jacobians, dense networks) share: aligned text grids and the
self-contained HTML page."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape


def text_grid(rows: Sequence[Sequence[str]], *, indent: str = "") -> list[str]:
    """A matrix as aligned text rows, ``[a  b]``, each column right-aligned."""
    if not rows or not rows[0]:
        return [f"{indent}[]"]
    widths = [max(len(row[k]) for row in rows) for k in range(len(rows[0]))]
    return [f"{indent}[{'  '.join(c.rjust(w) for c, w in zip(row, widths))}]" for row in rows]


#: The style sheet, scoped to ``.chainrule`` so a fragment can sit inside another page.
CSS = """\
.chainrule { font-family: "Latin Modern Roman", "STIX Two Text", Cambria, Georgia, serif;
  line-height: 1.45; color: #1b1b1b; background: #fff; max-width: 64rem; margin: 0 auto; padding: 1.5rem; }
.chainrule h1 { font-size: 1.5rem; margin: 0 0 .5rem; font-weight: 600; }
.chainrule h2 { font-size: 1.2rem; margin: 1.6rem 0 .6rem; border-bottom: 1px solid #ccc; font-weight: 600; }
.chainrule h3 { font-size: 1rem; margin: .6rem 0 .2rem; font-weight: 600; }
.chainrule math { font-size: 1.1em; font-family: "Latin Modern Math", "STIX Two Math", "Cambria Math", math; }
.chainrule math[display="block"] { display: inline math; math-style: normal; }
.chainrule .eq { margin: .35rem 0 .35rem 1rem; overflow-x: auto; overflow-y: hidden; padding: .15rem 0; }
.chainrule .step { border-left: 3px solid #9db4d0; padding: .1rem 0 .1rem .8rem; margin: .4rem 0; }
.chainrule .text { margin: .1rem 0; }
.chainrule .answer { background: #f3f7ee; border: 1px solid #c5d8b0; border-radius: .4rem;
  padding: .4rem 1rem; }
.chainrule .note { color: #555; font-size: .9rem; }
.chainrule table { border-collapse: collapse; margin: .4rem 0 1rem; }
.chainrule th, .chainrule td { border-bottom: 1px solid #ddd; padding: .3rem .8rem; text-align: left; }
.chainrule th { font: 600 .85rem system-ui, sans-serif; border-bottom: 2px solid #999; }
.chainrule footer { margin-top: 2rem; color: #777; font-size: .8rem; }
@media print { .chainrule { max-width: none; padding: 0; } .chainrule .eq { overflow: visible; } }
"""

#: No network, no scripts: only the embedded style sheet.
CSP = "default-src 'none'; style-src 'unsafe-inline'"


def html_page(title: str, body: str) -> str:
    """A whole, self-contained HTML document around ``body``."""
    from chainrule import __version__

    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n"
        f'<main class="chainrule">\n{body}<footer>Made with chainrule {escape(__version__)}.</footer>\n'
        "</main>\n</body>\n</html>\n"
    )


def html_fragment(body: str) -> str:
    """``body`` in a ``<div class="chainrule">`` with the scoped style sheet (Jupyter)."""
    return f'<div class="chainrule">\n<style>\n{CSS}</style>\n{body}</div>\n'
