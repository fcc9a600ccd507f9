"""The change feed's guarantee, on real concurrent connections: a reader polling with its last
position while many writers commit never misses a change and never sees one twice.

On PostgreSQL ids from a sequence commit out of order; the feed's positions are given by the
commit itself under the account's feed row lock, so they are in commit order per account
(core/storage/repositories/history.py). SQLite serializes writers, and holds the same."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import select

from clientgate.container import Services
from core.accounts.model import FaceName, Origin, Principal, PrincipalKind
from core.clients.model import ClientChanges
from core.history.model import Action, Change, ChangeEvent, EntityType
from core.history.recorder import record
from core.notify.channels import CHANGES
from core.storage.repositories.history import write_pending
from core.storage.tables.history import account_feeds
from tests.conftest import Backend

WRITERS = 8
WRITES_EACH = 12
PAGE = 7


async def caller_of(make_account: Any) -> Principal:
    created = await make_account("PE")
    return Principal(
        created.account, PrincipalKind.API_TOKEN, 1, origin=Origin(FaceName.GRAPHQL, "feed")
    )


async def poll(services: Services, account_id: int, after: int) -> list[ChangeEvent]:
    async with services.uow(read_only=True) as uow:
        return await uow.history_reads.changes_after(account_id, after, PAGE)


async def test_a_polling_reader_sees_every_change_once_while_writers_commit_concurrently(
    services: Services, make_account: Any
) -> None:
    caller = await caller_of(make_account)
    created: list[int] = []

    async def writer(n: int) -> None:
        for i in range(WRITES_EACH):
            client = await services.clients.create(
                caller, ClientChanges({"first_name": f"W{n}-{i}"})
            )
            created.append(client.id)

    writers = asyncio.gather(*(writer(n) for n in range(WRITERS)))
    seen: list[ChangeEvent] = []
    cursor = 0
    polls = 0
    while not writers.done() or polls == 0:
        page = await poll(services, caller.account_id, cursor)
        polls += 1
        # Whatever a poll returns continues the feed exactly where the last one stopped.
        assert [e.position for e in page] == list(range(cursor + 1, cursor + 1 + len(page)))
        seen.extend(page)
        cursor = page[-1].position if page else cursor
        await asyncio.sleep(0)
    await writers
    while page := await poll(services, caller.account_id, cursor):
        assert [e.position for e in page] == list(range(cursor + 1, cursor + 1 + len(page)))
        seen.extend(page)
        cursor = page[-1].position

    total = WRITERS * WRITES_EACH
    assert [e.position for e in seen] == list(range(1, total + 1))
    assert sorted(e.entity_id for e in seen) == sorted(created)
    assert all(e.action is Action.CREATE for e in seen)


async def test_positions_follow_the_order_of_the_commits(
    services: Services, make_account: Any, backend: Backend
) -> None:
    """Writer A has written its changes but not committed; writer B commits meanwhile. On
    PostgreSQL positions are taken by the commit itself, so B passes A and gets position 1, A
    position 2; on SQLite B waits for A's write lock, and A gets 1. Either way the positions
    are the commits' order, and a reader sees nothing before a commit."""
    caller = await caller_of(make_account)
    committed: list[int] = []
    async with services.uow() as first:
        record(first.history, caller, Change(EntityType.CLIENT, 1, Action.UPDATE), 100)
        await write_pending(first.connection, first.history.take(), CHANGES)

        async def second_writer() -> None:
            async with services.uow() as second:
                record(second.history, caller, Change(EntityType.CLIENT, 2, Action.UPDATE), 100)
                await second.commit()
            committed.append(2)

        later = asyncio.ensure_future(second_writer())
        done, _ = await asyncio.wait([later], timeout=2.0)
        assert bool(done) is (backend.name == "postgresql")
        assert [e.entity_id for e in await poll(services, caller.account_id, 0)] == committed
        await first.commit()
        committed.append(1)
    await later
    seen = await poll(services, caller.account_id, 0)
    assert [(e.position, e.entity_id) for e in seen] == list(enumerate(committed, start=1))


async def test_a_writer_waits_for_the_commit_holding_lower_positions(
    services: Services, make_account: Any, backend: Backend
) -> None:
    """A commit in progress holds its account's feed row (here held by hand, as the commit's
    bump holds it); a second writer's commit waits for it, and a reader sees the second
    writer's change only after, with the next position."""
    caller = await caller_of(make_account)
    async with services.uow() as first:
        record(first.history, caller, Change(EntityType.CLIENT, 1, Action.UPDATE), 100)
        await first.commit()
    async with services.uow() as holder:
        await holder.connection.execute(
            select(account_feeds.c.position)
            .where(account_feeds.c.account_id == caller.account_id)
            .with_for_update()
        )

        async def second_writer() -> None:
            async with services.uow() as second:
                record(second.history, caller, Change(EntityType.CLIENT, 2, Action.UPDATE), 100)
                await second.commit()

        later = asyncio.ensure_future(second_writer())
        await asyncio.sleep(0.2)  # gives it time to reach the lock; it cannot pass it
        assert not later.done()
        assert [e.position for e in await poll(services, caller.account_id, 0)] == [1]
        await holder.rollback()
    await later
    assert [(e.position, e.entity_id) for e in await poll(services, caller.account_id, 0)] == [
        (1, 1),
        (2, 2),
    ]
