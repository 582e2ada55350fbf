"""Prefect's ephemeral API server, started by `newsclean run` as early as it can be.

Without `PREFECT_API_URL`, Prefect starts a temporary API server (uvicorn over
`prefect.server.api.server:create_app`, on a free port of 127.0.0.1, the default SQLite
database) when the flow first asks for a client, and waits about 3 s for it. Prefect
imports its whole server package in the flow's own process to do that, after newsclean
and Prefect are imported. `newsclean run` starts the same server itself as soon as it
knows one is needed, so that it starts while the command imports the flow, scans the raw
folder and starts its worker processes, and points `PREFECT_API_URL` at it for the run.
The flow run, its task runs, logs and artifacts go to the same database as before.
"""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress


class EphemeralServer:
    """A Prefect API server process for one `newsclean run` (what Prefect's ephemeral mode
    would have started; see the module docstring)."""

    #: the ports Prefect's own ephemeral server picks from
    PORTS = range(8000, 9000)

    def __init__(self, env: dict[str, str], timeout: float) -> None:
        self.env, self.timeout = env, timeout
        self.port = self._free_port()
        self.started = time.monotonic()
        self.process: subprocess.Popen | None = self._spawn()

    @classmethod
    def start_if_needed(cls) -> EphemeralServer | None:
        """Start the server if Prefect would start an ephemeral one for a flow run here (no
        API URL in the settings, ephemeral mode allowed); else None."""
        from prefect.settings import get_current_settings

        settings = get_current_settings()
        if settings.api.url or not settings.server.ephemeral.enabled:
            return None
        env = dict(os.environ)
        env.update(settings.to_environment_variables(exclude_unset=True))
        # as Prefect starts it: no UI, the ephemeral set of services
        env.update({"PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
                    "PREFECT__SERVER_FINAL": "1"})
        return cls(env, settings.server.ephemeral.startup_timeout_seconds)

    @property
    def address(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.address}/api"

    def _free_port(self) -> int:
        for _ in range(20):
            port = random.choice(self.PORTS)
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
                try:
                    sock.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return port
        raise RuntimeError("no free port for Prefect's API server")

    def _spawn(self) -> subprocess.Popen:
        import prefect

        return subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "--app-dir", str(prefect.__module_path__.parent),
             "--factory", "prefect.server.api.server:create_app", "--host", "127.0.0.1",
             "--port", str(self.port), "--log-level", "error", "--lifespan", "on"],
            env=self.env)

    def wait(self) -> bool:
        """Wait until the server answers its health check (True), or it failed or timed
        out (False, and it is stopped)."""
        retries = 3
        while self.process is not None and time.monotonic() - self.started < self.timeout:
            code = self.process.poll()
            if code is not None:  # exit 3: the port was taken meanwhile
                if code != 3 or retries == 0:
                    break
                retries -= 1
                self.port = self._free_port()
                self.process = self._spawn()
                continue
            try:
                with urllib.request.urlopen(f"{self.api_url}/health", timeout=2) as response:
                    if response.status == 200:
                        _log(f"Started temporary server on {self.address}\nSee "
                             "https://docs.prefect.io/v3/concepts/server#how-to-guides for "
                             "more information on running a dedicated Prefect server.")
                        return True
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.05)
        self.stop()
        return False

    def stop(self) -> None:
        if self.process is None:
            return
        _log(f"Stopping temporary server on {self.address}")
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None


def _log(message: str) -> None:
    """Log as Prefect logs its own temporary server's start and stop."""
    from prefect.logging import get_logger

    get_logger().info(message)


@contextmanager
def api_url(url: str) -> Iterator[None]:
    """Point Prefect at `url` (`PREFECT_API_URL`) in this process until the block ends.
    The server serves no UI, so no UI link is derived from it (`PREFECT_UI_URL` stays
    unset, as in ephemeral mode, unless it was set)."""
    from prefect.context import refresh_global_settings_context
    from prefect.settings import get_current_settings

    names = ["PREFECT_API_URL"]
    if get_current_settings().ui_url is None:
        names.append("PREFECT_UI_URL")
    before = {name: os.environ.get(name) for name in names}
    os.environ.update({"PREFECT_API_URL": url, "PREFECT_UI_URL": ""}
                      if len(names) == 2 else {"PREFECT_API_URL": url})
    refresh_global_settings_context()  # Prefect read the environment when imported
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        with suppress(Exception):
            refresh_global_settings_context()
