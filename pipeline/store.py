"""The output folder as a store: manifest of raw files seen, a lock, atomic commits.

Layout of OUT (README "Output folder"):

    articles/              Parquet parts, the contract
    rejects/               Parquet, one row per raw file that could not be cleaned
    reports/               JSON (and HTML) reports per run
    .state/manifest.parquet    every raw file seen: size, mtime, content hash, outcome
    .state/signatures/     per-part clustering inputs (MinHash signatures), same part names
    .work/<run_id>/        a run in progress; staging/ holds the next version
    .lock                  held (flock) by the run writing to OUT

A run builds complete new versions of `articles/`, `rejects/` and `.state/` under
`.work/<run_id>/staging/` (unchanged parts are hard links, so this costs little), then
writes a journal `COMMIT` and swaps each folder into place. A run killed before the
journal leaves OUT as it was (the next run deletes its work folder); one killed after it
is completed by the next run, which replays the journal. Readers see the old or the new
version of each folder, never a half-written one.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import signal
import stat
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

SWAPPED = ("articles", "rejects", ".state")

MANIFEST_SCHEMA = pa.schema([
    pa.field("path", pa.string(), nullable=False),
    pa.field("size", pa.int64(), nullable=False),
    pa.field("mtime_ns", pa.int64(), nullable=False),
    pa.field("sha1", pa.string(), nullable=False),
    pa.field("status", pa.string(), nullable=False),  # articles | rejected | deleted
    pa.field("articles", pa.int32(), nullable=False),
    pa.field("run_id", pa.string(), nullable=False),  # the run that last read the file
    pa.field("deleted_run_id", pa.string()),  # the run that found the file gone
])


def kill_point(name: str) -> None:
    """Crash-safety test hook: SIGKILL this process here if NEWSCLEAN_KILL_AT names this
    point. The kill tests use it to stop a real run at each step of a commit."""
    if os.environ.get("NEWSCLEAN_KILL_AT") == name:
        os.kill(os.getpid(), signal.SIGKILL)


#: Locks taken with `OutputStore.hold`, by (output folder, token), until handed over.
_HELD: dict[tuple[str, str], int] = {}
_HELD_LOCK = threading.Lock()


def _take_held(root: Path, token: str) -> int | None:
    with _HELD_LOCK:
        return _HELD.pop((str(root), token), None)


class OutputLocked(RuntimeError):
    """Another run holds the output folder's lock."""


class IndexMismatch(RuntimeError):
    """The signatures stored in the output folder were made with other parameters."""


#: What stored signatures depend on: articles hashed another way cannot be compared.
_SIGNATURE_PARAMS = ("scheme", "num_perm", "lead_perm", "second_perm")


def index_params(fingerprint: object, cluster: object) -> dict:
    """The hash scheme of the stored signatures (which names shingling, permutations, the
    lead's definition and seed) and, for the record, the LSH banding they were last
    clustered with."""
    return {
        "scheme": fingerprint.scheme,
        "num_perm": fingerprint.num_perm,
        "lead_perm": getattr(fingerprint, "lead_perm", None),
        "second_perm": getattr(fingerprint, "second_perm", None),
        "bands": getattr(cluster, "bands", None),
        "rows": getattr(cluster, "rows", None),
        "lead_bands": getattr(cluster, "lead_bands", None),
        "lead_rows": getattr(cluster, "lead_rows", None),
        "cross_bands": getattr(cluster, "cross_bands", None),
        "cross_rows": getattr(cluster, "cross_rows", None),
        "spun_bands": getattr(cluster, "spun_bands", None),
        "spun_lead_bands": getattr(cluster, "spun_lead_bands", None),
        "spun_lead_rows": getattr(cluster, "spun_lead_rows", None),
    }


def check_index_params(state_dir: Path, params: dict) -> None:
    """Raise IndexMismatch, with what differs and what to do, if the stored signatures were
    made with another hash scheme; silence if there are none yet or they match. The
    banding may change between runs: every run bands all stored signatures afresh."""
    path = Path(state_dir) / "index.json"
    if not path.exists():
        if any((Path(state_dir) / "signatures").glob("*.parquet")):
            raise IndexMismatch(f"{state_dir} holds signatures but no index.json: they cannot "
                                "be trusted; clean into a new output folder")
        return
    stored = json.loads(path.read_text("utf-8"))
    diff = {k: (stored.get(k), params[k]) for k in _SIGNATURE_PARAMS
            if stored.get(k) != params.get(k)}
    if diff:
        shown = ", ".join(f"{k}: stored {a!r}, now {b!r}" for k, (a, b) in diff.items())
        raise IndexMismatch(
            f"the signatures in {state_dir} were made with other parameters ({shown}); "
            "matching new articles against them would silently miss copies. Clean into a new "
            "output folder, or move the old one aside")


@dataclass(frozen=True, slots=True)
class FileEntry:
    """What the manifest knows of one raw file."""

    path: str
    size: int
    mtime_ns: int
    sha1: str
    status: str
    articles: int
    run_id: str
    deleted_run_id: str | None = None


