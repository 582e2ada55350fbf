"""Schedules: `newsclean serve` builds a cron deployment and needs a Prefect server;
prefect.yaml describes the same flow for work pools."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

from flows.deploy import check_cron, deployment_kwargs
from flows.flow import clean_news

ROOT = Path(__file__).resolve().parents[2]


def test_cron_is_validated() -> None:
    assert check_cron("0 * * * *") is None
    assert "five fields" in (check_cron("hourly") or "")
    assert "bad cron" in (check_cron("61 * * * *") or "")


def test_deployment_carries_schedule_and_parameters() -> None:
    dep = clean_news.to_deployment("hourly", **deployment_kwargs("/data/raw", "/data/clean",
                                                                 "0 * * * *"))
    assert dep.parameters == {"raw_dir": "/data/raw", "out_dir": "/data/clean"}
    (schedule,) = dep.schedules
    assert schedule.schedule.cron == "0 * * * *"
    assert schedule.schedule.timezone == "UTC"


def test_serve_without_a_server_is_a_clear_error(tmp_path: Path) -> None:
    # a subprocess: the test harness of other tests configures a server in this process
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env["PREFECT_HOME"] = str(tmp_path / "prefect-home")
    proc = subprocess.run(
        [sys.executable, "-m", "flows.cli", "serve", str(tmp_path), "--out",
         str(tmp_path / "o"), "--cron", "0 * * * *"],
        env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "prefect server start" in proc.stderr


def test_prefect_yaml_points_at_the_flow() -> None:
    config = yaml.safe_load((ROOT / "prefect.yaml").read_text())
    (dep,) = config["deployments"]
    path, name = dep["entrypoint"].split(":")
    assert (ROOT / path).exists() and name == clean_news.fn.__name__
    assert check_cron(dep["schedules"][0]["cron"]) is None
    assert set(dep["parameters"]) <= set(clean_news.parameters.properties)
