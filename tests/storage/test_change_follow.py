"""The ``changes`` subscription's use case on both backends: a follower woken by the
notification bus sees every change of its account exactly once, in commit order, while many
writers commit at once; it filters by subject type, resumes after a cursor, and never sees
another account's changes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from clientgate.container import Services
from core.clients.model import ClientChanges
from core.history.model import ChangeEvent, EntityType
from core.partners.inputs import CompanyInput
from tests.storage.test_change_feed_order import caller_of

WRITERS = 6
WRITES_EACH = 8
WITHIN = 30.0


async def _take(feed: AsyncIterator[ChangeEvent], count: int) -> list[ChangeEvent]:
    out = []
    async with asyncio.timeout(WITHIN):
        async for event in feed:
            out.append(event)
            if len(out) == count:
                break
    return out


async def test_a_follower_sees_every_change_once_in_commit_order(
    services: Services, make_account: Any
) -> None:
    caller = await caller_of(make_account)
    other = await caller_of(make_account)
    await services.clients.create(caller, ClientChanges({"first_name": "before"}))
    follower = services.feed.follow(caller, after_position=1)
    taking = asyncio.ensure_future(_take(follower, WRITERS * WRITES_EACH))

    async def writer(n: int) -> None:
        for i in range(WRITES_EACH):
            await services.clients.create(caller, ClientChanges({"first_name": f"W{n}-{i}"}))
            await services.clients.create(other, ClientChanges({"first_name": "elsewhere"}))

    await asyncio.gather(*(writer(n) for n in range(WRITERS)))
    seen = await taking
    await follower.aclose()
    assert [e.position for e in seen] == list(range(2, 2 + WRITERS * WRITES_EACH))
    assert {e.account_id for e in seen} == {caller.account_id}
    assert sorted(e.entity_id for e in seen) == sorted({e.entity_id for e in seen})


async def test_types_filter_and_resuming_after_a_position(
    services: Services, make_account: Any
) -> None:
    caller = await caller_of(make_account)
    first = await services.clients.create(caller, ClientChanges({"first_name": "one"}))
    await services.partners.companies.create(
        caller, CompanyInput(id_remote="F1", company_name="Follow")
    )
    second = await services.clients.create(caller, ClientChanges({"first_name": "two"}))

    replay = services.feed.follow(caller, after_position=0, types={EntityType.CLIENT})
    events = await _take(replay, 2)
    await replay.aclose()
    assert [e.entity_id for e in events] == [first.id, second.id]

    resumed = services.feed.follow(caller, after_position=events[0].position)
    events = await _take(resumed, 2)
    await resumed.aclose()
    assert [e.subject_type for e in events] == [EntityType.COMPANY, EntityType.CLIENT]
