"""Following a creation job: its status pushed on every change until it is settled."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator

import strawberry

from core.partners.model import MessageStatus
from graphql_api.partners import loaders
from graphql_api.partners.types import GqlInfo, PartnerJob, base_url

JOB_POLL_SECONDS = 0.2
_SETTLED = (MessageStatus.COMPLETED, MessageStatus.FAILED)


@strawberry.type
class PartnerSubscription:
    @strawberry.subscription(
        description="A creation job's status, pushed on every change "
        "until it is completed or failed."
    )
    async def partner_job(
        self, info: GqlInfo, id: strawberry.ID
    ) -> AsyncGenerator[PartnerJob, None]:
        caller = await info.context.principal()
        queue = loaders.partners(info).queue
        base = base_url(info)
        last: tuple[MessageStatus, str | None] | None = None
        while True:
            msg = await queue.message(caller, str(id))
            state = (msg.status, msg.error_message)
            if state != last:
                last = state
                yield PartnerJob.from_entity(msg, base)
            if msg.status in _SETTLED:
                return
            await asyncio.sleep(JOB_POLL_SECONDS)
