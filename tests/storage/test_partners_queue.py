"""The BusinessPartner creation queue on real SQLite and PostgreSQL: concurrent workers,
lease expiry, bounded attempts, idempotent reprocessing.

Workers claim any tenant's message, so each test runs on a database of its own
(``own_services``): no other test's messages are in it, and none of these are left for others.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import func, select, update

from clientgate.container import Services
from clientgate.worker import Worker
from core.accounts.model import Principal
from core.partners.errors import EntityNotFound
from core.partners.inputs import CompanyInput, PartnerInput
from core.partners.model import MessageStatus
from core.partners.queue import CreationQueue
from core.partners.service import PartnerService
from core.shared.clock import FixedClock
from core.storage.tables.partners import bp_messages, bp_partners
from tests.support.partners import partner_input


async def _tenant(services: Services) -> Principal:
    account = await services.accounts.create_account(name="Queue test", country="PE")
    caller = await services.accounts.authenticate_token(account.token)
    await services.partners.companies.create(
        caller, CompanyInput(id_remote="ACME", company_name="Acme")
    )
    return caller


def _items(prefix: str, n: int) -> list[PartnerInput]:
    return [partner_input(f"{prefix}{i}") for i in range(n)]


def _queue(services: Services, clock: FixedClock) -> CreationQueue:
    return PartnerService(services.uow, clock, services.bus).queue


async def _messages(services: Services, account_id: int) -> list[Any]:
    async with services.uow(read_only=True) as uow:
        rows = await uow.connection.execute(
            select(bp_messages).where(bp_messages.c.account_id == account_id)
        )
        return list(rows)


async def _partner_count(services: Services, account_id: int) -> tuple[int, int]:
    async with services.uow(read_only=True) as uow:
        total = (
            await uow.connection.execute(
                select(func.count()).where(bp_partners.c.account_id == account_id)
            )
        ).scalar_one()
        distinct = (
            await uow.connection.execute(
                select(func.count(func.distinct(bp_partners.c.id_remote))).where(
                    bp_partners.c.account_id == account_id
                )
            )
        ).scalar_one()
    return int(total), int(distinct)


async def test_two_workers_never_process_the_same_message(own_services: Services) -> None:
    services = own_services
    caller = await _tenant(services)
    account_id = caller.account_id
    count = 40
    for m in range(count):
        await services.partners.queue.enqueue_create(caller, _items(f"W{m}-", 3))
    workers = [Worker(services, name=f"w{i}", poll_seconds=0.01) for i in range(2)]
    await asyncio.gather(*(w.drain() for w in workers))
    done = [set(w.stats.completed) for w in workers]
    assert done[0].isdisjoint(done[1])
    rows = await _messages(services, account_id)
    assert len(done[0] | done[1]) == count == len(rows)
    assert {r.status for r in rows} == {"completed"}
    assert {r.attempts for r in rows} == {1}  # each claimed exactly once
    assert await _partner_count(services, account_id) == (count * 3, count * 3)
    if services.engine.dialect.name == "postgresql":
        # Both workers took part (SKIP LOCKED lets them claim side by side).
        assert all(w.stats.completed for w in workers)


async def test_expired_lease_is_reclaimed_and_the_old_claim_is_lost(
    own_services: Services,
) -> None:
    services = own_services
    caller = await _tenant(services)
    account_id = caller.account_id
    clock = FixedClock(services.clock.now())
    service = _queue(services, clock)
    message = await service.enqueue_create(caller, _items("L", 2))

    first = await service.claim_next(lease_seconds=10, max_attempts=5)
    assert first is not None and first.public_id == message.public_id
    assert (await service.message(caller, message.public_id)).status == "processing"
    assert await service.claim_next(lease_seconds=10, max_attempts=5) is None  # leased
    clock.advance(11)
    second = await service.claim_next(lease_seconds=10, max_attempts=5)
    assert second is not None and second.id == first.id and second.attempts == 2

    assert await service.process(first, max_attempts=5) is None  # its claim is gone
    assert await _partner_count(services, account_id) == (0, 0)
    assert await service.process(second, max_attempts=5) is MessageStatus.COMPLETED
    assert await _partner_count(services, account_id) == (2, 2)

    # Reprocessing the same items (a redelivered message) upserts: no duplicates.
    again = await service.enqueue_create(caller, _items("L", 2))
    claimed = await service.claim_next(lease_seconds=10, max_attempts=5)
    assert claimed is not None and claimed.id == again.id
    assert await service.process(claimed, max_attempts=5) is MessageStatus.COMPLETED
    assert await _partner_count(services, account_id) == (2, 2)


async def test_a_message_whose_workers_keep_dying_fails_after_max_attempts(
    own_services: Services,
) -> None:
    services = own_services
    caller = await _tenant(services)
    account_id = caller.account_id
    clock = FixedClock(services.clock.now())
    service = _queue(services, clock)
    message = await service.enqueue_create(caller, _items("X", 1))
    for attempt in range(1, 4):
        claimed = await service.claim_next(lease_seconds=5, max_attempts=3)
        assert claimed is not None and claimed.attempts == attempt
        clock.advance(6)  # the worker died: the lease runs out
    assert await service.claim_next(lease_seconds=5, max_attempts=3) is None
    final = await service.message(caller, message.public_id)
    assert final.status == "failed"
    assert final.error_message == "gave up after 3 attempts"
    assert await _partner_count(services, account_id) == (0, 0)


async def test_an_unexpected_error_retries_then_gives_up(own_services: Services) -> None:
    services = own_services
    caller = await _tenant(services)
    clock = FixedClock(services.clock.now())
    service = _queue(services, clock)
    message = await service.enqueue_create(caller, _items("E", 1))
    # A payload no API request can produce (stored by hand): decoding it raises, an
    # unexpected error rather than a validation failure.
    async with services.uow() as uow:
        await uow.connection.execute(
            update(bp_messages).where(bp_messages.c.id == message.id).values(payload="{broken")
        )
        await uow.commit()
    statuses = []
    for _ in range(2):
        claimed = await service.claim_next(lease_seconds=5, max_attempts=2)
        assert claimed is not None
        try:
            await service.process(claimed, max_attempts=2, retry_after=0)
        except Exception as exc:
            statuses.append(type(exc).__name__)
        statuses.append((await service.message(caller, message.public_id)).status)
    assert statuses[1] == "pending" and statuses[-1] == "failed"
    final = await service.message(caller, message.public_id)
    assert final.error_message is not None
    assert final.error_message.startswith("gave up after 2 attempts")


async def test_messages_are_tenant_scoped(own_services: Services) -> None:
    services = own_services
    a = await _tenant(services)
    b = await _tenant(services)
    message = await services.partners.queue.enqueue_create(a, _items("T", 1))
    assert (await services.partners.queue.message(a, message.public_id)).id == message.id
    with pytest.raises(EntityNotFound):
        await services.partners.queue.message(b, message.public_id)
