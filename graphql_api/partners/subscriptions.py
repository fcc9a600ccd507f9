"""Following a creation job: its status pushed on every change until it is settled (the
core's ``CreationQueue.follow``: woken by the notification bus, from any instance)."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from graphql_api.partners import loaders
from graphql_api.partners.types import GqlInfo, PartnerJob, base_url


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
        base = base_url(info)
        async for message in loaders.partners(info).queue.follow(caller, str(id)):
            yield PartnerJob.from_entity(message, base)
