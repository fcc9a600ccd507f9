"""The GraphQL face's own settings, handed over by the composition root."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GraphQLConfig:
    debug: bool = False
    """Unexpected errors unmasked (never in production)."""
    introspection: bool = True
    """Off also removes "Did you mean ...?" suggestions (they would reveal the schema)."""
    max_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 5000
    max_cost: int = 50_000
    """Operations that may answer with more objects than this are refused (graphql_api/cost)."""
    list_bound: int = 20
    """Items a list without a paging argument is priced at (a client's contacts, ...)."""
    persisted_queries: int = 1000
    """Automatic persisted queries kept (graphql_api/persisted.py); 0 turns them off."""
