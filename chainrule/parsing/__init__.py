"""Reading what people type: plain text, student syntax and LaTeX, never evaluated as code."""

from __future__ import annotations

from chainrule.parsing.parser import parse, parse_assignment, parse_symbol

__all__ = ["parse", "parse_assignment", "parse_symbol"]
