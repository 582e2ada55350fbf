"""Prefect tasks: thin wrappers over `pipeline` that take a shard of files (paths in,
paths out). The plain functions (`*_fn`) are what the tasks run; tests and other
executors call them directly. Retries only where there is I/O that can fail transiently."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future, wait
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from prefect import task

from flows.work import STATE_COLUMNS as STATE_COLUMNS  # here since the first release
from flows.work import clean_shard_fn, finalize_part, head_start_result, process_pool
from flows.work import shard_files as shard_files  # here since the first release
from pipeline.cluster import Assignment, ClusterInput, cluster_articles
from pipeline.config import DEFAULT_CONFIG, PipelineConfig
from pipeline.store import (
    FileEntry,
    check_index_params,
    index_params,
    link_or_copy,
    manifest_table,
    stable_cluster_ids,
)
from pipeline.unspin import RestoreConfig, SpinnerTable
from pipeline.write import (
    ARTICLE_SCHEMA,
    REJECT_SCHEMA,
    cluster_columns,
    conform,
    restore_spun,
    write_json,
    write_table,
)


@task(name="clean-shard", retries=1, retry_delay_seconds=2)
def clean_shard(paths: list[str], raw_dir: str, work_dir: str, shard_no: int, run_id: str,
                workers: int = 1, profile: str | None = None) -> dict:
    """One shard through read -> ... -> fingerprint. With workers > 1 the CPU-bound work
    runs in newsclean's process pool (this task's thread only waits), so shards use every
    core despite the GIL."""
    begun = head_start_result(paths, raw_dir, shard_no, run_id, profile)
    if begun is not None:  # cleaned while Prefect started (flows.work.HeadStart)
        return begun
    args = (paths, raw_dir, work_dir, shard_no, run_id, DEFAULT_CONFIG, profile)
    if workers > 1:
        return process_pool(workers).submit(clean_shard_fn, *args).result()
    return clean_shard_fn(*args)


def _items(table: pa.Table, matrix: np.ndarray | None = None) -> list[ClusterInput]:
    """Clustering inputs of a signatures table. `matrix`: rows to copy the signatures into
    (the items then hold views of it), else views of the table's own values."""
    sigs = table.column("signature").combine_chunks()
    flat = np.asarray(sigs.values.to_numpy(zero_copy_only=False), dtype=np.uint32)
    offsets = sigs.offsets.to_numpy()
    if matrix is not None:
        width = matrix.shape[1]
        if flat.size != width * table.num_rows or (np.diff(offsets) != width).any():
            raise ValueError(f"stored signatures are not all {width} values long")
        matrix[:] = flat.reshape(table.num_rows, width)
        rows = list(matrix)
    else:
        rows = [flat[offsets[k]:offsets[k + 1]] for k in range(table.num_rows)]
    cols = {name: table.column(name).to_pylist()
            for name in STATE_COLUMNS if name not in ("signature", "fetched_at")}
    cols["fetched_at"] = _datetimes(table.column("fetched_at"))
    return [
        ClusterInput(
            article_id=cols["article_id"][k], content_hash=cols["content_hash"][k],
            signature=rows[k], shingle_count=cols["shingle_count"][k],
            spun=cols["spun"][k], word_count=cols["word_count"][k],
            fetched_at=cols["fetched_at"][k])
        for k in range(table.num_rows)
    ]


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _datetimes(column: pa.ChunkedArray) -> list[datetime | None]:
    """A timestamp[us, UTC] column as UTC datetimes: the same instants as `to_pylist()`,
    five times faster (0.05 s instead of 0.24 s for 100k articles' fetch times)."""
    micros = column.cast(pa.timestamp("us", tz="UTC")).cast(pa.int64()).to_pylist()
    return [None if us is None else _EPOCH + timedelta(microseconds=us) for us in micros]


def _without_files(table: pa.Table, files: set[str]) -> pa.Table:
    if not files or table.num_rows == 0:
        return table
    mask = pc.invert(pc.is_in(table.column("source_file"), value_set=pa.array(sorted(files))))
    return table.filter(mask)


