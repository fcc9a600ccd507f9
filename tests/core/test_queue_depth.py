"""The queue's depth for the operator (metrics): pending and processing messages counted over
every tenant through the ``PartnerQueue`` port, on in-memory fakes."""

from __future__ import annotations

from core.partners.model import MessageStatus
from tests.support.partners import FakePartnerWorld, location_input, partner_input


async def test_depth_counts_every_tenants_pending_and_processing_messages() -> None:
    world = FakePartnerWorld()
    service = world.service()
    assert await service.queue.depth() == {MessageStatus.PENDING: 0, MessageStatus.PROCESSING: 0}

    first, second = await world.tenant(), await world.tenant()
    item = partner_input("C-1", locations=[location_input("L-1")])
    for caller in (first, second, second):
        await service.queue.enqueue_create(caller, [item])
    assert await service.queue.depth() == {MessageStatus.PENDING: 3, MessageStatus.PROCESSING: 0}

    claimed = await service.queue.claim_next(lease_seconds=30, max_attempts=5)
    assert claimed is not None
    assert await service.queue.depth() == {MessageStatus.PENDING: 2, MessageStatus.PROCESSING: 1}

    # Settled messages (here failed: the tenant has no company ACME) are no longer counted.
    assert await service.queue.process(claimed, max_attempts=5) is MessageStatus.FAILED
    assert await service.queue.depth() == {MessageStatus.PENDING: 2, MessageStatus.PROCESSING: 0}
