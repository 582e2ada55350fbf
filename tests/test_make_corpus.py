"""bench/make_corpus.py: the benchmark corpus is deterministic, holds near-copies, and its
other articles are new text (a million articles must not be a few thousand repeated)."""

from __future__ import annotations

import itertools
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bbc import BBC, read_stories  # noqa: E402
from bench.make_corpus import articles, write_corpus  # noqa: E402


def _grams(paras: list[str]) -> set[tuple[str, ...]]:
    words = " ".join(paras).split()
    return set(zip(words, words[1:], words[2:], strict=False))


@pytest.fixture(scope="module")
def made() -> list[tuple[str, list[str]]]:
    return list(articles(150, seed=5))


def test_deterministic_and_written_as_dumps_and_pages(made, tmp_path: Path) -> None:
    assert list(articles(150, seed=5)) == made
    assert list(articles(150, seed=6)) != made
    counts = write_corpus(150, tmp_path / "c", seed=5)
    files = sorted((tmp_path / "c").rglob("*.txt"))
    assert counts["articles"] == 150 and counts["files"] == len(files)
    text = "".join(f.read_text("utf-8") for f in files)
    # every article's title is in the files, dumps have one paywall block per article
    assert all(title in text for title, _ in made)
    assert text.count("You have been granted access") <= 150


def test_near_copies_and_otherwise_new_text(made) -> None:
    grams = [_grams(p) for _, p in made]
    sims = [len(a & b) / len(a | b) for a, b in itertools.combinations(grams, 2)]
    copies = sum(s > 0.3 for s in sims)
    assert 5 <= copies <= 30  # ~10% of articles are followed by a near-copy
    assert sorted(sims)[-copies - 1] < 0.05  # every other pair shares next to nothing
    lengths = sorted(len(" ".join(p).split()) for _, p in made)
    assert 650 <= lengths[len(lengths) // 2] <= 1000  # about 750 words


@pytest.mark.skipif(not BBC.is_dir(), reason="BBC corpus not present")
def test_sentences_are_new_not_bbc_sentences_repeated(made) -> None:
    source = {s.strip().rstrip(".") for st in read_stories()
              for p in st.paragraphs for s in p.split(". ")}
    sentences = [s.strip().rstrip(".") for _, paras in made for p in paras
                 for s in re.split(r"(?<=[.?!]) ", p) if len(s.split()) >= 8]
    verbatim = sum(s in source for s in sentences) / len(sentences)
    assert verbatim < 0.05  # measured 1.1% on 300 articles
    recombined = [s.strip().rstrip(".") for _, paras in articles(20, seed=5, text="sentences")
                  for p in paras for s in p.split(". ") if len(s.split()) >= 8]
    assert sum(s in source for s in recombined) / len(recombined) > 0.8
