"""Fresh databases for a benchmark run: a SQLite file in a temp dir, or a PostgreSQL database
created for the run and dropped after it."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

PG_ADMIN_URL = os.environ.get(
    "CLIENTGATE_BENCH_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)


async def _pg_admin(sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_ADMIN_URL.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


@asynccontextmanager
async def fresh_database(backend: str, workdir: Path, label: str) -> AsyncIterator[str]:
    """Yield the SQLAlchemy URL of an empty database; remove it afterwards."""
    if backend == "sqlite":
        path = workdir / f"{label}.db"
        _remove_sqlite(path)
        try:
            yield f"sqlite+aiosqlite:///{path}"
        finally:
            _remove_sqlite(path)
        return
    name = f"clientgate_bench_{label}_{uuid.uuid4().hex[:8]}"
    await _pg_admin(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
