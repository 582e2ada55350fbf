"""The compiled inner loops (`pipeline._native`, built from `_native.c` by setup.py), or
None where they are not available: the extension is optional (a machine without a C
compiler installs without it) and every caller has a Python path that gives the same
results (tests/pipeline/test_native.py compares them). NEWSCLEAN_PURE_PYTHON=1 in the
environment turns the extension off, to run or test the Python paths."""

from __future__ import annotations

import os
from types import ModuleType

native: ModuleType | None = None
lines_native: ModuleType | None = None  # the line model's kernels (_lines.c)
if not os.environ.get("NEWSCLEAN_PURE_PYTHON"):
    try:
        from pipeline import _native as native
    except ImportError:  # pragma: no cover - built without a C compiler
        native = None
    try:
        from pipeline import _lines as lines_native
    except ImportError:  # pragma: no cover - built without a C compiler
        lines_native = None
