"""The notification bus on both backends: a unit of work's notification reaches followers when
it commits, never when it rolls back; filtered by key; on PostgreSQL across a LISTEN connection
that survives being killed."""

from __future__ import annotations

import uuid

import asyncpg

from clientgate.container import Services
from core.notify import channels
from core.storage.notify import PgNotificationBus
from tests.conftest import PG_ADMIN_URL, _pg_dsn
from tests.e2e.conftest import require_pg

WITHIN = 10.0  # generous bound for a wake-up that must come; misses are checked with 0.2 s


async def _notify(services: Services, key: str, *, commit: bool = True) -> None:
    async with services.uow() as uow:
        await uow.notify(channels.PARTNER_JOBS, key)
        if commit:
            await uow.commit()


async def test_committed_notifications_wake_the_followers_of_their_key(
    services: Services,
) -> None:
    bus = services.bus
    async with (
        bus.subscribe(channels.PARTNER_JOBS, "job-a") as a,
        bus.subscribe(channels.PARTNER_JOBS, "job-b") as b,
        bus.subscribe(channels.PARTNER_JOBS) as every,
    ):
        await _notify(services, "job-a", commit=False)
        await _notify(services, "job-a")
        assert await a.wait(WITHIN)
        assert await every.wait(WITHIN)
        assert not await b.wait(0.2)
        # The rolled-back one never arrives: nothing is left to wake ``a``.
        assert not await a.wait(0.2)


async def test_listen_connection_killed_reconnects_and_wakes_everyone() -> None:
    """PostgreSQL only (SQLite's bus is in process), on the server's admin database."""
    require_pg()
    key = uuid.uuid4().hex
    bus = PgNotificationBus(PG_ADMIN_URL, retry_seconds=0.05)
    admin = await asyncpg.connect(_pg_dsn(PG_ADMIN_URL), timeout=5)
    try:
        async with bus.subscribe(channels.PARTNER_JOBS, key) as sub:
            pid = bus.listener_pid()
            assert pid is not None
            await admin.execute("SELECT pg_terminate_backend($1)", pid)
            # A follower may have missed notifications while the bus was down: it is woken.
            assert await sub.wait(WITHIN)
            assert bus.reconnects == 1 and bus.listener_pid() not in (None, pid)
            await admin.execute("SELECT pg_notify($1, $2)", channels.PARTNER_JOBS, key)
            assert await sub.wait(WITHIN)
    finally:
        await admin.close()
        await bus.close()
