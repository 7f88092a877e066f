"""Check a computational graph: every local gradient, every product and sum of the backward pass.

A graph's steps are its local gradients and the backward pass's arithmetic, so
``verify_graph`` checks, with :func:`chainrule.derivation.verify.verify_claims`
(compiled programs, random points, the verifier's tolerances):

- each operation's local gradients: the locals of the edges from one input add up
  to the derivative of the node's formula by that input (``x*x`` has two edges
  from x, whose locals add up to 2x); edges from constants are drawn as CS231n
  draws them and are not derivatives of anything;
- each edge's ``upstream`` is its target's gradient, and ``downstream = local ×
  upstream``; each node's gradient is the sum of its outgoing downstreams (the
  output's is 1);
- with values: each node's value is its formula at its inputs' values, and each
  edge's local value its formula there; without: each input's reported gradient
  is its node's gradient with the node names put back.

All of it is local, so the check is linear in the size of the graph.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import sympy
from sympy import Add

from chainrule.derivation.verify import Claim, verify_claims

if TYPE_CHECKING:
    from chainrule.graph.model import Graph


def verify_graph(graph: Graph) -> None:
    """Check every step of ``graph``'s forward and backward pass; raise ``VerificationError``."""
    seed = f"graph|{graph.text}|{len(graph.nodes)}|{len(graph.edges)}"
    # Formulas at random points (a kink such as relu's at the graph's own point would fool a
    # numeric derivative), the numbers at the graph's point.
    verify_claims(_local_gradients(graph), seed=seed)
    if graph.symbolic:
        verify_claims(_backward(graph) + _reported(graph), seed=seed)
    else:
        at = {n.symbol: float(n.value) for n in graph.nodes if n.value is not None and n.symbol.is_Symbol}
        verify_claims(_backward(graph) + _forward(graph), seed=seed, at=at)


def _local_gradients(graph: Graph) -> list[Claim]:
    claims = []
    for node in graph.nodes:
        by_source: dict[int, list[sympy.Expr]] = {}
        for e in node.in_edges:
            edge = graph.edges[e]
            by_source.setdefault(edge.source, []).append(edge.local)
        terms = _terms_by_symbol(node.expr) if len(by_source) > 2 else None
        for source, locals_ in by_source.items():
            symbol = graph.nodes[source].symbol
            if not symbol.is_Symbol:
                continue  # a constant: its edge is drawn, not differentiated
            claims.append(
                Claim(
                    expr=node.expr if terms is None else Add(*terms.get(symbol, ())),
                    wrt=symbol,
                    result=sympy.Add(*locals_),
                    label=f"the local gradient ∂{node.name}/∂{graph.nodes[source].name}",
                )
            )
    return claims


def _terms_by_symbol(expr: sympy.Expr) -> dict[sympy.Basic, list[sympy.Expr]] | None:
    """A sum's terms by the symbols in them: d(sum)/dx is d(the terms with x)/dx, so a wide sum's
    n local gradients are checked in O(n), not O(n²)."""
    if not expr.is_Add:
        return None
    found: dict[sympy.Basic, list[sympy.Expr]] = {}
    for term in expr.args:
        for symbol in term.free_symbols:
            found.setdefault(symbol, []).append(term)
    return found


def _backward(graph: Graph) -> list[Claim]:
    output = graph.output_node
    claims = [Claim(expr=output.grad, result=sympy.S.One, label=f"the gradient of {output.name}")]
    for edge in graph.edges:
        target, source = graph.nodes[edge.target], graph.nodes[edge.source]
        local = edge.local if graph.symbolic else edge.local_value
        name = f"{source.name} → {target.name}"
        claims += [
            Claim(expr=edge.upstream, result=target.grad, label=f"the upstream gradient on {name}"),
            Claim(expr=edge.downstream, result=local * edge.upstream, label=f"the downstream on {name}"),
        ]
    for node in graph.nodes:
        if node.out_edges:
            total = sympy.Add(*(graph.edges[e].downstream for e in node.out_edges))
            claims.append(Claim(expr=node.grad, result=total, label=f"the gradient of {node.name}"))
    return claims


def _forward(graph: Graph) -> list[Claim]:
    claims = []
    for node in graph.nodes:
        if not node.is_leaf and node.value is not None:
            claims.append(Claim(expr=node.expr, result=node.value, label=f"the value of {node.name}"))
    for edge in graph.edges:
        if edge.local_value is not None:
            name = f"{graph.nodes[edge.source].name} → {graph.nodes[edge.target].name}"
            label = f"the local gradient on {name}"
            claims.append(Claim(expr=edge.local, result=edge.local_value, label=label))
    return claims


def _reported(graph: Graph) -> list[Claim]:
    """Each input's gradient (a formula in the inputs) against its node's (in node names)."""
    definitions = {n.symbol: n.expr for n in graph.nodes if not n.is_leaf}
    claims = []
    for item in graph.inputs:
        node_grad = _put_back(graph.nodes[item.node].grad, definitions)
        label = f"the gradient of the input {item.name}"
        claims.append(Claim(expr=item.gradient, result=node_grad, label=label))
    return claims


def _put_back(expr: sympy.Expr, definitions: dict[sympy.Basic, sympy.Expr]) -> sympy.Expr:
    """``expr`` with node names replaced by their formulas until none is left."""
    for _ in range(len(definitions) + 1):
        names = expr.free_symbols & definitions.keys()
        if not names:
            return expr
        expr = expr.xreplace({n: definitions[n] for n in names})
    return expr
