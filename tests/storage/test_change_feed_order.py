"""The change feed's guarantee, on real concurrent connections: a reader polling with its last
position while many writers commit never misses a change and never sees one twice.

On PostgreSQL ids from a sequence commit out of order; the feed is read in (transaction id,
id) order and only below the oldest running transaction (core/storage/repositories/history.py),
so nothing can commit behind a position already read. SQLite serializes writers."""

from __future__ import annotations

import asyncio
from typing import Any

from clientgate.container import Services
from core.accounts.model import FaceName, Origin, Principal, PrincipalKind
from core.clients.model import ClientChanges
from core.history.model import FEED_START, Action, Change, ChangeEvent, EntityType, FeedPosition
from core.history.recorder import record
from core.storage.repositories.history import write_pending

WRITERS = 8
WRITES_EACH = 12
PAGE = 7


async def caller_of(make_account: Any) -> Principal:
    created = await make_account("PE")
    return Principal(
        created.account, PrincipalKind.API_TOKEN, 1, origin=Origin(FaceName.GRAPHQL, "feed")
    )


async def poll(services: Services, account_id: int, after: FeedPosition) -> list[ChangeEvent]:
    async with services.uow(read_only=True) as uow:
        return await uow.history_reads.changes_after(account_id, after, PAGE)


def check_page(page: list[ChangeEvent], cursor: FeedPosition) -> FeedPosition:
    """Every change of a page lies after the cursor, in feed order; the new cursor."""
    positions = [e.feed_position for e in page]
    assert positions == sorted(positions) and all(p > cursor for p in positions)
    return positions[-1] if positions else cursor


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
    cursor = FEED_START
    polls = 0
    while not writers.done() or polls == 0:
        page = await poll(services, caller.account_id, cursor)
        polls += 1
        cursor = check_page(page, cursor)
        seen.extend(page)
        await asyncio.sleep(0)
    await writers
    while page := await poll(services, caller.account_id, cursor):
        cursor = check_page(page, cursor)
        seen.extend(page)

    # Never twice, never missed: every client created appears exactly once.
    assert len(created) == WRITERS * WRITES_EACH
    assert sorted(e.entity_id for e in seen) == sorted(created)
    assert all(e.action is Action.CREATE for e in seen)
    assert polls > 1


async def test_a_change_committed_behind_an_open_writer_waits_for_it(
    services: Services, make_account: Any
) -> None:
    """Writer A has written its change but not committed; writer B commits after it. A reader
    sees neither until A commits (on PostgreSQL B is committed but held back, on SQLite B waits
    for A's write lock), then both, A first."""
    caller = await caller_of(make_account)
    async with services.uow() as first:
        record(first.history, caller, Change(EntityType.CLIENT, 1, Action.UPDATE), 100)
        await write_pending(first.connection, first.history.take())  # written, not committed

        async def second_writer() -> None:
            async with services.uow() as second:
                record(second.history, caller, Change(EntityType.CLIENT, 2, Action.UPDATE), 100)
                await second.commit()

        later = asyncio.ensure_future(second_writer())
        if services.engine.dialect.name == "postgresql":
            await later  # B's transaction is younger than A's: committed, not yet served
        else:
            await asyncio.sleep(0.2)  # B waits for the write lock A holds
            assert not later.done()
        assert await poll(services, caller.account_id, FEED_START) == []
        await first.commit()
    await later
    served = await poll(services, caller.account_id, FEED_START)
    assert [e.entity_id for e in served] == [1, 2]
