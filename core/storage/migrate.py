"""Run Alembic migrations from code (CLI ``clientgate migrate``, app start-up, tests)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


async def migrate(engine: AsyncEngine, revision: str = "heads") -> None:
    """Upgrade the database behind ``engine`` to ``revision``. Each bounded context after the
    foundation has its own Alembic branch (``branch_labels``), so the default is every head."""
    url = engine.url.render_as_string(hide_password=False)

    def _upgrade(connection: object) -> None:
        config = alembic_config(url)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with engine.begin() as conn:
        await conn.run_sync(_upgrade)


@cache
def script_heads() -> frozenset[str]:
    """The heads a database migrated by this code is at (one per context branch). A head
    another revision ``depends_on`` is not one of them: Alembic records the dependent
    revision in its place (0006_search_lists depends on 0002_resellers)."""
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    depended: set[str] = set()
    for revision in script.walk_revisions():
        dependencies = revision.dependencies or ()
        depended.update((dependencies,) if isinstance(dependencies, str) else dependencies)
    return frozenset(script.get_heads()) - depended


async def database_heads(conn: AsyncConnection) -> frozenset[str]:
    """The revisions the database behind ``conn`` is at (empty when never migrated)."""

    def _heads(connection: object) -> frozenset[str]:
        return frozenset(MigrationContext.configure(connection).get_current_heads())  # type: ignore[arg-type]

    return await conn.run_sync(_heads)


async def migrations_pending(conn: AsyncConnection) -> bool:
    """Whether the database is not at exactly the heads this code ships."""
    return await database_heads(conn) != script_heads()


async def current_revision(engine: AsyncEngine) -> str | None:
    def _current(connection: object) -> str | None:
        # One head per context branch: report them all (get_current_revision refuses >1).
        heads = MigrationContext.configure(connection).get_current_heads()  # type: ignore[arg-type]
        return ",".join(sorted(heads)) or None

    async with engine.connect() as conn:
        return await conn.run_sync(_current)
