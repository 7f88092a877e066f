"""The examples pinned by golden files, shared by the tests and the regenerator.

Each case is a name and the ``chainrule derive`` arguments; every case is
rendered in every format by the CLI and compared with ``tests/golden/``.
Regenerate after an intended change with ``python tests/regenerate_golden.py``
and review the diff.
"""

from __future__ import annotations

from pathlib import Path

GOLDEN_DIR = Path(__file__).parent / "golden"

#: name -> arguments after ``chainrule derive``
CASES: dict[str, list[str]] = {
    "sin_x2": ["sin(x**2)"],
    "nested_undefined": ["g(h(i(x)))", "--names", "y,z"],
    "product": ["x**2*exp(x)"],
    "quotient": ["(x**2 + 1)/(x - 1)"],
    "x_to_x": ["x**x"],
    "second_derivative": ["x*sin(x)", "--order", "2"],
    "long_expression": ["(x**2 + 3*x + 1)**5*sin(x)**3*exp(x**2 + x)/(x**4 + 2)"],
    "log_sqrt": ["log(x**2 + 1) + sqrt(x)"],
    "inverse_trig": ["atan(sqrt(x))"],
    "partial": ["x**2*y", "--wrt", "y"],
    "multivariable": ["x**2*y", "--wrt", "m", "--where", "x=m*n", "--where", "y=m+n"],
    "at_point": ["x**3 - 2*x", "--at", "x=2"],
    "sigmoid": ["sigmoid(w*x + b)", "--wrt", "w"],
    "exponential_base": ["2**x*cos(3*x)"],
    "chain_second": ["f(g(x))", "--order", "2"],
    "cube_second": ["f(x)**3", "--order", "2"],
}

#: format -> (extra arguments, golden file suffix)
FORMATS: dict[str, tuple[list[str], str]] = {
    "text": (["--format", "text"], ".txt"),
    "rich": (["--format", "rich"], ".rich.txt"),
    "latex": (["--format", "latex"], ".tex"),
    "standalone": (["--format", "latex", "--standalone"], ".standalone.tex"),
    "markdown": (["--format", "markdown"], ".md"),
    "json": (["--format", "json"], ".json"),
}

#: A fixed terminal for the rich view: no colour, 100 columns.
RICH_ENV = {"NO_COLOR": "1", "COLUMNS": "100", "TERM": "dumb"}


def golden_path(case: str, fmt: str) -> Path:
    return GOLDEN_DIR / f"{case}{FORMATS[fmt][1]}"


def run_case(case: str, fmt: str) -> str:
    """The CLI's output for one case in one format (fails loudly on a non-zero exit)."""
    from typer.testing import CliRunner

    from chainrule.cli import app

    args = ["derive", *CASES[case], *FORMATS[fmt][0]]
    result = CliRunner().invoke(app, args, env=RICH_ENV)
    if result.exit_code != 0:
        raise RuntimeError(f"chainrule {' '.join(args)} exited {result.exit_code}: {result.output}")
    return result.stdout
