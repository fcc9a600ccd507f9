"""Domain exceptions → Bsale's error body ``{"error": "<message>"}``.

Registered on the ``/v1`` sub-application by exception class, so handlers stay free of
try/except and a new domain error only needs a line here.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from core.shared.errors import (
    AuthenticationFailed,
    Conflict,
    DomainError,
    FieldError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    ServiceUnavailable,
)
from httpkit.guard import unavailable
from httpkit.json import JSONResponse, MalformedBody
from httpkit.logging import log
from httpkit.logging import request_id as current_request_id
from rest_compat.bsale.bodies import camel
from rest_compat.bsale.serializers import Flavour


def _error(message: str, status: int, headers: Mapping[str, str] | None = None) -> Response:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


class FlavouredInvalidInput(InvalidInput):
    """Invalid input met while serving a caller, with the flavour its field names are worded
    in (the routes raise it for every ``InvalidInput`` once the caller is known)."""

    def __init__(self, errors: list[FieldError], flavour: Flavour) -> None:
        super().__init__(errors)
        self.flavour = flavour


def _worded(exc: InvalidInput, flavour: Flavour) -> Response:
    message = "; ".join(f"{camel(e.field, flavour.value)}: {e.message}" for e in exc.errors)
    return _error(message, 400)


async def invalid_input(_: Request, exc: Exception) -> Response:
    """Before the caller is known there is no flavour: Bsale's own ``district``."""
    assert isinstance(exc, InvalidInput)
    return _worded(exc, Flavour.DISTRICT)


async def flavoured_invalid_input(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, FlavouredInvalidInput)
    return _worded(exc, exc.flavour)


async def not_found(_: Request, exc: Exception) -> Response:
    # The same words whether the row is missing or another tenant's.
    assert isinstance(exc, NotFound)
    return _error(exc.message, 404)


async def unauthenticated(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, AuthenticationFailed)
    return _error(exc.message, 401, {"WWW-Authenticate": 'Bearer realm="clientgate"'})


async def forbidden(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, PermissionDenied)
    return _error(exc.message, 403)


async def conflict(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, Conflict)
    return _error(exc.message, 409)


async def malformed(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, MalformedBody)
    return _error(exc.message, 400)


async def domain_error(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    return _error(exc.message, 400)


async def http_error(_: Request, exc: Exception) -> Response:
    """Unknown paths (404) and wrong methods (405, with ``Allow``) in the dialect's body."""
    assert isinstance(exc, HTTPException)
    message = {404: "not found", 405: "method not allowed"}.get(exc.status_code, exc.detail)
    return _error(message, exc.status_code, exc.headers)


async def busy(_: Request, exc: Exception) -> Response:
    """The database could not serve in time: 503 with Retry-After."""
    assert isinstance(exc, ServiceUnavailable)
    message, headers = unavailable(exc)
    return _error(message, 503, headers)


async def unexpected(request: Request, exc: Exception) -> Response:
    """Anything else: logged with the request id (never the body), answered masked."""
    request_id = current_request_id()
    log.error(
        "bsale.unhandled",
        request_id=request_id,
        method=request.method,
        path=request.url.path,
        error=type(exc).__name__,
        exc_info=exc,
    )
    return JSONResponse({"error": "internal error", "requestId": request_id}, status_code=500)


EXCEPTION_HANDLERS = {
    FlavouredInvalidInput: flavoured_invalid_input,
    InvalidInput: invalid_input,
    NotFound: not_found,
    AuthenticationFailed: unauthenticated,
    PermissionDenied: forbidden,
    Conflict: conflict,
    MalformedBody: malformed,
    DomainError: domain_error,
    HTTPException: http_error,
    ServiceUnavailable: busy,
    Exception: unexpected,
}
