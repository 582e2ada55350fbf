"""A MinHash LSH index in Redis, shared by several workers or schedules.

The LSH buckets are datasketch's own Redis storage (`MinHashLSH(storage_config={"type":
"redis", ...})`); next to them, a Redis hash keeps each article's signature and shingle
count, so that a candidate found by any worker can be verified by any other. The hash
scheme and banding are stored under `<basename>:params` when the index is created; opening
it with other parameters raises `IndexMismatch` instead of silently missing copies.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlparse

import numpy as np
import redis
from datasketch import MinHashLSH

from pipeline.cluster import ClusterInput, estimate_similarity
from pipeline.fingerprint import FingerprintConfig, lean_minhash
from pipeline.store import IndexMismatch


@dataclass(frozen=True, slots=True)
class RedisIndexConfig:
    """Where the shared index lives.

    url: redis://HOST:PORT[/DB]
    basename: key prefix; indexes with different basenames never see each other.
    """

    url: str
    basename: str = "newsclean"


class RedisIndex:
    """Insert signatures once; query candidates and verify them from any process."""

    def __init__(self, config: RedisIndexConfig, fp_config: FingerprintConfig, bands: int,
                 rows: int) -> None:
        parsed = urlparse(config.url)
        if parsed.scheme != "redis" or not parsed.hostname:
            raise ValueError(f"redis index url {config.url!r}: expected redis://HOST:PORT[/DB]")
        db = int(parsed.path.strip("/") or 0)
        self.fp = fp_config
        self.base = config.basename
        self.client = redis.Redis(host=parsed.hostname, port=parsed.port or 6379, db=db)
        params = {"scheme": fp_config.scheme, "num_perm": fp_config.num_perm, "bands": bands,
                  "rows": rows}
        key = f"{self.base}:params"
        self.client.set(key, json.dumps(params, sort_keys=True), nx=True)
        stored = json.loads(self.client.get(key))
        if stored != params:
            raise IndexMismatch(f"the Redis index {self.base!r} at {config.url} was built with "
                                f"{stored}, not {params}; use another basename")
        self.lsh = MinHashLSH(
            num_perm=fp_config.num_perm, params=(bands, rows),
            storage_config={"type": "redis", "basename": self.base.encode(),
                            "redis": {"host": parsed.hostname, "port": parsed.port or 6379,
                                      "db": db}})
        self._sigs = f"{self.base}:signatures"

    def __contains__(self, article_id: str) -> bool:
        return bool(self.client.hexists(self._sigs, article_id))

    def add(self, items: Iterable[ClusterInput]) -> int:
        """Insert articles not yet in the index; returns how many were new."""
        fresh = [i for i in items if i.article_id not in self]
        if not fresh:
            return 0
        with self.lsh.insertion_session() as session:
            for item in fresh:
                session.insert(item.article_id, lean_minhash(item.signature, self.fp))
        pipe = self.client.pipeline()
        for item in fresh:
            pipe.hset(self._sigs, item.article_id,
                      np.asarray(item.signature, dtype=np.uint32).tobytes()
                      + int(item.shingle_count).to_bytes(4, "little"))
        pipe.execute()
        return len(fresh)

    def remove(self, article_ids: Iterable[str]) -> None:
        """Take articles out (their raw file changed)."""
        for aid in article_ids:
            if aid in self:
                self.lsh.remove(aid)
                self.client.hdel(self._sigs, aid)

    def signatures(self, article_ids: Sequence[str]) -> dict[str, tuple[np.ndarray, int]]:
        if not article_ids:
            return {}
        raw = self.client.hmget(self._sigs, list(article_ids))
        out = {}
        for aid, blob in zip(article_ids, raw, strict=True):
            if blob is not None:
                out[aid] = (np.frombuffer(blob[:-4], dtype=np.uint32),
                            int.from_bytes(blob[-4:], "little"))
        return out

    def matches(self, item: ClusterInput, min_jaccard: float, min_containment: float
                ) -> list[tuple[str, float, float]]:
        """Indexed articles that verify as copies of `item`: (article_id, Jaccard,
        containment), the item itself excluded."""
        keys = [k for k in self.lsh.query(lean_minhash(item.signature, self.fp))
                if k != item.article_id]
        keys = [k.decode() if isinstance(k, bytes) else k for k in keys]
        found = []
        for aid, (sig, n) in self.signatures(keys).items():
            j, c = estimate_similarity(item.signature, item.shingle_count, sig, n)
            if j >= min_jaccard or c >= min_containment:
                found.append((aid, j, c))
        return sorted(found)
