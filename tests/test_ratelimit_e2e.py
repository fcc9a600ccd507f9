"""End to end: two real ``clientgate serve`` processes on one database and one Redis share a
single budget per credential, answer 429 in the caller's dialect, and never log the token."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import SECRET
from tests.test_ratelimit_redis import key_prefix, redis_keys, redis_url  # noqa: F401 - fixtures

pytestmark = pytest.mark.e2e

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"server not ready: {log.read_text()[-2000:]}")


@pytest.fixture
def environment(tmp_path: Path, redis_url: str, key_prefix: str) -> dict[str, str]:  # noqa: F811
    return {
        **os.environ,
        "CLIENTGATE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'e2e.db'}",
        "CLIENTGATE_SECRET_KEY": SECRET,
        "CLIENTGATE_VAR_DIR": str(tmp_path / "var"),
        "CLIENTGATE_REDIS_URL": redis_url,
        "CLIENTGATE_RATE_LIMIT": "3/minute",
        "CLIENTGATE_RATE_LIMIT_KEY_PREFIX": key_prefix,
    }


@pytest.fixture
def servers(environment: dict[str, str], tmp_path: Path) -> Iterator[list[tuple[str, Path]]]:
    started: list[tuple[subprocess.Popen[bytes], str, Path]] = []
    try:
        # One after the other: the first migrates the fresh database, the second finds it at head.
        for n in range(2):
            port = free_port()
            log = tmp_path / f"server{n}.log"
            with log.open("wb") as out:
                process = subprocess.Popen(
                    [str(BIN / "clientgate"), "serve", "--port", str(port)],
                    env=environment,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            base = f"http://127.0.0.1:{port}"
            started.append((process, base, log))
            wait_ready(base, process, log)
        yield [(base, log) for _, base, log in started]
    finally:
        for process, _, _ in started:
            process.terminate()
        for process, _, _ in started:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_two_servers_share_one_budget_through_redis(
    servers: list[tuple[str, Path]],
    environment: dict[str, str],
    redis_url: str,  # noqa: F811
    key_prefix: str,  # noqa: F811
) -> None:
    created = subprocess.run(
        [
            str(BIN / "clientgate"),
            "accounts",
            "create",
            "--name",
            "E2E",
            "--country",
            "PE",
            "--json",
        ],
        env=environment,
        capture_output=True,
        check=True,
        text=True,
    )
    token = json.loads(created.stdout)["token"]
    (first, first_log), (second, second_log) = servers
    headers = {"access_token": token}

    answers = [
        httpx.get(f"{base}/v1/clients.json", headers=headers, timeout=5)
        for base in (first, second, first, second, first)
    ]
    assert all(a.status_code != 429 for a in answers[:3])
    assert [int(a.headers["x-ratelimit-remaining"]) for a in answers[:3]] == [2, 1, 0]
    assert [a.status_code for a in answers[3:]] == [429, 429]
    assert answers[3].json() == {"error": "Too Many Requests"}
    assert int(answers[3].headers["retry-after"]) >= 1

    partner = httpx.get(f"{second}/BusinessPartner/getClients", headers=headers, timeout=5)
    assert (partner.status_code, partner.json()) == (
        429,
        {"code": 429, "error": "Too Many Requests"},
    )
    graphql = httpx.post(f"{first}/graphql", headers=headers, json={"query": "{ __typename }"})
    assert graphql.status_code == 429
    assert graphql.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"

    # Health checks answer whatever the budgets say.
    for base in (first, second):
        assert httpx.get(f"{base}/healthz", timeout=5).status_code == 200

    keys = redis_keys(redis_url, key_prefix)
    assert keys and all(token.split("_", 1)[1] not in key for key in keys)
    for log in (first_log, second_log):
        text = log.read_text()
        assert "request" in text  # the access lines are there...
        assert token not in text  # ...and the token is not
