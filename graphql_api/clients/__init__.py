"""GraphQL face of the clients context: types, loading, queries and mutations."""

from __future__ import annotations

from graphql_api.clients import types
from graphql_api.clients.mutations import ClientMutation
from graphql_api.clients.queries import ClientQuery

# Types reachable only through the Node interface still belong in the schema.
EXTRA_TYPES: tuple[type, ...] = (
    types.Client,
    types.PaymentType,
    types.PriceList,
    types.SaleCondition,
    types.DynamicAttribute,
    types.Document,
)

__all__ = ["EXTRA_TYPES", "ClientMutation", "ClientQuery"]
