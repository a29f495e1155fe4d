"""Benchmarks, each a script whose docstring says what it measures and against what."""
