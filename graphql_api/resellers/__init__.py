"""GraphQL face of the resellers context: types, inputs, queries and mutations."""

from __future__ import annotations

from graphql_api.resellers import types
from graphql_api.resellers.mutations import ResellerMutation
from graphql_api.resellers.queries import ResellerQuery

QUERIES = (ResellerQuery,)
MUTATIONS = (ResellerMutation,)
# Types reachable only through the Node interface still belong in the schema.
EXTRA_TYPES: tuple[type, ...] = (types.OnboardedAccount,)

__all__ = ["EXTRA_TYPES", "MUTATIONS", "QUERIES", "ResellerMutation", "ResellerQuery"]
