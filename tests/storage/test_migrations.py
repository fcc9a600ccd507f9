from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from clientgate.container import Services
from core.storage.migrate import current_revision, migrate
from core.storage.tables import metadata


async def test_migrations_reach_head_and_match_the_tables(services: Services) -> None:
    await migrate(services.engine)  # idempotent
    assert await current_revision(services.engine) is not None

    def diff(conn: Any) -> list[Any]:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(ctx, metadata)

    async with services.engine.connect() as conn:
        differences = await conn.run_sync(diff)
    assert differences == []
