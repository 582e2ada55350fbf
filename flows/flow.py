"""The `clean-news` Prefect flow: shards of raw files -> clean, deduplicated Parquet."""

from __future__ import annotations

import os
import secrets
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

from prefect import flow, get_run_logger
from prefect.artifacts import create_table_artifact

from flows.tasks import clean_shard, cluster_shards, shard_files, write_output
from pipeline.read import list_raw_files
from pipeline.write import commit_outputs, write_json

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


def new_run_id() -> str:
    """Sortable, unique run id: UTC time plus a random suffix."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


@flow(name="clean-news", log_prints=False)
def clean_news(raw_dir: str = "raw", out_dir: str = "clean", shard_max_files: int = 64,
               shard_max_mb: int = 32) -> dict:
    """Clean every raw file under `raw_dir` into `out_dir`/articles and `out_dir`/rejects.

    raw_dir: folder the scrapers fill (read recursively).
    out_dir: output folder; `articles/`, `rejects/` and `reports/` are written there.
    shard_max_files / shard_max_mb: size of the file shards handed to one task.
    """
    logger = get_run_logger()
    started = time.perf_counter()
    raw = Path(raw_dir).resolve()
    out = Path(out_dir).resolve()
    if not raw.is_dir():
        raise FileNotFoundError(f"raw folder {raw_dir!r} does not exist or is not a folder")
    out.mkdir(parents=True, exist_ok=True)
    run_id = new_run_id()
    work = out / ".work" / run_id
    staging = work / "staging"
    staging.mkdir(parents=True)

    files = list_raw_files(raw)
    shards = shard_files(files, shard_max_files, shard_max_mb * 1024 * 1024)
    logger.info("read: %d raw files in %d shards", len(files), len(shards))
    futures = [
        clean_shard.submit([str(p) for p in shard], str(raw), str(work), k, run_id)
        for k, shard in enumerate(shards)
    ]
    results = [f.result() for f in futures]
    counts: dict[str, int] = {}
    seconds: dict[str, float] = {}
    for r in results:
        for key, value in r["counts"].items():
            counts[key] = counts.get(key, 0) + value
        for key, value in r["seconds"].items():
            seconds[key] = seconds.get(key, 0.0) + value
    logger.info("clean: %d articles, %d lines removed, %d edits, %d spun, %d files rejected",
                counts.get("articles", 0), counts.get("lines_removed", 0),
                counts.get("edits", 0), counts.get("spun", 0), counts.get("rejected_files", 0))

    t = time.perf_counter()
    assignments = cluster_shards([r["articles"] for r in results], str(work))
    seconds["cluster"] = time.perf_counter() - t
    t = time.perf_counter()
    written = write_output([r["articles"] for r in results], [r["rejects"] for r in results],
                           assignments, str(staging))
    commit_outputs(staging, out)
    seconds["write"] = time.perf_counter() - t
    shutil.rmtree(work, ignore_errors=True)
    _remove_if_empty(out / ".work")

    clusters = _cluster_counts(out)
    counts.update(clusters)
    report = {
        "run_id": run_id,
        "finished_at": datetime.now(UTC).isoformat(),
        "raw_dir": str(raw),
        "out_dir": str(out),
        "counts": counts,
        "seconds": {k: round(v, 3) for k, v in seconds.items()},
        "total_seconds": round(time.perf_counter() - started, 3),
        "written": written,
    }
    write_json(report, out / "reports" / f"run-{run_id}.json")
    write_json(report, out / "reports" / "latest.json")
    logger.info("cluster: %d clusters, %d duplicates", clusters["clusters"],
                clusters["duplicates"])
    create_table_artifact(
        key="clean-news-counts",
        table=[{"stage": k, "count": v} for k, v in counts.items()]
        + [{"stage": f"seconds:{k}", "count": round(v, 3)} for k, v in seconds.items()],
        description=f"newsclean run {run_id}: counts per stage",
    )
    return report


def _cluster_counts(out: Path) -> dict[str, int]:
    import pyarrow.dataset as ds

    table = ds.dataset(out / "articles", format="parquet").to_table(
        columns=["cluster_id", "is_canonical"])
    n = table.num_rows
    canon = sum(table.column("is_canonical").to_pylist())
    return {"clusters": canon, "duplicates": n - canon}


def _remove_if_empty(path: Path) -> None:
    try:
        path.rmdir()
    except OSError:
        pass


if __name__ == "__main__":
    clean_news()
