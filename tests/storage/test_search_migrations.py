"""Migrations 0005/0006 (search): existing rows become findable, the SQLite FTS index follows
writes, and PostgreSQL's missing extension is a clear error at ``migrate``."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine

from clientgate.container import build_services
from core.clients.model import AddressFilter, ClientChanges, ClientFilter
from core.storage.extensions import ExtensionUnavailable
from core.storage.migrate import database_heads, migrate, script_heads
from tests.conftest import Backend, _pg_admin, make_settings
from tests.support.callers import caller
from tests.support.databases import empty_database

BEFORE_SEARCH = (
    "0004_api_token_lifecycle",
    "0004_idempotency",
    "0002_resellers",
    "0004_partners_payload_v1",
    "merge@head",  # the other contexts' branches the services below write to
    "history@head",
)


@pytest.fixture
def empty_database_url(backend: Backend, tmp_path: Path) -> Iterator[str]:
    with empty_database(backend.name, tmp_path) as url:
        yield url


async def test_existing_rows_are_keyed_and_found_after_migrating(
    empty_database_url: str, tmp_path: Path
) -> None:
    services = build_services(make_settings(empty_database_url, tmp_path))
    try:
        for branch in BEFORE_SEARCH:
            await migrate(services.engine, branch)
        created = await services.accounts.create_account(name="Old", country="PE")
        old = sa.table(
            "clients",
            *(sa.column(c) for c in ("id", "account_id", "first_name", "last_name", "email")),
            *(sa.column(c) for c in ("phone", "code", "state", "created_at", "updated_at")),
            *(sa.column(c) for c in ("company_or_person", "accumulate_points", "points")),
            *(sa.column(c) for c in ("send_dte", "prestashop_client_id")),
        )
        old_address = sa.table(
            "client_addresses",
            *(sa.column(c) for c in ("account_id", "client_id", "address", "district", "state")),
        )
        zeros = dict.fromkeys(
            ("state", "company_or_person", "accumulate_points", "points", "send_dte"), 0
        )
        async with services.engine.begin() as conn:
            await conn.execute(
                sa.insert(old),
                [
                    {
                        "id": n,
                        "account_id": created.account.id,
                        "first_name": first,
                        "last_name": "Muñoz",
                        "email": f"{first}@X.pe",
                        "phone": "+51 987 654 32" + str(n),
                        "code": f"2010007097{n}",
                        "created_at": 0,
                        "updated_at": 0,
                        "prestashop_client_id": 0,
                        **zeros,
                    }
                    for n, first in ((1, "Lucía"), (2, "Ramón"))
                ],
            )
            await conn.execute(
                sa.insert(old_address).values(
                    account_id=created.account.id,
                    client_id=1,
                    address="Av. Perú 1",
                    district="Jesús María",
                    state=0,
                )
            )
        await migrate(services.engine)
        async with services.engine.connect() as conn:
            assert await database_heads(conn) == script_heads()  # /readyz: nothing pending

        who = caller(created.account)
        clients = services.clients
        assert await clients.count(who, ClientFilter(search="munoz lucia")) == 1
        assert await clients.count(who, ClientFilter(search="MUÑOZ")) == 2
        assert await clients.count(who, ClientFilter(search="987 654 322")) == 1
        assert await clients.count(who, ClientFilter(last_name="MUNOZ")) == 2
        page = await clients.list_addresses(who, 1, AddressFilter(district="jesus"), 10, 0)
        assert [a.address for a in page.items] == ["Av. Perú 1"]

        # Writes after the migration keep the index in step (FTS5 triggers on SQLite).
        await clients.update(who, 2, ClientChanges({"first_name": "Begoña"}))
        assert await clients.count(who, ClientFilter(first_name="ramon")) == 0
        assert await clients.count(who, ClientFilter(search="begona munoz")) == 1
    finally:
        await services.close()


async def test_migrate_names_the_extension_it_cannot_create(backend: Backend) -> None:
    """PostgreSQL: a role that may create tables but not extensions (no CREATE on the
    database) gets ExtensionUnavailable naming pg_trgm and the fix. SQLite needs none."""
    if backend.name == "sqlite":
        engine = create_async_engine(backend.url)
        try:
            await migrate(engine)
            async with engine.connect() as conn:
                names = await conn.execute(
                    sa.text("SELECT name FROM sqlite_master WHERE name LIKE 'clients_fts%'")
                )
                assert "clients_fts" in {row[0] for row in names}
        finally:
            await engine.dispose()
        return
    role = f"cg_noext_{uuid.uuid4().hex[:8]}"
    database = f"clientgate_noext_{uuid.uuid4().hex[:8]}"
    await _pg_admin(f'CREATE ROLE "{role}" LOGIN')
    await _pg_admin(f'CREATE DATABASE "{database}"')
    try:
        await _grant_schema(database, role)
        base = backend.url.rsplit("/", 1)[0].replace("postgres@", f"{role}@", 1)
        engine = create_async_engine(f"{base}/{database}")
        try:
            with pytest.raises(ExtensionUnavailable) as info:
                await migrate(engine)
        finally:
            await engine.dispose()
        message = str(info.value)
        assert "'pg_trgm'" in message and "permission denied" in message
        assert "CREATE EXTENSION pg_trgm;" in message and "clientgate migrate" in message
    finally:
        await _pg_admin(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        await _pg_admin(f'DROP ROLE IF EXISTS "{role}"')


async def _grant_schema(database: str, role: str) -> None:
    import asyncpg

    from tests.conftest import PG_ADMIN_URL, _pg_dsn

    dsn = _pg_dsn(PG_ADMIN_URL).rsplit("/", 1)[0] + f"/{database}"
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f'GRANT CREATE, USAGE ON SCHEMA public TO "{role}"')
    finally:
        await conn.close()
