"""The ``chainrule`` command line: a thin layer over the library (``chainrule.cli.program``)."""

from __future__ import annotations

from chainrule.cli.program import app, main

__all__ = ["app", "main"]
