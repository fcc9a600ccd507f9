"""``GET /metrics``: the Prometheus text exposition, served as ``CLIENTGATE_METRICS`` says —
not at all (no route: the root's 404), to anyone, or only with
``Authorization: Bearer <CLIENTGATE_METRICS_TOKEN>`` (compared in constant time)."""

from __future__ import annotations

import hmac

from prometheus_client import CONTENT_TYPE_LATEST
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from httpkit.json import JSONResponse
from httpkit.metrics import Metrics, MetricsMode

METRICS_PATH = "/metrics"
REFUSED = "a Bearer token (CLIENTGATE_METRICS_TOKEN) is required to read the metrics"


def scrape_allowed(request: Request, token: str | None) -> bool:
    """Whether the request carries the metrics token. Without a configured token, nobody."""
    scheme, _, presented = request.headers.get("authorization", "").partition(" ")
    if not token or scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(presented.strip().encode(), token.encode())


def metrics_routes(metrics: Metrics, mode: MetricsMode, token: str | None) -> list[Route]:
    if mode is MetricsMode.OFF:
        return []

    async def endpoint(request: Request) -> Response:
        if mode is MetricsMode.TOKEN and not scrape_allowed(request, token):
            return JSONResponse(
                {"error": REFUSED}, status_code=401, headers={"WWW-Authenticate": "Bearer"}
            )
        return Response(await metrics.scrape(), media_type=CONTENT_TYPE_LATEST)

    return [Route(METRICS_PATH, endpoint, methods=["GET"])]
