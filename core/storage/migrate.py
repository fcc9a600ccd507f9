"""Run Alembic migrations from code (CLI ``clientgate migrate``, app start-up, tests)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


async def migrate(engine: AsyncEngine, revision: str = "heads") -> None:
    """Upgrade the database behind ``engine`` to ``revision``. Each bounded context after the
    foundation has its own Alembic branch (``branch_labels``), so the default is every head.

    On SQLite, foreign keys are off while migrations run: a batch migration rebuilds a table
    (copy, DROP, rename), and with them on the DROP would cascade to every row referencing it
    (rebuilding ``accounts`` would delete every client). They are checked before the commit
    instead, and turned back on."""
    url = engine.url.render_as_string(hide_password=False)

    def _upgrade(connection: Connection) -> None:
        config = alembic_config(url)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        if connection.dialect.name == "sqlite":
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"migration left rows with broken foreign keys: {broken[:5]}")

    async with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            await conn.run_sync(_sqlite_foreign_keys, False)
        try:
            async with conn.begin():
                await conn.run_sync(_upgrade)
        finally:
            if sqlite:
                await conn.run_sync(_sqlite_foreign_keys, True)


def _sqlite_foreign_keys(connection: Connection, on: bool) -> None:
    # On the driver's connection, outside any transaction (SQLite ignores the pragma inside
    # one, and the engine's BEGIN hook would open one for a statement sent through Core).
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    cursor.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    cursor.close()


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
