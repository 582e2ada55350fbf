"""Bucket-by-band joins find the same candidates as datasketch's MinHashLSH."""

from __future__ import annotations

import numpy as np
from datasketch import LeanMinHash, MinHashLSH

from pipeline.bands import candidate_pairs


def _signatures(n: int, copies: int, seed: int = 3) -> np.ndarray:
    rng = np.random.default_rng(seed)
    sigs = rng.integers(0, 2**32, size=(n, 128), dtype=np.uint64).astype(np.uint32)
    for k in range(copies):  # near-copies: share a random 60-90% of positions
        src, dst = rng.integers(0, n, size=2)
        share = rng.random(128) < rng.uniform(0.6, 0.9)
        sigs[dst, share] = sigs[src, share]
        del k
    return sigs


def test_same_candidates_as_minhashlsh() -> None:
    sigs = _signatures(400, 120)
    lsh = MinHashLSH(num_perm=128, params=(32, 4))
    for i, s in enumerate(sigs):
        lsh.insert(i, LeanMinHash(seed=1, hashvalues=s.astype(np.uint64), scheme="affine32"))
    expected = {(min(i, j), max(i, j)) for i, s in enumerate(sigs)
                for j in lsh.query(LeanMinHash(seed=1, hashvalues=s.astype(np.uint64),
                                               scheme="affine32")) if j != i}
    got = set(candidate_pairs(sigs, 32, 4))
    assert len(expected) > 50
    assert got == expected


def test_active_mask_keeps_only_pairs_with_a_new_article() -> None:
    sigs = _signatures(200, 80, seed=5)
    active = np.zeros(200, dtype=bool)
    active[150:] = True
    every = set(candidate_pairs(sigs, 32, 4))
    some = set(candidate_pairs(sigs, 32, 4, active=active))
    assert some == {(i, j) for i, j in every if i >= 150 or j >= 150}


def test_oversized_buckets_are_skipped() -> None:
    sigs = np.zeros((50, 128), dtype=np.uint32)  # fifty empty texts: one bucket everywhere
    assert list(candidate_pairs(sigs, 32, 4, max_bucket=10)) == []
    assert len(set(candidate_pairs(sigs, 32, 4, max_bucket=100))) == 50 * 49 // 2
    # in a big bucket too, only pairs with an active article are made
    active = np.zeros(50, dtype=bool)
    active[:5] = True
    pairs = set(candidate_pairs(sigs, 32, 4, max_bucket=100, active=active))
    assert pairs == {(i, j) for i in range(50) for j in range(i + 1, 50) if i < 5}
