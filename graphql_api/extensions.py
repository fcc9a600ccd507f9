"""Schema extensions: query limits, error policy (codes, logging, masking), introspection.

Extensions are given to Strawberry as factories, so each request gets fresh instances.
Validation rules are built once, which keeps them hashable-stable for the validation cache.
"""

from __future__ import annotations

import asyncio
import re
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Iterator
from functools import partial
from typing import Any

from graphql import (
    ASTValidationRule,
    GraphQLError,
    NoSchemaIntrospectionCustomRule,
    OperationDefinitionNode,
)
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    SchemaExtension,
)
from strawberry.schema.exceptions import CannotGetOperationTypeError
from strawberry.schema.schema import validate_document

from core.shared.errors import DomainError, InvalidInput, ServiceUnavailable
from graphql_api.config import GraphQLConfig
from graphql_api.errors import field_path
from graphql_api.limits import limits_rule
from graphql_api.throttle import CostLimit
from httpkit.logging import log, request_id
from httpkit.metrics import Metrics
from httpkit.ratelimit import Limiter

MASKED_MESSAGE = "Unexpected error."
_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")
_BAD_VARIABLE = re.compile(
    r"^(?P<head>Variable '\$[^']+' (?:has|got) invalid value(?: at \S+)?)(?::|;) (?P<reason>.*)$",
    re.S,
)
_ENUM_MISS = re.compile(r"^Value '.*' does not exist in '(?P<enum>[^']+)' enum\.?$", re.S)


def without_values(message: str) -> str:
    """A variable coercion error without the value it was given: graphql-core echoes the value
    (``... value: {'password': 'x'}``, ``Value 'x' does not exist in 'E' enum``, ``found:
    {...}``), which may carry a password or token. The variable, the path inside it and the
    kind of problem stay: ``Variable '$i' has invalid value at [0].externalOsePassword: String
    cannot represent a non string value.``"""
    found = _BAD_VARIABLE.match(message)
    if found is None:
        return message
    reason = re.split(r",? found: |: ", found["reason"], maxsplit=1)[0].rstrip(".")
    enum = _ENUM_MISS.match(reason)
    if enum is not None:
        reason = f"not a value of the '{enum['enum']}' enum"
    return f"{found['head']}: {reason}."


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
        if (error.extensions or {}).get("code") == "SERVICE_UNAVAILABLE":
            return error  # already processed (the view runs the policy once more)
        if isinstance(original, ServiceUnavailable):
            log.warning("service_unavailable", reason=original.reason, path=error.path)
            return self._copy(
                error,
                f"Service temporarily unavailable ({original.reason}); retry later.",
                {"code": "SERVICE_UNAVAILABLE", "retryAfter": original.retry_after},
            )
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
            message = without_values(error.message)
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
            extensions={"code": "INTERNAL_SERVER_ERROR", "requestId": request_id()},
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


class RequireCaller(SchemaExtension):
    """Every operation needs a valid credential, checked before the document is parsed or
    validated: an anonymous request costs one header lookup, whatever document it sends.
    The failure is answered as a GraphQL error with ``extensions.code = UNAUTHENTICATED``."""

    async def on_operation(self) -> AsyncIterator[None]:
        await self.execution_context.context.principal()
        yield


class AmbiguousOperation(CannotGetOperationTypeError):
    """Several operations and no ``operationName``: the spec says this is an error (Strawberry
    would run the first). Answered like an unknown operation name: HTTP 400."""

    def __init__(self) -> None:
        super().__init__(None)

    def as_http_error_reason(self) -> str:
        return "Must provide operation name if query contains multiple operations."


class SingleOperation(SchemaExtension):
    """Refuses a document of several operations sent without ``operationName``."""

    def on_parse(self) -> Iterator[None]:
        yield
        context = self.execution_context
        document = context.graphql_document
        # ``operation_name`` falls back to the first operation's name; what the caller sent is
        # kept apart (a test pins this, should Strawberry rename it).
        provided = getattr(context, "_provided_operation_name", None)
        if provided is None and document is not None:
            operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
            if len(operations) > 1:
                raise AmbiguousOperation


class ValidationOffLoop(SchemaExtension):
    """Validates a document not seen before in a worker thread, so one large document does
    not stall every other request on the event loop; validated documents are remembered by
    their text (bounded LRU), so a repeated document costs a dictionary lookup."""

    def __init__(self, cache: OrderedDict[str, list[GraphQLError]], maxsize: int) -> None:
        self._cache = cache
        self._maxsize = maxsize

    async def on_validate(self) -> AsyncIterator[None]:
        context = self.execution_context
        key = context.query
        errors = self._cache.get(key) if key is not None else None
        if errors is None:
            document = context.graphql_document
            assert document is not None
            errors = await asyncio.to_thread(
                validate_document, context.schema._schema, document, context.validation_rules
            )
            if key is not None:
                self._cache[key] = errors
                if len(self._cache) > self._maxsize:
                    self._cache.popitem(last=False)
        elif key is not None:
            self._cache.move_to_end(key)
        context.pre_execution_errors = errors
        yield


def schema_extensions(
    config: GraphQLConfig, cost_limiter: Limiter | None = None, metrics: Metrics | None = None
) -> list[Callable[[], SchemaExtension]]:
    """Extension factories for ``config``; ``cost_limiter`` keeps each caller's points;
    ``metrics`` counts operations by name and cost."""
    rules: list[type[ASTValidationRule]] = [
        limits_rule(max_depth=config.max_depth, max_aliases=config.max_aliases)
    ]
    if not config.introspection:
        rules.append(NoSchemaIntrospectionCustomRule)
    validated: OrderedDict[str, list[GraphQLError]] = OrderedDict()
    return [
        RequireCaller,
        partial(MaxTokensLimiter, max_token_count=config.max_tokens),
        partial(AddValidationRules, rules),
        partial(ParserCache, maxsize=512),
        SingleOperation,
        partial(ValidationOffLoop, validated, 512),
        partial(CostLimit, config, cost_limiter, metrics),
        partial(
            ErrorPolicy,
            debug=config.debug,
            hide_suggestions=not config.introspection,
        ),
    ]
