"""The shared process pool: one pool however many shard tasks ask for it at once."""

from __future__ import annotations

import threading

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
