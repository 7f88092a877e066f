"""Views of implicit differentiation, related rates and parametric curves.

The kinds ``implicit`` and ``parametric`` share them.

One document (``document.py``) printed by one module per format; each step is
printed by the derivation's own renderer for that format, with the lines of
algebra that implicit and parametric steps add.
"""
