"""`newsclean run --dask ADDRESS`: shard tasks on an existing dask.distributed cluster
(a LocalCluster here) give the same output as a local run."""

from __future__ import annotations

from pathlib import Path

import pyarrow.dataset as ds
import pytest

distributed = pytest.importorskip("distributed")

from flows.cli import main  # noqa: E402


def _rows(out: Path) -> list[tuple]:
    t = ds.dataset(out / "articles").to_table().to_pylist()
    return sorted((r["article_id"], r["cluster_id"], r["is_canonical"], r["text"]) for r in t)


def test_run_on_a_dask_cluster(raw_seeds: Path, tmp_path: Path, capsys) -> None:
    local = tmp_path / "local"
    assert main(["run", str(raw_seeds), "--out", str(local), "--progress", "never"]) == 0
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        out = tmp_path / "dask"
        code = main(["run", str(raw_seeds), "--out", str(out), "--shard-files", "2",
                     "--dask", cluster.scheduler_address, "--progress", "never"])
        assert code == 0, capsys.readouterr()
        with distributed.Client(cluster) as client:
            # the three shard tasks (5 files, 2 per shard) ran on the cluster's workers
            executed = client.run(lambda dask_worker: dask_worker.state.executed_count)
            assert sum(executed.values()) == 3
    assert _rows(out) == _rows(local)
