"""Plain shard work and the process pool it runs in. No Prefect import here: pool workers
import only this module and `pipeline`, so they start fast."""

from __future__ import annotations

import gc
import io
import multiprocessing
import os
import secrets
import shutil
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.batch import clean_batch
from pipeline.chrome import ChromeProfile
from pipeline.config import DEFAULT_CONFIG, PipelineConfig
from pipeline.lines import load_line_model
from pipeline.read import list_raw_files
from pipeline.repair import fix_line
from pipeline.store import (
    FileEntry,
    OutputLocked,
    OutputStore,
    RawChanges,
    diff_raw,
    fill_digests,
)
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


# Collections of the cyclic garbage collector in a worker: rarer than Python's default
# (700, 10, 10). A shard makes millions of short-lived objects, almost none in cycles, and
# at the default the collector's passes cost ~9% of a worker's time (measured on the 100k
# corpus: 456 -> 416 us an article per-shard CPU; off entirely, 408).
GC_THRESHOLDS = (50_000, 20, 100)


def _warm() -> None:
    """Pool initializer: what every shard needs (the boilerplate rules, the line model,
    unspin's tables, ftfy's, Parquet's writer and codec) is loaded as the worker starts,
    not inside its first shard; the garbage collector runs rarer (`GC_THRESHOLDS`), and
    what was loaded is left out of its passes."""
    gc.set_threshold(*GC_THRESHOLDS)
    classify_lines(["Share this article"])
    load_line_model()  # the line model's trees (~0.1 s)
    score_paragraph("The tables are loaded once per worker process.")
    fix_line("Itâ€™s loaded")
    write = DEFAULT_CONFIG.write
    pq.write_table(shard_table([], "warm"), io.BytesIO(), compression=write.compression,
                   use_dictionary=list(write.dictionary_columns))  # ~0.15 s the first time
    gc.collect()
    gc.freeze()  # the tables stay for the worker's life


def shutdown_pool(wait: bool = True) -> None:
    """Stop the pool's processes (work not begun is cancelled). `wait=False`: return at
    once; they exit in the background (their work is done: the flow's end)."""
    with _POOL_LOCK:
        _shutdown(wait)


