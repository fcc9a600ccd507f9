"""``clientgate serve`` as a real uvicorn process: health, readiness, a token made by the CLI
working on both faces, a clean SIGTERM, the demo loader and ``migrate`` on PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import shutil
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.conftest import _pg_dsn
from tests.e2e.conftest import (
    LiveServer,
    base_env,
    database_url,
    free_port,
    run_cli,
    start_server,
)

pytestmark = pytest.mark.e2e


def test_health_and_ready(live_server: LiveServer) -> None:
    health = httpx.get(live_server.base_url + "/healthz", timeout=10)
    assert health.status_code == 200
    assert health.json() == {"status": "ok"}
    ready = httpx.get(live_server.base_url + "/readyz", timeout=10)
    assert ready.status_code == 200
    assert ready.json()["status"] == "ok"


def test_cli_account_token_works_on_both_faces(live_server: LiveServer) -> None:
    made = live_server.cli("accounts", "create", "--name", "E2E SAC", "--country", "PE", "--json")
    assert made.returncode == 0, made.stderr
    created = json.loads(made.stdout)
    token = created["token"]
    assert isinstance(created["account_id"], int)
    headers = {"access_token": token}

    with httpx.Client(base_url=live_server.base_url, timeout=10) as http:
        empty = http.get("/v1/clients.json", headers=headers)
        assert empty.status_code == 200, empty.text
        assert empty.json()["count"] == 0
        assert empty.json()["items"] == []

        posted = http.post(
            "/v1/clients.json",
            headers=headers,
            json={"firstName": "Gabriel", "lastName": "Seguel", "code": "20100070970"},
        )
        assert posted.status_code in (200, 201), posted.text
        client_id = posted.json()["id"]

        gql = http.post(
            "/graphql",
            headers={"Authorization": f"Bearer {token}"},
            json={
                "query": "{ clients(first: 5) { edges { node { databaseId firstName code } } } }"
            },
        )
        assert gql.status_code == 200, gql.text
        body = gql.json()
        assert "errors" not in body, body
        nodes = [e["node"] for e in body["data"]["clients"]["edges"]]
        assert nodes == [{"databaseId": client_id, "firstName": "Gabriel", "code": "20100070970"}]

        # A wrong token is refused by both faces, in each one's dialect.
        assert http.get("/v1/clients.json", headers={"access_token": "nope"}).status_code == 401
        refused = http.post(
            "/graphql",
            headers={"access_token": "nope"},
            json={"query": "{ clients(first: 1) { edges { node { id } } } }"},
        )
        assert refused.status_code in (200, 401)
        assert refused.json().get("errors"), refused.text
    # The token never reaches the server's output.
    assert token not in live_server.output()


def test_sigterm_stops_cleanly_while_idle_and_after_traffic(tmp_path: Path) -> None:
    with database_url("sqlite", tmp_path) as url:
        server = start_server(base_env(url, tmp_path), tmp_path)
        with httpx.Client(base_url=server.base_url, timeout=10) as http:
            for _ in range(20):
                assert http.get("/readyz").status_code == 200
        started = time.monotonic()
        server.assert_clean_exit()
        assert time.monotonic() - started < 10
        with pytest.raises(httpx.ConnectError):
            httpx.get(server.base_url + "/healthz", timeout=2)


def test_readyz_is_503_when_postgresql_is_unreachable(tmp_path: Path) -> None:
    # Nothing listens on that port; the app starts (no migration at start) and says not ready.
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/clientgate_missing"
    env = base_env(url, tmp_path, CLIENTGATE_MIGRATE_ON_START="false")
    server = start_server(env, tmp_path, wait_ready=False)
    try:
        assert httpx.get(server.base_url + "/healthz", timeout=10).status_code == 200
        ready = httpx.get(server.base_url + "/readyz", timeout=20)
        assert ready.status_code == 503
        assert ready.json()["status"] == "unavailable"
    finally:
        server.assert_clean_exit()


def test_readyz_is_503_when_the_sqlite_directory_is_gone(tmp_path: Path) -> None:
    db_dir = tmp_path / "db"
    db_dir.mkdir()
    env = base_env(
        f"sqlite+aiosqlite:///{db_dir / 'gone.db'}",
        tmp_path,
        CLIENTGATE_MIGRATE_ON_START="false",
        # The queue worker would open (and pool) a connection before the directory goes.
        CLIENTGATE_WORKER_IN_SERVE="false",
    )
    server = start_server(env, tmp_path, wait_ready=False)
    try:
        shutil.rmtree(db_dir)  # before any connection was opened
        ready = httpx.get(server.base_url + "/readyz", timeout=20)
        assert ready.status_code == 503
        assert httpx.get(server.base_url + "/healthz", timeout=10).status_code == 200
    finally:
        server.assert_clean_exit()


def _rows(url: str) -> tuple[int, int]:
    """How many accounts and clients the database holds."""

    async def count() -> tuple[int, int]:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as conn:
                accounts = (await conn.execute(text("SELECT count(*) FROM accounts"))).scalar_one()
                clients = (await conn.execute(text("SELECT count(*) FROM clients"))).scalar_one()
        finally:
            await engine.dispose()
        return int(accounts), int(clients)

    return asyncio.run(count())


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_demo_twice_prints_the_same_tokens_and_loads_nothing_the_second_time(
    backend: str, tmp_path: Path
) -> None:
    with database_url(backend, tmp_path) as url:
        env = base_env(url, tmp_path)
        first = run_cli(env, "demo", "--json")
        assert first.returncode == 0, first.stderr
        loaded = _rows(url)
        assert loaded[0] >= 3 and loaded[1] > 0
        second = run_cli(env, "demo", "--json")
        assert second.returncode == 0, second.stderr
        assert _rows(url) == loaded  # nothing loaded again
        tokens_1 = {k: v["token"] for k, v in json.loads(first.stdout).items()}
        tokens_2 = {k: v["token"] for k, v in json.loads(second.stdout).items()}
        assert tokens_1 and tokens_1 == tokens_2

        # The printed tokens are real: the server accepts them.
        server = start_server(env, tmp_path, backend=backend)
        try:
            for token in tokens_1.values():
                resp = httpx.get(
                    server.base_url + "/v1/clients.json",
                    headers={"access_token": str(token)},
                    timeout=10,
                )
                assert resp.status_code == 200, resp.text
        finally:
            server.assert_clean_exit()


def test_migrate_on_a_fresh_postgresql_database(tmp_path: Path) -> None:
    import asyncpg

    with database_url("postgresql", tmp_path) as url:
        env = base_env(url, tmp_path)
        done = run_cli(env, "migrate")
        assert done.returncode == 0, done.stderr
        assert "postgresql" in done.stdout

        async def inspect() -> tuple[list[str], set[str]]:
            conn = await asyncpg.connect(_pg_dsn(url))
            try:
                heads = [r[0] for r in await conn.fetch("SELECT version_num FROM alembic_version")]
                tables = {
                    r[0]
                    for r in await conn.fetch(
                        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                    )
                }
            finally:
                await conn.close()
            return heads, tables

        heads, tables = asyncio.run(inspect())
        assert heads
        assert {"accounts", "api_tokens", "clients", "client_contacts"} <= tables
        # Running it again is a no-op that still succeeds.
        again = run_cli(env, "migrate")
        assert again.returncode == 0, again.stderr
        assert sorted(asyncio.run(inspect())[0]) == sorted(heads)


def test_demo_tokens_belong_to_their_database(tmp_path: Path) -> None:
    """Two databases, one var dir: each keeps its own demo tokens; with its tokens file gone,
    a database's demo is not loaded again and gets fresh tokens that work."""
    env_a = base_env(f"sqlite+aiosqlite:///{tmp_path / 'a.db'}", tmp_path)
    env_b = base_env(f"sqlite+aiosqlite:///{tmp_path / 'b.db'}", tmp_path)

    def demo(env: dict[str, str]) -> dict[str, str]:
        done = run_cli(env, "demo", "--json")
        assert done.returncode == 0, done.stderr
        return {k: v["token"] for k, v in json.loads(done.stdout).items()}

    tokens_a = demo(env_a)
    loaded_a = _rows(env_a["CLIENTGATE_DATABASE_URL"])
    tokens_b = demo(env_b)
    assert set(tokens_a.values()).isdisjoint(tokens_b.values())
    assert demo(env_a) == tokens_a  # B's run neither overwrote nor lost A's tokens
    for saved in tmp_path.glob("demo-tokens-*.json"):
        saved.unlink()
    fresh_a = demo(env_a)
    assert fresh_a.keys() == tokens_a.keys() and set(fresh_a.values()).isdisjoint(tokens_a.values())
    assert _rows(env_a["CLIENTGATE_DATABASE_URL"]) == loaded_a  # not loaded twice
    server = start_server(env_a, tmp_path)
    try:
        for token in fresh_a.values():
            answer = httpx.get(
                server.base_url + "/v1/clients.json", headers={"access_token": token}, timeout=10
            )
            assert answer.status_code == 200, answer.text
    finally:
        server.assert_clean_exit()
