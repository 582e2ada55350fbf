"""The clean-news flow end to end under Prefect's test harness: contract, ids, rejects."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.dataset as ds

from flows.flow import clean_news

CONTRACT = {
    "article_id": "string", "source_file": "string", "source": "string",
    "fetched_at": "timestamp[us, tz=UTC]", "title": "string", "dek": "string",
    "text": "string", "spun": "bool", "cluster_id": "string", "is_canonical": "bool",
    "duplicate_of": "string",
}


def _articles(out: Path):
    return ds.dataset(out / "articles", partitioning="hive").to_table()


def test_flow_writes_the_contract_and_rejects(harness, raw_seeds: Path, tmp_path: Path,
                                              seed_problems) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(raw_seeds, raw)
    (raw / "broken.txt").write_bytes(b"\x00\x01\x02binary\x00")
    (raw / "copy-of-002.txt").write_bytes((raw_seeds / "002_483f2f0007b8cfd7.txt").read_bytes())
    out = tmp_path / "clean"
    report = clean_news(str(raw), str(out))
    table = _articles(out)
    schema = {f.name: str(f.type) for f in table.schema}
    for column, type_ in CONTRACT.items():
        assert schema[column] == type_, column
    rows = table.to_pylist()
    ids = [r["article_id"] for r in rows]
    assert len(ids) == len(set(ids)) == 12
    # exactly one canonical per cluster; duplicates point at it
    by_cluster: dict[str, list[dict]] = {}
    for r in rows:
        by_cluster.setdefault(r["cluster_id"], []).append(r)
    for members in by_cluster.values():
        canon = [m for m in members if m["is_canonical"]]
        assert len(canon) == 1
        for m in members:
            assert m["duplicate_of"] == (None if m["is_canonical"] else canon[0]["article_id"])
    copy = next(r for r in rows if r["source_file"] == "copy-of-002.txt")
    orig = next(r for r in rows if r["source_file"].startswith("002_"))
    assert copy["cluster_id"] == orig["cluster_id"]
    rejects = ds.dataset(out / "rejects").to_table().to_pylist()
    assert [(r["source_file"], "binary" in r["reason"]) for r in rejects] == [("broken.txt", True)]
    assert report["counts"]["articles"] == 12
    seeds = [r for r in rows if r["source_file"][:3] in ("000", "001", "002", "003", "004")]
    assert seed_problems(seeds) == []

    # a rerun of the same input into a fresh folder gives the same ids, clusters and text
    out = tmp_path / "clean2"
    clean_news(str(raw), str(out))
    again = _articles(out).to_pylist()
    key = ("article_id", "cluster_id", "is_canonical", "text", "title")
    assert sorted(tuple(r[k] for k in key) for r in again) == sorted(
        tuple(r[k] for k in key) for r in rows)
    assert not (out / ".work").exists()


def test_process_pool_gives_the_same_output(harness, raw_seeds: Path, tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    clean_news(str(raw_seeds), str(one), shard_max_files=1, workers=1)
    report = clean_news(str(raw_seeds), str(two), shard_max_files=1, workers=2)
    assert report["counts"]["new_articles"] == 11
    key = ("article_id", "cluster_id", "is_canonical", "text", "title", "removed", "edits")

    def rows(out: Path) -> list[tuple]:
        return sorted(tuple(str(r[k]) for k in key) for r in _articles(out).to_pylist())

    assert rows(one) == rows(two)
