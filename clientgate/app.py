"""``create_app()``: one Starlette application serving every face on the same services."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from clientgate.container import Services, build_services
from clientgate.logging import RequestContextMiddleware, configure_logging, log
from clientgate.ratelimit import RateLimitMiddleware
from clientgate.settings import Settings
from clientgate.web import JSONResponse, auth_routes, health_routes
from core.storage.migrate import migrate

# Each face contributes routes built on the shared services. A face is a function
# ``(services) -> list[BaseRoute]``; its sub-application carries its own error handlers.
FaceFactory = Callable[[Services], list[BaseRoute]]


def _faces() -> list[FaceFactory]:
    from graphql_api.app import graphql_routes
    from rest_compat import business_partner, resellers
    from rest_compat.bsale import bsale_face

    return [graphql_routes, resellers.routes, bsale_face, business_partner.routes]


def create_app(settings: Settings | None = None, services: Services | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    configure_logging(settings.log_level, settings.log_json)
    services = services or build_services(settings)

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        if settings.migrate_on_start:
            await migrate(services.engine)
        log.info("started", database=services.engine.url.get_backend_name())
        worker_task = None
        if settings.worker_in_serve:
            # The BusinessPartner queue worker runs beside the server unless disabled.
            from clientgate.worker import Worker

            worker = Worker(services, name="serve")
            worker_task = asyncio.create_task(worker.run())
        try:
            yield
        finally:
            if worker_task is not None:
                worker.stop()
                await worker_task
            await services.close()

    async def index(request: Request) -> Response:
        base = str(request.base_url).rstrip("/")
        return JSONResponse(
            {
                "name": "clientgate",
                "graphql": f"{base}/graphql",
                "bsale": f"{base}/v1/clients.json",
                "health": f"{base}/healthz",
                "ready": f"{base}/readyz",
            }
        )

    routes: list[BaseRoute] = [Route("/", index), *health_routes(services), *auth_routes(services)]
    for face in _faces():
        routes.extend(face(services))
    app = Starlette(
        debug=settings.debug,
        routes=routes,
        middleware=[
            Middleware(RequestContextMiddleware),
            Middleware(RateLimitMiddleware, services=services),
        ],
        lifespan=lifespan,
    )
    app.state.services = services
    return app


def create_app_from_env() -> Starlette:
    """Factory for ``uvicorn --factory``."""
    return create_app()
