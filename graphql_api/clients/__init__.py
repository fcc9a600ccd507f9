"""GraphQL face of the clients context.

- ``types``: object types (catalogs, contacts, addresses, points, documents ...);
  ``client``: the Client type and its connection
- ``convert``: entities -> those objects; ``build``: Client objects with their children
- ``selection``: reading selection sets; ``loaders``: per-request DataLoaders
- ``cursors``: client keyset cursors
- ``queries``, ``inputs``, ``payloads``, ``mutations``: the root fields
- ``duplicates``: ``duplicateClients``; ``merging``: ``mergeClientsPreview``,
  ``mergeClients`` and ``clientMerge``
"""

from __future__ import annotations

from graphql_api.clients import types
from graphql_api.clients.client import Client
from graphql_api.clients.duplicates import DuplicateQuery
from graphql_api.clients.merging import ClientMergeMutation, ClientMergeQuery
from graphql_api.clients.mutations import ClientMutation
from graphql_api.clients.queries import ClientQuery

QUERIES: tuple[type, ...] = (ClientQuery, DuplicateQuery, ClientMergeQuery)
MUTATIONS: tuple[type, ...] = (ClientMutation, ClientMergeMutation)

# Types reachable only through the Node interface still belong in the schema.
EXTRA_TYPES: tuple[type, ...] = (
    Client,
    types.PaymentType,
    types.PriceList,
    types.SaleCondition,
    types.DynamicAttribute,
    types.Document,
)

__all__ = ["EXTRA_TYPES", "MUTATIONS", "QUERIES", "ClientMutation", "ClientQuery"]
