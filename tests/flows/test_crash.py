"""Crash safety and exclusivity with real processes: a run killed with SIGKILL at any point
leaves no half-written output, and the next run completes the work with no duplicate rows;
a second run on an output folder that is in use is refused."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyarrow.dataset as ds
import pytest

from flows.flow import clean_news
from pipeline.store import OutputStore

KILL_POINTS = ["after-clean", "before-journal", "after-journal", "swap-articles", "swap-state"]


def _cli(raw: Path, out: Path, log: Path, kill_at: str | None = None) -> subprocess.Popen:
    """`newsclean run` in its own session (so the ephemeral Prefect server it starts can be
    cleaned up after a kill), output to `log`."""
    env = dict(os.environ, PREFECT_SERVER_ANALYTICS_ENABLED="false")
    env.pop("PREFECT_API_URL", None)  # the subprocess uses its own ephemeral server
    if kill_at:
        env["NEWSCLEAN_KILL_AT"] = kill_at
    with open(log, "w") as fh:
        return subprocess.Popen([sys.executable, "-m", "flows.cli", "run", str(raw), "--out",
                                 str(out), "--progress", "never"], env=env, stdout=fh,
                                stderr=subprocess.STDOUT, start_new_session=True)


def _finish(proc: subprocess.Popen, timeout: float = 300) -> int:
    """Wait for the run, then kill what is left of its session (an orphaned server)."""
    try:
        code = proc.wait(timeout=timeout)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return code


def _state(out: Path) -> list[tuple]:
    rows = ds.dataset(out / "articles", format="parquet").to_table().to_pylist()
    ids = [r["article_id"] for r in rows]
    assert len(ids) == len(set(ids)), "duplicate rows"
    return sorted((r["article_id"], r["cluster_id"], r["is_canonical"], r["text"]) for r in rows)


@pytest.fixture
def inputs(raw_seeds: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A raw folder already cleaned once, then grown by two files, and the expected result
    of cleaning the grown folder."""
    raw = tmp_path / "raw"
    shutil.copytree(raw_seeds, raw)
    extra = raw.parent / "extra"
    extra.mkdir()
    (extra / "copy-002.txt").write_bytes((raw / "002_483f2f0007b8cfd7.txt").read_bytes())
    (extra / "004_cb30ac4c5e01e036.txt").write_bytes(
        (raw / "004_cb30ac4c5e01e036.txt").read_bytes())
    (raw / "004_cb30ac4c5e01e036.txt").unlink()
    return raw, extra


def test_sigkill_at_every_commit_step_then_recovery(harness, inputs, tmp_path: Path) -> None:
    raw, extra = inputs
    base = tmp_path / "base"
    clean_news(str(raw), str(base))
    for f in extra.iterdir():
        shutil.copy(f, raw / f.name)
    expected_out = tmp_path / "expected"
    shutil.copytree(base, expected_out)
    clean_news(str(raw), str(expected_out))
    expected = _state(expected_out)
    before = _state(base)

    outs = {point: tmp_path / f"out-{point}" for point in KILL_POINTS}
    for out in outs.values():
        shutil.copytree(base, out)

    def killed_run(point: str) -> tuple[str, int, str]:
        log = tmp_path / f"{point}.log"
        code = _finish(_cli(raw, outs[point], log, kill_at=point))
        return point, code, log.read_text()

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(killed_run, KILL_POINTS))
    for point, code, text in results:
        assert code == -signal.SIGKILL, f"{point}: exit {code}\n{text[-2000:]}"
        out = outs[point]
        # between the kill and the next run, readers see the old or the new version whole
        if (out / "articles").is_dir():
            assert _state(out) in (before, expected), point
        clean_news(str(raw), str(out))
        assert _state(out) == expected, point
        assert not (out / ".work").exists(), point


def test_sigkill_at_a_random_moment_then_recovery(harness, inputs, tmp_path: Path) -> None:
    raw, extra = inputs
    out = tmp_path / "out"
    clean_news(str(raw), str(out))
    for f in extra.iterdir():
        shutil.copy(f, raw / f.name)
    log = tmp_path / "run.log"
    proc = _cli(raw, out, log)
    deadline = time.monotonic() + 120
    while "scan:" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)  # wait until the run has started working
    time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)  # the run and its server, as a crash would
    _finish(proc, timeout=60)
    clean_news(str(raw), str(out))
    expected_out = tmp_path / "expected"
    clean_news(str(raw), str(expected_out))
    assert _state(out) == _state(expected_out)


def test_second_run_on_a_busy_output_is_refused(raw_seeds: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    log = tmp_path / "run.log"
    with OutputStore(out).locked():
        code = _finish(_cli(raw_seeds, out, log), timeout=120)
    text = log.read_text()
    assert code == 2
    assert "another newsclean run" in text and "is writing to" in text
