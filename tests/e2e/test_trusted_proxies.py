"""X-Forwarded-For is believed only from configured proxies: by default any local process
sending it would pick its own client address, and with it its own rate-limit budget."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import LiveServer, base_env, start_server

pytestmark = pytest.mark.e2e


def _statuses(server: LiveServer) -> list[int]:
    """Three anonymous requests, each claiming another client address."""
    return [
        httpx.get(
            server.base_url + "/v1/clients.json",
            headers={"X-Forwarded-For": f"203.0.113.{n}"},
            timeout=10,
        ).status_code
        for n in range(3)
    ]


@pytest.fixture
def server_with(tmp_path: Path) -> Iterator[Callable[..., LiveServer]]:
    servers: list[LiveServer] = []

    def start(**extra: str) -> LiveServer:
        url = f"sqlite+aiosqlite:///{tmp_path / f'clientgate-{len(servers)}.db'}"
        env = base_env(url, tmp_path, CLIENTGATE_RATE_LIMIT="2/minute", **extra)
        servers.append(start_server(env, tmp_path))
        return servers[-1]

    yield start
    for server in servers:
        server.assert_clean_exit()


def test_forwarded_for_is_ignored_by_default(server_with: Callable[..., LiveServer]) -> None:
    server = server_with()
    # One budget (the real peer, 127.0.0.1) whatever the header says.
    assert _statuses(server) == [401, 401, 429]


def test_forwarded_for_is_believed_from_a_trusted_proxy(
    server_with: Callable[..., LiveServer],
) -> None:
    server = server_with(CLIENTGATE_TRUSTED_PROXIES="127.0.0.1")
    # Each claimed address is its own budget: the proxy vouches for it.
    assert _statuses(server) == [401, 401, 401]
