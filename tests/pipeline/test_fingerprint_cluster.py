"""fingerprint and cluster: copies join, distinct stories stay apart, canonical by quality."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from pipeline.cluster import ClusterInput, cluster_articles, estimate_similarity
from pipeline.fingerprint import content_hash, signature

STORY = (
    "The city council voted on Tuesday to approve a new budget that raises spending on "
    "parks, libraries and road repairs while freezing most fees for residents. The mayor "
    "said the plan balances the needs of growing neighbourhoods with the cost of living, "
    "and that officials would report on progress every three months. Opponents argued the "
    "budget relies on optimistic forecasts for sales tax revenue and leaves too little in "
    "reserve for emergencies such as floods. The vote was seven to two after a debate that "
    "lasted more than four hours and drew dozens of residents to the chamber."
)
OTHER = (
    "Heavy rain overnight closed Riverside Road in both directions, and crews worked into "
    "the morning to clear mud and fallen trees from the lanes near the old mill. Drivers "
    "were told to use the bypass until at least Friday, when engineers expect to finish "
    "checking the culverts under the road. Several homes on the lower streets reported "
    "water in their basements and the fire service pumped out two shops on the square."
)


def _item(aid: str, text: str, spun: bool = False, fetched: int = 1) -> ClusterInput:
    sig, n = signature(text)
    return ClusterInput(aid, content_hash(text), sig, n, spun, len(text.split()),
                        datetime(2025, 1, fetched, tzinfo=UTC))


def test_signature_is_deterministic_and_sized() -> None:
    a, n = signature(STORY)
    b, _ = signature(STORY)
    assert a.dtype == np.uint32 and a.shape == (128,) and n > 50
    assert np.array_equal(a, b)


def test_similarity_estimates_track_overlap() -> None:
    a, na = signature(STORY)
    b, nb = signature(OTHER)
    j, _ = estimate_similarity(a, na, b, nb)
    assert j < 0.1
    half = STORY[: len(STORY) // 2]
    h, nh = signature(half)
    j, c = estimate_similarity(a, na, h, nh)
    assert j < 0.7 and c > 0.8  # a truncated copy: low Jaccard, high containment


def test_copies_cluster_and_canonical_is_by_quality() -> None:
    truncated = STORY[: len(STORY) * 2 // 3]
    edited = STORY.replace("seven to two", "7-2").replace("Tuesday", "Tuesday evening")
    items = [
        _item("a-trunc", truncated, fetched=1),
        _item("b-full", STORY, fetched=3),
        _item("c-edited", edited, fetched=2),
        _item("d-other", OTHER),
        _item("e-exact", STORY, fetched=5),
    ]
    out = cluster_articles(items)
    story = {out[i].cluster_id for i in ("a-trunc", "b-full", "c-edited", "e-exact")}
    assert len(story) == 1 and out["d-other"].cluster_id not in story
    canon = [i for i in out if out[i].is_canonical]
    assert sorted(canon) == ["b-full", "d-other"]  # complete, earliest of the full copies
    assert out["a-trunc"].duplicate_of == "b-full" and out["b-full"].duplicate_of is None


def test_spun_copy_is_never_canonical_over_its_original() -> None:
    spun_text = STORY + " Extra words."
    out = cluster_articles([_item("orig", STORY, fetched=9), _item("spun", spun_text, True, 1)])
    assert out["orig"].is_canonical and out["spun"].duplicate_of == "orig"
