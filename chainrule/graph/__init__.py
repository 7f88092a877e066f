"""Computational graphs: the forward and backward pass, every local gradient as data.

- :mod:`chainrule.graph.model`: the frozen data (``Node``, ``Edge``, ``Input``, ``Graph``);
- :mod:`chainrule.graph.ops`: one class per operation, its local gradients beside it;
- :mod:`chainrule.graph.values`: the numbers (exact where cheap, else floats) and their limits;
- :mod:`chainrule.graph.build`: expression → nodes (explicit stack, hash-consed);
- :mod:`chainrule.graph.backprop`: build → forward → backward → assemble.
"""

from __future__ import annotations

from chainrule.graph.backprop import backprop
from chainrule.graph.model import PRINTABLE_DEPTH, SCHEMA, Edge, Graph, Input, Node

__all__ = ["PRINTABLE_DEPTH", "SCHEMA", "Edge", "Graph", "Input", "Node", "backprop"]
