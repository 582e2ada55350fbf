"""The user's five seed files (raw/) clean to what tests/golden/seeds_expected.json says."""

from __future__ import annotations

from pathlib import Path

from pipeline.batch import clean_batch


def _rows(raw: Path) -> list[dict]:
    result = clean_batch(sorted(raw.glob("*.txt")), raw)
    return [{"source_file": a.source_file, "title": a.title, "dek": a.dek, "text": a.text,
             "spun": a.spun, "source": a.source} for a in result.articles]


def test_seeds_articles_titles_paragraphs_and_absent_lines(raw_seeds: Path, seed_problems) -> None:
    assert seed_problems(_rows(raw_seeds)) == []


def test_seed_dump_000_is_seven_articles_without_paywall(raw_seeds: Path) -> None:
    rows = [r for r in _rows(raw_seeds) if r["source_file"].startswith("000_")]
    assert len(rows) == 7
    for r in rows:
        assert "granted access" not in r["text"] and "Welcome Offer" not in r["text"]


def test_seeds_absent_should_lines_are_gone_too(raw_seeds: Path, seed_problems) -> None:
    """The user's 'absent_should' lines (remove where it costs no body text) are removed."""
    assert seed_problems(_rows(raw_seeds), include_should=True) == []


def test_spun_seed_carries_a_score_per_paragraph(raw_seeds: Path) -> None:
    """The flagged copy says where its spinning is; clean seeds carry no paragraph scores."""
    from pipeline.unspin import DEFAULT_UNSPIN_CONFIG

    arts = clean_batch(sorted(raw_seeds.glob("*.txt")), raw_seeds).articles
    spun = [a for a in arts if a.spun]
    assert [a.source_file[:3] for a in spun] == ["001"]
    scores = spun[0].paragraph_spin_scores
    assert scores is not None and len(scores) == len(spun[0].paragraphs)
    assert max(scores) >= DEFAULT_UNSPIN_CONFIG.threshold
    assert all(a.paragraph_spin_scores is None for a in arts if not a.spun)
