"""The head start (`flows.work.HeadStart`): shards that `newsclean run` begins in the
process pool while Prefect starts are taken over by the flow when their inputs are the
flow's, cleaned again when they are not, and leave nothing behind either way; the output
is the same as without a head start, and no other run can start in between."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow.dataset as ds
import pytest

from flows.flow import clean_news
from flows.work import abandon_head_start, begin_head_start, shutdown_pool, start_workers
from pipeline.store import OutputLocked, OutputStore

MB = 1 << 20


def _rows(out: Path) -> list[tuple]:
    rows = ds.dataset(out / "articles", format="parquet").to_table().to_pylist()
    key = ("article_id", "cluster_id", "is_canonical", "text", "title", "removed", "edits")
    return sorted(tuple(str(r[k]) for k in key) for r in rows)


@pytest.fixture
def raw(raw_seeds: Path, tmp_path: Path) -> Path:
    raw = tmp_path / "raw"
    shutil.copytree(raw_seeds, raw)
    return raw.resolve()


def _begin(raw: Path, out: Path):
    start_workers(2)
    head = begin_head_start(raw, out, 1, 32 * MB, 2)
    assert head is not None and len(head.jobs) == 5
    return head


def test_the_flow_takes_over_the_begun_shards(harness, raw: Path, tmp_path: Path) -> None:
    plain, out = tmp_path / "plain", (tmp_path / "out").resolve()
    clean_news(str(raw), str(plain), shard_max_files=1, workers=2)
    try:
        head = _begin(raw, out)
        with pytest.raises(OutputLocked):  # the lock is held for the flow to come
            with OutputStore(out).locked():
                pass
        report = clean_news(str(raw), str(out), shard_max_files=1, workers=2)
    finally:
        abandon_head_start()
        shutdown_pool()
    assert report["run_id"] == head.run_id
    assert head.taken == set(head.jobs)  # every shard task took its begun result
    assert _rows(out) == _rows(plain)
    assert not (out / ".work").exists()
    with OutputStore(out).locked():  # handed over, then released
        pass


def test_shards_that_changed_meanwhile_are_cleaned_again(harness, raw: Path,
                                                         tmp_path: Path) -> None:
    out = (tmp_path / "out").resolve()
    try:
        head = _begin(raw, out)
        # a file the scrapers add meanwhile sorts first: every shard's inputs move
        (raw / "0000_new.txt").write_text("A new page\n\nIts only paragraph, long enough "
                                          "to be kept as an article of its own.\n")
        report = clean_news(str(raw), str(out), shard_max_files=1, workers=2)
    finally:
        abandon_head_start()
        shutdown_pool()
    assert report["counts"]["files_new"] == 6
    assert head.taken < set(head.jobs)
    expected = tmp_path / "expected"
    clean_news(str(raw), str(expected), shard_max_files=1, workers=1)
    assert _rows(out) == _rows(expected)
    assert not (out / ".work").exists()


def test_a_run_in_one_process_begins_its_shard_in_a_thread(harness, raw: Path,
                                                           tmp_path: Path) -> None:
    plain, out = tmp_path / "plain", (tmp_path / "out").resolve()
    clean_news(str(raw), str(plain), workers=1)
    try:
        head = begin_head_start(raw, out, 64, 32 * MB, workers=1)  # no pool started
        assert head is not None and head.thread is not None and len(head.jobs) == 1
        clean_news(str(raw), str(out), workers=1)
    finally:
        abandon_head_start()
    assert head.taken == set(head.jobs)
    assert _rows(out) == _rows(plain)
    assert not (out / ".work").exists()


def test_a_head_start_no_flow_takes_leaves_nothing(raw: Path, tmp_path: Path) -> None:
    out = (tmp_path / "out").resolve()
    try:
        _begin(raw, out)
    finally:
        abandon_head_start()
        shutdown_pool()
    assert not (out / ".work").exists()
    with OutputStore(out).locked():  # released
        pass
