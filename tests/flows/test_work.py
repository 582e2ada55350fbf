"""The shared process pool: one pool however many shard tasks ask for it at once."""

from __future__ import annotations

import threading
from pathlib import Path

from flows.work import process_pool, shutdown_pool


def test_threads_asking_at_once_share_one_pool() -> None:
    pools: list[object] = []
    start = threading.Barrier(8)

    def ask() -> None:
        start.wait()
        pools.append(process_pool(2))

    threads = [threading.Thread(target=ask) for _ in range(8)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(pools) == 8
        assert len({id(p) for p in pools}) == 1
    finally:
        shutdown_pool()


def test_expected_workers_counts_the_shards_to_clean(tmp_path: Path) -> None:
    from flows.work import default_workers, expected_workers

    raw = tmp_path / "raw"
    raw.mkdir()
    for k in range(3):
        (raw / f"{k}.txt").write_text("A line.\n")
    out = tmp_path / "out"
    assert expected_workers(raw, out, max_files=1, max_bytes=1 << 20) == min(default_workers(), 3)
    assert expected_workers(raw, out, max_files=64, max_bytes=1 << 20) == 1
    assert expected_workers(raw, out, max_files=64, max_bytes=1 << 20, workers=4) == 4


def test_fetch_times_reach_clustering_as_the_same_instants() -> None:
    from datetime import UTC, datetime

    import pyarrow as pa

    from flows.tasks import _datetimes

    values = [datetime(2025, 3, 4, 12, 11, 56, 123456, tzinfo=UTC), None,
              datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC)]
    column = pa.chunked_array([pa.array(values, pa.timestamp("us", tz="UTC"))])
    assert _datetimes(column) == column.to_pylist() == values
    assert _datetimes(column.cast(pa.timestamp("ns", tz="UTC"))) == values
