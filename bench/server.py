"""Start and stop real uvicorn processes (clientgate itself and the floor app)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.floor_db import APPLICATION_NAME as FLOOR_APPLICATION_NAME

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_mb(pid: int) -> float:
    """Resident set size of ``pid`` in MB, from /proc/<pid>/status."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of ``pid`` so far (its threads included), from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


@dataclass
class Server:
    name: str
    proc: subprocess.Popen[bytes]
    base_url: str
    log_path: Path
    # How its PostgreSQL connections name themselves (pg_stat_activity.application_name).
    application_name: str = ""

    @property
    def pid(self) -> int:
        return self.proc.pid

    def rss_mb(self) -> float:
        return rss_mb(self.pid)

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.pid)

    def stop(self) -> int:
        """SIGTERM, then wait; returns the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return int(self.proc.returncode)


def start(
    name: str,
    argv: list[str],
    env: dict[str, str],
    port: int,
    logdir: Path,
    application_name: str = "",
) -> Server:
    """Run ``argv`` and wait until ``/readyz`` answers 200."""
    log_path = logdir / f"{name}.log"
    log = log_path.open("wb")
    proc = subprocess.Popen(
        argv, env={**os.environ, **env}, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
    )
    server = Server(name, proc, f"http://127.0.0.1:{port}", log_path, application_name)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{name} exited with {proc.returncode}: {log_path.read_text()}")
        try:
            if httpx.get(f"{server.base_url}/readyz", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    server.stop()
    raise RuntimeError(f"{name} not ready after 60 s: {log_path.read_text()}")


def app_env(url: str, secret_key: str, port: int, var_dir: Path) -> dict[str, str]:
    return {
        "CLIENTGATE_DATABASE_URL": url,
        "CLIENTGATE_SECRET_KEY": secret_key,
        "CLIENTGATE_LOG_LEVEL": "WARNING",
        "CLIENTGATE_RATE_LIMIT_ENABLED": "false",
        "CLIENTGATE_WORKER_IN_SERVE": "false",
        "CLIENTGATE_PORT": str(port),
        "CLIENTGATE_VAR_DIR": str(var_dir),
    }


def start_clientgate(url: str, secret_key: str, logdir: Path) -> Server:
    port = free_port()
    argv = [str(Path(sys.executable).with_name("clientgate")), "serve", "--port", str(port)]
    env = app_env(url, secret_key, port, logdir)
    # core.storage.engine names every PostgreSQL connection "clientgate".
    return start("clientgate", argv, env, port, logdir, application_name="clientgate")


def start_floor(url: str, secret_key: str, logdir: Path) -> Server:
    port = free_port()
    argv = [sys.executable, "-m", "bench.floor", "--port", str(port)]
    env = app_env(url, secret_key, port, logdir)
    return start("floor", argv, env, port, logdir, application_name=FLOOR_APPLICATION_NAME)
