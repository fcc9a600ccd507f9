from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from clientgate.container import Services
from core.storage.migrate import current_revision, migrate
from core.storage.tables import metadata
from core.storage.tables.clients import SEARCH_INDEX_OBJECTS


def _described_by_metadata(name: str | None, type_: str, parent: Any) -> bool:
    """The search indexes are created by raw DDL (FTS5, trigram GIN): not in the metadata."""
    return name not in SEARCH_INDEX_OBJECTS


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


async def test_a_migrated_database_has_no_migration_pending(services: Services) -> None:
    """Also when a revision depends on another branch's head (Alembic records only the
    dependent one): /readyz answers ready after ``migrate``."""
    from core.storage.migrate import migrations_pending

    await migrate(services.engine)
    async with services.engine.connect() as conn:
        assert await migrations_pending(conn) is False
