"""``python bench/transitions`` (or ``python -m bench.transitions``) runs the benchmark."""

# ruff: noqa: E402 - the project root must be on sys.path before the project's imports

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
# Run as ``python bench/transitions``, this folder comes first on sys.path; the project
# root must be there instead, so that ``bench.transitions`` is this package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != HERE]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.transitions.run import main

if __name__ == "__main__":
    sys.exit(main())
