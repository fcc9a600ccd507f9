"""What a face hands the composition root: its routes and the dialect its paths answer errors
in (the rate limiter, the body limit and the unknown-path and unexpected-error handlers speak
it for the face)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.routing import BaseRoute

from httpkit.dialects import Dialect


@dataclass(frozen=True)
class Face:
    name: str
    routes: list[BaseRoute]
    dialects: tuple[Dialect, ...] = field(default=())
    body_limits: tuple[tuple[str, int], ...] = field(default=())
    """``(path prefix, bytes)``: bodies larger are refused (413) while they are read."""
    openapi: Mapping[str, Any] | None = field(default=None)
    """The face's OpenAPI 3.1 document (``httpkit.openapi``), served at
    ``/openapi/<name>.json`` and merged into ``/openapi.json``; None for a face described
    otherwise (GraphQL: its schema)."""