@dataclass(frozen=True, slots=True)
class RawChanges:
    """How the raw folder differs from the manifest."""

    new: list[str]
    changed: list[str]
    unchanged: list[str]
    deleted: list[str]
    stats: dict[str, tuple[int, int, str]]  # path -> (size, mtime_ns, sha1) of read files

    @property
    def to_read(self) -> list[str]:
        return sorted(self.new + self.changed)


def file_sha1(path: Path, chunk: int = 1 << 20) -> str:
    """SHA-1 of a file's bytes, read in chunks (bounded memory on huge files)."""
    h = hashlib.sha1()
    with open(path, "rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


class OutputStore:
    """The output folder. Methods do I/O; the decisions are plain functions below."""

    def __init__(self, out_dir: Path) -> None:
        self.root = Path(out_dir)
        self.articles = self.root / "articles"
        self.rejects = self.root / "rejects"
        self.reports = self.root / "reports"
        self.state = self.root / ".state"
        self.work = self.root / ".work"
        self.lock_path = self.root / ".lock"

    # -- lock ---------------------------------------------------------------------------
    @contextmanager
    def locked(self, handover: str | None = None) -> Iterator[None]:
        """Hold the output folder's lock, or raise OutputLocked at once if another run has
        it. The lock is an flock, so it is released when the holder dies, even by SIGKILL.
        `handover`: the token of a lock this process took with `hold` for this block,
        which then owns and releases it (taken anew if there is none)."""
        fd = _take_held(self.root, handover) if handover else None
        if fd is None:
            fd = self._acquire()
        try:
            yield
        finally:
            os.close(fd)

    def hold(self, token: str) -> None:
        """Take the lock now (or raise OutputLocked) and keep it for `locked(token)` in
        this process, so that no other run can start in between; `release(token)` if
        that block never comes."""
        fd = self._acquire()
        with _HELD_LOCK:
            _HELD[(str(self.root), token)] = fd

    def release(self, token: str) -> None:
        """Release a lock taken with `hold` and not handed over (no-op otherwise)."""
        fd = _take_held(self.root, token)
        if fd is not None:
            os.close(fd)

    def _acquire(self) -> int:
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "?"
            os.close(fd)
            raise OutputLocked(
                f"another newsclean run ({holder}) is writing to {self.root}; "
                "wait for it to finish") from None
        except BaseException:
            os.close(fd)
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}".encode(), 0)
        return fd

    # -- recovery -----------------------------------------------------------------------
    def recover(self, keep: str | None = None) -> list[str]:
        """Finish or discard what earlier runs left in `.work/` (but the run `keep`'s own
        folder, begun before this call). Returns what was done."""
        done: list[str] = []
        if not self.work.is_dir():
            return done
        for run_dir in sorted(p for p in self.work.iterdir() if p.is_dir()):
            if run_dir.name == keep:
                continue
            if (run_dir / "COMMIT").exists():
                self._apply(run_dir)
                done.append(f"completed the commit of interrupted run {run_dir.name}")
            else:
                shutil.rmtree(run_dir, ignore_errors=True)
                done.append(f"discarded unfinished run {run_dir.name}")
        return done

    # -- manifest -----------------------------------------------------------------------
    def load_manifest(self) -> dict[str, FileEntry]:
        path = self.state / "manifest.parquet"
        if not path.exists():
            return {}
        return {r["path"]: FileEntry(**r) for r in pq.read_table(path).to_pylist()}

    # -- transaction --------------------------------------------------------------------
    def begin(self, run_id: str) -> Path:
        """Create and return the run's staging folder."""
        staging = self.work / run_id / "staging"
        staging.mkdir(parents=True)
        return staging

    def commit(self, run_id: str) -> None:
        """Write the journal, then swap the staged folders into place."""
        run_dir = self.work / run_id
        journal = run_dir / "COMMIT"
        tmp = run_dir / "COMMIT.tmp"
        names = [n for n in SWAPPED if (run_dir / "staging" / n).exists()]
        tmp.write_text(json.dumps({"run_id": run_id, "swap": names}))
        _fsync_file(tmp)
        kill_point("before-journal")
        os.replace(tmp, journal)
        _fsync_dir(run_dir)
        kill_point("after-journal")
        self._apply(run_dir)

    def _apply(self, run_dir: Path) -> None:
        staging = run_dir / "staging"
        for name in SWAPPED:
            new = staging / name
            if not new.exists():
                continue  # not staged, or already swapped in by an earlier attempt
            target = self.root / name
            aside = run_dir / f"previous-{name.lstrip('.')}"
            if target.exists():
                if aside.exists():
                    shutil.rmtree(aside)
                os.replace(target, aside)
            kill_point(f"swap-{name.lstrip('.')}")
            os.replace(new, target)
        _fsync_dir(self.root)
        shutil.rmtree(run_dir, ignore_errors=True)
        try:
            self.work.rmdir()
        except OSError:
            pass

    def discard(self, run_id: str) -> None:
        shutil.rmtree(self.work / run_id, ignore_errors=True)
        try:
            self.work.rmdir()
        except OSError:
            pass


