"""Prefect tasks: thin wrappers over `pipeline` that take a shard of files (paths in,
paths out). Retries only where there is I/O that can fail transiently."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from prefect import task

from pipeline.batch import clean_batch
from pipeline.cluster import Assignment, ClusterInput, cluster_articles
from pipeline.config import DEFAULT_CONFIG, PipelineConfig
from pipeline.write import (
    REJECT_SCHEMA,
    finalize_shard,
    rejects_table,
    shard_table,
    write_table,
)


def shard_files(paths: list[Path], max_files: int, max_bytes: int) -> list[list[Path]]:
    """Group files into shards of at most `max_files` files and about `max_bytes` bytes."""
    shards: list[list[Path]] = []
    current: list[Path] = []
    size = 0
    for path in paths:
        try:
            n = path.lstat().st_size
        except OSError:
            n = 0
        if current and (len(current) >= max_files or size + n > max_bytes):
            shards.append(current)
            current, size = [], 0
        current.append(path)
        size += n
    if current:
        shards.append(current)
    return shards


def clean_shard_fn(paths: list[str], raw_dir: str, work_dir: str, shard_no: int, run_id: str,
                   config: PipelineConfig = DEFAULT_CONFIG) -> dict:
    """read -> ... -> fingerprint one shard; write its articles and rejects to work_dir."""
    result = clean_batch([Path(p) for p in paths], Path(raw_dir), config)
    work = Path(work_dir)
    articles = write_table(shard_table(result.articles, run_id),
                           work / f"shard-{shard_no:05d}.parquet", config.write)
    rejects = write_table(rejects_table(result.rejects, run_id),
                          work / f"rejects-{shard_no:05d}.parquet", config.write)
    return {"articles": str(articles), "rejects": str(rejects), "counts": result.counts,
            "seconds": result.seconds}


clean_shard = task(name="clean-shard", retries=1, retry_delay_seconds=2)(clean_shard_fn)

_CLUSTER_COLUMNS = ["article_id", "content_hash", "signature", "shingle_count", "spun",
                    "word_count", "fetched_at"]


def cluster_shards_fn(shard_paths: list[str], work_dir: str,
                      config: PipelineConfig = DEFAULT_CONFIG) -> str:
    """Cluster every article of every shard; write the assignments table; return its path."""

    items: list[ClusterInput] = []
    for path in shard_paths:
        table = pq.read_table(path, columns=_CLUSTER_COLUMNS)
        for row in table.to_pylist():
            items.append(ClusterInput(
                article_id=row["article_id"], content_hash=row["content_hash"],
                signature=np.asarray(row["signature"], dtype=np.uint32),
                shingle_count=row["shingle_count"], spun=row["spun"],
                word_count=row["word_count"], fetched_at=row["fetched_at"]))
    assignments = cluster_articles(items, config.cluster, config.fingerprint)
    ids = sorted(assignments)
    table = pa.table({
        "article_id": ids,
        "cluster_id": [assignments[i].cluster_id for i in ids],
        "is_canonical": [assignments[i].is_canonical for i in ids],
        "duplicate_of": pa.array([assignments[i].duplicate_of for i in ids], pa.string()),
    })
    return str(write_table(table, Path(work_dir) / "assignments.parquet", config.write))


cluster_shards = task(name="cluster")(cluster_shards_fn)


def write_output_fn(shard_paths: list[str], reject_paths: list[str], assignments_path: str,
                    staging_dir: str, config: PipelineConfig = DEFAULT_CONFIG) -> dict:
    """Join shards with their clusters and write the final datasets into staging_dir."""
    table = pq.read_table(assignments_path)
    assignments = {
        r["article_id"]: Assignment(r["cluster_id"], r["is_canonical"], r["duplicate_of"])
        for r in table.to_pylist()
    }
    staging = Path(staging_dir)
    n_articles = 0
    for k, path in enumerate(shard_paths):
        final = finalize_shard(pq.read_table(path), assignments)
        n_articles += final.num_rows
        write_table(final, staging / "articles" / f"part-{k:05d}.parquet", config.write)
    rejects = [pq.read_table(p) for p in reject_paths]
    merged = pa.concat_tables(rejects) if rejects else None
    if merged is None:
        merged = REJECT_SCHEMA.empty_table()
    write_table(merged, staging / "rejects" / "part-00000.parquet", config.write)
    return {"articles": n_articles, "rejects": merged.num_rows}


write_output = task(name="write-output")(write_output_fn)
