"""Structured logs (structlog) with a request id on every line. Headers and bodies are never
logged: they carry tokens and passwords."""

from __future__ import annotations

import logging
import os
import re
import sys
import time
from collections.abc import MutableMapping
from contextvars import ContextVar
from typing import Any

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


_request_id: ContextVar[str | None] = ContextVar("clientgate_request_id", default=None)
"""The request being served. A context variable of its own, set once per request: structlog's
``clear_contextvars``/``bind_contextvars`` copied and walked the whole context on every
request to do the same."""


def add_request_id(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """structlog processor: the request id on every line logged while serving a request."""
    value = _request_id.get()
    if value is not None:
        event.setdefault("request_id", value)
    return event


_min_level = logging.NOTSET
"""The level ``configure_logging`` set: the access line is not even built below it (the
filtering logger would drop it, after binding a logger for it on every request)."""


def configure_logging(level: str = "INFO", json: bool = False) -> None:
    global _min_level
    _min_level = logging.getLevelName(level)
    renderer = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            add_request_id,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        # Look sys.stderr up per call: whoever swaps it (a test runner, a daemon) is followed.
        logger_factory=lambda *_: structlog.PrintLogger(sys.stderr),
        cache_logger_on_first_use=False,
    )


log = structlog.get_logger("clientgate")


def request_id() -> str | None:
    """The id of the request being served (set by RequestContextMiddleware), if any."""
    return _request_id.get()


class RequestContextMiddleware:
    """Gives each request an id (``X-Request-ID``, taken from the caller when well formed),
    binds it to the log context and logs one access line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        incoming = ""
        for key, value in scope.get("headers") or ():
            if key == b"x-request-id":
                incoming = value.decode("latin-1")  # the last one, as dict() of them kept
        # 32 random hex digits, as uuid4().hex gave, without building a UUID per request.
        request_id = incoming if _REQUEST_ID.match(incoming) else os.urandom(16).hex()
        scope.setdefault("state", {})["request_id"] = request_id
        _request_id.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            if scope["type"] == "http" and _min_level <= logging.INFO:
                log.info(
                    "request",
                    method=scope["method"],
                    path=scope["path"],
                    status=status,
                    ms=round((time.perf_counter() - started) * 1000, 2),
                )
