"""End-to-end fixtures: a real ``clientgate serve`` process (uvicorn) on a free port.

``live_server`` starts one per test module for each backend (SQLite file in a temp dir, or a
PostgreSQL database created for the module and dropped after it), waits for ``/readyz``,
yields a :class:`LiveServer` (base URL, the environment, a ``cli()`` helper that runs the
``clientgate`` command against the same database), then stops it with SIGTERM and asserts
that it exited cleanly (code 0, no traceback in its output).

``start_server(env)`` and ``database_url(backend)`` are there for tests that need a server
of their own (another configuration, or to watch it stop).
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.conftest import IN_CI, PG_ADMIN_URL, SECRET, _pg_admin, pg_reason

ROOT = Path(__file__).resolve().parents[2]
CLIENTGATE = str(Path(sys.executable).with_name("clientgate"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def base_env(database_url: str, var_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a clientgate process (server or CLI) on ``database_url``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLIENTGATE_")}
    env.update(
        {
            "CLIENTGATE_DATABASE_URL": database_url,
            "CLIENTGATE_SECRET_KEY": SECRET,
            "CLIENTGATE_VAR_DIR": str(var_dir),
            # INFO, so uvicorn reports its lifespan shutdown (the clean-exit check reads it).
            "CLIENTGATE_LOG_LEVEL": "INFO",
        }
    )
    env.update(extra)
    return env


def run_cli(
    env: dict[str, str], *args: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``clientgate <args>`` with ``env``; output captured as text."""
    return subprocess.run(
        [CLIENTGATE, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout
    )


@dataclass
class LiveServer:
    """A running ``clientgate serve``."""

    base_url: str
    env: dict[str, str]
    proc: subprocess.Popen[bytes]
    log_path: Path
    backend: str = "sqlite"
    stopped: bool = field(default=False)

    @property
    def database_url(self) -> str:
        return self.env["CLIENTGATE_DATABASE_URL"]

    def cli(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return run_cli(self.env, *args, timeout=timeout)

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self, timeout: float = 20) -> int:
        """SIGTERM and wait; the exit code (killed after ``timeout`` s: then it is -9)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                self.stopped = True
                return -9
        self.stopped = True
        return int(self.proc.returncode)

    def assert_clean_exit(self) -> None:
        """Stopped by SIGTERM after a complete graceful shutdown. Uvicorn re-raises the signal
        once the lifespan has shut down (so a supervisor sees "terminated by SIGTERM"), hence
        exit status -15, or 0; the shutdown must have finished and nothing may have failed."""
        code = self.stop()
        out = self.output()
        assert code in (0, -signal.SIGTERM), f"clientgate serve exited with {code}:\n{out}"
        assert "Application shutdown complete." in out, out
        assert "Traceback" not in out, out
        # structlog's console lines say "[error", uvicorn's "ERROR:", JSON logs "level".
        assert "[error" not in out and "ERROR:" not in out, out
        assert '"level": "error"' not in out, out


def start_server(
    env: dict[str, str], log_dir: Path, *, backend: str = "sqlite", wait_ready: bool = True
) -> LiveServer:
    """Start ``clientgate serve`` on a free port; wait for /readyz (or /healthz when the
    database is meant to be unavailable)."""
    port = free_port()
    env = {**env, "CLIENTGATE_HOST": "127.0.0.1", "CLIENTGATE_PORT": str(port)}
    log_path = log_dir / f"serve-{port}.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [CLIENTGATE, "serve"], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
        )
    server = LiveServer(f"http://127.0.0.1:{port}", env, proc, log_path, backend)
    probe = "/readyz" if wait_ready else "/healthz"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"clientgate serve exited with {proc.returncode}:\n{server.output()}"
            )
        try:
            if httpx.get(server.base_url + probe, timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"clientgate serve not ready after 60 s:\n{server.output()}")


def require_pg() -> None:
    """Skip (one line) when PostgreSQL is down, unless CI=true, where it must run."""
    reason = pg_reason()
    if reason is None:
        return
    if IN_CI:
        pytest.fail(f"PostgreSQL is required in CI but unreachable: {reason}")
    pytest.skip(f"PostgreSQL unreachable ({reason}); set CLIENTGATE_TEST_PG_URL")


@contextmanager
def database_url(backend: str, tmp: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file under ``tmp``, or a PostgreSQL database
    created here and dropped (forcefully) on the way out."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp / 'clientgate.db'}"
        return
    require_pg()
    name = f"clientgate_e2e_{uuid.uuid4().hex[:12]}"
    asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def live_server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """``clientgate serve`` on a fresh database of each backend, shared by a test module."""
    tmp = tmp_path_factory.mktemp(f"e2e-{request.param}")
    with database_url(request.param, tmp) as url:
        server = start_server(base_env(url, tmp), tmp, backend=request.param)
        try:
            yield server
        finally:
            if not server.stopped:
                server.assert_clean_exit()
