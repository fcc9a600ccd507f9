"""GraphQL face of the accounts context: the calling account's API tokens (list, create,
revoke), so a token can be rotated without downtime."""

from __future__ import annotations

from graphql_api.accounts import types
from graphql_api.accounts.mutations import AccountMutation
from graphql_api.accounts.queries import AccountQuery

QUERIES = (AccountQuery,)
MUTATIONS = (AccountMutation,)
# Types reachable only through the Node interface still belong in the schema.
EXTRA_TYPES: tuple[type, ...] = (types.ApiToken,)

__all__ = ["EXTRA_TYPES", "MUTATIONS", "QUERIES", "AccountMutation", "AccountQuery"]
