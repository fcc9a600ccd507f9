"""GraphQL input types of webhooks."""

from __future__ import annotations

import strawberry

from core.history.model import EntityType
from core.shared.errors import InvalidInput
from core.webhooks.model import EndpointChanges, EndpointInput
from graphql_api.history.types import ChangeEntityType

MAX_TYPES = len(EntityType)


def _types(values: list[EntityType]) -> frozenset[EntityType]:
    if len(values) > MAX_TYPES:
        raise InvalidInput.single("event_types", "too many types", "OUT_OF_RANGE")
    return frozenset(values)


@strawberry.input(description="A new webhook endpoint of the calling account.")
class CreateWebhookEndpointInput:
    url: str = strawberry.field(
        description="Absolute http(s) URL, at most 2048 characters, on a public address."
    )
    event_types: list[ChangeEntityType] = strawberry.field(  # type: ignore[valid-type]
        default_factory=list, description="Only these types' changes; empty: every change."
    )
    description: str = ""
    enabled: bool = True

    def to_core(self) -> EndpointInput:
        return EndpointInput(
            url=self.url,
            event_types=_types(self.event_types),
            description=self.description,
            enabled=self.enabled,
        )


@strawberry.input(description="Changes to an endpoint; omitted fields stay as they are.")
class UpdateWebhookEndpointInput:
    url: str | None = None
    event_types: list[ChangeEntityType] | None = None  # type: ignore[valid-type]
    description: str | None = None
    enabled: bool | None = strawberry.field(
        default=None,
        description="A disabled endpoint keeps its place in the change feed: enabled again, "
        "it receives the changes made meanwhile.",
    )
    rotate_secret: bool = strawberry.field(
        default=False, description="A new signing secret, answered once; the old one stops."
    )

    def to_core(self) -> EndpointChanges:
        return EndpointChanges(
            url=self.url,
            event_types=None if self.event_types is None else _types(self.event_types),
            description=self.description,
            enabled=self.enabled,
            rotate_secret=self.rotate_secret,
        )
