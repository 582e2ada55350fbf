"""split and strip against golden cases kept as data (tests/golden/*.json)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.model import Article
from pipeline.read import _text_document
from pipeline.split import looks_like_title, split_document
from pipeline.strip import strip_boilerplate

GOLDEN = Path(__file__).resolve().parents[1] / "golden"
SPLIT_CASES = json.loads((GOLDEN / "split_cases.json").read_text("utf-8"))
STRIP_CASES = json.loads((GOLDEN / "strip_cases.json").read_text("utf-8"))


@pytest.mark.parametrize("case", SPLIT_CASES, ids=[c["label"] for c in SPLIT_CASES])
def test_split_golden(case: dict) -> None:
    doc = _text_document(case["input"], "case.txt", "utf-8")
    articles = strip_boilerplate(split_document(doc))
    got = [
        {"title": a.title, "dek": a.dek, "first": a.paragraphs[0], "last": a.paragraphs[-1]}
        for a in articles
    ]
    assert len(got) == len(case["expect"]), got
    for g, want in zip(got, case["expect"], strict=True):
        assert g["title"] == want["title"]
        assert g["dek"] == want["dek"]
        assert g["first"].startswith(want["first"])
        assert g["last"].startswith(want["last"])
    if "source" in case:
        assert all(a.source == case["source"] for a in articles)


@pytest.mark.parametrize("case", STRIP_CASES, ids=[c["label"] for c in STRIP_CASES])
def test_strip_golden(case: dict) -> None:
    articles = strip_boilerplate([Article("case.txt", 0, "utf-8", list(case["lines"]))])
    kept = [p for a in articles for p in a.paragraphs]
    assert kept == case["kept"]
    removed = [r.line for a in articles for r in a.removed]
    assert sorted(removed + kept) == sorted(case["lines"])  # nothing lost silently
    assert all(r.reason for a in articles for r in a.removed)


def test_every_removed_line_has_a_reason_and_stage(raw_seeds: Path) -> None:
    from pipeline.batch import clean_batch

    result = clean_batch(sorted(raw_seeds.glob("*.txt")), raw_seeds)
    removals = [r for a in result.articles for r in a.removed]
    assert removals, "the seeds carry boilerplate; some must be removed"
    assert all(r.reason and r.stage in ("split", "strip") for r in removals)


def test_title_shapes() -> None:
    assert looks_like_title("The war in Ukraine has changed — and it’s deadlier than ever.")
    assert not looks_like_title("“It tore my arm off,” recounted Jr. Sgt. Taras.")
    assert not looks_like_title("Illustration:")


_ODD_LINES = ["", "plain", "a | b", "a – b", "a—b", "a - b", "a-b", "Note: x", "a:b", "a\tb",
              "a\u00a0b", "“It’s” ‘so’", "  You’ve   been\u00a0granted ", "x\u2009-\u2009y"]


@pytest.mark.parametrize("line", _ODD_LINES)
def test_fast_paths_match_their_plain_forms(line: str) -> None:
    from pipeline.split import _SEPARATORS, _may_be_leaked
    from pipeline.strip import normalize_line

    assert _may_be_leaked(line) == any(sep in line for sep in _SEPARATORS)
    quotes = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " "})
    assert normalize_line(line) == " ".join(line.translate(quotes).split())


def test_hard_wrapped_line_continues_with_a_number() -> None:
    """A short page wrapped by hand: a line that breaks before a number ("would defend" /
    "1000's of homes") is one paragraph with it; a list after a heading is not joined."""
    text = ("Flood defences approved for the coast\n\n"
            "Engineers visited the site and said the new wall would defend\n"
            "1000's of homes in coastal towns from the winter storms.\n\n"
            "The council listed the towns that will get work first this year\n"
            "Two of them are on the estuary.\n")
    (art,) = split_document(_text_document(text, "wrapped.txt", "utf-8"))
    assert art.paragraphs == [
        "Engineers visited the site and said the new wall would defend 1000's of homes in "
        "coastal towns from the winter storms.",
        "The council listed the towns that will get work first this year",
        "Two of them are on the estuary."]


def test_a_reporting_credit_in_a_caption_s_place_is_kept() -> None:
    """The caption layout (caption / credit / hide caption / toggle caption / credit)
    makes its first line a caption by its neighbours; a line a "keep" rule protects (a
    reporting credit) stays text, and stays protected, whatever stands around it."""
    from pipeline.strip import KEEP, classify_lines

    credit = "Jane Doe contributed reporting from Kyiv."
    lines = [credit, "Photo: AP", "hide caption", "toggle caption", "Photo: AP"]
    assert classify_lines(lines)[0] is None
    kept = classify_lines(lines, keep=True)[0]
    assert kept is not None and kept[0] == KEEP
    lines = ["A barge passes the quay.", credit, "hide caption", "toggle caption", credit]
    out = classify_lines(lines, keep=True)
    assert out[1] is not None and out[1][0] == KEEP and out[4][0] == KEEP
