"""Shared fixtures: paths to the bundled seeds and the optional shared corpora."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

SHARED = Path(os.environ.get("NEWSCLEAN_SHARED", ROOT.parent / "shared"))
BBC = SHARED / "corpora" / "bbc"


@pytest.fixture
def raw_seeds() -> Path:
    return ROOT / "raw"


@pytest.fixture
def bbc_dir() -> Path:
    if not BBC.is_dir():
        pytest.skip(f"BBC corpus not present at {BBC}")
    return BBC


@pytest.fixture
def seed_problems():
    """check_seeds from tests/seedcheck.py (loaded by path: tests/ is not a package)."""
    import importlib.util

    path = Path(__file__).parent / "seedcheck.py"
    spec = importlib.util.spec_from_file_location("seedcheck", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.check_seeds


@pytest.fixture(scope="session")
def harness():
    """One Prefect test server for every flow test of the session (it costs ~8 s)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield
