"""GraphQL face of webhooks: the calling account's endpoints (create, update, delete, list),
their deliveries with the attempt log, and redelivery."""

from __future__ import annotations

from graphql_api.webhooks import types
from graphql_api.webhooks.mutations import WebhookMutation
from graphql_api.webhooks.queries import WebhookQuery

QUERIES = (WebhookQuery,)
MUTATIONS = (WebhookMutation,)
EXTRA_TYPES: tuple[type, ...] = (types.WebhookEndpoint, types.WebhookDelivery)

__all__ = ["EXTRA_TYPES", "MUTATIONS", "QUERIES", "WebhookMutation", "WebhookQuery"]