def cluster_fn(state_dir: str, articles_dir: str, shard_paths: list[str], replaced: list[str],
               work_dir: str, config: PipelineConfig = DEFAULT_CONFIG) -> str:
    """Cluster every article: earlier ones (from `.state/signatures`, minus those of
    replaced files) and this run's shards. Cluster ids carry over from the previous output.
    Writes the assignments table and returns its path."""
    check_index_params(Path(state_dir), index_params(config.fingerprint, config.cluster))
    replaced_set = set(replaced)
    sig_dir = Path(state_dir) / "signatures"
    stored = sorted(sig_dir.glob("*.parquet")) if sig_dir.is_dir() else []

    def tables() -> Iterator[pa.Table]:
        for part in stored:
            yield _without_files(pq.read_table(part, columns=STATE_COLUMNS), replaced_set)
        for path in shard_paths:
            yield pq.read_table(path, columns=STATE_COLUMNS)

    # every signature in one matrix, filled table by table (at a million articles it is
    # ~900 MB; the tables are read twice rather than held at once)
    sizes = [_without_files(pq.read_table(part, columns=["source_file"]), replaced_set).num_rows
             for part in stored] + [pq.read_metadata(path).num_rows for path in shard_paths]
    matrix = np.empty((sum(sizes), config.fingerprint.length), dtype=np.uint32)
    items: list[ClusterInput] = []
    for table in tables():
        items.extend(_items(table, matrix[len(items):len(items) + table.num_rows]))
    previous: dict[str, str] = {}
    art_dir = Path(articles_dir)
    for part in sorted(art_dir.glob("*.parquet")) if art_dir.is_dir() else []:
        t = pq.read_table(part, columns=["article_id", "cluster_id"])
        previous.update(zip(t.column("article_id").to_pylist(),
                            t.column("cluster_id").to_pylist(), strict=True))
    assignments = cluster_articles(items, config.cluster, config.fingerprint, matrix)
    del items, matrix
    groups: dict[str, list[str]] = {}
    canonical: dict[str, str] = {}
    for aid, a in assignments.items():
        groups.setdefault(a.cluster_id, []).append(aid)
        if a.is_canonical:
            canonical[a.cluster_id] = aid
    final = stable_cluster_ids(groups, previous, canonical)
    ids = sorted(assignments)
    table = pa.table({
        "article_id": pa.array(ids, pa.string()),
        "cluster_id": pa.array([final[assignments[i].cluster_id] for i in ids], pa.string()),
        "is_canonical": pa.array([assignments[i].is_canonical for i in ids], pa.bool_()),
        "duplicate_of": pa.array([assignments[i].duplicate_of for i in ids], pa.string()),
    })
    return str(write_table(table, Path(work_dir) / "assignments.parquet", config.write))


cluster_task = task(name="cluster")(cluster_fn)


def _load_assignments(path: str) -> dict[str, Assignment]:
    t = pq.read_table(path)
    return {
        aid: Assignment(cid, canon, dup)
        for aid, cid, canon, dup in zip(
            t.column("article_id").to_pylist(), t.column("cluster_id").to_pylist(),
            t.column("is_canonical").to_pylist(), t.column("duplicate_of").to_pylist(),
            strict=True)
    }


def _with_assignments(table: pa.Table, assignments: dict[str, Assignment]) -> pa.Table:
    ids = table.column("article_id").to_pylist()
    for name, get in (("cluster_id", lambda a: a.cluster_id),
                      ("is_canonical", lambda a: a.is_canonical),
                      ("duplicate_of", lambda a: a.duplicate_of)):
        col = pa.array([get(assignments[i]) for i in ids], table.schema.field(name).type)
        table = table.set_column(table.schema.get_field_index(name), name, col)
    return table


def _done(result: object) -> Future:
    """A finished future holding `result` (the same shape as a pool's)."""
    future: Future = Future()
    future.set_result(result)
    return future


def _columns(schema: pa.Schema) -> list[tuple[str, pa.DataType]]:
    return [(f.name, f.type) for f in schema]


