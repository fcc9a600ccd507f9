"""CORS for the paths frontends call from other origins: Starlette's CORSMiddleware, applied
to the configured path prefixes only (``/graphql`` by default), with no cookies: browsers send
the token in ``Authorization`` or ``access_token``."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

ALLOWED_HEADERS = ("authorization", "access_token", "content-type", "idempotency-key", "accept")


class PathCORS:
    """``CORSMiddleware`` for requests whose path starts with one of ``prefixes``."""

    def __init__(self, app: ASGIApp, origins: Sequence[str], prefixes: Sequence[str]) -> None:
        self.app = app
        self.prefixes = tuple(prefixes)
        self.cors = CORSMiddleware(
            app,
            allow_origins=list(origins),
            allow_methods=["GET", "POST", "PUT", "DELETE", "OPTIONS"],
            allow_headers=list(ALLOWED_HEADERS),
            expose_headers=[
                "x-request-id",
                "retry-after",
                "x-ratelimit-remaining",
                "idempotent-replayed",
            ],
            allow_credentials=False,
            max_age=600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(self.prefixes):
            await self.cors(scope, receive, send)
            return
        await self.app(scope, receive, send)