def _shutdown(wait: bool = True) -> None:
    global _POOL, _POOL_SIZE
    if _POOL is not None:
        _POOL.shutdown(wait=wait, cancel_futures=True)
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
    this shard learns is written next to its articles (`chrome-NNNNN.pkl`)."""
    result = clean_batch([Path(p) for p in paths], Path(raw_dir), config,
                         _load_profile(profile, config))
    work = Path(work_dir)
    chrome = work / f"chrome-{shard_no:05d}.pkl"
    if result.chrome is not None:
        result.chrome.dump(chrome)
    table = shard_table(result.articles, run_id)
    articles = write_table(table, work / f"shard-{shard_no:05d}.parquet", config.write)
    # the part's clustering inputs do not depend on clustering: written now, in parallel
    state = write_table(table.select(STATE_COLUMNS), work / f"state-{shard_no:05d}.parquet",
                        config.write)
    rejects = write_table(rejects_table(result.rejects, run_id),
                          work / f"rejects-{shard_no:05d}.parquet", config.write)
    per_file: dict[str, int] = {}
    for a in result.articles:
        per_file[a.source_file] = per_file.get(a.source_file, 0) + 1
    return {"articles": str(articles), "state": str(state), "rejects": str(rejects),
            "counts": result.counts, "seconds": result.seconds, "per_file": per_file,
            "chrome": str(chrome) if result.chrome is not None else None}


def finalize_part(shard: str, cluster: pa.Table, article_part: str, state_part: str,
                  originals: dict[str, tuple[str | None, str]], learned: str | None,
                  restore: RestoreConfig | None,
                  config: WriteConfig = DEFAULT_CONFIG.write,
                  state: str | None = None) -> tuple[int, int]:
    """One new output part from a cleaned shard: its rows with their cluster columns
    (`cluster`, in the shard's row order), spun copies restored from `originals` (article
    id -> title and text of an unspun canonical) or else the learned spinner table saved
    at `learned` (when `restore` is set), written to `article_part`; its clustering inputs
    (`STATE_COLUMNS`) to `state_part`: moved there from `state` where the shard wrote
    them. Runs in a pool worker, one part per call, so the parts of a run are written on
    every core. Returns (rows, articles restored)."""
    table = pq.read_table(shard)
    final = with_cluster_columns(table, cluster)
    restored = 0
    if restore is not None:
        final, restored = restore_spun(final, originals, restore, _load_spinner(learned))
    write_table(final, Path(article_part), config)
    if state is not None:
        Path(state_part).parent.mkdir(parents=True, exist_ok=True)
        os.replace(state, state_part)
    else:
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
            profile.merge(ChromeProfile.read(Path(path), config.split.chrome))
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


# -- a head start: the shard work begun while Prefect starts ---------------------------

#: The learned site chrome in `.state/`, read by every shard.
CHROME_FILE = "chrome.json"


def new_run_id() -> str:
    """Sortable, unique run id: UTC time plus a random suffix."""
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


def rel_path(path: Path, raw: Path) -> str:
    """`path` relative to the (resolved) raw folder, as the manifest names it."""
    try:
        return Path(os.path.abspath(path)).relative_to(raw).as_posix()
    except ValueError:
        return path.as_posix()


@dataclass(frozen=True, slots=True)
class ScanResult:
    """What a run reads: the raw files seen, how they differ from the manifest, and the
    shards of the files to read."""

    files: list[Path]
    manifest: dict[str, FileEntry]
    changes: RawChanges
    shards: list[list[Path]]


def scan(raw: Path, store: OutputStore, max_files: int, max_bytes: int,
         known: Mapping[str, tuple[int, int, str]] | None = None,
         hash_new: bool = True) -> ScanResult:
    """List the raw folder (resolved), compare it with the manifest (`diff_raw`; `known`:
    digests of files hashed a moment ago; `hash_new`) and cut the files to read into
    shards."""
    files = list_raw_files(raw)
    manifest = store.load_manifest()
    changes = diff_raw(((rel_path(p, raw), p) for p in files), manifest, known, hash_new)
    by_rel = {rel_path(p, raw): p for p in files}
    shards = shard_files([by_rel[r] for r in changes.to_read], max_files, max_bytes)
    return ScanResult(files, manifest, changes, shards)


class HeadStart:
    """The shards of a run, begun in the process pool before the flow starts.

    `newsclean run` starts Prefect's API server and imports the flow (seconds in which
    the worker processes would wait); meanwhile it takes the output folder's lock, scans
    the raw folder as the flow will, and submits every shard's `clean_shard_fn` to the
    pool, writing under `.work/<run_id>/head/`. The flow adopts it (`adopt`): it runs
    under the same run id with the lock handed over, re-scans (files hashed here are not
    hashed again while their size and mtime hold), and each shard task whose inputs are
    exactly those of a begun shard takes its result instead of cleaning the files again.
    Shards that differ (the raw folder changed meanwhile) are cleaned by their tasks, and
    begun work nobody takes is cancelled or waited for before the run commits.
    """

    def __init__(self, raw: Path, store: OutputStore, run_id: str, scanned: ScanResult,
                 jobs: dict[tuple, Future], thread: ThreadPoolExecutor | None = None) -> None:
        self.raw, self.store, self.run_id = raw, store, run_id
        self.scanned, self.jobs, self.thread = scanned, jobs, thread
        self.taken: set[tuple] = set()

    @staticmethod
    def key(paths: Sequence[str], raw_dir: str, shard_no: int, run_id: str,
            profile: str | None) -> tuple:
        return (tuple(paths), raw_dir, shard_no, run_id, profile)

    def result(self, paths: Sequence[str], raw_dir: str, shard_no: int, run_id: str,
               profile: str | None) -> dict | None:
        """The begun shard's result if its inputs are exactly these (else None: the
        caller cleans the shard itself, also when the begun work failed)."""
        key = self.key(paths, raw_dir, shard_no, run_id, profile)
        job = self.jobs.get(key)
        if job is None:
            return None
        self.taken.add(key)
        try:
            return job.result()
        except BaseException:  # noqa: BLE001 - cleaned again by the task, which reports it
            return None

    def finish(self) -> None:
        """Cancel begun shards nobody took, and wait for those already running: nothing
        may write into the run's folder once it commits or is discarded."""
        rest = [job for key, job in self.jobs.items() if key not in self.taken]
        for job in rest:
            job.cancel()
        wait(rest)
        if self.thread is not None:
            self.thread.shutdown()