def _unspun_originals(old_parts: list[Path], new_shards: list[Path],
                      assignments: dict[str, Assignment]
                      ) -> dict[str, tuple[str | None, str]]:
    """Title and text of every unspun canonical that a spun copy in `old_parts` or
    `new_shards` points to (`duplicate_of`): what `restore_spun` restores spun copies from.
    Reads the id and flag columns of every part, title and text of the wanted rows only."""
    wanted: set[str] = set()
    for path in [*old_parts, *new_shards]:
        head = pq.read_table(path, columns=["article_id", "spun"])
        for aid in pc.filter(head.column("article_id"), head.column("spun")).to_pylist():
            a = assignments.get(aid)
            if a is not None and a.duplicate_of:
                wanted.add(a.duplicate_of)
    texts: dict[str, tuple[str | None, str]] = {}
    if not wanted:
        return texts
    columns = ["article_id", "spun", "title", "text"]
    for path in [*old_parts, *new_shards]:  # this run's rows last: they replace older ones
        rows = pq.read_table(path, columns=columns, filters=[("article_id", "in", sorted(wanted))])
        for aid, spun, title, text in zip(*(rows.column(c).to_pylist() for c in columns),
                                          strict=True):
            if spun:
                texts.pop(aid, None)
            else:
                texts[aid] = (title, text)
    return texts


SPINNER_FILE = "spinner.json"


def _learn_spinner(table: SpinnerTable, new_shards: list[Path],
                   assignments: dict[str, Assignment],
                   originals: dict[str, tuple[str | None, str]], config: RestoreConfig,
                   heads: list[pa.Table] | None = None) -> int:
    """Teach `table` this run's spun copies whose canonical is in `originals`; how many.
    `heads`: each shard's `article_id` and `spun` columns, if read already (a shard with
    no spun copy is not read again)."""
    n = 0
    for k, path in enumerate(new_shards):
        spun = (heads[k] if heads is not None else pq.read_table(path, columns=["spun"])
                ).column("spun")
        if not pc.any(spun).as_py():
            continue
        rows = pq.read_table(path, columns=["article_id", "spun", "text"])
        rows = rows.filter(rows.column("spun"))
        for aid, text in zip(rows.column("article_id").to_pylist(),
                             rows.column("text").to_pylist(), strict=True):
            a = assignments.get(aid)
            if a is not None and a.duplicate_of in originals:
                n += table.learn(text.split("\n\n"), originals[a.duplicate_of][1].split("\n\n"),
                                 config)
    return n


def write_fn(out_dir: str, staging_dir: str, run_id: str, shard_results: list[dict],
             assignments_path: str, replaced: list[str], read_files: list[str],
             deleted: list[str], file_stats: dict[str, list], manifest: dict[str, dict],
             config: PipelineConfig = DEFAULT_CONFIG, workers: int = 1) -> dict:
    """Stage the next version of articles/, rejects/ and .state/ in `staging_dir`.

    Unchanged parts are hard-linked; parts with rows of replaced files, or whose rows'
    clusters changed, are rewritten under a new name; this run's shards become new parts
    (with workers > 1 in newsclean's process pool, while this process does the rest).
    """
    out, staging = Path(out_dir), Path(staging_dir)
    assignments = _load_assignments(assignments_path)
    replaced_set = set(replaced)
    stats = {"parts_kept": 0, "parts_rewritten": 0, "parts_new": 0, "articles": 0}
    cluster_cols = ["article_id", "source_file", "cluster_id", "is_canonical", "duplicate_of"]
    old_parts = sorted((out / "articles").glob("*.parquet")) if (out / "articles").is_dir() else []
    restore = config.unspin.restore
    new_shards = [Path(r["articles"]) for r in shard_results]
    heads = [pq.read_table(path, columns=["article_id", "spun"]) for path in new_shards]
    originals = _unspun_originals(old_parts, new_shards, assignments) if restore else {}
    learned = None
    if restore and restore.learn:
        learned = SpinnerTable.load(out / ".state" / SPINNER_FILE)
        stats["learned_from"] = _learn_spinner(learned, new_shards, assignments, originals,
                                               restore, heads)
        learned.save(staging / ".state" / SPINNER_FILE)
    elif (out / ".state" / SPINNER_FILE).is_file():  # kept for runs that learn again
        link_or_copy(out / ".state" / SPINNER_FILE, staging / ".state" / SPINNER_FILE)
    stats["restored"] = 0
    pool = process_pool(workers) if workers > 1 else None
    jobs: list[Future] = []
    try:
        for k, (result, head) in enumerate(zip(shard_results, heads, strict=True)):
            if head.num_rows == 0:
                continue
            name = f"part-{run_id}-{k:05d}.parquet"
            ids = head.column("article_id").to_pylist()
            spun = head.column("spun").to_pylist()
            dups = {assignments[i].duplicate_of for i, s in zip(ids, spun, strict=True)
                    if s and i in assignments}
            spinner = (str(staging / ".state" / SPINNER_FILE)
                       if learned is not None and learned.subs and any(spun) else None)
            args = (result["articles"], cluster_columns(ids, assignments),
                    str(staging / "articles" / name),
                    str(staging / ".state" / "signatures" / name),
                    {d: originals[d] for d in dups if d in originals}, spinner, restore,
                    config.write, result.get("state"))
            jobs.append(pool.submit(finalize_part, *args) if pool else _done(finalize_part(*args)))
        for k, part in enumerate(old_parts):
            sig_part = out / ".state" / "signatures" / part.name
            head = pq.read_table(part, columns=cluster_cols)
            kept = _without_files(head, replaced_set)
            fresh = _with_assignments(kept, assignments)
            same = kept.num_rows == head.num_rows and all(
                fresh.column(c).equals(kept.column(c)) for c in cluster_cols[2:]
            ) and _columns(pq.read_schema(part)) == _columns(ARTICLE_SCHEMA)  # else: added since
            if same:
                link_or_copy(part, staging / "articles" / part.name)
                link_or_copy(sig_part, staging / ".state" / "signatures" / part.name)
                stats["parts_kept"] += 1
                stats["articles"] += head.num_rows
                continue
            if kept.num_rows == 0:
                continue
            name = f"part-{run_id}-r{k:05d}.parquet"
            full = _with_assignments(conform(_without_files(pq.read_table(part), replaced_set)),
                                     assignments)
            if restore:
                full, n = restore_spun(full, originals, restore)
                stats["restored"] += n
            write_table(full, staging / "articles" / name, config.write)
            write_table(_without_files(pq.read_table(sig_part), replaced_set),
                        staging / ".state" / "signatures" / name, config.write)
            stats["parts_rewritten"] += 1
            stats["articles"] += full.num_rows
        # while the workers write the new parts: rejects, manifest, index parameters
        _stage_rejects_and_manifest(out, staging, run_id, shard_results, read_files, deleted,
                                    file_stats, manifest, config, stats)
        for job in jobs:
            rows, n = job.result()
            stats["parts_new"] += 1
            stats["articles"] += rows
            stats["restored"] += n
    finally:
        wait(jobs)  # they write into the staging folder, which a failed run discards
    return stats


