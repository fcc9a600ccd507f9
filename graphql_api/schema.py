"""The one GraphQL schema, composed from per-context root classes.

Each bounded context contributes a query class, a mutation class and (rarely) a
subscription class. To plug a context in, append its classes to the tuples below; the
root types are merged with ``strawberry.tools.merge_types`` in the order listed.
"""

from __future__ import annotations

import strawberry
from strawberry.printer import print_schema
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from clientgate.settings import Settings
from graphql_api import clients

QUERIES: tuple[type, ...] = (clients.ClientQuery,)
MUTATIONS: tuple[type, ...] = (clients.ClientMutation,)
SUBSCRIPTIONS: tuple[type, ...] = ()

# Types reachable only through an interface (e.g. ``node(id:)``) must be listed explicitly.
EXTRA_TYPES: tuple[type, ...] = clients.EXTRA_TYPES


def _merged(name: str, types: tuple[type, ...]) -> type | None:
    return merge_types(name, types) if types else None


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    """The schema with the limits, masking and introspection policy of ``settings``."""
    from graphql_api.extensions import schema_extensions

    settings = settings or Settings()
    return strawberry.Schema(
        query=merge_types("Query", QUERIES),
        mutation=_merged("Mutation", MUTATIONS),
        subscription=_merged("Subscription", SUBSCRIPTIONS),
        types=list(EXTRA_TYPES),
        extensions=schema_extensions(settings),
        config=StrawberryConfig(auto_camel_case=True),
    )


def schema_sdl() -> str:
    """The SDL written to ``schema.graphql`` by ``clientgate export-schema``."""
    return print_schema(build_schema()).rstrip("\n") + "\n"
