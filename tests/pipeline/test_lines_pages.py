"""A dump's pages are judged in one call (`join_pages`), and that must not change what the
model reads: every feature of a page judged with the others is the feature of that page
judged alone, bit for bit, so the model (fitted page by page) sees what it was fitted on.
Pages are the seeds' multi-article dump and the benchmark corpus's paywall dumps."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from pipeline import lines as L
from pipeline.read import read_file
from pipeline.split import prepare_document

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.make_corpus import write_corpus  # noqa: E402


def _paged_documents(tmp_path: Path) -> list[list[L.LineInput]]:
    files = sorted((ROOT / "raw").glob("*.txt"))
    write_corpus(60, tmp_path / "c", seed=3)
    files += sorted((tmp_path / "c").rglob("*.txt"))
    out = []
    for f in files:
        docs, _ = read_file(f, f.parent)
        for doc in docs:
            prep = prepare_document(doc)
            pages = L.page_inputs(prep.doc.lines, prep.classes, prep.keys, prep.starts,
                                  prep.doc.title, "https://example.org/news/harbour-bridge",
                                  prep.doc.extracted, 8)
            if len(pages) > 1:
                out.append([inp for _, inp in pages])
    return out


@pytest.fixture(scope="module")
def paged(tmp_path_factory: pytest.TempPathFactory) -> list[list[L.LineInput]]:
    docs = _paged_documents(tmp_path_factory.mktemp("pages"))
    assert len(docs) >= 3, "the seeds and the corpus hold paged dumps"
    return docs


def _alone(pages: list[L.LineInput]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    base, ctx, title, p1s = [], [], [], []
    for inp in pages:
        b = L.document_features(inp)
        p1 = np.linspace(0.05, 0.95, len(b)) ** 2  # any scores: the features must agree
        p1s.append(p1)
        base.append(b)
        ctx.append(L.context_features(b, p1, inp.lines))
        title.append(L.title_features(b, p1, inp))
    return (np.concatenate(base), np.concatenate(ctx), np.concatenate(title),
            np.concatenate(p1s))


def test_pages_judged_together_read_as_each_alone(paged: list[list[L.LineInput]]) -> None:
    for pages in paged:
        base, ctx, title, p1 = _alone(pages)
        joined = L.join_pages(pages)
        assert joined.pages is not None and len(joined.pages) == len(pages)
        b = L.document_features(joined)
        np.testing.assert_array_equal(b, base)
        np.testing.assert_array_equal(L.context_features(b, p1, joined.lines, joined.pages),
                                      ctx)
        np.testing.assert_array_equal(L.title_features(b, p1, joined), title)


def test_page_features_with_real_scores(paged: list[list[L.LineInput]]) -> None:
    """The same with the model's own stage-1 scores (ties and runs as they fall)."""
    model = L.load_line_model()
    for pages in paged:
        joined = L.join_pages(pages)
        tokens = [L.Tokens(list(i.lines)) for i in pages]
        b = L.document_features(joined, tokens)
        p1 = model.stage1.score(b)
        at = 0
        parts = []
        for inp in pages:
            n = len(inp.lines)
            parts.append(L.context_features(b[at:at + n], p1[at:at + n], inp.lines))
            at += n
        np.testing.assert_array_equal(
            L.context_features(b, p1, tokens, joined.pages), np.concatenate(parts))


def test_runs_and_windows_stop_at_a_page_start() -> None:
    pg = L._Pages(6, [0, 3])
    flags = np.array([True, True, True, True, True, False])
    assert L._run_lengths(flags, pg).tolist() == [3.0, 3.0, 3.0, 2.0, 2.0, 0.0]
    values = np.array([1.0, 2.0, 3.0, 10.0, 20.0, 30.0])
    assert L._windowed(values, 1, pg).tolist() == [1.5, 2.0, 2.5, 15.0, 20.0, 25.0]
    assert L._shift(values, 1, 0.0, pg).tolist() == [0.0, 1.0, 2.0, 0.0, 10.0, 20.0]
    assert L._recent(np.array([0, 0, 1.0, 0, 0, 0]), 2, False, pg).tolist() == [
        1.0, 1.0, 0.0, 0.0, 0.0, 0.0]


def test_page_starts_must_cut_the_lines() -> None:
    for bad in ([1, 3], [0, 3, 3], [0, 6]):
        with pytest.raises(ValueError, match="do not cut"):
            L._Pages(6, bad)
    with pytest.raises(ValueError, match="itself several pages"):
        inp = L.LineInput(["a", "b"], [False] * 2, [False] * 2, [None] * 2, [None] * 2,
                          [None] * 2, same_counts=[1, 1], template_counts=[1, 1],
                          pages=[0, 1])
        L.join_pages([inp, inp])


def test_a_page_too_short_to_judge_holds_an_article_with_two_sentences() -> None:
    """A page the model does not judge counts as an article with twenty words and two
    sentences, in one paragraph or two; a block of teaser headlines is none."""
    brief = ("Ferry fares will rise by five per cent from April, the operator said. "
             "Season tickets are not affected by the rise this year.")
    teasers = ["Red Dead Redemption 2 guide, walkthrough and tips for every platform",
               "Release dates: every game confirmed for PC, PS4, Xbox One and Switch",
               "The best Xbox One Black Friday deals of the year so far"]
    for second, holds in (([brief], True), (teasers, False)):
        lines = ["Harbour bridge to close", brief, "Ferry fares to rise", *second]
        n = len(lines)
        v = L.Verdicts([None] * n, [None] * n, [None] * n)
        assert v.pages_hold_body(lines, [None] * n, [2]) is holds


def test_tokens_must_be_given_one_per_page(paged: list[list[L.LineInput]]) -> None:
    joined = L.join_pages(paged[0])
    b = L.document_features(joined)
    with pytest.raises(ValueError, match="one per page"):
        L.context_features(b, np.full(len(b), 0.5), L.Tokens(list(joined.lines)),
                           joined.pages)


def test_two_lines_on_every_page_make_a_template_only_when_pages_open_alike() -> None:
    """Two teaser headlines a page lists three times (a sidebar, 'Most read', a footer)
    stand once in each third of it, like a page template; they cut the page only when
    every part opens the same way, as a dump's pages do (a headline). Three template lines
    or more need no such sign."""
    from pipeline.split import _page_starts

    body = "The council said the bridge would close for six weeks of repairs to the deck."
    teasers = ["Lifeboat crew rescue two walkers", "Council approves new library"]

    def page(opening: str) -> list[str]:
        return [opening, body, body.replace("six", "five"), *teasers]

    for openings, cut in ((["Harbour bridge to close", "Ferry fares to rise",
                            "Library plans approved"], True),
                          (["Harbour bridge to close", f"{body} {body}",
                            "Library plans approved"], False)):
        lines = [ln for o in openings for ln in page(o)]
        classes = [("line", "learned: repeats 3 times in this file") if ln in teasers
                   else None for ln in lines]
        keys = [teasers.index(ln) + 1 if ln in teasers else None for ln in lines]
        starts = _page_starts(lines, classes, keys)
        assert (starts == [5, 10]) is cut, (openings, starts)
