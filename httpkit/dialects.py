"""Which error body a path speaks.

Each face hands the root a ``Dialect`` for its paths: how to say "error ``status``:
``message``" in its own body (Bsale's ``{"error": ...}``, BusinessPartner's ``{"code": N,
"error": ...}`` or its XML, GraphQL's ``{"errors": [...]}``). Whatever answers before or
around a face — the rate limiter, the body-size limit, the unknown-path and unexpected-error
handlers — looks the path up here, so every answer is in the dialect of its path.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import orjson
from starlette.responses import Response

Render = Callable[[int, str, str], tuple[bytes, str]]
"""``(status, message, accept header) -> (body, media type)``."""


def plain_error(status: int, message: str, accept: str) -> tuple[bytes, str]:
    """``{"error": message}``: Bsale's body, and the root's own paths'."""
    return orjson.dumps({"error": message}), "application/json"


@dataclass(frozen=True)
class Dialect:
    name: str
    prefixes: tuple[str, ...]
    render: Render

    def speaks_for(self, path: str) -> bool:
        return any(path == p.rstrip("/") or path.startswith(p) for p in self.prefixes)


PLAIN = Dialect("plain", ("/",), plain_error)


class Dialects:
    """The faces' dialects, looked up by path (the root's plain JSON for any other path)."""

    def __init__(self, dialects: Sequence[Dialect] = ()) -> None:
        self._dialects = tuple(dialects)

    def for_path(self, path: str) -> Dialect:
        for dialect in self._dialects:
            if dialect.speaks_for(path):
                return dialect
        return PLAIN

    def body(self, path: str, status: int, message: str, accept: str = "") -> tuple[bytes, str]:
        return self.for_path(path).render(status, message, accept)

    def response(
        self,
        path: str,
        status: int,
        message: str,
        accept: str = "",
        headers: dict[str, str] | None = None,
    ) -> Response:
        body, media_type = self.body(path, status, message, accept)
        return Response(body, status, headers, media_type=media_type)
