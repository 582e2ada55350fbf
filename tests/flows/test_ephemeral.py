"""`newsclean run` without a Prefect server: the API server it starts for the run (what
Prefect's ephemeral mode starts, begun earlier: `flows.ephemeral`) records the flow run,
its task runs, logs and artifacts in Prefect's database, as ephemeral mode does."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path


def test_run_is_recorded_in_prefects_database(raw_seeds: Path, tmp_path: Path) -> None:
    home = tmp_path / "prefect-home"
    env = dict(os.environ, PREFECT_HOME=str(home), PREFECT_SERVER_ANALYTICS_ENABLED="false")
    for name in ("PREFECT_API_URL", "PREFECT_UI_URL", "PREFECT_PROFILES_PATH"):
        env.pop(name, None)
    proc = subprocess.run([sys.executable, "-m", "flows.cli", "run", str(raw_seeds), "--out",
                           str(tmp_path / "out"), "--progress", "never", "--shard-files", "2"],
                          env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "newsclean: 11 articles" in proc.stdout
    assert "View at" not in proc.stderr  # the server serves no UI to link to
    db = sqlite3.connect(home / "prefect.db")
    runs = db.execute("SELECT id, state_type FROM flow_run").fetchall()
    assert [state for _, state in runs] == ["COMPLETED"]
    run_id = runs[0][0]
    tasks = db.execute("SELECT name, state_type FROM task_run WHERE flow_run_id = ?",
                       (run_id,)).fetchall()
    # three shards (five files, two a shard), clustering and writing
    assert sorted(name.rsplit("-", 1)[0] for name, _ in tasks) == [
        "clean-shard", "clean-shard", "clean-shard", "cluster", "write-output"]
    assert {state for _, state in tasks} == {"COMPLETED"}
    keys = {k for (k,) in db.execute("SELECT key FROM artifact WHERE flow_run_id = ?",
                                     (run_id,))}
    assert keys == {"clean-news-counts", "clean-news-summary"}
    logs = [m for (m,) in db.execute("SELECT message FROM log WHERE flow_run_id = ?",
                                     (run_id,))]
    assert any(m.startswith("scan: 5 raw files") for m in logs)
