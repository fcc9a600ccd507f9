"""GraphQL over HTTP's two response media types (graphql-over-http draft, "Body" and
"Status Codes").

A client that names ``application/graphql-response+json`` in ``Accept`` gets that media type
and the draft's status codes: a request error (no execution started: a missing or malformed
request, a parse or validation error, bad variables, no credential, a refused cost) has no
``data`` entry and a 4xx status; once execution started the answer is 200, field errors or
not. Every other client keeps the ``application/json`` behaviour: 200 for any GraphQL answer.
The database being unavailable stays a 503 with ``Retry-After`` in both (the client should
retry, whatever it parses).
"""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"

# Set per HTTP request by the view; the response is built deep inside Strawberry.
wants_graphql_response: ContextVar[bool] = ContextVar("wants_graphql_response", default=False)

# A request error's status by its code; any other request error is a 400.
_REQUEST_ERROR_STATUS = {"UNAUTHENTICATED": 401, "THROTTLED": 429, "SERVICE_UNAVAILABLE": 503}


def accepts_graphql_response(accept: str) -> bool:
    """Whether ``Accept`` names ``application/graphql-response+json`` with a non-zero q."""
    for item in accept.lower().split(","):
        media_type, *params = (part.strip() for part in item.split(";"))
        if media_type != GRAPHQL_RESPONSE:
            continue
        for param in params:
            name, _, value = param.partition("=")
            if name.strip() == "q":
                try:
                    return float(value) > 0
                except ValueError:
                    return False
        return True
    return False


def is_request_error(data: Mapping[str, object]) -> bool:
    """An answer without execution: no data, and no error that has a path (field errors
    always have one)."""
    errors = data.get("errors")
    if data.get("data") is not None or not isinstance(errors, list) or not errors:
        return False
    return all(isinstance(e, dict) and e.get("path") is None for e in errors)


def request_error_status(data: Mapping[str, object]) -> int:
    errors = data.get("errors")
    assert isinstance(errors, list)
    for error in errors:
        extensions = error.get("extensions") or {}
        status = _REQUEST_ERROR_STATUS.get(str(extensions.get("code")))
        if status is not None:
            return status
    return 400
