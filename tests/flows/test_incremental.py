"""Incremental runs: only new or changed files are read; changed files' articles are
replaced, deleted files' articles stay; a rerun with nothing new changes nothing."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyarrow.dataset as ds

from flows.flow import clean_news
from pipeline.store import OutputStore


def _rows(out: Path) -> list[dict]:
    return ds.dataset(out / "articles", format="parquet").to_table().to_pylist()


def _files(out: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(out)): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in out.rglob("*") if p.is_file() and "reports" not in p.parts
            and p.name != ".lock"}


def test_incremental_runs(harness, raw_seeds: Path, tmp_path: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    shutil.copytree(raw_seeds, raw)
    first = clean_news(str(raw), str(out))
    assert first["counts"]["files_new"] == 5 and first["counts"]["articles"] == 11
    before = _files(out)
    ids_before = {r["article_id"]: r["cluster_id"] for r in _rows(out)}

    # nothing new: nothing read, nothing written
    again = clean_news(str(raw), str(out))
    assert again.get("nothing_new") is True
    assert again["counts"]["files_unchanged"] == 5
    assert _files(out) == before

    # touching a file without changing its bytes is not a change
    os.utime(raw / "003_05732b7640654d32.txt", None)
    assert clean_news(str(raw), str(out)).get("nothing_new") is True

    # a new copy, a changed file, a deleted file
    shutil.copy(raw / "002_483f2f0007b8cfd7.txt", raw / "copy-002.txt")
    story = raw / "003_05732b7640654d32.txt"
    story.write_text(story.read_text("utf-8").replace(
        "For both parties, much still depends", "For both sides, a correction says, much still"
        " depends"), "utf-8")
    (raw / "004_cb30ac4c5e01e036.txt").unlink()
    third = clean_news(str(raw), str(out))
    c = third["counts"]
    assert (c["files_new"], c["files_changed"], c["files_deleted"]) == (1, 1, 1)
    assert third["deleted_files"] == ["004_cb30ac4c5e01e036.txt"]
    rows = _rows(out)
    ids = [r["article_id"] for r in rows]
    assert len(ids) == len(set(ids)) == 12  # 11 + the copy; the changed file replaced
    changed = [r for r in rows if r["source_file"] == "003_05732b7640654d32.txt"]
    assert len(changed) == 1 and "a correction says" in changed[0]["text"]
    assert any(r["source_file"] == "004_cb30ac4c5e01e036.txt" for r in rows)  # stays
    copy = next(r for r in rows if r["source_file"] == "copy-002.txt")
    orig = next(r for r in rows if r["source_file"] == "002_483f2f0007b8cfd7.txt")
    assert copy["cluster_id"] == orig["cluster_id"] == ids_before[orig["article_id"]]
    assert copy["duplicate_of"] == orig["article_id"]
    # cluster ids of untouched stories are stable across runs
    for r in rows:
        if r["article_id"] in ids_before:
            assert r["cluster_id"] == ids_before[r["article_id"]]
    manifest = OutputStore(out).load_manifest()
    assert manifest["004_cb30ac4c5e01e036.txt"].status == "deleted"
    assert manifest["004_cb30ac4c5e01e036.txt"].deleted_run_id == third["run_id"]
    assert not (out / ".work").exists()


def test_index_made_with_other_parameters_is_a_clear_error(harness, raw_seeds: Path,
                                                          tmp_path: Path) -> None:
    import json

    import pytest

    from pipeline.store import IndexMismatch

    raw, out = tmp_path / "raw", tmp_path / "out"
    shutil.copytree(raw_seeds, raw)
    clean_news(str(raw), str(out))
    index = out / ".state" / "index.json"
    params = json.loads(index.read_text())
    assert params["scheme"] and params["num_perm"]
    index.write_text(json.dumps(dict(params, scheme="datasketch-affine32-legacy")))
    shutil.copy(raw / "002_483f2f0007b8cfd7.txt", raw / "copy.txt")
    with pytest.raises(IndexMismatch, match="other parameters.*scheme"):
        clean_news(str(raw), str(out))
    assert not (out / ".work").exists()  # the failed run left nothing behind
