"""fingerprint and cluster: copies join, follow-ups and distinct stories stay apart, the
canonical is chosen by quality, the estimates track the exact sets."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime

import numpy as np
import pytest
from datasketch import MinHash

from pipeline.cluster import (
    ClusterConfig,
    ClusterInput,
    cluster_articles,
    cross_lead_similarity,
    estimate_similarity,
    lead_similarity,
)
from pipeline.fingerprint import (
    FingerprintConfig,
    _tokenize,
    content_hash,
    lead_paragraphs,
    lead_values,
    shingle_set,
    signature,
    signatures,
)
from pipeline.store import IndexMismatch, check_index_params, index_params

PARAS = [
    "The city council voted on Tuesday to approve a new budget that raises spending on "
    "parks, libraries and road repairs while freezing most fees for residents.",
    "The mayor said the plan balances the needs of growing neighbourhoods with the cost of "
    "living, and that officials would report on progress every three months. Finance "
    "director Ruth Okafor told members the reserve would stay above 12 million pounds.",
    "Opponents argued the budget relies on optimistic forecasts for sales tax revenue and "
    "leaves too little in reserve for emergencies such as floods. Councillor Dev Patel said "
    "the same forecasts had proved wrong twice in the past five years.",
    "The vote was seven to two after a debate that lasted more than four hours and drew "
    "dozens of residents to the chamber, many of them parents from the Eastfield estate "
    "where the library has been closed since the spring.",
    "The budget takes effect in April. A public meeting on the road repair programme will be "
    "held at the town hall on 14 March, and residents can comment online until the end of "
    "the month.",
]
STORY = "\n\n".join(PARAS)
OTHER = "\n\n".join([
    "Heavy rain overnight closed Riverside Road in both directions, and crews worked into "
    "the morning to clear mud and fallen trees from the lanes near the old mill.",
    "Drivers were told to use the bypass until at least Friday, when engineers expect to "
    "finish checking the culverts under the road.",
    "Several homes on the lower streets reported water in their basements and the fire "
    "service pumped out two shops on the square.",
    "Forecasters said more rain was likely at the weekend but that river levels should "
    "fall by Monday.",
])


def _item(aid: str, text: str, spun: bool = False, fetched: int = 1) -> ClusterInput:
    sig, n = signature(text)
    return ClusterInput(aid, content_hash(text), sig, n, spun, len(text.split()),
                        datetime(2025, 1, fetched, tzinfo=UTC))


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def test_signature_is_deterministic_and_sized() -> None:
    config = FingerprintConfig()
    a, n = signature(STORY)
    b, _ = signature(STORY)
    assert a.dtype == np.uint32 and a.shape == (config.length,) and config.length == 224
    assert np.array_equal(a, b) and n > 150
    batch, counts = signatures([OTHER, STORY, ""])
    assert np.array_equal(batch[1], a) and counts[1] == n  # a batch changes nothing
    assert counts[2] == 0 and (batch[2] == 0xFFFFFFFF).all()


def test_quotes_case_and_spacing_do_not_count() -> None:
    curly = STORY.replace("said", "SAID").replace(". ", ".  ").replace("'", "’")
    assert np.array_equal(signature(curly)[0], signature(STORY)[0])
    assert np.array_equal(signature("Don’t  stop – “now”")[0],
                          signature('don\'t stop - "NOW"')[0])


def test_lead_parts_are_datasketch_affine32_minhashes() -> None:
    config = FingerprintConfig()
    lead, second = lead_paragraphs("By Jane Doe\n\n" + STORY, config)
    assert (lead, second) == (PARAS[0], PARAS[1])  # a byline above is not the lead
    sig = signature(STORY)[0]
    k, lp = config.num_perm, config.lead_perm
    for para, part in ((lead, sig[k:k + lp]), (second, sig[k + lp:])):
        tok = _tokenize([para.encode()])[0]
        m = MinHash(num_perm=lp, seed=config.seed, hashfunc=lambda v: v)
        m.update_batch(lead_values(tok)[:config.lead_tokens].tolist())
        assert np.array_equal(part, m.hashvalues[:part.size])


def test_estimates_track_the_exact_sets() -> None:
    rng = random.Random(7)
    words = STORY.split() + OTHER.split()
    errors, count_errors = [], []
    for _ in range(150):
        a = [rng.choice(words) for _ in range(rng.randint(20, 400))]
        b = list(a)
        for _ in range(rng.randint(0, len(a))):
            b[rng.randrange(len(b))] = rng.choice(words) + "x"
        b = b[:rng.randint(5, len(b))]
        ta, tb = " ".join(a), " ".join(b)
        (sa, na), (sb, nb) = signature(ta), signature(tb)
        set_a, set_b = shingle_set(ta)[0], shingle_set(tb)[0]
        j, _ = estimate_similarity(sa, na, sb, nb)
        errors.append(j - _jaccard(set_a, set_b))
        count_errors.append(abs(na - len(set_a)) / len(set_a))
    errors = np.array(errors)
    assert abs(errors.mean()) < 0.01 and errors.std() < 0.05  # one-permutation, densified
    assert max(count_errors) < 0.05  # distinct shingles by linear counting


def test_lead_and_body_similarity_of_copies_and_follow_ups() -> None:
    truncated = "\n\n".join(PARAS[:2] + ["Subscribe to continue reading."])
    follow_up = "\n\n".join([OTHER.split("\n\n")[0], PARAS[2], PARAS[3],
                             *OTHER.split("\n\n")[1:]])
    full, n = signature(STORY)
    t, nt = signature(truncated)
    f, nf = signature(follow_up)
    j, c = estimate_similarity(full, n, t, nt)
    assert j < 0.6 and c > 0.8 and lead_similarity(full, t) == 1.0
    j, c = estimate_similarity(full, n, f, nf)
    assert c > 0.3 and lead_similarity(full, f) < 0.3  # shares paragraphs, not the lead


def test_copies_cluster_follow_ups_stay_apart() -> None:
    truncated = "\n\n".join(PARAS[:2] + ["Subscribe to continue reading."])
    edited = STORY.replace("seven to two", "7-2").replace("on Tuesday", "on Tuesday evening")
    syndicated = "LONDON (Reuters) - " + "\n\n".join(PARAS[:-1])
    follow_up = "\n\n".join([
        "The council's budget row deepened on Thursday when two members of the ruling group "
        "resigned their committee seats in protest at the library closures.",
        PARAS[2], PARAS[3],
        "Both said they would still vote with the group on other matters this year."])
    items = [
        _item("a-trunc", truncated, fetched=1),
        _item("b-full", STORY, fetched=3),
        _item("c-edited", edited, fetched=4),
        _item("d-other", OTHER),
        _item("e-exact", STORY, fetched=5),
        _item("f-synd", syndicated, fetched=6),
        _item("g-follow", follow_up, fetched=7),
    ]
    out = cluster_articles(items)
    story = {out[i].cluster_id for i in ("a-trunc", "b-full", "c-edited", "e-exact", "f-synd")}
    assert len(story) == 1
    assert out["d-other"].cluster_id not in story and out["g-follow"].cluster_id not in story
    # complete over truncated (even fetched first), then earliest fetched
    assert out["b-full"].is_canonical and out["a-trunc"].duplicate_of == "b-full"
    assert sorted(i for i in out if out[i].is_canonical) == ["b-full", "d-other", "g-follow"]


def test_a_paragraph_above_the_lead_is_matched_by_the_second_part() -> None:
    update = ("Update: the council confirmed on Wednesday that the library on the Eastfield "
              "estate will reopen in June, after the vote freed money for repairs.")
    updated = update + "\n\n" + STORY
    chrome = "Fox News Flash top headlines are here. Check out what's clicking today.\n\n"
    sig_o, n_o = signature(STORY)
    for text in (updated, chrome + STORY):
        sig, n = signature(text)
        assert lead_similarity(sig_o, sig) < 0.3
        assert cross_lead_similarity(sig_o, n_o, sig, n) == 1.0
    # a story whose first long paragraph is a background paragraph of another: that
    # paragraph is the other's second, but the other does not lie within it
    borrowed = "\n\n".join(["Score: 2-1.", PARAS[1], PARAS[2]] + OTHER.split("\n\n"))
    sig, n = signature(borrowed)
    assert cross_lead_similarity(sig_o, n_o, sig, n) == 0.0
    out = cluster_articles([_item("orig", STORY, fetched=1), _item("upd", updated, fetched=2),
                            _item("chrome", chrome + STORY, fetched=3)])
    assert len({a.cluster_id for a in out.values()}) == 1 and out["orig"].is_canonical


def test_canonical_by_quality() -> None:
    spun = STORY.replace("said", "stated").replace("budget", "finances") + " Extra words."
    out = cluster_articles([_item("orig", STORY, fetched=9), _item("spun", spun, True, 1)])
    assert out["orig"].is_canonical and out["spun"].duplicate_of == "orig"
    edited = STORY.replace("seven to two", "7-2")
    out = cluster_articles([_item("later", STORY, fetched=5), _item("earlier", edited,
                                                                     fetched=2)])
    assert out["earlier"].is_canonical  # both complete: earliest fetched
    updated = STORY + "\n\n" + OTHER
    out = cluster_articles([_item("orig", STORY, fetched=2), _item("upd", updated, fetched=3),
                            _item("resc", STORY + " Share this.", fetched=4)])
    assert out["orig"].is_canonical  # an update with more words does not make it truncated


def test_spun_copy_joins_only_with_its_flag_or_a_close_lead() -> None:
    swaps = {"budget": "finances", "said": "stated", "residents": "inhabitants",
             "approve": "endorse", "spending": "expenditure", "voted": "elected",
             "officials": "officers", "debate": "discussion", "forecasts": "predictions",
             "closed": "shut", "months": "12 months", "members": "participants"}
    spun = STORY
    for a, b in swaps.items():
        spun = spun.replace(a, b)
    sig_o, n_o = signature(STORY)
    sig_s, n_s = signature(spun)
    j, _ = estimate_similarity(sig_o, n_o, sig_s, n_s)
    assert 0.16 <= j < 0.8 and lead_similarity(sig_o, sig_s) >= 0.3
    flagged = cluster_articles([_item("orig", STORY, fetched=1), _item("spun", spun, True, 2)])
    assert flagged["spun"].duplicate_of == "orig"


def test_bands_must_fit_the_signature() -> None:
    with pytest.raises(ValueError, match="bands x rows"):
        cluster_articles([_item("a", STORY), _item("b", OTHER)], ClusterConfig(bands=65))


def test_stored_index_of_another_scheme_is_refused(tmp_path) -> None:
    cfg, cluster_cfg = FingerprintConfig(), ClusterConfig()
    (tmp_path / "index.json").write_text(json.dumps(index_params(cfg, cluster_cfg)))
    check_index_params(tmp_path, index_params(cfg, cluster_cfg))
    for fp, cl in ((FingerprintConfig(lead_tokens=60), cluster_cfg),
                   (FingerprintConfig(ngram=5), cluster_cfg),
                   (FingerprintConfig(num_perm=64), cluster_cfg)):
        with pytest.raises(IndexMismatch, match="other parameters"):
            check_index_params(tmp_path, index_params(fp, cl))
    # another banding is fine: every run bands all stored signatures afresh
    check_index_params(tmp_path, index_params(cfg, ClusterConfig(lead_bands=8, lead_rows=8)))
