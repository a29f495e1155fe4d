"""The face of demo/: what the rest of the code may use of it. Everything
else in the package is its inside (pyproject.toml: import-linter contracts)."""

from workflow.programme.demo.seed import seed_demo

__all__ = [
    "seed_demo",
]
