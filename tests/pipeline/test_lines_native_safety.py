"""pipeline/_lines.c raises, never crashes, on bad sizes, bad types or failed allocations,
and agrees with its Python twins (pipeline/lines.py) on odd strings (found in a review)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from pipeline import lines as L

lines_native = pytest.importorskip("pipeline._lines")
if os.environ.get("NEWSCLEAN_PURE_PYTHON"):
    pytest.skip("NEWSCLEAN_PURE_PYTHON: the extension is off", allow_module_level=True)


def _run(script: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(script)], capture_output=True,
                          text=True, errors="replace", timeout=120, env={**os.environ, **env})


def test_tree_raw_refuses_a_column_count_whose_product_overflows() -> None:
    """nrows * ncols would wrap to 0 (4 * 2**62) and let an empty x pass the size check:
    refused instead (in a subprocess: a crash must not take the test run down)."""
    done = _run("""
        import numpy as np
        from pipeline import _lines as N
        i32 = lambda *v: np.array(v, dtype=np.int32)
        try:
            N.tree_raw(np.zeros(0), 2**62, i32(2**31 - 1, -1, -1), np.zeros(3), i32(1, -1, -1),
                       i32(2, -1, -1), np.array([0.0, 1.0, 2.0]), i32(0), np.zeros(4))
        except ValueError:
            print("refused")
    """)
    assert done.returncode == 0, f"crashed: {done.returncode} {done.stderr[-500:]}"
    assert done.stdout.strip() == "refused"


def test_a_failed_allocation_in_the_token_sets_is_not_freed_twice() -> None:
    """Each allocation failing in turn raises MemoryError, under the debug allocator, with
    nothing freed twice (hset_init clears what it freed; its callers free it again)."""
    _testcapi = pytest.importorskip("_testcapi")
    if not hasattr(_testcapi, "set_nomemory"):
        pytest.skip("this Python's _testcapi cannot fail allocations")
    done = _run("""
        import numpy as np
        import _testcapi
        from pipeline import _lines as N
        lines = ["The White House said on Monday", "plain words here"] * 10
        stop = ("the", "on")
        calls = [lambda: N.tokenize(lines, stop),
                 lambda: N.token_overlaps(lines, np.ones(len(lines), np.uint8), ["White House"],
                                          stop, np.zeros((len(lines), 4)))]
        for fn in calls:
            fn()
            for k in range(1, 30):
                _testcapi.set_nomemory(k, k + 1)
                try:
                    fn()
                except MemoryError:
                    pass
                finally:
                    _testcapi.remove_mem_hooks()
        print("swept")
    """, PYTHONMALLOC="debug")
    assert done.returncode == 0, f"crashed: {done.returncode} {done.stderr[-800:]}"
    assert done.stdout.strip() == "swept"


def test_line_shape_raises_on_a_flag_beyond_a_c_long() -> None:
    """A word flag too large for a C long raises (it is checked, not left set)."""
    with pytest.raises((OverflowError, ValueError, TypeError)):
        lines_native.line_shape(["a"], {"a": 2**70}, np.zeros(30))


def test_headline_shape_matches_its_twin_on_a_word_with_a_nul() -> None:
    """A word with a NUL ("mr\\x00") is no abbreviation in C either (no C-string compare)."""
    text = "Hello mr\x00. World"
    saved = L._native_lines
    L._native_lines = None
    try:
        py = L.shape_matrix([text])
    finally:
        L._native_lines = saved
    c = L.shape_matrix([text])
    col = L.SHAPE_FEATURES.index("headline_shape")
    assert c[0, col] == py[0, col]


def test_arrays_of_the_wrong_item_type_are_refused() -> None:
    """An int64 array is not read as float64, nor a float32 one as int32."""
    with pytest.raises(TypeError, match="line_shape: out must hold float64"):
        lines_native.line_shape(["a"], {}, np.zeros(30, dtype=np.int64))
    model = L.load_line_model()
    t = model.stage1
    with pytest.raises(TypeError, match="feature must hold int32"):
        lines_native.tree_raw(np.zeros((1, len(L.FEATURES))), len(L.FEATURES),
                              t.feature.astype(np.float32), t.threshold, t.left, t.right,
                              t.value, t.roots, np.zeros(1))
