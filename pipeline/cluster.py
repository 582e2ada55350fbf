"""Stage 6, cluster: every copy of a story in one cluster, one canonical per cluster.

Candidates come from LSH banding (`pipeline.bands`, the same buckets as datasketch's
MinHashLSH with explicit bands x rows) over both parts of the signature: the body part
finds pairs whose texts are alike, the lead part pairs that open alike. Every candidate
pair is then verified on the signatures (`is_copy`: estimated Jaccard and containment of
the bodies, estimated Jaccard of the leads, and unspin's flag). Verified pairs are joined
with union-find;
identical texts (same content hash) always share a cluster.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from pipeline.bands import candidate_arrays
from pipeline.fingerprint import DEFAULT_FINGERPRINT_CONFIG, FingerprintConfig


@dataclass(frozen=True, slots=True)
class ClusterConfig:
    """How candidates are found and verified, and how the canonical is chosen.

    Measured with `bench/eval_cluster.py --half dev --originals 400` on copies of BBC
    articles (`bench/copies.py`): 3,164 articles, of which 400 of each copy kind and 363
    follow-ups. J is the estimated body Jaccard, C the estimated containment of the
    smaller body in the larger, L the estimated lead Jaccard, all as verification sees
    them; "p1" is the 1st percentile over the copies of a kind.

    A pair is a copy if any of these holds:
      - its leads match (L or X >= min_lead, X the cross similarity of one's lead with
        the other's second paragraph) and the smaller body lies in the larger
        (C >= min_containment): truncated (L p1 1.00), rescraped, misencoded, updated
        and syndicated (L p1 0.80) copies keep their story's lead. Where a paragraph was
        put above it (an update's new paragraph, a line of page chrome strip left: L p1
        0.00 for updated and rescraped copies) the lead is the copy's second paragraph:
        L or X p1 0.75 (updated), 1.00 (rescraped). X counts only where the article
        giving its lead lies within the other (`min_cross_within`). Follow-ups open with
        their own lead and reuse background paragraphs, never the lead (L <= 0.22); two
        stories opening with the same boilerplate paragraph share little else
        (C <= 0.10). C is noisy for a short copy of a long text: a truncated copy that
        is the lead and a paywall line has C p1 0.29 (true ~0.5);
      - one of the two is flagged spun, L >= min_lead_spun and J >= min_jaccard_spun:
        a spun copy keeps most of its lead's words (L p1 0.34, min 0.25) and a fifth of
        its word 3-grams (J p1 0.17). Two BBC stories on one event (Blair and
        Brown's rift) sit just below, at L 0.36, J 0.14 (exact 0.16): asking for the
        flag keeps pairs like them out;
      - neither is flagged, L >= min_lead_reworded and J >= min_jaccard_reworded: a
        spun copy unspin missed. None of the ~6,000 unrelated candidate pairs passes;
        the Blair-Brown pair is kept out by both thresholds (0.44 and 0.14 at worst);
      - J >= min_jaccard_alone, whatever the leads: a copy that lost its lead and second
        paragraph. Follow-ups reach J 0.73 on the dev set (0.78 on the test set); 0.9
        keeps a margin of three to four standard errors, and at 0.8 it would add one updated
        copy of 400 on the dev set, at 1.01 (never) none.
    On the dev set these give recall >= 0.995 for every kind but spun (0.98-0.99 as
    unspin's flags vary), no follow-up and no unrelated pair verified.

    bands, rows: LSH banding of the body part (bands * rows <= num_perm). 32 x 4: the
        lead, cross and spun bands already find every copy kind (dev and test halves:
        LSH finds 1.000 of each kind at 32 x 4 as at 64 x 2, test F1 0.9971 both), and
        64 x 2 made texts that share common sentences candidates at J^2 per band: on the
        100k-article bench corpus (articles recombined from one topic's sentences) that
        was ~10^8 candidate pairs and 17 GB of memory; 32 x 4 takes J^4. Earlier: 64 x 2 makes a
        pair at J=0.16 (the least alike spun copies) a candidate with probability
        1-(1-0.16^2)^64 = 0.81, at 0.2 with 0.93, at 0.3 with 0.998 (32 x 4, the old
        default, finds a pair at 0.3 with probability 0.23, 42 x 3 with 0.68; the lead
        bands find most spun copies too). The price: unrelated BBC stories become
        candidates at a rate of 9e-4 per pair (4.6 candidates per article on the dev
        set, verified in one vectorised step); at scale that grows with the number of
        articles on one topic.
    lead_bands, lead_rows: banding of the lead part (lead_bands * lead_rows <=
        lead_perm). 10 x 6: L=0.9 is a candidate with probability 0.9995, L=0.73 with
        0.80, L=1 always. Unrelated leads share common words (L ~0.05-0.25), so the rate
        at which they become candidates decides how the cost grows with the corpus: 16 x 4
        (until 2026-11-25; L=0.73 with 0.995) made 65,083 lead pairs on 20,000 bench
        articles (`bench/make_corpus.py`, ~1,800 true copies), growing with the square of
        the corpus (x2,500 at a million); 10 x 6 makes 2,177. On the BBC copies it costs one
        spun copy of 300 that unspin did not flag (dev F1 0.9975 -> 0.9970, test 0.9971
        -> 0.9966); flagged ones keep 16 x 4 (`spun_lead_bands`).
    spun_lead_bands, spun_lead_rows: the lead banded 16 x 4 for pairs with an article
        flagged spun (a spun copy keeps ~65% of its lead's words, L p1 0.34), made only in
        buckets that hold a flagged article. 0 turns them off.
    cross_bands, cross_rows: banding of leads against second paragraphs (over the first
        `second_perm` lead values; cross_bands * cross_rows <= second_perm). 5 x 6: X=1
        always, X=0.75 with probability 0.62 (8 x 4 until 2026-11-25: 0.95, and 166,358
        raw pairs on the 20,000 bench articles against 4,395); updated copies, the kind
        that needs X, are found by their body bands as well (LSH finds 1.000 of them on
        both halves either way).
    min_cross_within: how much of the article whose lead matched the other's second
        paragraph must lie within the other. An original lies within its copy with a
        paragraph above the lead: at least 0.89 over the 153 dev pairs that match only
        this way (updated 0.89, rescraped 0.95); 0.8 is two standard errors below. A
        follow-up whose first long paragraph is a background paragraph of the original
        (a short story of its own before it) matches the original's second paragraph
        the other way; none does on the dev half, and on the test half (seed 6) one lies
        within the original at 0.49 and 0.72 (a short story of its own: almost an
        excerpt), which merged before this condition was added.
    spun_bands: more bands of two rows over the body, pairing other values, for pairs
        with an article flagged spun: a spun copy at J=0.16 becomes a candidate with
        probability 1-(1-0.16^2)^128 = 0.96 instead of 0.81. On the dev set: spun
        copies found by LSH 0.995 -> 1.000, recall 0.985 -> 0.990, for 1% more
        candidates (only flagged articles take part). 0 turns them off.
    min_shingles: articles with fewer distinct body shingles are only matched exactly (by
        content hash). 5: a one-sentence truncated copy (8 word 3-grams) still joins by
        its lead.
    min_complete: canonical choice: a member is complete if it has at least this share of
        the words of the cluster's reference length (`reference_length`). A truncated
        copy keeps 30-60% of the paragraphs, which can hold up to ~85% of the words.
        Canonicals of the 400 dev stories at 0.6 / 0.7 / 0.8 / 0.9: a truncated copy in
        7 / 2 / 1 / 0 clusters, the original in 386 / 391 / 392 / 393 (the rest: an
        updated or syndicated copy, or a spun one unspin did not flag or flagged with
        its original). 0.9 would call an original truncated beside an updated version
        with a paragraph more when they are the cluster's only two members.
    max_bucket: LSH buckets with more articles than this are skipped (boilerplate).
    """

    bands: int = 32
    rows: int = 4
    lead_bands: int = 10
    lead_rows: int = 6
    cross_bands: int = 5
    cross_rows: int = 6
    min_cross_within: float = 0.8
    spun_bands: int = 64
    spun_lead_bands: int = 16
    spun_lead_rows: int = 4
    min_lead: float = 0.7
    min_containment: float = 0.25
    min_lead_spun: float = 0.3
    min_jaccard_spun: float = 0.16
    min_lead_reworded: float = 0.45
    min_jaccard_reworded: float = 0.2
    min_jaccard_alone: float = 0.9
    min_shingles: int = 5
    min_complete: float = 0.8
    max_bucket: int = 1000


DEFAULT_CLUSTER_CONFIG = ClusterConfig()


@dataclass(frozen=True, slots=True)
class ClusterInput:
    """What clustering needs of one article."""

    article_id: str
    content_hash: str
    signature: np.ndarray
    shingle_count: int
    spun: bool
    word_count: int
    fetched_at: datetime | None


@dataclass(frozen=True, slots=True)
class Assignment:
    cluster_id: str
    is_canonical: bool
    duplicate_of: str | None


def estimate_similarity(sig_a: np.ndarray, n_a: int, sig_b: np.ndarray, n_b: int,
                        fp_config: FingerprintConfig = DEFAULT_FINGERPRINT_CONFIG
                        ) -> tuple[float, float]:
    """(Jaccard, containment of the smaller set in the larger) of two bodies, estimated
    from the body parts of their signatures.

    Containment follows from Jaccard and the set sizes: |A n B| = J/(1+J) * (|A|+|B|).
    """
    k = fp_config.num_perm
    j = float(np.mean(np.asarray(sig_a)[:k] == np.asarray(sig_b)[:k]))
    return j, _containment(j, n_a, n_b)


def _parts(sig: np.ndarray, fp_config: FingerprintConfig
           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(body, lead, second) parts of signatures (one or a matrix of them)."""
    sig = np.asarray(sig)
    k, lp = fp_config.num_perm, fp_config.lead_perm
    return sig[..., :k], sig[..., k:k + lp], sig[..., k + lp:]


def _agree(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Share of equal values per row, 0 where either row is empty (all ones)."""
    empty = (a == 0xFFFFFFFF).all(axis=-1) | (b == 0xFFFFFFFF).all(axis=-1)
    if a.shape[-1] == 0:
        return np.zeros(empty.shape)
    return np.where(empty, 0.0, (a == b).mean(axis=-1))


def lead_similarity(sig_a: np.ndarray, sig_b: np.ndarray,
                    fp_config: FingerprintConfig = DEFAULT_FINGERPRINT_CONFIG) -> float:
    """Estimated Jaccard of the two articles' leads (0 if either has no lead)."""
    return float(_agree(_parts(sig_a, fp_config)[1], _parts(sig_b, fp_config)[1]))


def cross_lead_similarity(sig_a: np.ndarray, n_a: np.ndarray | int, sig_b: np.ndarray,
                          n_b: np.ndarray | int,
                          config: ClusterConfig = DEFAULT_CLUSTER_CONFIG,
                          fp_config: FingerprintConfig = DEFAULT_FINGERPRINT_CONFIG
                          ) -> np.ndarray | float:
    """Estimated Jaccard of one article's lead with the other's second paragraph: a copy
    with a paragraph (an update, a line of page chrome) put above its story's lead. Taken
    only the way where the article giving its lead lies within the other (at least
    `min_cross_within` of its body shingles): the original lies within such a copy, while
    a follow-up whose lead is a background paragraph of the original (the original's
    second paragraph) does not lie within the original. 0 when neither way holds."""
    body_a, lead_a, second_a = _parts(sig_a, fp_config)
    body_b, lead_b, second_b = _parts(sig_b, fp_config)
    sp = fp_config.second_perm
    j = (body_a == body_b).mean(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        inter = j / (1.0 + j) * (np.asarray(n_a) + np.asarray(n_b))
        a_in_b = inter / np.maximum(n_a, 1)
        b_in_a = inter / np.maximum(n_b, 1)
    a_lead = np.where(a_in_b >= config.min_cross_within, _agree(lead_a[..., :sp], second_b), 0)
    b_lead = np.where(b_in_a >= config.min_cross_within, _agree(second_a, lead_b[..., :sp]), 0)
    out = np.maximum(a_lead, b_lead)
    return float(out) if np.ndim(out) == 0 else out


def _containment(j: np.ndarray | float, n_a: np.ndarray | int, n_b: np.ndarray | int
                 ) -> np.ndarray | float:
    small = np.minimum(n_a, n_b)
    with np.errstate(divide="ignore", invalid="ignore"):
        inter = np.asarray(j) / (1.0 + np.asarray(j)) * (np.asarray(n_a) + np.asarray(n_b))
        c = np.where(small > 0, np.minimum(1.0, inter / np.maximum(small, 1)), 0.0)
    return float(c) if np.ndim(c) == 0 else c


def is_copy(jaccard: np.ndarray, containment: np.ndarray, lead: np.ndarray,
            cross: np.ndarray, spun: np.ndarray,
            config: ClusterConfig = DEFAULT_CLUSTER_CONFIG) -> np.ndarray:
    """The verification rule, on arrays of estimates; `cross`: `cross_lead_similarity`,
    `spun`: either article of the pair is flagged spun (see `ClusterConfig`)."""
    c = config
    return (((np.maximum(lead, cross) >= c.min_lead) & (containment >= c.min_containment))
            | (spun & (lead >= c.min_lead_spun) & (jaccard >= c.min_jaccard_spun))
            | ((lead >= c.min_lead_reworded) & (jaccard >= c.min_jaccard_reworded))
            | (jaccard >= c.min_jaccard_alone))


@dataclass(frozen=True, slots=True)
class PairEvidence:
    """Candidate pairs (indices into the items) with their estimates and verdicts."""

    first: np.ndarray
    second: np.ndarray
    jaccard: np.ndarray
    containment: np.ndarray
    lead: np.ndarray
    cross: np.ndarray
    copy: np.ndarray


def candidate_evidence(items: Sequence[ClusterInput],
                       config: ClusterConfig = DEFAULT_CLUSTER_CONFIG,
                       fp_config: FingerprintConfig = DEFAULT_FINGERPRINT_CONFIG,
                       eligible: np.ndarray | None = None,
                       signatures: np.ndarray | None = None) -> PairEvidence:
    """LSH candidates among `items` (those `eligible`, default all) and their verification.

    `signatures`: the items' signatures as one uint32 matrix (row k = items[k]), when the
    caller has it: no copy is made then (at a million articles the matrix is ~900 MB)."""
    k, lp, sp = fp_config.num_perm, fp_config.lead_perm, fp_config.second_perm
    if config.bands * config.rows > k or config.lead_bands * config.lead_rows > lp or \
            config.spun_lead_bands * config.spun_lead_rows > lp or \
            config.cross_bands * config.cross_rows > min(sp, lp):
        raise ValueError(
            f"bands x rows = {config.bands} x {config.rows} must fit num_perm {k}, lead "
            f"bands x rows {config.lead_bands} x {config.lead_rows} lead_perm {lp}, cross "
            f"bands x rows {config.cross_bands} x {config.cross_rows} second_perm {sp}")
    idx = np.arange(len(items)) if eligible is None else np.flatnonzero(eligible)
    n = idx.size
    empty_i = np.zeros(0, dtype=np.int64)
    empty_f = np.zeros(0)
    if n < 2:
        return PairEvidence(empty_i, empty_i, empty_f, empty_f, empty_f, empty_f,
                            np.zeros(0, bool))
    if signatures is None:
        sigs = np.stack([np.asarray(items[i].signature, dtype=np.uint32) for i in idx])
        rows = None  # sigs holds the eligible rows only
    else:
        sigs, rows = signatures, idx  # the eligible rows of the whole matrix
    if sigs.shape[1] != fp_config.length:
        raise ValueError(f"signatures have {sigs.shape[1]} values, the fingerprint scheme "
                         f"{fp_config.scheme} makes {fp_config.length}")
    body, lead, second = _parts(sigs, fp_config)
    spun = np.array([items[i].spun for i in idx], dtype=bool)
    found = [candidate_arrays(body, config.bands, config.rows, config.max_bucket,
                              subset=rows),
             candidate_arrays(lead, config.lead_bands, config.lead_rows, config.max_bucket,
                              subset=rows)]
    if config.spun_lead_bands and spun.any():
        found.append(candidate_arrays(lead, config.spun_lead_bands, config.spun_lead_rows,
                                      config.max_bucket, active=spun, subset=rows))
    if config.spun_bands and spun.any():
        # more bands of two rows for pairs with a flagged article, pairing other values
        # (i with i + num_perm/2) than the bands above (2i with 2i + 1)
        half = k // 2
        order = np.column_stack((np.arange(half), np.arange(half, 2 * half))).ravel()
        found.append(candidate_arrays(body, config.spun_bands, 2, config.max_bucket,
                                      active=spun, subset=rows, columns=order))
    # a lead against a second paragraph: both in one table, pairs folded back to articles
    both = np.concatenate((lead[:, :sp], second))
    r1, r2 = candidate_arrays(both, config.cross_bands, config.cross_rows, config.max_bucket,
                              subset=None if rows is None else
                              np.concatenate((rows, rows + sigs.shape[0])))
    del both
    keep = ((r1 >= n) != (r2 >= n)) & (r1 % n != r2 % n)  # a lead with a second
    r1, r2 = r1[keep] % n, r2[keep] % n
    found.append((np.minimum(r1, r2), np.maximum(r1, r2)))
    codes = np.unique(np.concatenate([a * n + b for a, b in found]))
    del found
    a, b = codes // n, codes % n
    del codes
    counts = np.array([items[i].shingle_count for i in idx], dtype=np.float64)
    parts: list[tuple[np.ndarray, ...]] = []
    # verified in chunks: gathering signature rows for every pair at once would take
    # pairs x signature length x 8 bytes (gigabytes at a few million pairs)
    for lo in range(0, a.size, VERIFY_CHUNK):
        ca, cb = a[lo:lo + VERIFY_CHUNK], b[lo:lo + VERIFY_CHUNK]  # eligible-local
        ga, gb = (ca, cb) if rows is None else (rows[ca], rows[cb])  # rows of sigs
        jac = (body[ga] == body[gb]).mean(axis=1)
        lead_j = _agree(lead[ga], lead[gb])
        cross = np.asarray(cross_lead_similarity(sigs[ga], counts[ca], sigs[gb], counts[cb],
                                                 config, fp_config))
        cont = np.asarray(_containment(jac, counts[ca], counts[cb]), dtype=np.float64)
        verdict = is_copy(jac, cont, lead_j, cross, spun[ca] | spun[cb], config)
        parts.append((jac, cont, lead_j, cross, verdict))
    if not parts:
        return PairEvidence(empty_i, empty_i, empty_f, empty_f, empty_f, empty_f,
                            np.zeros(0, bool))
    jac, cont, lead_j, cross, verdict = (np.concatenate(x) for x in zip(*parts, strict=True))
    return PairEvidence(idx[a], idx[b], jac, cont, lead_j, cross, verdict)


#: candidate pairs verified per step (bounds the memory of verification)
VERIFY_CHUNK = 200_000


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def quality_key(item: ClusterInput, reference: int,
                config: ClusterConfig = DEFAULT_CLUSTER_CONFIG) -> tuple:
    """Sort key for the canonical: the original over a spun copy, complete (at least
    `min_complete` of the cluster's `reference` length) over truncated, then earliest
    fetched, then more words, then article id (deterministic)."""
    fetched = item.fetched_at.timestamp() if item.fetched_at else float("inf")
    complete = item.word_count >= config.min_complete * reference
    return (item.spun, not complete, fetched, -item.word_count, item.article_id)


def reference_length(members: Sequence[ClusterInput]) -> int:
    """What a complete copy's length is measured against: the upper median word count of
    the unspun members (of all members if every one is spun). The median, not the
    maximum, so that an updated version with a paragraph more does not make its original
    look truncated; for two members it is the longer."""
    lengths = sorted(m.word_count for m in members if not m.spun) or \
        sorted(m.word_count for m in members)
    return lengths[len(lengths) // 2]


def choose_canonical(members: Sequence[ClusterInput],
                     config: ClusterConfig = DEFAULT_CLUSTER_CONFIG) -> ClusterInput:
    """The cluster's canonical member (see `quality_key`)."""
    reference = reference_length(members)
    return min(members, key=lambda m: quality_key(m, reference, config))


def cluster_articles(items: Sequence[ClusterInput],
                     config: ClusterConfig = DEFAULT_CLUSTER_CONFIG,
                     fp_config: FingerprintConfig = DEFAULT_FINGERPRINT_CONFIG,
                     signatures: np.ndarray | None = None) -> dict[str, Assignment]:
    """Cluster articles; return each article id's cluster, canonical flag and canonical.
    `signatures`: the items' signatures as one matrix, if the caller has it (no copy)."""
    uf = _UnionFind(len(items))
    by_hash: dict[str, int] = {}
    for k, item in enumerate(items):
        first = by_hash.setdefault(item.content_hash, k)
        if first != k:
            uf.union(first, k)
    eligible = np.array([item.shingle_count >= config.min_shingles
                         and by_hash[item.content_hash] == k for k, item in enumerate(items)],
                        dtype=bool)
    ev = candidate_evidence(items, config, fp_config, eligible, signatures)
    for a, b in zip(ev.first[ev.copy].tolist(), ev.second[ev.copy].tolist(), strict=True):
        uf.union(a, b)
    groups: dict[int, list[int]] = {}
    for k in range(len(items)):
        groups.setdefault(uf.find(k), []).append(k)
    out: dict[str, Assignment] = {}
    for members in groups.values():
        if len(members) == 1:  # most clusters: the article is its own canonical
            aid = items[members[0]].article_id
            out[aid] = Assignment(make_cluster_id(aid), True, None)
            continue
        canonical = choose_canonical([items[m] for m in members], config).article_id
        cluster_id = make_cluster_id(min(items[m].article_id for m in members))
        for m in members:
            aid = items[m].article_id
            is_canon = aid == canonical
            out[aid] = Assignment(cluster_id, is_canon, None if is_canon else canonical)
    return out


def make_cluster_id(anchor_article_id: str) -> str:
    """Cluster id derived from one member's article id (the smallest), so it is stable
    across reruns over the same input."""
    return "c" + hashlib.sha1(anchor_article_id.encode()).hexdigest()[:15]