def _stage_rejects_and_manifest(out: Path, staging: Path, run_id: str, shard_results: list[dict],
                                read_files: list[str], deleted: list[str],
                                file_stats: dict[str, list], manifest: dict[str, dict],
                                config: PipelineConfig, stats: dict) -> None:
    """Stage rejects/ (earlier rows of files not read again, plus this run's), the
    manifest and the index parameters; `stats["rejects"]` counts the rejects."""
    reread = set(read_files)
    tables = []
    old_rejects = out / "rejects"
    if old_rejects.is_dir():
        for part in sorted(old_rejects.glob("*.parquet")):
            t = pq.read_table(part)
            tables.append(_without_files(t, reread))
    tables += [pq.read_table(r["rejects"]) for r in shard_results]
    rejects = pa.concat_tables(tables) if tables else REJECT_SCHEMA.empty_table()
    write_table(rejects.cast(REJECT_SCHEMA), staging / "rejects" / "part-00000.parquet",
                config.write)
    stats["rejects"] = rejects.num_rows

    # manifest
    rejected_now = set(rejects.column("source_file").to_pylist())
    per_file: dict[str, int] = {}
    for r in shard_results:
        per_file.update(r["per_file"])
    entries = {p: FileEntry(**e) for p, e in manifest.items()}
    for rel in read_files:
        size, mtime, sha1 = file_stats[rel]
        n = per_file.get(rel, 0)
        status = "articles" if n else "rejected"
        if n and rel in rejected_now:
            status = "articles+rejects"
        entries[rel] = FileEntry(rel, size, mtime, sha1, status, n, run_id)
    for rel in deleted:
        e = entries[rel]
        entries[rel] = FileEntry(e.path, e.size, e.mtime_ns, e.sha1, "deleted", e.articles,
                                 e.run_id, run_id)
    write_table(manifest_table(entries.values()), staging / ".state" / "manifest.parquet",
                config.write)
    write_json(index_params(config.fingerprint, config.cluster), staging / ".state" / "index.json")


write_task = task(name="write-output")(write_fn)
