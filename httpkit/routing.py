"""Whether the application has a route for a request: its path *and* its method (through
mounted sub-applications), without running it. Middleware that acts only on requests a route
will serve asks here, so a wrong method still gets the router's 405."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.routing import BaseRoute, Match, Mount
from starlette.types import Scope


def routed(routes: Sequence[BaseRoute], scope: Scope) -> bool:
    """True when one of ``routes`` fully matches ``scope`` (method included)."""
    for route in routes:
        match, child = route.matches(scope)
        if match is not Match.FULL:
            continue
        if isinstance(route, Mount) and route.routes:
            if routed(route.routes, {**scope, **child}):
                return True
            continue
        return True
    return False
