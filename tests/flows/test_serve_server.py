"""`newsclean serve --cron` against a real `prefect server start` on a free loopback port:
the deployment is registered with its schedule, and a run of it cleans the raw folder."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(cmd: list[str], env: dict, log: Path) -> subprocess.Popen:
    with open(log, "w") as fh:
        return subprocess.Popen(cmd, env=env, stdout=fh, stderr=subprocess.STDOUT,
                                start_new_session=True)


def _stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _wait(check, timeout: float, what: str, logs: list[Path]):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if value := check():
                return value
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    tails = "\n".join(f"--- {p.name}\n{p.read_text()[-1500:]}" for p in logs if p.exists())
    pytest.fail(f"timed out waiting for {what}\n{tails}")


def _created(response: httpx.Response) -> bool:
    """True once the request succeeded; False on a 5xx (try again); raises on a 4xx."""
    if response.status_code >= 500:
        return False
    response.raise_for_status()
    return True


def test_serve_registers_a_cron_deployment_that_runs(raw_seeds: Path, tmp_path: Path) -> None:
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(tmp_path / "home"), PREFECT_SERVER_ANALYTICS_ENABLED="false",
               PREFECT_RUNNER_POLL_FREQUENCY="2")
    raw, out = tmp_path / "raw", tmp_path / "out"
    shutil.copytree(raw_seeds, raw)
    logs = [tmp_path / "server.log", tmp_path / "serve.log"]
    server = _start([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port",
                     str(port)], env, logs[0])
    served = None
    try:
        _wait(lambda: httpx.get(f"{api}/health", timeout=2).status_code == 200, 120,
              "the Prefect server", logs)
        served = _start([str(BIN / "newsclean"), "serve", str(raw), "--out", str(out),
                         "--cron", "*/15 * * * *"], dict(env, PREFECT_API_URL=api), logs[1])

        def deployment():
            r = httpx.post(f"{api}/deployments/filter", json={}, timeout=5).json()
            return next((d for d in r if d["name"] == "newsclean-scheduled"), None)

        dep = _wait(deployment, 120, "the deployment", logs)
        assert [s["schedule"]["cron"] for s in dep["schedules"]] == ["*/15 * * * *"]
        assert dep["parameters"] == {"raw_dir": str(raw.resolve()), "out_dir": str(out.resolve())}
        # a busy server answers 503 now and then (its SQLite database is locked while the
        # runner polls): retried, as Prefect's own client retries it
        _wait(lambda: _created(httpx.post(f"{api}/deployments/{dep['id']}/create_flow_run",
                                          json={}, timeout=10)), 60, "a flow run", logs)
        _wait(lambda: (out / "reports" / "latest.json").exists(), 120, "the served run", logs)
        assert any((out / "articles").glob("*.parquet"))
    finally:
        if served is not None:
            _stop(served)
        _stop(server)
