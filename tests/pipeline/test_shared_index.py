"""The Redis-backed shared index, against a real redis-server on a free loopback port:
two processes' worth of index handles see each other's articles; a parameter mismatch is
an error, not silent misses."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

redis = pytest.importorskip("redis")

from pipeline.cluster import ClusterInput  # noqa: E402
from pipeline.fingerprint import FingerprintConfig, content_hash, signature  # noqa: E402
from pipeline.shared_index import RedisIndex, RedisIndexConfig  # noqa: E402
from pipeline.store import IndexMismatch  # noqa: E402

STORY = " ".join(
    f"Sentence {k} of the council budget story says the vote went {k % 7} to two on Tuesday."
    for k in range(40))
OTHER = " ".join(
    f"Line {k} about floods closing Riverside Road near the mill for {k % 5} days." for k in
    range(40))


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (.ci/run installs it with apt-get)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                             "--appendonly", "no"], stdout=subprocess.DEVNULL)
    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _item(aid: str, text: str) -> ClusterInput:
    sig, n = signature(text)
    return ClusterInput(aid, content_hash(text), sig, n, False, len(text.split()),
                        datetime(2025, 1, 1, tzinfo=UTC))


def test_workers_share_one_index(redis_url: str) -> None:
    fp = FingerprintConfig()
    cfg = RedisIndexConfig(redis_url, basename="t-share")
    worker_a = RedisIndex(cfg, fp, 32, 4)
    assert worker_a.add([_item("a1", STORY), _item("a2", OTHER)]) == 2
    assert worker_a.add([_item("a1", STORY)]) == 0  # already there

    worker_b = RedisIndex(cfg, fp, 32, 4)  # another process, a later schedule
    truncated = _item("b1", STORY[: len(STORY) * 2 // 3])
    found = worker_b.matches(truncated, 0.5, 0.8)
    assert [m[0] for m in found] == ["a1"] and found[0][2] > 0.8
    assert worker_b.matches(_item("b2", "A different story about a school play. " * 20),
                            0.5, 0.8) == []
    worker_b.remove(["a1"])
    assert worker_a.matches(truncated, 0.5, 0.8) == []


def test_other_parameters_are_refused(redis_url: str) -> None:
    cfg = RedisIndexConfig(redis_url, basename="t-params")
    RedisIndex(cfg, FingerprintConfig(), 32, 4)
    with pytest.raises(IndexMismatch, match="t-params"):
        RedisIndex(cfg, FingerprintConfig(), 16, 8)


def test_bad_url_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="redis://HOST:PORT"):
        RedisIndex(RedisIndexConfig("localhost:6379"), FingerprintConfig(), 32, 4)
