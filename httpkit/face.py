"""What a face hands the composition root: its routes and how it refuses an over-budget
request (the rate limiter answers 429 in the face's own dialect)."""

from __future__ import annotations

from dataclasses import dataclass, field

from starlette.routing import BaseRoute

from httpkit.ratelimit import Refusal


@dataclass(frozen=True)
class Face:
    name: str
    routes: list[BaseRoute]
    refusals: tuple[Refusal, ...] = field(default=())
