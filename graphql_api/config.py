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
