"""Every HTTP route of the real application, read from ``create_app``'s routing table (mounted
sub-applications included), so a route added tomorrow is fuzzed without touching this folder."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote

from starlette.routing import BaseRoute, Mount, Route

_PARAM = re.compile(r"{([a-zA-Z_][a-zA-Z0-9_]*)(?::([a-zA-Z_][a-zA-Z0-9_]*))?}")


@dataclass(frozen=True)
class Endpoint:
    method: str
    template: str
    """The path as the routing table writes it, e.g. ``/v1/clients/{client_id:int}.json``."""

    @property
    def params(self) -> list[tuple[str, str]]:
        """``(name, convertor)`` of each path parameter, in order."""
        return [(m[1], m[2] or "str") for m in _PARAM.finditer(self.template)]

    def path(self, values: dict[str, str]) -> str:
        """The template with each parameter percent-encoded (``path`` ones keep ``/``)."""

        def fill(match: re.Match[str]) -> str:
            safe = "/" if match[2] == "path" else ""
            return quote(values[match[1]], safe=safe)

        return _PARAM.sub(fill, self.template)

    @property
    def id(self) -> str:
        return f"{self.method} {self.template}"


def _walk(routes: list[BaseRoute], prefix: str = "") -> Iterator[tuple[str, Route]]:
    for route in routes:
        if isinstance(route, Mount):
            yield from _walk(list(route.routes), prefix + route.path)
        elif isinstance(route, Route):
            yield prefix + route.path, route


def endpoints(routes: list[BaseRoute]) -> list[Endpoint]:
    """One ``Endpoint`` per path and method, DELETEs last (HEAD, which Starlette adds to GET,
    is sent by the wrong-method test instead)."""
    found: dict[str, Endpoint] = {}
    for template, route in _walk(routes):
        for method in sorted(route.methods or ()):
            if method != "HEAD":
                endpoint = Endpoint(method, template)
                found.setdefault(endpoint.id, endpoint)
    # DELETE last, so the world's rows are still there for the other methods of a path.
    return sorted(found.values(), key=lambda e: e.method == "DELETE")
