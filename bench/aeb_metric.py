"""The article-extraction benchmark's figures, as its evaluate.py computes them.

Written from the benchmark's description (github.com/scrapinghub/article-extraction-benchmark,
evaluate.py): text is cut into `\\w+` tokens; each page's true and predicted bodies become
bags of 4-token shingles; a page's true positives, false positives and false negatives are
the shingle counts shared, extra and missing, divided by their sum (so that every page
weighs the same); precision and recall are the means over pages of each page's figure, F1
their harmonic mean. `bench/eval_aeb.py` uses the benchmark's own evaluate.py instead when
the checkout it reads has one, and this module's figures are held to it by a test.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter

_TOKEN = re.compile(r"\w+", re.UNICODE | re.MULTILINE | re.IGNORECASE | re.DOTALL)


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    """The bag of `n`-token shingles of a text (one shorter shingle for a short text).

    >>> sorted(shingles("a b c d e"))
    [('a', 'b', 'c', 'd'), ('b', 'c', 'd', 'e')]
    """
    tokens = _TOKEN.findall(text or "")
    return Counter(tuple(tokens[i:i + n]) for i in range(max(1, len(tokens) - n + 1))
                   if tokens[i:i + n])


def shingle_tp_fp_fn(true: str, pred: str) -> tuple[float, float, float]:
    """One page's (tp, fp, fn) shares of its shingles."""
    a, b = shingles(true), shingles(pred)
    tp = fp = fn = 0.0
    for key in a.keys() | b.keys():
        x, y = a.get(key, 0), b.get(key, 0)
        tp += min(x, y)
        fp += max(0, y - x)
        fn += max(0, x - y)
    s = tp + fp + fn
    return (tp / s, fp / s, fn / s) if s > 0 else (tp, fp, fn)


def _precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fp == 0:
        return 0.0
    return tp / (tp + fp)


def _recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    if tp == fn == 0:
        return 0.0
    return tp / (tp + fn)


def prf(rows: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    """(F1, precision, recall) over pages' (tp, fp, fn).

    >>> prf([shingle_tp_fp_fn("a b c d e f", "a b c d e f")])
    (1.0, 1.0, 1.0)
    """
    precision = statistics.mean(_precision(*r) for r in rows if r[0] + r[1] > 0)
    recall = statistics.mean(_recall(*r) for r in rows if r[0] + r[2] > 0)
    return 2 * precision * recall / (precision + recall), precision, recall
