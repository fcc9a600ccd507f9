"""SQLite: the write-ahead log checkpointed beside the writers, not inside one of them.

Left to itself, SQLite checkpoints in the ``COMMIT`` that takes the log past
``wal_autocheckpoint`` pages: that write copies the log into the database file and syncs it
(146-290 ms on the bench's machine, every ~300 client creates) while holding the write lock,
and every writer queued behind it waits too (the p99 of concurrent creates).

``WalCheckpointer`` runs beside ``clientgate serve`` instead. When the log has grown past
``threshold_bytes`` it checkpoints in two steps, on a connection of its own, in a thread:

1. ``PASSIVE``, while writes go on: it copies the bulk of the log and never waits;
2. ``PASSIVE`` again, as one of this process's write turns (``WriteTurns``): only the frames
   written during step 1 are left to copy, and with nothing left the next writer starts the
   log again from its beginning (SQLite restarts it only for a writer that finds everything
   copied, which never happens while writes go on: step 1 alone let the log grow without
   end). ``RESTART`` would make sure of the restart, but it waits, holding the turn, for
   every reader still on the log, through the busy handler's sleeps: stalls of 700 ms.

The writers' ``journal_size_limit`` cuts the log file back when it restarts, so its size tells
how much was written since. Their own ``wal_autocheckpoint`` stays as a safety net
(``core.storage.engine.WAL_AUTOCHECKPOINT_PAGES``) for processes that run no checkpointer (the
CLI, ``clientgate worker``).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3

from core.shared.errors import ServiceUnavailable
from core.storage.uow import WriteTurns
from httpkit.logging import log

THRESHOLD_BYTES = 4 * 1024 * 1024
"""The log size from which it is copied back (SQLite's own default is 1,000 pages, ~4 MB)."""


class WalCheckpointer:
    """Checkpoints ``database``'s log whenever it has grown past ``threshold_bytes``, looking
    every ``interval_seconds`` until stopped."""

    def __init__(
        self,
        database: str,
        turns: WriteTurns,
        *,
        threshold_bytes: int = THRESHOLD_BYTES,
        interval_seconds: float = 0.25,
    ) -> None:
        self._database = database
        self._wal = f"{database}-wal"
        self._turns = turns
        self._threshold = threshold_bytes
        self._interval = interval_seconds
        self._stopping = asyncio.Event()
        self._conn: sqlite3.Connection | None = None

    def wal_bytes(self) -> int:
        try:
            return os.path.getsize(self._wal)
        except FileNotFoundError:
            return 0

    def _checkpoint(self, mode: str) -> tuple[int, int, int]:
        """SQLite's ``(busy, log frames, frames copied)`` (blocking: run it in a thread)."""
        if self._conn is None:
            self._conn = sqlite3.connect(
                self._database, isolation_level=None, check_same_thread=False, timeout=5
            )
        ((busy, frames, copied),) = self._conn.execute(f"PRAGMA wal_checkpoint({mode})").fetchall()
        return int(busy), int(frames), int(copied)

    async def checkpoint(self) -> tuple[int, int, int]:
        """Both steps, now: the second one's figures."""
        await asyncio.to_thread(self._checkpoint, "PASSIVE")
        turn = await self._turns.take()
        try:
            return await asyncio.to_thread(self._checkpoint, "PASSIVE")
        finally:
            turn.release()

    async def run(self) -> None:
        try:
            while not self._stopping.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), self._interval)
                if self.wal_bytes() <= self._threshold:
                    continue
                try:
                    await self.checkpoint()
                except (sqlite3.Error, ServiceUnavailable) as exc:  # tried again next round
                    log.warning("wal_checkpoint_failed", error=type(exc).__name__)
        finally:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def stop(self) -> None:
        self._stopping.set()


def checkpointer_for(
    backend: str, database: str | None, turns: WriteTurns | None
) -> WalCheckpointer | None:
    """The checkpointer of an engine's database: SQLite files only."""
    if backend != "sqlite" or not database or database == ":memory:" or turns is None:
        return None
    return WalCheckpointer(database, turns)
