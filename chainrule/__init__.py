"""chainrule: derivatives explained step by step, every step machine-checked.

>>> import chainrule
>>> d = chainrule.derive("sin(x**2)")
>>> d.result
2*x*cos(x**2)
>>> [step.rule.value for step in d.steps]
['chain', 'trig', 'power']
"""

from __future__ import annotations

from chainrule.derivation.model import Derivation, Rule, Step
from chainrule.errors import (
    ChainruleError,
    LimitError,
    ParseError,
    UnsupportedError,
    UsageError,
    VariableError,
    VerificationError,
)

__version__ = "0.1.0"

__all__ = [
    "ChainruleError",
    "Derivation",
    "LimitError",
    "ParseError",
    "Rule",
    "Step",
    "UnsupportedError",
    "UsageError",
    "VariableError",
    "VerificationError",
    "__version__",
    "backprop",
    "check",
    "derive",
    "parse",
]


def __getattr__(name: str) -> object:
    """Import the heavy parts lazily, so ``import chainrule`` stays cheap."""
    if name == "parse":
        from chainrule.parsing import parse

        return parse
    if name == "derive":
        from chainrule.derivation.engine import derive

        return derive
    if name == "backprop":
        from chainrule.graph import backprop

        return backprop
    if name == "check":
        from chainrule.homework.check import check

        return check
    raise AttributeError(f"module 'chainrule' has no attribute {name!r}")
