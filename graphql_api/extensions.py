"""Schema extensions: query limits, error masking, introspection policy."""

from __future__ import annotations

from strawberry.extensions import (
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

from clientgate.settings import Settings


def schema_extensions(settings: Settings) -> list[SchemaExtension | type[SchemaExtension]]:
    """Extensions for ``settings``; order matters only for readability."""
    return [
        QueryDepthLimiter(max_depth=settings.graphql_max_depth),
        MaxAliasesLimiter(max_alias_count=settings.graphql_max_aliases),
        MaxTokensLimiter(max_token_count=settings.graphql_max_tokens),
    ]
