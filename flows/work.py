"""Plain shard work and the process pool it runs in. No Prefect import here: pool workers
import only this module and `pipeline`, so they start fast."""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.batch import clean_batch
from pipeline.chrome import ChromeProfile
from pipeline.config import DEFAULT_CONFIG, PipelineConfig
from pipeline.read import list_raw_files
from pipeline.repair import fix_line
from pipeline.store import OutputStore
from pipeline.strip import classify_lines
from pipeline.unspin import RestoreConfig, SpinnerTable, score_paragraph
from pipeline.write import (
    WriteConfig,
    rejects_table,
    restore_spun,
    shard_table,
    with_cluster_columns,
    write_table,
)

#: Columns of a shard kept in `.state/signatures/`: what clustering needs on later runs.
STATE_COLUMNS = ["article_id", "source_file", "content_hash", "signature", "shingle_count",
                 "spun", "word_count", "fetched_at"]

_POOL: ProcessPoolExecutor | None = None
_POOL_SIZE = 0
# Prefect runs the shard tasks in threads that all ask for the pool at once: without the
# lock several pools were started (up to 5 worker processes on 2 cores, each loading the
# unspin tables), and the orphaned ones lived on until collected.
_POOL_LOCK = threading.Lock()


def default_workers() -> int:
    """Worker processes to use: the cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def process_pool(workers: int) -> ProcessPoolExecutor:
    """The shared process pool (created on first use; 'spawn', since the flow process has
    threads and an event loop that must not be forked)."""
    global _POOL, _POOL_SIZE
    with _POOL_LOCK:
        if _POOL is None or _POOL_SIZE != workers:
            _shutdown()
            _POOL = ProcessPoolExecutor(max_workers=workers, initializer=_warm,
                                        mp_context=multiprocessing.get_context("spawn"))
            _POOL_SIZE = workers
        return _POOL


def start_workers(workers: int) -> None:
    """Start the pool's worker processes now, so that they start and load their tables
    while this process does something else (the CLI: Prefect's start-up)."""
    pool = process_pool(workers)
    for _ in range(workers):  # a submit starts a process while none is idle
        pool.submit(int)


def _warm() -> None:
    """Pool initializer: what every shard needs (the boilerplate rules, unspin's tables,
    ftfy's) is loaded as the worker starts, not inside its first shard."""
    classify_lines(["Share this article"])
    score_paragraph("The tables are loaded once per worker process.")
    fix_line("Itâ€™s loaded")


def shutdown_pool() -> None:
    with _POOL_LOCK:
        _shutdown()


def _shutdown() -> None:
    global _POOL, _POOL_SIZE
    if _POOL is not None:
        _POOL.shutdown(wait=True, cancel_futures=True)
    _POOL, _POOL_SIZE = None, 0


def _load_profile(path: str | None, config: PipelineConfig) -> ChromeProfile | None:
    global _PROFILE
    if not path or not Path(path).is_file():
        return None
    stamp = (path, Path(path).stat().st_mtime_ns)
    if _PROFILE is None or _PROFILE[0] != stamp:
        _PROFILE = (stamp, ChromeProfile.load(Path(path), config.split.chrome))
    return _PROFILE[1]


_PROFILE: tuple[tuple[str, int], ChromeProfile] | None = None


def clean_shard_fn(paths: list[str], raw_dir: str, work_dir: str, shard_no: int, run_id: str,
                   config: PipelineConfig = DEFAULT_CONFIG, profile: str | None = None) -> dict:
    """read -> ... -> fingerprint one shard; write its articles and rejects to work_dir.
    `profile`: the output folder's learned chrome (`.state/chrome.json`), if any; what
    this shard learns is written next to its articles (`chrome-NNNNN.json`)."""
    result = clean_batch([Path(p) for p in paths], Path(raw_dir), config,
                         _load_profile(profile, config))
    work = Path(work_dir)
    chrome = work / f"chrome-{shard_no:05d}.json"
    if result.chrome is not None:
        result.chrome.save(chrome)
    articles = write_table(shard_table(result.articles, run_id),
                           work / f"shard-{shard_no:05d}.parquet", config.write)
    rejects = write_table(rejects_table(result.rejects, run_id),
                          work / f"rejects-{shard_no:05d}.parquet", config.write)
    per_file: dict[str, int] = {}
    for a in result.articles:
        per_file[a.source_file] = per_file.get(a.source_file, 0) + 1
    return {"articles": str(articles), "rejects": str(rejects), "counts": result.counts,
            "seconds": result.seconds, "per_file": per_file,
            "chrome": str(chrome) if result.chrome is not None else None}


def finalize_part(shard: str, cluster: pa.Table, article_part: str, state_part: str,
                  originals: dict[str, tuple[str | None, str]], learned: str | None,
                  restore: RestoreConfig | None,
                  config: WriteConfig = DEFAULT_CONFIG.write) -> tuple[int, int]:
    """One new output part from a cleaned shard: its rows with their cluster columns
    (`cluster`, in the shard's row order), spun copies restored from `originals` (article
    id -> title and text of an unspun canonical) or else the learned spinner table saved
    at `learned` (when `restore` is set), written to `article_part`; its clustering inputs
    (`STATE_COLUMNS`) to `state_part`. Runs in a pool worker, one part per call, so the
    parts of a run are written on every core. Returns (rows, articles restored)."""
    table = pq.read_table(shard)
    final = with_cluster_columns(table, cluster)
    restored = 0
    if restore is not None:
        final, restored = restore_spun(final, originals, restore, _load_spinner(learned))
    write_table(final, Path(article_part), config)
    write_table(table.select(STATE_COLUMNS), Path(state_part), config)
    return final.num_rows, restored


def _load_spinner(path: str | None) -> SpinnerTable | None:
    """The learned spinner table at `path` (read once per worker while it is unchanged)."""
    global _SPINNER
    if path is None:
        return None
    stamp = (path, Path(path).stat().st_mtime_ns)
    if _SPINNER is None or _SPINNER[0] != stamp:
        _SPINNER = (stamp, SpinnerTable.load(Path(path)))
    return _SPINNER[1]


_SPINNER: tuple[tuple[str, int], SpinnerTable] | None = None


def merge_chrome(previous: str, shard_profiles: Sequence[str | None], dest: str,
                 config: PipelineConfig = DEFAULT_CONFIG) -> None:
    """The learned site chrome, earlier runs' (`previous`) and this run's shards', merged
    into `dest` (the staged `.state/chrome.json`)."""
    profile = ChromeProfile.load(Path(previous), config.split.chrome)
    for path in shard_profiles:
        if path and Path(path).is_file():
            profile.merge(ChromeProfile.load(Path(path), config.split.chrome))
    profile.save(Path(dest))


def shard_files(paths: Sequence[Path], max_files: int, max_bytes: int) -> list[list[Path]]:
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


def expected_workers(raw_dir: Path, out_dir: Path, max_files: int, max_bytes: int,
                     workers: int = 0) -> int:
    """The worker processes a run of `raw_dir` into `out_dir` will use, judged before the
    run by size and mtime alone (the flow decides for real, hashing what differs): the
    shards of files the manifest does not know unchanged, one process per shard up to one
    per core; `workers` > 0 as asked."""
    if workers > 0:
        return workers
    manifest = OutputStore(out_dir).load_manifest()
    root = raw_dir.resolve()
    todo: list[Path] = []
    for path in list_raw_files(root):
        old = manifest.get(path.relative_to(root).as_posix())
        try:
            st = path.stat()
        except OSError:
            todo.append(path)
            continue
        if old is None or old.status == "deleted" or (old.size, old.mtime_ns) != (
                st.st_size, st.st_mtime_ns):
            todo.append(path)
    return min(default_workers(), len(shard_files(todo, max_files, max_bytes)))
