"""Root query fields of webhooks: ``webhookEndpoints``, ``webhookDeliveries``, and
``node(id:)`` for both types (the caller's account's only)."""

from __future__ import annotations

import strawberry

from graphql_api.relay import decode_id_cursor, encode_cursor, local_id, page_info, register_node
from graphql_api.webhooks import types as t
from graphql_api.webhooks.types import GqlInfo

ENDPOINT_CURSOR = "whe"
DELIVERY_CURSOR = "whd"


async def _endpoint_node(info: GqlInfo, global_id: str) -> t.WebhookEndpoint:
    caller = await info.context.principal()
    endpoints = info.context.services.webhooks.endpoints
    return t.WebhookEndpoint.from_entity(
        await endpoints.get(caller, local_id(global_id, t.ENDPOINT))
    )


async def _delivery_node(info: GqlInfo, global_id: str) -> t.WebhookDelivery:
    caller = await info.context.principal()
    endpoints = info.context.services.webhooks.endpoints
    return t.WebhookDelivery.from_entity(
        await endpoints.delivery(caller, local_id(global_id, t.DELIVERY))
    )


register_node(t.ENDPOINT, _endpoint_node)
register_node(t.DELIVERY, _delivery_node)


@strawberry.type
class WebhookQuery:
    @strawberry.field(description="The calling account's webhook endpoints, in id order.")
    async def webhook_endpoints(
        self, info: GqlInfo, first: int = 20, after: str | None = None
    ) -> t.WebhookEndpointConnection:
        caller = await info.context.principal()
        after_id = decode_id_cursor(after, ENDPOINT_CURSOR) if after is not None else None
        page, total = await info.context.services.webhooks.endpoints.page(
            caller, first=first, after_id=after_id
        )
        edges = [
            t.WebhookEndpointEdge(
                cursor=encode_cursor([ENDPOINT_CURSOR, e.id]),
                node=t.WebhookEndpoint.from_entity(e),
            )
            for e in page.items
        ]
        return t.WebhookEndpointConnection(
            edges=edges,
            page_info=page_info(
                [e.cursor for e in edges], has_next=page.has_next, has_previous=after_id is not None
            ),
            total_count=total,
        )

    @strawberry.field(
        description="Deliveries of the calling account's endpoints (of one, with "
        "`endpointId`), newest first: status, attempts, next attempt, last answer, the log."
    )
    async def webhook_deliveries(
        self,
        info: GqlInfo,
        endpoint_id: strawberry.ID | None = None,
        first: int = 20,
        after: str | None = None,
    ) -> t.WebhookDeliveryConnection:
        caller = await info.context.principal()
        after_id = decode_id_cursor(after, DELIVERY_CURSOR) if after is not None else None
        endpoint = None
        if endpoint_id is not None:
            endpoint = local_id(endpoint_id, t.ENDPOINT, field="endpointId")
        page = await info.context.services.webhooks.endpoints.deliveries(
            caller, endpoint_id=endpoint, first=first, after_id=after_id
        )
        edges = [
            t.WebhookDeliveryEdge(
                cursor=encode_cursor([DELIVERY_CURSOR, d.id]),
                node=t.WebhookDelivery.from_entity(d),
            )
            for d in page.items
        ]
        return t.WebhookDeliveryConnection(
            edges=edges,
            page_info=page_info(
                [e.cursor for e in edges], has_next=page.has_next, has_previous=after_id is not None
            ),
        )
