"""Shared fixtures. Storage, GraphQL and REST tests run once per backend: SQLite (a file in a
temp dir) and PostgreSQL (a database created for this run and dropped after it).

PostgreSQL comes from CLIENTGATE_TEST_PG_URL (default postgresql+asyncpg://postgres@127.0.0.1:5432).
Outside CI an unreachable server skips that leg with one line; with CI=true it fails instead.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import event

from clientgate.app import create_app
from clientgate.container import Services, build_services
from clientgate.settings import Settings
from core.accounts.model import NewAccount
from core.storage.migrate import migrate

PG_ADMIN_URL = os.environ.get(
    "CLIENTGATE_TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
SECRET = "test-secret-key-0123456789-abcdefghijklmnop"


def _pg_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


async def _pg_admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(_pg_dsn(PG_ADMIN_URL), timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@dataclass
class Backend:
    name: str
    url: str
    cleanup: list[Callable[[], Any]] = field(default_factory=list)


def _pg_unavailable_reason() -> str | None:
    try:
        asyncio.run(_pg_admin("SELECT 1"))
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


_PG_REASON: list[str | None] = []


def pg_reason() -> str | None:
    if not _PG_REASON:
        _PG_REASON.append(_pg_unavailable_reason())
    return _PG_REASON[0]


def pytest_report_header(config: pytest.Config) -> str:
    reason = pg_reason()
    if reason is None:
        return f"postgresql: {PG_ADMIN_URL.rsplit('@', 1)[-1]}"
    verdict = "FAILING (CI=true)" if IN_CI else "SKIPPING the PostgreSQL leg"
    return f"postgresql: unreachable ({reason}) -> {verdict}"


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Backend]:
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("sqlite") / "clientgate.db"
        yield Backend("sqlite", f"sqlite+aiosqlite:///{path}")
        return
    reason = pg_reason()
    if reason is not None:
        if IN_CI:
            pytest.fail(f"PostgreSQL is required in CI but unreachable: {reason}")
        pytest.skip(f"PostgreSQL unreachable ({reason}); set CLIENTGATE_TEST_PG_URL")
    name = f"clientgate_test_{uuid.uuid4().hex[:12]}"
    asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield Backend("postgresql", f"{base}/{name}")
    finally:
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def make_settings(url: str, tmp: Path, **overrides: Any) -> Settings:
    # The shared app serves hundreds of requests a minute on a few tokens: keep the limiter
    # running but out of the way. Rate limits are tested with their own settings
    # (tests/test_ratelimit*.py).
    overrides.setdefault("rate_limit", "1000000/minute")
    overrides.setdefault("graphql_cost_limit", "1000000000/minute")
    overrides.setdefault("rate_limit_concurrency", 0)
    return Settings(
        database_url=url,
        secret_key=SECRET,
        migrate_on_start=False,
        var_dir=tmp,
        debug=False,
        db_pool_size=5,
        **overrides,
    )


@pytest.fixture(scope="session")
async def services(
    backend: Backend, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Services]:
    settings = make_settings(backend.url, tmp_path_factory.mktemp("var"))
    svc = build_services(settings)
    await migrate(svc.engine)
    yield svc
    await svc.close()


@pytest.fixture(scope="session")
async def migrated_template(
    backend: Backend, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    """A migrated, empty database per backend, copied by ``own_database_url``."""
    from tests.support.databases import migrated_template

    async with migrated_template(backend.name, tmp_path_factory.mktemp("template")) as url:
        yield url


@pytest.fixture
def own_database_url(migrated_template: str, tmp_path: Path) -> Iterator[str]:
    """A migrated database of the test's own, on the same backend."""
    from tests.support.databases import copy_of

    with copy_of(migrated_template, tmp_path) as url:
        yield url


@pytest.fixture
async def own_services(own_database_url: str, tmp_path: Path) -> AsyncIterator[Services]:
    """Services on a database of the test's own: nothing another test left behind is in it
    (the partner queue's workers claim any tenant's message)."""
    svc = build_services(make_settings(own_database_url, tmp_path))
    yield svc
    await svc.close()


@pytest.fixture(scope="session")
def app(services: Services) -> Any:
    return create_app(services.settings, services)


@pytest.fixture
async def http(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture
def make_account(services: Services) -> Callable[..., Any]:
    """``await make_account(country="PE")``: a fresh tenant and its token."""

    async def make(country: str = "PE", **kwargs: Any) -> NewAccount:
        return await services.accounts.create_account(
            name=kwargs.pop("name", f"Test {uuid.uuid4().hex[:8]}"), country=country, **kwargs
        )

    return make


class StatementCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@contextmanager
def counting_statements(svc: Services) -> Iterator[StatementCounter]:
    """Counts SQL sent by ``svc``: writes through the async engine, SQLite reads through the
    inline read engine. Transaction control statements are not counted."""
    counter = StatementCounter()

    def on_execute(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if (
            not statement.lstrip()
            .upper()
            .startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"))
        ):
            counter.statements.append(statement)

    targets = [svc.engine.sync_engine]
    if svc.uow.read_engine is not None:
        targets.append(svc.uow.read_engine)
    for target in targets:
        event.listen(target, "before_cursor_execute", on_execute)
    try:
        yield counter
    finally:
        for target in targets:
            event.remove(target, "before_cursor_execute", on_execute)


@pytest.fixture
def count_statements(services: Services) -> Callable[[], Any]:
    """``with count_statements() as c: ...; c.count`` counts SQL sent to the database."""
    return lambda: counting_statements(services)
