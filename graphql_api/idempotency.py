"""What ``Idempotency-Key`` means on ``POST /graphql`` (httpkit/idempotency.py does the rest):
the key applies to mutations only (a query with the header simply runs), and an answer is kept
only when the mutation succeeded: no top-level ``errors`` and no non-empty ``userErrors`` in any
mutation payload (a refused mutation keeps nothing, so a corrected retry with the same key
runs)."""

from __future__ import annotations

from typing import Any

import orjson
from graphql import GraphQLError, OperationDefinitionNode, OperationType, parse


class MutationRequests:
    """Tells mutation requests from the rest, reading at most ``max_tokens`` of a document (the
    schema's own limit), so a key cannot buy a costlier parse than the operation itself."""

    def __init__(self, max_tokens: int) -> None:
        self.max_tokens = max_tokens

    def __call__(self, body: bytes) -> bool:
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError:
            return False  # the GraphQL face answers the malformed body
        items = data if isinstance(data, list) else [data]
        return any(isinstance(item, dict) and self._is_mutation(item) for item in items)

    def _is_mutation(self, request: dict[str, Any]) -> bool:
        query, name = request.get("query"), request.get("operationName")
        if not isinstance(query, str):
            return False
        try:
            document = parse(query, no_location=True, max_tokens=self.max_tokens)
        except GraphQLError:
            return False  # answered as a syntax error; nothing runs
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        if isinstance(name, str):
            operations = [o for o in operations if o.name is not None and o.name.value == name]
        # Without a name, a document with several operations is refused by the face.
        return len(operations) == 1 and operations[0].operation is OperationType.MUTATION


def mutation_succeeded(status: int, body: bytes) -> bool:
    """Whether a mutation's answer is kept for replays."""
    if not 200 <= status < 300:
        return False
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return False
    items = data if isinstance(data, list) else [data]
    return all(isinstance(item, dict) and _succeeded(item) for item in items)


def _succeeded(result: dict[str, Any]) -> bool:
    if result.get("errors") or not isinstance(result.get("data"), dict):
        return False
    return not any(
        isinstance(payload, dict) and payload.get("userErrors")
        for payload in result["data"].values()
    )
