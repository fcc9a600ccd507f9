"""What stands around every face: bodies bounded while they are read, and every failure that
escapes a face answered in the dialect of its path.

- ``BodyLimit`` refuses a body larger than its path's limit with 413, from ``Content-Length``
  before anything is read, or while a chunked body streams in: a body is never buffered whole
  before its size is known.
- ``ErrorBoundary`` answers what escapes a face: ``ServiceUnavailable`` (the database could not
  serve in time) as 503 with ``Retry-After``; anything else as a logged, masked 500. Both in
  the path's dialect and with the request id; the connection stays usable.
- ``not_found`` / ``method_not_allowed`` are the root's handlers for paths and methods no
  route knows, in the dialect of the path.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.exceptions import HTTPException
from starlette.requests import HTTPConnection, Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.shared.errors import ServiceUnavailable
from httpkit.dialects import Dialects
from httpkit.logging import log

INTERNAL = "Internal server error."


def unavailable(exc: ServiceUnavailable) -> tuple[str, dict[str, str]]:
    """The message and headers of a 503 for ``exc``, the same in every dialect."""
    message = f"Service temporarily unavailable ({exc.reason}); retry later."
    return message, {"Retry-After": str(exc.retry_after)}


class BodyTooLarge(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"the body is larger than {limit} bytes")
        self.limit = limit


async def _answer(
    send: Send,
    dialects: Dialects,
    scope: Scope,
    status: int,
    message: str,
    headers: dict[str, str] | None = None,
) -> None:
    accept = HTTPConnection(scope).headers.get("accept", "")
    response = dialects.response(scope["path"], status, message, accept, headers)
    await response(scope, _no_receive, send)


async def _no_receive() -> Message:  # the answers above read nothing
    return {"type": "http.disconnect"}


class BodyLimit:
    """413 for a body over its path's limit (the first matching prefix, else ``default``)."""

    def __init__(
        self,
        app: ASGIApp,
        dialects: Dialects,
        default: int,
        limits: Sequence[tuple[str, int]] = (),
    ) -> None:
        self.app = app
        self.dialects = dialects
        self.default = default
        self.limits = tuple(limits)

    def limit_for(self, path: str) -> int:
        for prefix, limit in self.limits:
            if path.startswith(prefix):
                return limit
        return self.default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length: str | None = None
        chunked = False
        for key, value in scope["headers"]:
            if key == b"content-length":
                length = value.decode("latin-1")
            elif key == b"transfer-encoding":
                chunked = True
        if length is None and not chunked:
            # HTTP/1.1 frames a request body by one of these two headers: without either
            # there is none (most GETs), and nothing is left to bound.
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        if length is not None and length.isascii() and length.isdigit() and int(length) > limit:
            await _answer(send, self.dialects, scope, 413, str(BodyTooLarge(limit)))
            return
        seen = 0

        async def bounded() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise BodyTooLarge(limit)
            return message

        await self.app(scope, bounded, send)


class ErrorBoundary:
    """Answers, in the path's dialect, what a face let escape (see the module's docstring)."""

    def __init__(self, app: ASGIApp, dialects: Dialects) -> None:
        self.app = app
        self.dialects = dialects

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watching(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watching)
        except BodyTooLarge as exc:
            if not started:
                await _answer(send, self.dialects, scope, 413, str(exc))
        except ServiceUnavailable as exc:
            log.warning("service_unavailable", reason=exc.reason, path=scope["path"])
            if not started:
                message, headers = unavailable(exc)
                await _answer(send, self.dialects, scope, 503, message, headers)
        except Exception:
            log.exception("unhandled_error", path=scope["path"])
            if not started:
                await _answer(send, self.dialects, scope, 500, INTERNAL)


def not_found(dialects: Dialects) -> dict[int, object]:
    """The root's 404 and 405 handlers, in the dialect of the path."""

    async def handle(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        accept = request.headers.get("accept", "")
        message = {404: "Not found.", 405: "Method not allowed."}.get(exc.status_code, exc.detail)
        headers = dict(exc.headers) if exc.headers else None
        return dialects.response(request.url.path, exc.status_code, message, accept, headers)

    return {404: handle, 405: handle}
