"""Domain exceptions → the reseller dialect's error body ``{"error": "<message>"}`` (plus
``errors``, one per bad item, on 422). Registered on the ``/resellers`` sub-application by
exception class, so the route stays free of try/except."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ExceptionHandler

from core.resellers.errors import BatchInvalid, BatchTooLarge, EmptyBatch
from core.shared.errors import AuthenticationFailed, Conflict, DomainError, PermissionDenied
from httpkit.json import JSONResponse, MalformedBody


def error(message: str, status: int, **extra: Any) -> Response:
    return JSONResponse({"error": message, **extra}, status_code=status)


def _status(status: int) -> ExceptionHandler:
    """A handler answering the exception's message with ``status``."""

    async def handle(_: Request, exc: Exception) -> Response:
        assert isinstance(exc, DomainError)
        return error(exc.message, status)

    return handle


async def empty_batch(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, EmptyBatch)
    return error(exc.message, 422, errors=[])


async def batch_invalid(_: Request, exc: Exception) -> Response:
    assert isinstance(exc, BatchInvalid)
    items = [
        {"index": e.index, "ruc": e.ruc, "field": e.field, "message": e.message} for e in exc.errors
    ]
    return error(exc.message, 422, errors=items)


EXCEPTION_HANDLERS: Mapping[Any, ExceptionHandler] = {
    AuthenticationFailed: _status(401),
    PermissionDenied: _status(403),
    MalformedBody: _status(400),
    BatchTooLarge: _status(413),
    EmptyBatch: empty_batch,
    BatchInvalid: batch_invalid,
    Conflict: _status(409),
}
