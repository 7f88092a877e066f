"""The ``chainrule`` command line: a thin layer over the library."""

from __future__ import annotations

from chainrule.cli.app import app, main

__all__ = ["app", "main"]
