"""GraphQL types of webhooks. An endpoint's signing secret appears only in the answers of
``createWebhookEndpoint`` and of ``updateWebhookEndpoint`` with ``rotateSecret``."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from core.webhooks import model as m
from graphql_api.context import Context, LoaderKey
from graphql_api.errors import UserError
from graphql_api.history.types import ChangeEntityType
from graphql_api.relay import Node, PageInfo, to_global_id
from graphql_api.scalars import utc_datetime

GqlInfo = Info[Context, None]
ENDPOINT = "WebhookEndpoint"
DELIVERY = "WebhookDelivery"


@strawberry.enum(description="Where a delivery stands.")
class WebhookDeliveryStatus(Enum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"


def _maybe(seconds: int | None) -> datetime | None:
    return utc_datetime(seconds) if seconds is not None else None


@strawberry.type(description="An endpoint of the calling account. Its secret is never shown here.")
class WebhookEndpoint(Node):
    database_id: int
    url: str
    description: str
    event_types: list[ChangeEntityType] = strawberry.field(  # type: ignore[valid-type]
        description="The subjects whose changes it receives; empty: every change."
    )
    enabled: bool
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_entity(cls, endpoint: m.Endpoint) -> WebhookEndpoint:
        return cls(
            id=to_global_id(ENDPOINT, endpoint.id),
            database_id=endpoint.id,
            url=endpoint.url,
            description=endpoint.description,
            event_types=sorted(endpoint.event_types),
            enabled=endpoint.enabled,
            created_at=utc_datetime(endpoint.created_at),
            updated_at=utc_datetime(endpoint.updated_at),
        )


@strawberry.type(description="One HTTP attempt of a delivery.")
class WebhookAttempt:
    at: datetime
    status_code: int | None = strawberry.field(
        description="The endpoint's answer; null when there was none (see `error`)."
    )
    error: str | None
    duration_ms: int

    @classmethod
    def from_entity(cls, attempt: m.Attempt) -> WebhookAttempt:
        return cls(
            at=utc_datetime(attempt.at),
            status_code=attempt.status_code,
            error=attempt.error,
            duration_ms=attempt.duration_ms,
        )


ATTEMPTS: LoaderKey[int, list[m.Attempt]] = LoaderKey("webhook_attempts")
ENDPOINTS: LoaderKey[int, m.Endpoint | None] = LoaderKey("webhook_endpoints")


def _attempts(info: GqlInfo) -> DataLoader[int, list[m.Attempt]]:
    async def load(ids: list[int]) -> list[list[m.Attempt]]:
        caller = await info.context.principal()
        return await info.context.services.webhooks.endpoints.attempts(caller, ids)

    return info.context.loader(ATTEMPTS, load)


def _endpoints(info: GqlInfo) -> DataLoader[int, m.Endpoint | None]:
    async def load(ids: list[int]) -> list[m.Endpoint | None]:
        caller = await info.context.principal()
        return await info.context.services.webhooks.endpoints.endpoints_by_id(caller, ids)

    return info.context.loader(ENDPOINTS, load)


@strawberry.type(
    description="One change queued for one endpoint: its state, and the log of its attempts."
)
class WebhookDelivery(Node):
    database_id: int
    message_id: str = strawberry.field(
        description="The `webhook-id` header: the same on every attempt and redelivery."
    )
    event_type: str = strawberry.field(
        description='The message\'s `type`: "<entity type>.<action>", e.g. "client.update".'
    )
    status: WebhookDeliveryStatus
    attempts: int = strawberry.field(description="Attempts since queued (or redelivered).")
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None
    endpoint_id: strawberry.Private[int]

    @strawberry.field(description="The endpoint it is for.")
    async def endpoint(self, info: GqlInfo) -> WebhookEndpoint | None:
        found = await _endpoints(info).load(self.endpoint_id)
        return WebhookEndpoint.from_entity(found) if found is not None else None

    @strawberry.field(description="Its newest attempts (up to 20), oldest first.")
    async def log(self, info: GqlInfo) -> list[WebhookAttempt]:
        return [WebhookAttempt.from_entity(a) for a in await _attempts(info).load(self.database_id)]

    @classmethod
    def from_entity(cls, delivery: m.Delivery) -> WebhookDelivery:
        return cls(
            id=to_global_id(DELIVERY, delivery.id),
            database_id=delivery.id,
            message_id=delivery.message_id,
            event_type=delivery.event_type,
            status=WebhookDeliveryStatus(delivery.status.value),
            attempts=delivery.attempts,
            next_attempt_at=_maybe(delivery.next_attempt_at),
            last_status_code=delivery.last_status_code,
            last_error=delivery.last_error,
            created_at=utc_datetime(delivery.created_at),
            delivered_at=_maybe(delivery.delivered_at),
            endpoint_id=delivery.endpoint_id,
        )


@strawberry.type
class WebhookEndpointEdge:
    cursor: str
    node: WebhookEndpoint


@strawberry.type(description="A page of webhook endpoints, in id order.")
class WebhookEndpointConnection:
    edges: list[WebhookEndpointEdge]
    page_info: PageInfo
    total_count: int


@strawberry.type
class WebhookDeliveryEdge:
    cursor: str
    node: WebhookDelivery


@strawberry.type(description="A page of webhook deliveries, newest first.")
class WebhookDeliveryConnection:
    edges: list[WebhookDeliveryEdge]
    page_info: PageInfo


@strawberry.type
class WebhookEndpointPayload:
    webhook_endpoint: WebhookEndpoint | None
    secret: str | None = strawberry.field(
        description="The signing secret (`whsec_...`): answered on creation and on "
        "`rotateSecret` only, never again. Verify `webhook-signature` with it."
    )
    user_errors: list[UserError]


@strawberry.type
class DeleteWebhookEndpointPayload:
    deleted_id: strawberry.ID | None
    user_errors: list[UserError]


@strawberry.type
class RedeliverWebhookPayload:
    webhook_delivery: WebhookDelivery | None
    user_errors: list[UserError]
