"""store: manifest diffing, stable cluster ids, the lock, and commit recovery."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline.store import (
    FileEntry,
    OutputLocked,
    OutputStore,
    diff_raw,
    file_sha1,
    fill_digests,
    stable_cluster_ids,
)


def test_cluster_keeps_its_id_when_copies_join() -> None:
    # the new cluster's derived id happens to equal the old one: it must stay
    assert stable_cluster_ids({"cA": ["a", "b"]}, {"a": "cA"}, {"cA": "a"}) == {"cA": "cA"}
    assert stable_cluster_ids({"cN": ["a", "b"]}, {"a": "cOld"}, {"cN": "b"}) == {"cN": "cOld"}


def test_split_cluster_old_id_goes_to_larger_part_and_ids_stay_unique() -> None:
    groups = {"cA": ["a"], "cB": ["b", "c"]}
    previous = {"a": "cA", "b": "cA", "c": "cA"}
    final = stable_cluster_ids(groups, previous, {"cA": "a", "cB": "b"})
    assert final["cB"] == "cA"
    assert final["cA"] != "cA" and len(set(final.values())) == 2


def test_diff_raw_new_changed_touched_deleted(tmp_path: Path) -> None:
    a, b, c = (tmp_path / n for n in ("a.txt", "b.txt", "c.txt"))
    a.write_text("alpha")
    b.write_text("beta")
    c.write_text("gamma")
    manifest = {
        p.name: FileEntry(p.name, p.stat().st_size, p.stat().st_mtime_ns, file_sha1(p),
                          "articles", 1, "r1")
        for p in (a, b)
    }
    manifest["gone.txt"] = FileEntry("gone.txt", 1, 1, "x", "articles", 1, "r1")
    os.utime(a, ns=(1, 1))  # touched: same bytes, new mtime
    b.write_text("beta, edited")
    changes = diff_raw([(p.name, p) for p in (a, b, c)], manifest)
    assert (changes.new, changes.changed, changes.unchanged, changes.deleted) == (
        ["c.txt"], ["b.txt"], ["a.txt"], ["gone.txt"])


def test_second_lock_is_refused(tmp_path: Path) -> None:
    store = OutputStore(tmp_path)
    with store.locked():
        with pytest.raises(OutputLocked, match="another newsclean run"):
            with OutputStore(tmp_path).locked():
                pass
    with store.locked():  # released on exit
        pass


def test_a_held_lock_refuses_other_runs_until_handed_over_and_released(tmp_path: Path) -> None:
    store = OutputStore(tmp_path)
    store.hold("run1")
    with pytest.raises(OutputLocked, match="another newsclean run"):
        with OutputStore(tmp_path).locked():
            pass
    with pytest.raises(OutputLocked):  # another token is another run
        with OutputStore(tmp_path).locked(handover="run2"):
            pass
    with OutputStore(tmp_path).locked(handover="run1"):  # the run it was held for
        with pytest.raises(OutputLocked):
            with OutputStore(tmp_path).locked():
                pass
    with store.locked():  # released when the block that took it over ends
        pass
    store.hold("run3")
    store.release("run3")  # never handed over
    store.release("run3")  # no-op
    with store.locked():
        pass


def test_diff_raw_reuses_a_digest_known_for_the_same_size_and_mtime(tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("alpha")
    b.write_text("beta")
    known = {p.name: (p.stat().st_size, p.stat().st_mtime_ns, "digest-" + p.name)
             for p in (a, b)}
    b.write_text("beta, edited since")  # its known digest no longer holds
    changes = diff_raw([(p.name, p) for p in (a, b)], {}, known)
    assert changes.new == ["a.txt", "b.txt"]
    assert changes.stats["a.txt"][2] == "digest-a.txt"
    assert changes.stats["b.txt"][2] == file_sha1(b)


def test_recover_keeps_the_folder_of_the_run_that_recovers(tmp_path: Path) -> None:
    store = OutputStore(tmp_path)
    store.begin("old")
    (store.work / "mine" / "head").mkdir(parents=True)
    assert store.recover(keep="mine") == ["discarded unfinished run old"]
    assert [p.name for p in store.work.iterdir()] == ["mine"]


def test_recover_discards_unjournaled_and_replays_journaled(tmp_path: Path) -> None:
    store = OutputStore(tmp_path)
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "old.parquet").write_text("old")
    staging = store.begin("run1")
    (staging / "articles").mkdir()
    (staging / "articles" / "new.parquet").write_text("new")
    assert store.recover() == ["discarded unfinished run run1"]
    assert [p.name for p in (tmp_path / "articles").iterdir()] == ["old.parquet"]

    staging = store.begin("run2")
    (staging / "articles").mkdir()
    (staging / "articles" / "new.parquet").write_text("new")
    (staging.parent / "COMMIT").write_text('{"run_id": "run2", "swap": ["articles"]}')
    assert store.recover() == ["completed the commit of interrupted run run2"]
    assert [p.name for p in (tmp_path / "articles").iterdir()] == ["new.parquet"]
    assert not (tmp_path / ".work").exists()


def test_new_files_are_new_before_they_are_hashed(tmp_path: Path) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("alpha")
    b.write_text("beta, edited")
    manifest = {"b.txt": FileEntry("b.txt", 4, 1, file_sha1(a), "articles", 1, "r1")}
    changes = diff_raw([(p.name, p) for p in (a, b)], manifest, hash_new=False)
    assert (changes.new, changes.changed) == (["a.txt"], ["b.txt"])
    assert changes.stats["a.txt"][2] == ""  # left for later
    assert changes.stats["b.txt"][2] == file_sha1(b)  # needed to tell changed from touched
    fill_digests(changes, {"a.txt": a, "b.txt": b})
    assert changes.stats == diff_raw([(p.name, p) for p in (a, b)], manifest).stats
