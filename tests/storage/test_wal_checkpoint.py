"""SQLite's write-ahead log is checkpointed beside the writers (clientgate/checkpoint.py): every
frame copied back, the log started again and its file cut back, writes going on meanwhile; the
writers keep SQLite's own checkpoint only as a far-off safety net."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from clientgate.checkpoint import WalCheckpointer, checkpointer_for
from clientgate.container import Services, build_services
from core.storage.engine import WAL_AUTOCHECKPOINT_PAGES, WAL_SIZE_LIMIT_BYTES
from core.storage.migrate import migrate
from core.storage.uow import UnitOfWorkFactory
from tests.conftest import make_settings


@pytest.fixture
async def sqlite_services(tmp_path: Path) -> AsyncIterator[Services]:
    svc = build_services(make_settings(f"sqlite+aiosqlite:///{tmp_path}/wal.db", tmp_path))
    await migrate(svc.engine)
    yield svc
    await svc.close()


def _checkpointer(svc: Services, tmp_path: Path, threshold: int) -> WalCheckpointer:
    factory = svc.uow
    assert isinstance(factory, UnitOfWorkFactory) and factory.turns is not None
    return WalCheckpointer(
        str(tmp_path / "wal.db"), factory.turns, threshold_bytes=threshold, interval_seconds=0.01
    )


async def _write(svc: Services, n: int) -> None:
    for i in range(n):
        await svc.accounts.create_account(name=f"Cuenta {i}", country="PE")


async def test_writers_leave_the_checkpoint_to_the_checkpointer(
    sqlite_services: Services,
) -> None:
    async with sqlite_services.engine.connect() as conn:
        pages = (await conn.execute(text("PRAGMA wal_autocheckpoint"))).scalar_one()
        limit = (await conn.execute(text("PRAGMA journal_size_limit"))).scalar_one()
    assert (pages, limit) == (WAL_AUTOCHECKPOINT_PAGES, WAL_SIZE_LIMIT_BYTES)


async def test_a_checkpoint_copies_every_frame_and_the_log_starts_again(
    sqlite_services: Services, tmp_path: Path
) -> None:
    checkpointer = _checkpointer(sqlite_services, tmp_path, threshold=0)
    await _write(sqlite_services, 300)
    grown = checkpointer.wal_bytes()
    assert grown > WAL_SIZE_LIMIT_BYTES

    busy, frames, copied = await checkpointer.checkpoint()

    assert busy == 0 and frames == copied > 0
    await _write(sqlite_services, 1)  # this writer finds the log copied: it starts it again
    assert checkpointer.wal_bytes() <= WAL_SIZE_LIMIT_BYTES < grown
    async with sqlite_services.engine.connect() as conn:  # nothing written was lost
        assert (await conn.execute(text("SELECT count(*) FROM accounts"))).scalar_one() == 301


async def test_the_running_checkpointer_keeps_the_log_short_while_writes_go_on(
    sqlite_services: Services, tmp_path: Path
) -> None:
    checkpointer = _checkpointer(sqlite_services, tmp_path, threshold=256 * 1024)
    running = asyncio.create_task(checkpointer.run())
    try:
        largest = 0
        for _ in range(30):
            await _write(sqlite_services, 20)
            largest = max(largest, checkpointer.wal_bytes())
        deadline = time.monotonic() + 10
        while checkpointer.wal_bytes() > WAL_SIZE_LIMIT_BYTES and time.monotonic() < deadline:
            await _write(sqlite_services, 1)
            await asyncio.sleep(0.02)
    finally:
        checkpointer.stop()
        await running
    # 600 accounts write several megabytes of log; SQLite alone would keep all of it until
    # its safety net (~40 MB), and the file would never shrink.
    assert largest < 8 * 1024 * 1024
    assert checkpointer.wal_bytes() <= WAL_SIZE_LIMIT_BYTES


def test_only_sqlite_files_get_a_checkpointer(tmp_path: Path) -> None:
    from core.storage.uow import WriteTurns

    turns = WriteTurns(1.0)
    assert checkpointer_for("sqlite", str(tmp_path / "a.db"), turns) is not None
    assert checkpointer_for("sqlite", ":memory:", turns) is None
    assert checkpointer_for("postgresql", "clientgate", None) is None
