"""Databases of a test's own, for tests that must not share one (the cross-tenant queue: a
worker claims any tenant's message, so a shared database would hand it other tests' messages).

Each is a copy of a migrated, empty template made once per run and backend: a file copy on
SQLite, ``CREATE DATABASE ... TEMPLATE`` on PostgreSQL (no migration per test).
"""

from __future__ import annotations

import asyncio
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

from core.storage.engine import create_engine
from core.storage.migrate import migrate
from tests.conftest import PG_ADMIN_URL, _pg_admin

_SQLITE = "sqlite+aiosqlite:///"


def _pg_url(name: str) -> str:
    return f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"


@asynccontextmanager
async def migrated_template(backend: str, tmp: Path) -> AsyncIterator[str]:
    """A migrated, empty database to copy (its URL); dropped on the way out."""
    name = f"clientgate_template_{uuid.uuid4().hex[:12]}"
    if backend == "sqlite":
        url = f"{_SQLITE}{tmp / f'{name}.db'}"
    else:
        await _pg_admin(f'CREATE DATABASE "{name}"')
        url = _pg_url(name)
    engine = create_engine(url)
    try:
        await migrate(engine)
    finally:
        await engine.dispose()
    try:
        yield url
    finally:
        if backend != "sqlite":
            await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def empty_database(backend: str, tmp: Path) -> Iterator[str]:
    """A new database with no tables (its URL), dropped on the way out."""
    if backend == "sqlite":
        yield f"{_SQLITE}{tmp / f'empty-{uuid.uuid4().hex[:8]}.db'}"
        return
    name = f"clientgate_empty_{uuid.uuid4().hex[:12]}"
    asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
    try:
        yield _pg_url(name)
    finally:
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextmanager
def copy_of(template_url: str, tmp: Path) -> Iterator[str]:
    """A fresh copy of the template (its URL), dropped on the way out."""
    if template_url.startswith(_SQLITE):
        target = tmp / f"own-{uuid.uuid4().hex[:8]}.db"
        shutil.copyfile(template_url.removeprefix(_SQLITE), target)
        yield f"{_SQLITE}{target}"
        return
    template = template_url.rsplit("/", 1)[1]
    name = f"clientgate_own_{uuid.uuid4().hex[:12]}"
    asyncio.run(_pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    try:
        yield _pg_url(name)
    finally:
        asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
