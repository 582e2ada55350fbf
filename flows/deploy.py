"""Schedules: serve the clean-news flow on a cron schedule against a Prefect server.

`newsclean serve` calls `serve`; `prefect.yaml` at the top of the repository is the same
deployment for Prefect work pools (`prefect deploy`).
"""

from __future__ import annotations

from datetime import datetime

from prefect.schedules import Cron

from flows.flow import clean_news


def check_cron(expr: str) -> str | None:
    """None if `expr` is a valid five-field cron expression, else a readable problem."""
    from cronsim import CronSim, CronSimError

    if len(expr.split()) != 5:
        return f"cron expression {expr!r} must have five fields (minute hour day month weekday)"
    try:
        CronSim(expr, datetime(2025, 1, 1))
    except CronSimError as err:
        return f"bad cron expression {expr!r}: {err}"
    return None


def deployment_kwargs(raw_dir: str, out_dir: str, cron: str, timezone: str = "UTC") -> dict:
    """Arguments for `clean_news.serve` / `clean_news.to_deployment`."""
    return {
        "schedules": [Cron(cron, timezone=timezone)],
        "parameters": {"raw_dir": raw_dir, "out_dir": out_dir},
        "description": f"newsclean: clean {raw_dir} into {out_dir} on '{cron}' ({timezone})",
        "tags": ["newsclean"],
    }


def serve(raw_dir: str, out_dir: str, cron: str, name: str, timezone: str = "UTC") -> None:
    """Serve the flow with its schedule until interrupted (Ctrl-C)."""
    clean_news.serve(name=name, **deployment_kwargs(raw_dir, out_dir, cron, timezone))
