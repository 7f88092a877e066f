"""Shared test settings: Hypothesis profiles and helpers."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# SymPy is slow to build and compare large trees; wall-clock deadlines would make
# the suite flaky on a shared machine, so examples are bounded by count instead.
settings.register_profile(
    "default",
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# CI runs a fixed sequence of examples (derandomize): a submission's CI result does not
# depend on luck; local runs explore new examples every time.
settings.register_profile(
    "ci",
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("ci" if os.environ.get("CI") else "default")
