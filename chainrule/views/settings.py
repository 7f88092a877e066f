"""Render settings: one validated set for every format; an unknown setting is an error."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from chainrule.derivation.numbering import DEFAULT_DETAIL, check_detail
from chainrule.errors import UsageError
from chainrule.parsing.inputs import Binding, read_point

NOTATIONS = ("leibniz", "lagrange", "both")


@dataclass(frozen=True, kw_only=True)
class Settings:
    """How to render a result.

    Args:
        notation: which forms of the chain rule to show: ``leibniz``,
            ``lagrange`` or ``both``.
        standalone: LaTeX only: a complete document instead of a fragment.
        at: a point to evaluate the derivative at, as ``(symbol, value)`` pairs.
        indent: JSON indentation (``None`` for one line).
        width: the terminal width of the ``rich`` text form.
        digits: significant digits of the numbers a network's views show.
        steps: a Jacobian's views show each entry's steps (else its rule only).
        detail: which steps are shown: ``brief``, ``normal`` or ``full``
            (``chainrule.derivation.numbering``); JSON always has every step.
        unicode: the text formats write mathematics in Unicode (``x²``, ``√x``); ASCII
            (``x**2``) where the output cannot show Unicode.
    """

    notation: str = "both"
    standalone: bool = False
    at: tuple[Binding, ...] = ()
    indent: int | None = 2
    width: int = 100
    digits: int = 4
    steps: bool = True
    unicode: bool = True
    detail: str = DEFAULT_DETAIL

    def __post_init__(self) -> None:
        check_detail(self.detail)
        if not isinstance(self.digits, int) or isinstance(self.digits, bool) or not 1 <= self.digits <= 15:
            raise UsageError(
                f"{{digits}} must be a whole number from 1 to 15, not {self.digits!r}", parameters=("digits",)
            )
        if self.notation not in NOTATIONS:
            raise UsageError(
                f"unknown notation {self.notation!r}; choose one of {', '.join(NOTATIONS)} ({{notation}})",
                parameters=("notation",),
            )

    @property
    def leibniz(self) -> bool:
        return self.notation in ("leibniz", "both")

    @property
    def lagrange(self) -> bool:
        return self.notation in ("lagrange", "both")


def make_settings(format: str = "", **settings: Any) -> Settings:  # noqa: A002 - the format's name
    """``Settings`` from keyword arguments, checked against ``format``."""
    known = {f.name for f in fields(Settings)}
    unknown = sorted(set(settings) - known)
    if unknown:
        raise UsageError(f"unknown render setting(s): {', '.join(unknown)}")
    if settings.get("standalone") and format and format != "latex":
        raise UsageError("{standalone} applies only to {format} latex", parameters=("standalone", "format"))
    if settings.get("at") is not None:
        settings["at"] = read_point(settings["at"])
    else:
        settings.pop("at", None)
    return Settings(**settings)
