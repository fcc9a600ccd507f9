"""Read-only units of work reuse their connections (SQLite's inline reads keep them open;
PostgreSQL's check out of the pool in autocommit): nothing of one unit of work is seen by the
next, and a connection that failed is not kept."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, text, update

from clientgate.container import Services
from core.storage.tables.accounts import accounts
from core.storage.uow import UnitOfWorkFactory


async def _name(svc: Services, account_id: int) -> str:
    async with svc.uow(read_only=True) as uow:
        found = await uow.connection.execute(
            select(accounts.c.name).where(accounts.c.id == account_id)
        )
        return str(found.scalar_one())


async def test_a_reused_read_connection_sees_later_commits(
    services: Services, make_account: Any
) -> None:
    created = await make_account("PE", name="First")
    assert await _name(services, created.account.id) == "First"
    async with services.uow() as uow:
        await uow.connection.execute(
            update(accounts).where(accounts.c.id == created.account.id).values(name="Second")
        )
        await uow.commit()
    assert await _name(services, created.account.id) == "Second"  # no snapshot kept


async def test_read_connections_are_kept_and_failed_ones_dropped(services: Services) -> None:
    factory = services.uow
    assert isinstance(factory, UnitOfWorkFactory)
    reads = factory.reads
    if reads is None:  # PostgreSQL: the pool's own connections, checked in after each use
        async with factory(read_only=True) as uow:
            opts = uow.connection.sync_connection.get_execution_options()  # type: ignore[union-attr]
            assert (opts.get("isolation_level"), opts.get("read_only")) == ("AUTOCOMMIT", True)
        return
    async with factory(read_only=True):
        pass
    kept = reads.idle
    assert kept >= 1
    async with factory(read_only=True) as uow:
        assert reads.idle == kept - 1  # the kept one was taken, not a new one
    assert reads.idle == kept
    with pytest.raises(Exception, match="no such table"):
        async with factory(read_only=True) as uow:
            await uow.connection.execute(text("SELECT * FROM no_such_table"))
    assert reads.idle == kept - 1  # a unit of work that failed gives its connection up
    async with factory(read_only=True):
        pass
    assert reads.idle == kept  # a new one is opened and kept
    async with factory(read_only=True) as uow:
        await uow.connection.run_sync(lambda conn: conn.invalidate())
    assert reads.idle == kept - 1  # an invalidated connection is closed, not kept


async def test_a_read_that_fails_midway_leaves_no_snapshot_behind(
    services: Services, make_account: Any
) -> None:
    """A unit of work that raises while iterating a result leaves that statement unfinished;
    on SQLite an unfinished statement keeps its snapshot through the rollback. The next unit
    of work must still see what was committed since."""
    created = [await make_account("PE", name=f"Before {i}") for i in range(3)]
    ids = [c.account.id for c in created]
    with pytest.raises(RuntimeError, match="midway"):
        async with services.uow(read_only=True) as uow:
            result = await uow.connection.execute(
                select(accounts.c.name).where(accounts.c.id.in_(ids)).order_by(accounts.c.id)
            )
            for _ in result:
                raise RuntimeError("midway")
    async with services.uow() as uow:
        await uow.connection.execute(
            update(accounts).where(accounts.c.id == ids[0]).values(name="After")
        )
        await uow.commit()
    for _ in range(20):  # whichever kept connection the next units of work take
        assert await _name(services, ids[0]) == "After"
