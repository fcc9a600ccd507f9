from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from clientgate.container import Services, build_services
from core.storage.migrate import current_revision, migrate
from core.storage.tables import metadata
from core.storage.tables.base import COMMIT_STAGING_TABLES
from core.storage.tables.clients import SEARCH_INDEX_OBJECTS
from tests.conftest import Backend, make_settings
from tests.support.databases import empty_database


def _described_by_metadata(name: str | None, type_: str, parent: Any) -> bool:
    """The search indexes (FTS5, trigram GIN) and PostgreSQL's commit-time staging tables are
    created by raw DDL: not in the metadata."""
    return name not in SEARCH_INDEX_OBJECTS | COMMIT_STAGING_TABLES


async def test_migrations_reach_head_and_match_the_tables(services: Services) -> None:
    await migrate(services.engine)  # idempotent
    assert await current_revision(services.engine) is not None

    def diff(conn: Any) -> list[Any]:
        ctx = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_name": _described_by_metadata}
        )
        found: list[Any] = compare_metadata(ctx, metadata)
        return found

    async with services.engine.connect() as conn:
        differences = await conn.run_sync(diff)
    assert differences == []


async def test_read_only_units_of_work_refuse_writes(services: Services, make_account: Any) -> None:
    import pytest
    from sqlalchemy import update

    from core.storage.tables.accounts import accounts

    created = await make_account("PE", name="Before")
    async with services.uow(read_only=True) as uow:
        with pytest.raises(Exception, match=r"read-only|readonly"):
            await uow.connection.execute(
                update(accounts).where(accounts.c.id == created.account.id).values(name="After")
            )
        with pytest.raises(RuntimeError):
            await uow.commit()
    account = await services.accounts.get(created.account.id)
    assert account is not None and account.name == "Before"


_CLIENT = (
    "INSERT INTO clients (account_id, first_name, code, state, company_or_person, "
    "accumulate_points, points, send_dte, prestashop_client_id, created_at, updated_at) "
    "VALUES (1, 'Ana', '', 0, 0, 0, 0, 0, 0, 1, 1)"
)


@pytest.fixture
def empty_database_url(backend: Backend, tmp_path: Path) -> Iterator[str]:
    with empty_database(backend.name, tmp_path) as url:
        yield url


async def test_migrating_a_database_with_rows_keeps_every_row(
    empty_database_url: str, tmp_path: Path
) -> None:
    """Every migration after the foundation, over rows already there. On SQLite a batch
    migration rebuilds its table (copy, DROP, rename): with foreign keys on, rebuilding
    ``accounts`` cascaded to every client and its contacts (migrate turns them off and checks
    them before committing)."""
    svc = build_services(make_settings(empty_database_url, tmp_path))
    tables = ("accounts", "clients", "client_contacts", "client_addresses")
    try:
        await migrate(svc.engine, "0001")
        async with svc.engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO accounts (name, country, is_reseller, strict_tax_ids, "
                    "created_at, updated_at) VALUES ('A', 'PE', false, false, 1, 1)"
                )
            )
            await conn.execute(text(_CLIENT))
            await conn.execute(
                text("INSERT INTO client_contacts (account_id, client_id) VALUES (1, 1)")
            )
            await conn.execute(
                text("INSERT INTO client_addresses (account_id, client_id, state) VALUES (1, 1, 0)")
            )
        await migrate(svc.engine)
        async with svc.engine.connect() as conn:
            counts = [
                (await conn.execute(text(f"SELECT count(*) FROM {t}"))).scalar_one() for t in tables
            ]
        assert counts == [1, 1, 1, 1]
        if svc.engine.dialect.name == "sqlite":
            async with svc.engine.connect() as conn:  # the pool's connection has them back on
                on = (await conn.exec_driver_sql("PRAGMA foreign_keys")).scalar_one()
            assert on == 1
    finally:
        await svc.close()


async def test_a_migrated_database_has_no_migration_pending(services: Services) -> None:
    """Also when a revision depends on another branch's head (Alembic records only the
    dependent one): /readyz answers ready after ``migrate``."""
    from core.storage.migrate import migrations_pending

    await migrate(services.engine)
    async with services.engine.connect() as conn:
        assert await migrations_pending(conn) is False


async def test_the_commit_time_migrations_go_down_and_up_again(own_services: Services) -> None:
    """0009_counts_at_commit and 0009_feed_at_commit, down to the triggers and the feed they
    replaced and up again: the counter stays exact through writes on either side, and the feed
    goes on from its last position."""
    from alembic import command
    from sqlalchemy import Connection

    from core.clients.model import ClientChanges, ClientFilter
    from core.storage.migrate import alembic_config
    from tests.support.callers import caller

    svc = own_services
    account = (await svc.accounts.create_account(name="Round trip", country="PE")).account
    await svc.clients.create(caller(account), ClientChanges({"first_name": "before"}))
    url = svc.engine.url.render_as_string(hide_password=False)

    def alembic(direction: str, *revisions: str) -> Any:
        def run(connection: Connection) -> None:
            config = alembic_config(url)
            config.attributes["connection"] = connection
            for revision in revisions:
                getattr(command, direction)(config, revision)

        return run

    async with svc.engine.begin() as conn:
        await conn.run_sync(
            alembic(
                "downgrade",
                "0009_counts_at_commit@0008_counts_merged",
                "0009_feed_at_commit@0005_webhooks",
            )
        )
    async with svc.engine.connect() as conn:
        heads = set((await conn.execute(text("SELECT version_num FROM alembic_version"))).scalars())
    assert {"0008_counts_merged", "0005_webhooks"} <= heads
    assert not {"0009_counts_at_commit", "0009_feed_at_commit"} & heads
    if svc.engine.dialect.name == "postgresql":
        async with svc.engine.connect() as conn:
            staging = await conn.execute(
                text(
                    "SELECT to_regclass('client_counts_deltas'), "
                    "to_regclass('change_event_staging')"
                )
            )
            assert staging.one() == (None, None)
    async with svc.engine.begin() as conn:  # the old triggers count a raw write
        await conn.execute(text(_CLIENT.replace("VALUES (1,", f"VALUES ({account.id},")))
    await migrate(svc.engine)
    await svc.clients.create(caller(account), ClientChanges({"first_name": "after"}))
    assert await svc.clients.count(caller(account), ClientFilter()) == 3
    async with svc.engine.connect() as conn:
        counted = (
            await conn.execute(
                text(f"SELECT count(*) FROM clients WHERE account_id = {account.id}")
            )
        ).scalar_one()
        positions = (
            await conn.execute(
                text(
                    f"SELECT position FROM change_events WHERE account_id = {account.id} "
                    "ORDER BY position"
                )
            )
        ).scalars()
        assert counted == 3 and list(positions) == [1, 2]
