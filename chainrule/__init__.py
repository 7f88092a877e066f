"""chainrule: derivatives explained step by step, every step machine-checked.

>>> import chainrule
>>> d = chainrule.derive("sin(x**2)")
>>> d.result
2*x*cos(x**2)
>>> [step.rule.value for step in d.steps]
['chain', 'trig', 'power']

The public API is imported lazily, so ``import chainrule`` stays cheap: each
name below is loaded from its layer the first time it is used.
"""

from __future__ import annotations

import importlib
from typing import Any

from chainrule.errors import (
    ChainruleError,
    InternalError,
    LimitError,
    ParseError,
    UnsupportedError,
    UsageError,
    VariableError,
    VerificationError,
)

__version__ = "0.1.0"

#: Public names and the ``module:attribute`` each is loaded from.
_LAZY = {
    "parse": "chainrule.parsing.parser:parse",
    "derive": "chainrule.derivation.entry:derive",
    "check": "chainrule.homework.check:check",
    "backprop": "chainrule.graph:backprop",
    "jacobian": "chainrule.derivation.jacobian:jacobian",
    "network": "chainrule.neural:network",
    "budget": "chainrule.recursion:budget",
    "Budget": "chainrule.recursion:Budget",
    "render": "chainrule.views:render",
    "plot": "chainrule.views.plot:plot",
    "Derivation": "chainrule.derivation.model:Derivation",
    "Gradient": "chainrule.derivation.model:Gradient",
    "Rule": "chainrule.derivation.model:Rule",
    "Step": "chainrule.derivation.model:Step",
    "CheckResult": "chainrule.homework.check:CheckResult",
    "Graph": "chainrule.graph:Graph",
    "Jacobian": "chainrule.derivation.jacobian:Jacobian",
    "Implicit": "chainrule.derivation.implicit:Implicit",
    "Parametric": "chainrule.derivation.parametric:Parametric",
    "Network": "chainrule.neural:Network",
}

__all__ = [
    "ChainruleError",
    "InternalError",
    "LimitError",
    "ParseError",
    "UnsupportedError",
    "UsageError",
    "VariableError",
    "VerificationError",
    "__version__",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    """Import a public name from its layer the first time it is asked for."""
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'chainrule' has no attribute {name!r}")
    module, _, attribute = target.partition(":")
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
