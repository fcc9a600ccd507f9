"""The PostgreSQL adapter of the ``NotificationBus`` port (SQLite's, in process, is
``core.notify.local.LocalNotificationBus``).

:class:`PgNotificationBus`: units of work send ``pg_notify`` inside their
  transaction (PostgreSQL delivers it on commit, to every instance); the bus LISTENs on one
  dedicated asyncpg connection of its own (not the pool's) and fans out in process. When that
  connection drops it reconnects with backoff, LISTENs again and wakes every follower, since
  notifications sent meanwhile were lost.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from core.notify.hub import Hub, HubSubscription


def asyncpg_dsn(database_url: str) -> str:
    """``postgresql+asyncpg://...`` as asyncpg spells it."""
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


class PgNotificationBus:
    def __init__(
        self, database_url: str, *, retry_seconds: float = 0.5, max_retry_seconds: float = 10.0
    ) -> None:
        self._dsn = asyncpg_dsn(database_url)
        self._hub = Hub()
        self._conn: Any = None
        self._listening: set[str] = set()
        self._lock = asyncio.Lock()
        self._retry = retry_seconds
        self._max_retry = max_retry_seconds
        self._reconnect: asyncio.Task[None] | None = None
        self._closed = False
        self.reconnects = 0
        """How many times the LISTEN connection was re-established (tests, metrics)."""

    @asynccontextmanager
    async def subscribe(
        self, channel: str, key: str | None = None
    ) -> AsyncIterator[HubSubscription]:
        async with self._hub.subscription(channel, key) as sub:
            await self._listen(channel)
            yield sub

    async def _listen(self, channel: str) -> None:
        """LISTEN on ``channel`` before the caller reads (so nothing committed after that read
        is missed). When the server is unreachable the reconnect loop takes over and wakes the
        subscription once it is back."""
        async with self._lock:
            if channel in self._listening and self._conn is not None:
                return
            try:
                conn = await self._connection()
                await conn.add_listener(channel, self._on_notification)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError):
                self._lost()
                return
            self._listening.add(channel)

    async def _connection(self) -> Any:
        if self._conn is None or self._conn.is_closed():
            self._conn = await asyncpg.connect(self._dsn, timeout=5)
            self._conn.add_termination_listener(self._on_terminated)
            self._listening.clear()
        return self._conn

    def _on_notification(self, _conn: Any, _pid: int, channel: str, payload: str) -> None:
        self._hub.dispatch(channel, payload)

    def _on_terminated(self, _conn: Any) -> None:
        self._lost()

    def _lost(self) -> None:
        self._conn = None
        self._listening.clear()
        if not self._closed and (self._reconnect is None or self._reconnect.done()):
            self._reconnect = asyncio.get_running_loop().create_task(self._reconnect_loop())

    async def _reconnect_loop(self) -> None:
        delay = self._retry
        while not self._closed:
            await asyncio.sleep(delay)
            async with self._lock:
                try:
                    conn = await self._connection()
                    for channel in self._hub.channels:
                        await conn.add_listener(channel, self._on_notification)
                        self._listening.add(channel)
                except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError):
                    self._conn = None
                    delay = min(delay * 2, self._max_retry)
                    continue
            self.reconnects += 1
            self._hub.wake_all()
            return

    def listener_pid(self) -> int | None:
        """The server process of the LISTEN connection, while connected."""
        conn = self._conn
        return None if conn is None or conn.is_closed() else int(conn.get_server_pid())

    async def close(self) -> None:
        self._closed = True
        if self._reconnect is not None:
            self._reconnect.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reconnect
        conn, self._conn = self._conn, None
        if conn is not None and not conn.is_closed():
            await conn.close(timeout=5)
