"""Every format of a computational :class:`~chainrule.graph.Graph`.

:mod:`~chainrule.views.graph.document` assembles what is shown once (title,
forward rows, backward rows, fan-out, gradients); one module per format prints
it: :mod:`~chainrule.views.graph.text` (``text``, ``rich``),
:mod:`~chainrule.views.graph.latex` (``latex``, a notebook's LaTeX),
:mod:`~chainrule.views.graph.markdown`, :mod:`~chainrule.views.graph.html`,
:mod:`~chainrule.views.graph.dot`. :mod:`~chainrule.views.graph.json` is the
data (``chainrule/graph@1``). Every renderer is ``function(graph, settings) ->
str`` and is reached through the rows of :mod:`chainrule.views.registry`.
"""

from __future__ import annotations