_HEAD_START: HeadStart | None = None
_HEAD_LOCK = threading.Lock()


def begin_head_start(raw: Path, out: Path, max_files: int, max_bytes: int,
                     workers: int) -> HeadStart | None:
    """Begin the run's shards (see `HeadStart`) where the flow will clean them: in the
    process pool of `workers` processes (0: one per core, at most one per shard), started
    beforehand, or, when that is one, in a thread of this process. None (and nothing
    held) when the output folder is busy, has an interrupted run to recover first, has
    nothing to clean, or the pool is not the one the run will use."""
    global _HEAD_START
    store = OutputStore(out.resolve())
    run_id = new_run_id()
    try:
        store.hold(run_id)
    except (OutputLocked, OSError):
        return None
    try:
        if store.work.is_dir() and any(store.work.iterdir()):
            store.release(run_id)  # the flow recovers first
            return None
        raw = raw.resolve()
        # new files need no digest to be read: hashed once their shards are under way
        scanned = scan(raw, store, max_files, max_bytes, hash_new=False)
        n = workers if workers > 0 else min(default_workers(), len(scanned.shards))
        thread = None
        pool: Executor
        if n == 1 and scanned.shards:
            # the flow cleans the shards in its own process: a thread of it begins them
            # while Prefect's server starts in its own (the same CPU, used sooner)
            thread = ThreadPoolExecutor(1, "newsclean-head-start")
            pool = thread
        elif n > 1 and _POOL is not None and _POOL_SIZE == n:
            pool = process_pool(n)
        else:
            store.release(run_id)
            return None
        work = store.work / run_id / "head"
        work.mkdir(parents=True)
        profile = str(store.state / CHROME_FILE)
        jobs = {}
        for k, shard in enumerate(scanned.shards):
            paths = [str(p) for p in shard]
            jobs[HeadStart.key(paths, str(raw), k, run_id, profile)] = pool.submit(
                clean_shard_fn, paths, str(raw), str(work), k, run_id, DEFAULT_CONFIG, profile)
    except BaseException:
        store.release(run_id)
        raise
    head = HeadStart(raw, store, run_id, scanned, jobs, thread)
    with suppress(Exception):  # else the flow hashes them
        fill_digests(scanned.changes, {rel_path(p, raw): p for p in scanned.files})
    with _HEAD_LOCK:
        _HEAD_START = head
    return head


def adopt_head_start(raw: Path, out: Path) -> HeadStart | None:
    """The head start begun for this raw and output folder, for the flow to adopt (once);
    None if there is none."""
    global _HEAD_START
    with _HEAD_LOCK:
        head = _HEAD_START
        if head is None or head.raw != raw.resolve() or head.store.root != out:
            return None
        _HEAD_START = None
        _ADOPTED[head.run_id] = head
        return head


def head_start_result(paths: Sequence[str], raw_dir: str, shard_no: int, run_id: str,
                      profile: str | None) -> dict | None:
    """A shard task's begun result (see `HeadStart.result`), if its run adopted one."""
    head = _ADOPTED.get(run_id)
    return head.result(paths, raw_dir, shard_no, run_id, profile) if head else None


def end_head_start(head: HeadStart) -> None:
    """The run that adopted `head` has used what it will of it (`HeadStart.finish`); its
    folder goes (a run that had nothing to clean after all never staged anything)."""
    head.finish()
    _ADOPTED.pop(head.run_id, None)
    _remove_run_dir(head, only_if_unstaged=True)


def abandon_head_start() -> None:
    """A head start no flow adopted (the flow failed before): stop its work, delete it
    and release the lock it held."""
    global _HEAD_START
    with _HEAD_LOCK:
        head, _HEAD_START = _HEAD_START, None
    if head is None:
        return
    head.finish()
    _remove_run_dir(head)
    head.store.release(head.run_id)


def _remove_run_dir(head: HeadStart, only_if_unstaged: bool = False) -> None:
    run_dir = head.store.work / head.run_id
    if only_if_unstaged and (run_dir / "staging").exists():
        return  # the run's own: committed, discarded or recovered by the store
    shutil.rmtree(run_dir, ignore_errors=True)
    with suppress(OSError):
        head.store.work.rmdir()


_ADOPTED: dict[str, HeadStart] = {}