def diff_raw(files: Iterable[tuple[str, Path]], manifest: dict[str, FileEntry],
             known: Mapping[str, tuple[int, int, str]] | None = None,
             hash_new: bool = True) -> RawChanges:
    """Compare the raw folder with the manifest.

    A file whose size and mtime match the manifest is unchanged without being read; one
    whose size or mtime differ is hashed, and is changed only if its bytes differ (a
    `touch` does not make a rerun do work). Files in the manifest that are gone are
    deleted (their articles stay in the output). `known`: (size, mtime, SHA-1) of files
    hashed a moment ago (`RawChanges.stats`), not hashed again while size and mtime hold.
    `hash_new=False`: files the manifest does not know are new whatever their bytes;
    their digest is left empty, for `fill_digests`.
    """
    new: list[str] = []
    changed: list[str] = []
    unchanged: list[str] = []
    stats: dict[str, tuple[int, int, str]] = {}
    seen: set[str] = set()
    for rel, path in files:
        seen.add(rel)
        try:
            st = path.stat()
            size, mtime = st.st_size, st.st_mtime_ns
        except OSError:
            st, size, mtime = None, -1, -1
        old = manifest.get(rel)
        if old is not None and old.status != "deleted" and (old.size, old.mtime_ns) == (
                size, mtime):
            unchanged.append(rel)
            continue
        seen_before = known.get(rel) if known else None
        is_new = old is None or old.status == "deleted"
        if seen_before is not None and seen_before[:2] == (size, mtime) and seen_before[2]:
            digest = seen_before[2]
        else:
            digest = _digest(path, st) if hash_new or not is_new else ""
        stats[rel] = (size, mtime, digest)
        if is_new:
            new.append(rel)
        elif digest and digest == old.sha1:
            unchanged.append(rel)  # touched, same bytes
        else:
            changed.append(rel)
    deleted = sorted(p for p, e in manifest.items() if p not in seen and e.status != "deleted")
    return RawChanges(sorted(new), sorted(changed), sorted(unchanged), deleted, stats)


def _digest(path: Path, st: os.stat_result | None) -> str:
    """SHA-1 of a regular file ("" for anything else, or when it cannot be read)."""
    try:
        # only regular files are hashed: opening a FIFO would block the run
        return file_sha1(path) if st is not None and stat.S_ISREG(st.st_mode) else ""
    except OSError:
        return ""


def fill_digests(changes: RawChanges, paths: Mapping[str, Path]) -> None:
    """Hash the files `diff_raw(hash_new=False)` left without a digest, in place (`paths`:
    relative path -> file)."""
    for rel, (size, mtime, digest) in list(changes.stats.items()):
        if not digest:
            try:
                st = paths[rel].stat()
            except OSError:
                st = None
            changes.stats[rel] = (size, mtime, _digest(paths[rel], st))


def manifest_table(entries: Iterable[FileEntry]) -> pa.Table:
    rows = sorted(entries, key=lambda e: e.path)
    cols = {f.name: [getattr(e, f.name) for e in rows] for f in MANIFEST_SCHEMA}
    return pa.Table.from_pydict(cols, schema=MANIFEST_SCHEMA)


def link_or_copy(src: Path, dst: Path) -> None:
    """Hard-link an unchanged part into the next version (copy where links fail)."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def stable_cluster_ids(groups: dict[str, list[str]], previous: dict[str, str],
                       canonical: dict[str, str]) -> dict[str, str]:
    """Carry cluster ids over from the previous run so that a cluster keeps its id.

    groups: new cluster id -> member article ids (new ids are derived from members).
    previous: article id -> its cluster id in the previous output.
    canonical: new cluster id -> the canonical member's article id.
    A new cluster takes the previous id of its canonical if it had one, else the previous
    id most of its members had; if two new clusters claim one old id (a cluster split), the
    larger keeps it and the other keeps its derived id. Returns new id -> final id.
    """
    claims: dict[str, list[tuple[int, str]]] = {}
    for new_id, members in groups.items():
        olds = [previous[m] for m in members if m in previous]
        if not olds:
            continue
        pick = previous.get(canonical[new_id]) or max(set(olds), key=lambda c: (olds.count(c), c))
        claims.setdefault(pick, []).append((len(members), new_id))
    final = {new_id: new_id for new_id in groups}
    taken: set[str] = set()
    winners: set[str] = set()
    for old_id, claimants in claims.items():
        claimants.sort(key=lambda c: (-c[0], c[1]))
        final[claimants[0][1]] = old_id
        taken.add(old_id)
        winners.add(claimants[0][1])
    for new_id, members in groups.items():
        if new_id not in winners and new_id in taken:
            # the derived id is still held by the cluster this one split from
            digest = hashlib.sha1("\0".join(sorted(members)).encode()).hexdigest()
            final[new_id] = "c" + digest[:15]
    return final
