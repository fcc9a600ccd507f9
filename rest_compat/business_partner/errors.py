"""Exceptions → the dialect's error body ``{"code": N, "error": "<message>"}`` (JSON, or the
``<export>`` XML when asked for), keyed by class: the most specific handler wins.

Unexpected exceptions are logged (with the request id the logging middleware bound) and
answered as a masked 500, without re-raising: the answer is the dialect's, and the log line
is the record.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.exceptions import ExceptionMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp

from core.partners.errors import FieldRefused
from core.shared.errors import (
    AuthenticationFailed,
    Conflict,
    DomainError,
    InvalidInput,
    NotFound,
    ServiceUnavailable,
)
from httpkit.guard import unavailable
from httpkit.json import MalformedBody
from httpkit.logging import log
from rest_compat.business_partner.render import error

Handler = Callable[[Request, Exception], Any]


def _answer(status: int, message: Callable[[Any], str]) -> Handler:
    async def handle(request: Request, exc: Exception) -> Response:
        return error(request, status, message(exc))

    return handle


def _invalid_input(exc: InvalidInput) -> str:
    return "; ".join(f"Parameter {e.field} {e.message}" for e in exc.errors)


async def http_error(request: Request, exc: Exception) -> Response:
    """Unknown paths (404) and wrong methods (405, with ``Allow``) under the dialect."""
    assert isinstance(exc, HTTPException)
    message = {404: "Not Found.", 405: "Method Not Allowed."}.get(exc.status_code, exc.detail)
    response = error(request, exc.status_code, message)
    if exc.headers:
        response.headers.update(exc.headers)
    return response


async def busy(request: Request, exc: Exception) -> Response:
    """The database could not serve in time: 503 with Retry-After."""
    assert isinstance(exc, ServiceUnavailable)
    message, headers = unavailable(exc)
    response = error(request, 503, message)
    response.headers.update(headers)
    return response


async def unexpected(request: Request, exc: Exception) -> Response:
    log.error(
        "business partner request failed",
        path=request.url.path,
        error=type(exc).__name__,
        exc_info=exc,
    )
    return error(request, 500, "Internal server error.")


EXCEPTION_HANDLERS: Mapping[Any, Handler] = {
    AuthenticationFailed: _answer(401, lambda _: "Unauthorized."),
    MalformedBody: _answer(400, lambda e: f"Invalid business partner data format, {e.message}"),
    FieldRefused: _answer(400, lambda e: f"Parameter {e.field} {e.reason}"),
    InvalidInput: _answer(400, _invalid_input),
    # Another tenant's row reads exactly like a missing one.
    NotFound: _answer(404, lambda e: f"No entity found for {e.entity} with {e.ident}."),
    Conflict: _answer(409, lambda e: e.message),
    DomainError: _answer(400, lambda e: e.message),
    HTTPException: http_error,
    ServiceUnavailable: busy,
}
LAST_RESORT: Mapping[Any, Handler] = {Exception: unexpected}


def last_resort() -> Middleware:
    """For a Starlette app of the dialect: answers what no handler of ``EXCEPTION_HANDLERS``
    took (inside the app's own server-error middleware, which would re-raise)."""
    return Middleware(ExceptionMiddleware, handlers=LAST_RESORT)


def handled(app: ASGIApp) -> ASGIApp:
    """``app`` (a route outside the dialect's sub-application) answering in the dialect."""
    return ExceptionMiddleware(app, handlers={**EXCEPTION_HANDLERS, **LAST_RESORT})
