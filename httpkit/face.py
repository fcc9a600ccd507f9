"""What a face hands the composition root: its routes and the dialect its paths answer errors
in (the rate limiter, the body limit and the unknown-path and unexpected-error handlers speak
it for the face)."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.routing import BaseRoute

from httpkit.dialects import Dialect


@dataclass(frozen=True)
class Face:
    name: str
    routes: list[BaseRoute]
    dialects: tuple[Dialect, ...] = field(default=())
    body_limits: tuple[tuple[str, int], ...] = field(default=())
    """``(path prefix, bytes)``: bodies larger are refused (413) while they are read."""
