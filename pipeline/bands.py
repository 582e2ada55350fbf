"""LSH candidates by bucket-by-band joins: sort, don't index.

For each band, every article's `rows` signature values are folded into one 64-bit key;
sorting the keys puts the articles of one bucket next to each other, and each run of equal
keys yields candidate pairs. Memory is the signature matrix plus one key array per band
(8 bytes an article), never a dict of buckets: 1M articles x 128 permutations is 512 MB of
signatures and 8 MB a band. Bands are independent, so they can be joined one at a time
(here) or spread over workers and files (the same keys written per band and merged).

The candidates are exactly those of an LSH index with the same bands x rows (datasketch's
MinHashLSH puts two signatures in one bucket iff a band's values are all equal); the
fold can only add collisions (probability ~2^-64 per pair), which verification removes.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

_MIX = np.uint64(0x9E3779B97F4A7C15)


def band_keys(signatures: np.ndarray, band: int, rows: int,
              subset: np.ndarray | None = None, columns: np.ndarray | None = None
              ) -> np.ndarray:
    """uint64 key per article for one band (signatures: uint32[n, num_perm]); only the
    rows `subset` (row indices) when given, without copying the rest. `columns`: the
    band takes columns[band * rows:(band + 1) * rows] instead of that range."""
    cols = slice(band * rows, (band + 1) * rows) if columns is None else \
        columns[band * rows:(band + 1) * rows]
    block = signatures[:, cols]
    block = (block if subset is None else block[subset]).astype(np.uint64)
    seed = np.uint64(((band + 1) * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF)
    key = np.full(block.shape[0], seed, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for r in range(rows):
            key = (key ^ block[:, r]) * _MIX  # wraps modulo 2^64 on purpose
            key ^= key >> np.uint64(29)
    return key


def candidate_pairs(signatures: np.ndarray, bands: int, rows: int,
                    max_bucket: int = 1000, active: np.ndarray | None = None
                    ) -> Iterator[tuple[int, int]]:
    """Unique pairs (i < j) of row indices that share a bucket in at least one band,
    in increasing order.

    max_bucket: buckets larger than this (boilerplate-only or empty texts) are skipped
        rather than producing n^2 pairs; such texts are matched by exact hash instead.
    active: optional bool mask; only pairs with at least one active article are yielded
        (an incremental run needs only pairs that involve a new article); the others are
        never made, so a band over few active articles costs little memory.
    """
    first, second = candidate_arrays(signatures, bands, rows, max_bucket, active)
    yield from zip(first.tolist(), second.tolist(), strict=True)


def candidate_arrays(signatures: np.ndarray, bands: int, rows: int,
                     max_bucket: int = 1000, active: np.ndarray | None = None,
                     subset: np.ndarray | None = None, columns: np.ndarray | None = None
                     ) -> tuple[np.ndarray, np.ndarray]:
    """`candidate_pairs` as two int64 arrays (first, second), for vectorised verification.
    Bands are taken from the first `bands * rows` columns. `subset`: band only these rows
    (indices into `signatures`); pairs and `active` then index the subset, as if
    `signatures[subset]` had been given, but no copy of the matrix is made. `columns`:
    the order in which bands take the columns (see `band_keys`)."""
    n = signatures.shape[0] if subset is None else len(subset)
    empty = np.zeros(0, dtype=np.int64)
    if n < 2:
        return empty, empty
    if bands * rows > (signatures.shape[1] if columns is None else len(columns)):
        raise ValueError(f"{bands} bands x {rows} rows need {bands * rows} signature values, "
                         f"not {signatures.shape[1]}")
    codes: list[np.ndarray] = []
    for band in range(bands):
        keys = band_keys(signatures, band, rows, subset, columns)
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        boundaries = np.flatnonzero(np.diff(sorted_keys)) + 1
        starts = np.concatenate(([0], boundaries))
        sizes = np.diff(np.concatenate((starts, [n])))
        # buckets of two, the common case, in one vectorised step
        two = starts[sizes == 2]
        if two.size:
            a, b = order[two], order[two + 1]
            if active is not None:
                keep = active[a] | active[b]
                a, b = a[keep], b[keep]
            codes.append(np.minimum(a, b).astype(np.int64) * n + np.maximum(a, b))
        big = (sizes > 2) & (sizes <= max_bucket)
        if active is not None:  # only buckets holding an active article yield pairs
            big &= np.add.reduceat(active[order].astype(np.int64), starts) > 0
        for k in np.flatnonzero(big):
            members = np.sort(order[starts[k]:starts[k] + sizes[k]]).astype(np.int64)
            i, j = np.triu_indices(len(members), k=1)
            if active is not None:
                keep = active[members[i]] | active[members[j]]
                i, j = i[keep], j[keep]
            codes.append(members[i] * n + members[j])
    if not codes:
        return empty, empty
    unique = np.unique(np.concatenate(codes))
    return unique // n, unique % n
