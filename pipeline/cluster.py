"""Stage 6, cluster: every copy of a story in one cluster, one canonical per cluster.

Candidates come from datasketch's MinHashLSH with explicit bands x rows; every candidate
pair is then verified on the signatures (estimated Jaccard, and estimated containment so
that a truncated copy joins its full article). Verified pairs are joined with union-find.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from datasketch import MinHashLSH

from pipeline.fingerprint import DEFAULT_FINGERPRINT_CONFIG, FingerprintConfig, lean_minhash


@dataclass(frozen=True, slots=True)
class ClusterConfig:
    """How candidates are found and verified.

    bands, rows: LSH banding (bands * rows must equal num_perm). 32 x 4 puts the
        50%-candidate point near Jaccard (1/32)^(1/4) = 0.42; a pair with Jaccard 0.5 is
        a candidate with probability 1-(1-0.5^4)^32 = 0.87, one at 0.6 with 0.988.
    min_jaccard: a candidate pair with estimated Jaccard at least this is a copy.
    min_containment: or, if the smaller article's shingles lie in the larger one at least
        this much (a truncated or excerpted copy).
    min_shingles: articles with fewer distinct shingles are only matched exactly (by
        content hash); their signatures are too noisy.
    """

    bands: int = 32
    rows: int = 4
    min_jaccard: float = 0.5
    min_containment: float = 0.8
    min_shingles: int = 10


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


def estimate_similarity(sig_a: np.ndarray, n_a: int, sig_b: np.ndarray, n_b: int
                        ) -> tuple[float, float]:
    """(Jaccard, containment of the smaller set in the larger), estimated from signatures.

    Containment follows from Jaccard and the set sizes: |A n B| = J/(1+J) * (|A|+|B|).
    """
    j = float(np.mean(sig_a == sig_b))
    if min(n_a, n_b) == 0:
        return j, 0.0
    inter = j / (1.0 + j) * (n_a + n_b)
    return j, min(1.0, inter / min(n_a, n_b))


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


def quality_key(item: ClusterInput) -> tuple:
    """Sort key for the canonical: the original over a spun copy, complete over truncated
    (more words), then earliest fetched, then article id (deterministic)."""
    fetched = item.fetched_at.timestamp() if item.fetched_at else float("inf")
    return (item.spun, -item.word_count, fetched, item.article_id)


def cluster_articles(items: Sequence[ClusterInput],
                     config: ClusterConfig = DEFAULT_CLUSTER_CONFIG,
                     fp_config: FingerprintConfig = DEFAULT_FINGERPRINT_CONFIG,
                     ) -> dict[str, Assignment]:
    """Cluster articles; return each article id's cluster, canonical flag and canonical."""
    if config.bands * config.rows != fp_config.num_perm:
        raise ValueError(
            f"bands x rows = {config.bands * config.rows} must equal num_perm {fp_config.num_perm}")
    uf = _UnionFind(len(items))
    by_hash: dict[str, int] = {}
    for k, item in enumerate(items):
        first = by_hash.setdefault(item.content_hash, k)
        if first != k:
            uf.union(first, k)
    lsh = MinHashLSH(num_perm=fp_config.num_perm, params=(config.bands, config.rows))
    with lsh.insertion_session() as session:
        for k, item in enumerate(items):
            if item.shingle_count >= config.min_shingles and by_hash[item.content_hash] == k:
                session.insert(k, lean_minhash(item.signature, fp_config))
    for k, item in enumerate(items):
        if item.shingle_count < config.min_shingles or by_hash[item.content_hash] != k:
            continue
        for other in lsh.query(lean_minhash(item.signature, fp_config)):
            if other <= k:
                continue
            o = items[other]
            j, c = estimate_similarity(item.signature, item.shingle_count, o.signature,
                                       o.shingle_count)
            if j >= config.min_jaccard or c >= config.min_containment:
                uf.union(k, other)
    groups: dict[int, list[int]] = {}
    for k in range(len(items)):
        groups.setdefault(uf.find(k), []).append(k)
    out: dict[str, Assignment] = {}
    for members in groups.values():
        ranked = sorted(members, key=lambda m: quality_key(items[m]))
        canonical = items[ranked[0]].article_id
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
