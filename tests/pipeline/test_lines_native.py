"""The line model's C kernels (pipeline/_lines.c) give what their Python twins in
pipeline/lines.py define: shape features, template keys, word overlaps and tree sums, on the
seeds' lines, edge characters and random strings."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from pipeline import lines as L
from pipeline.native import lines_native

pytestmark = pytest.mark.skipif(lines_native is None, reason="C extension not built")

ROOT = Path(__file__).resolve().parents[2]
EDGE = list("aAbZ .,!?:;'\"’”“‘()[]|/>•-–—_0123456789@\t\u00a0ǅİßé¿¡‚…。") + [
    "http", "www.", ".com", " pm", "a.m", "5pm", "March", "By ", "U.S.", "Mr. ", "the ",
    "1999", "2020", "12:30", "Dr. Who", "’s", "Sept. 3", "\u2028", "\U0001F600"]


def _lines() -> list[str]:
    out: list[str] = []
    for path in sorted((ROOT / "raw").glob("*.txt")):
        out += path.read_text("utf-8").split("\n")
    rng = random.Random(7)
    for _ in range(3000):
        out.append("".join(rng.choice(EDGE) for _ in range(rng.randint(0, 30))))
    return out


def _python(fn, *args):
    saved = L._native_lines
    L._native_lines = None
    try:
        return fn(*args)
    finally:
        L._native_lines = saved


def test_shape_features_match_their_python_twin() -> None:
    lines = _lines()
    c = L.shape_matrix(lines)
    py = _python(L.shape_matrix, lines)
    bad = [lines[k] for k in np.flatnonzero((c != py).any(axis=1))]
    assert bad == []


def test_template_keys_match_their_python_twin() -> None:
    lines = _lines()
    assert L.template_keys(lines) == [L.template_key(t) for t in lines]


def test_word_overlaps_match_their_python_twin() -> None:
    lines = _lines()
    rng = np.random.default_rng(3)
    mask = rng.random(len(lines)) < 0.5
    refs = [lines[2], "Council Closes the Harbour Bridge 2020", "", "a b c ǅ"]
    c = L.token_overlaps(lines, mask, refs)
    py = _python(L.token_overlaps, lines, mask, refs)
    np.testing.assert_allclose(c, py, rtol=0, atol=1e-12)


def test_tree_sums_match_numpy_and_refuse_a_damaged_model() -> None:
    model = L.load_line_model()
    rng = np.random.default_rng(5)
    x = rng.normal(size=(300, len(L.FEATURES))) * 3
    c = model.stage1.raw(x)
    assert np.array_equal(c, model.stage1.raw_numpy(x))  # the same sums, bit for bit
    bad = model.stage1.left.copy()
    bad[np.flatnonzero(bad >= 0)[0]] = len(bad) + 5
    out = np.zeros(3)
    with pytest.raises(ValueError, match="outside the model"):
        lines_native.tree_raw(np.zeros((3, len(L.FEATURES))), len(L.FEATURES),
                              model.stage1.feature, model.stage1.threshold, bad,
                              model.stage1.right, model.stage1.value, model.stage1.roots, out)


def test_a_five_megabyte_line_is_measured_in_linear_time() -> None:
    """One scraped line of a whole book (a real input) must not take quadratic time."""
    line = "word another third " * 300_000
    out = L.token_overlaps([line, line], np.array([True, False]), [line[:100]])
    assert out.shape == (2, 4) and out[1, 0] == 1.0


def test_tokens_made_once_give_the_same_overlaps() -> None:
    lines = _lines()
    mask = np.arange(len(lines)) % 3 == 0
    once = L.Tokens(lines)
    np.testing.assert_array_equal(L.token_overlaps(once, mask, ["harbour"]),
                                  L.token_overlaps(lines, mask, ["harbour"]))
    py = _python(lambda: L.token_overlaps(L.Tokens(lines), mask, ["harbour"]))
    np.testing.assert_allclose(L.token_overlaps(once, mask, ["harbour"]), py, rtol=0, atol=1e-12)


def test_page_runs_match_their_python_twin_ties_included() -> None:
    """max_runs finds each page's run of largest sum as _max_subarray does alone, where
    runs tie (integer scores), at a page's ends, and on one-line pages."""
    rng = np.random.default_rng(3)
    for trial in range(400):
        n = int(rng.integers(1, 60))
        if trial % 2:
            score = rng.integers(-3, 4, n).astype(np.float64)  # ties
        else:
            score = rng.normal(0, 5, n)
        cuts = sorted(set(rng.integers(1, n, int(rng.integers(0, 6))).tolist())) if n > 1 else []
        pg = L._Pages(n, [0, *cuts])
        got = L._around_run(score, pg)
        want = _python(L._around_run, score, pg)
        np.testing.assert_array_equal(got[0], want[0])
        np.testing.assert_array_equal(got[1], want[1])
        for sl in pg.slices():  # and each page as _max_subarray reads it alone
            lo, hi = L._max_subarray(score[sl])
            inside = np.flatnonzero(got[0][sl])
            assert (inside[0], inside[-1]) == (lo, hi)


def test_page_runs_refuse_starts_that_do_not_cut_the_scores() -> None:
    lo = np.zeros(2, dtype=np.int32)
    hi = np.zeros(2, dtype=np.int32)
    for starts in ([1, 3], [0, 9], [0, 0]):
        with pytest.raises(ValueError, match="max_runs"):
            lines_native.max_runs(np.zeros(5), np.array(starts, dtype=np.int32), lo, hi)
    with pytest.raises(TypeError, match="max_runs: starts must hold int32"):
        lines_native.max_runs(np.zeros(5), np.array([0, 2], dtype=np.int64), lo, hi)
