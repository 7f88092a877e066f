"""Computational graphs: the forward and backward pass, every local gradient as data."""

from __future__ import annotations

from chainrule.graph.backprop import PRINTABLE_DEPTH, SCHEMA, Edge, Graph, Input, Node, backprop

__all__ = ["PRINTABLE_DEPTH", "SCHEMA", "Edge", "Graph", "Input", "Node", "backprop"]
