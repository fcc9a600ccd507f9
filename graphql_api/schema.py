"""The one GraphQL schema, composed from per-context root classes.

Each bounded context contributes a query class, a mutation class and (rarely) a
subscription class. To plug a context in, append its classes to the tuples below; the
root types are merged with ``strawberry.tools.merge_types`` in the order listed.
"""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.printer import print_schema
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types
from strawberry.types import ExecutionContext

from graphql_api import accounts, clients, history, partners, resellers, webhooks
from graphql_api.config import GraphQLConfig
from graphql_api.execution import FastLeafExecutionContext
from graphql_api.extensions import schema_extensions
from graphql_api.plan.executor import PlannedExecutionContext
from graphql_api.scalars import SCALARS
from httpkit.metrics import Metrics
from httpkit.ratelimit import Limiter

QUERIES: tuple[type, ...] = (
    *clients.QUERIES,
    *resellers.QUERIES,
    *partners.QUERIES,
    *accounts.QUERIES,
    *webhooks.QUERIES,
    *history.QUERIES,
)
MUTATIONS: tuple[type, ...] = (
    *clients.MUTATIONS,
    *resellers.MUTATIONS,
    *partners.MUTATIONS,
    *accounts.MUTATIONS,
    *webhooks.MUTATIONS,
)
SUBSCRIPTIONS: tuple[type, ...] = (*partners.SUBSCRIPTIONS, *history.SUBSCRIPTIONS)

# Types reachable only through an interface (``node(id:)``) must be listed explicitly.
EXTRA_TYPES: tuple[type, ...] = (
    *clients.EXTRA_TYPES,
    *resellers.EXTRA_TYPES,
    *partners.EXTRA_TYPES,
    *accounts.EXTRA_TYPES,
    *webhooks.EXTRA_TYPES,
)


def _merged(name: str, types: tuple[type, ...]) -> Any:
    return merge_types(name, types) if types else None


class Schema(strawberry.Schema):
    """Strawberry's schema, minus its own error logging: ``extensions.ErrorPolicy`` logs
    the unexpected errors (with the request id) and leaves expected ones alone."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        return None


def build_schema(
    config: GraphQLConfig | None = None,
    cost_limiter: Limiter | None = None,
    *,
    fast_leaves: bool = True,
    planner: bool = True,
    metrics: Metrics | None = None,
) -> strawberry.Schema:
    """The schema with the limits, masking and introspection policy of ``config``.

    ``fast_leaves`` reads plain scalar fields without a resolver call (see execution.py);
    off, execution is Strawberry's stock path (tests compare the two). ``planner`` runs
    supported queries from a plan (graphql_api/plan), the rest as ``fast_leaves`` says."""
    config = config or GraphQLConfig()
    execution: type[FastLeafExecutionContext] | None = None
    if planner:
        execution = PlannedExecutionContext
    elif fast_leaves:
        execution = FastLeafExecutionContext
    return Schema(
        query=merge_types("Query", QUERIES),
        mutation=_merged("Mutation", MUTATIONS),
        subscription=_merged("Subscription", SUBSCRIPTIONS),
        types=list(EXTRA_TYPES),
        extensions=schema_extensions(config, cost_limiter, metrics),
        execution_context_class=execution,
        config=StrawberryConfig(
            disable_field_suggestions=not config.introspection, scalar_map=SCALARS
        ),
    )


def schema_sdl() -> str:
    """The SDL written to ``schema.graphql`` by ``clientgate export-schema``."""
    return print_schema(build_schema()).rstrip("\n") + "\n"
