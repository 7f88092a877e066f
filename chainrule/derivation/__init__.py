"""Differentiating step by step: the data model, the rules, the engine and its checks."""
