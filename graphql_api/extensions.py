"""Schema extensions: query limits, error policy (codes, logging, masking), introspection.

Extensions are given to Strawberry as factories, so each request gets fresh instances.
Validation rules are built once, which keeps them hashable-stable for the validation cache.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any

import structlog
from graphql import GraphQLError, NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)

from clientgate.logging import log
from clientgate.settings import Settings
from core.shared.errors import DomainError, InvalidInput
from graphql_api.errors import field_path

MASKED_MESSAGE = "Unexpected error."
_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


def _request_id() -> str | None:
    value = structlog.contextvars.get_contextvars().get("request_id")
    return str(value) if value else None


def expected(error: GraphQLError) -> bool:
    """Errors whose message is meant for the caller: domain errors and GraphQL's own
    parse/validation/coercion errors. Everything else is a bug and gets masked."""
    original = error.original_error
    return original is None or isinstance(original, DomainError | GraphQLError)


class ErrorPolicy(SchemaExtension):
    """Gives every error an ``extensions.code``; logs unexpected ones with the request id
    and, outside debug, replaces them with a generic message; strips "Did you mean"
    suggestions when introspection is off (they would leak the schema)."""

    def __init__(self, *, debug: bool, hide_suggestions: bool) -> None:
        self.debug = debug
        self.hide_suggestions = hide_suggestions

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is not None and result.errors:
            result.errors = [self.process(e) for e in result.errors]

    def process(self, error: GraphQLError) -> GraphQLError:
        original = error.original_error
        if isinstance(original, DomainError):
            extensions: dict[str, Any] = {**(error.extensions or {}), "code": original.code}
            if isinstance(original, InvalidInput):
                extensions["fields"] = [
                    {"field": field_path(e.field, root=""), "message": e.message, "code": e.code}
                    for e in original.errors
                ]
            return self._copy(error, error.message, extensions)
        if expected(error):
            extensions = dict(error.extensions or {})
            if "code" not in extensions:
                if error.message.startswith("Syntax Error"):
                    extensions["code"] = "GRAPHQL_PARSE_FAILED"
                elif error.path is None:
                    extensions["code"] = "GRAPHQL_VALIDATION_FAILED"
            message = error.message
            if self.hide_suggestions:
                message = _SUGGESTION.sub("", message)
            return self._copy(error, message, extensions)
        log.error(
            "graphql.unexpected_error",
            path=list(error.path or []),
            exc_info=(type(original), original, original.__traceback__) if original else None,
        )
        if self.debug:
            return error
        return GraphQLError(
            MASKED_MESSAGE,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": _request_id()},
        )

    @staticmethod
    def _copy(error: GraphQLError, message: str, extensions: dict[str, Any]) -> GraphQLError:
        return GraphQLError(
            message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            original_error=error.original_error,
            extensions=extensions or None,
        )


def schema_extensions(settings: Settings) -> list[Callable[[], SchemaExtension]]:
    """Extension factories for ``settings``."""
    rules = [
        *QueryDepthLimiter(max_depth=settings.graphql_max_depth).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.graphql_max_aliases).validation_rules,
    ]
    if not settings.graphql_introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    return [
        partial(MaxTokensLimiter, max_token_count=settings.graphql_max_tokens),
        partial(AddValidationRules, rules),
        partial(ParserCache, maxsize=512),
        partial(ValidationCache, maxsize=512),
        partial(
            ErrorPolicy,
            debug=settings.debug,
            hide_suggestions=not settings.graphql_introspection,
        ),
    ]
