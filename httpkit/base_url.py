"""The request's base URL (``str(request.base_url)`` without its trailing ``/``), remembered
per (scheme, server, Host, root path): building a Starlette ``URL`` costs more per request
than the short reads most requests make. Bounded: the Host header is the caller's."""

from __future__ import annotations

import functools

from starlette.datastructures import URL
from starlette.requests import HTTPConnection


def base_url(conn: HTTPConnection) -> str:
    scope = conn.scope
    host = None
    for key, value in scope["headers"]:
        if key == b"host":
            host = value
            break
    server = scope.get("server")
    root = scope.get("app_root_path", scope.get("root_path", ""))
    return _base(scope.get("scheme", "http"), tuple(server) if server else None, host, root)


@functools.lru_cache(maxsize=256)
def _base(scheme: str, server: tuple[str, int] | None, host: bytes | None, root: str) -> str:
    scope = {
        "type": "http",
        "scheme": scheme,
        "server": server,
        "path": root if root.endswith("/") else root + "/",
        "query_string": b"",
        "headers": [] if host is None else [(b"host", host)],
    }
    return str(URL(scope=scope)).rstrip("/")
