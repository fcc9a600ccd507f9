"""``create_app()``: one Starlette application serving every face on the same services."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

import graphql_api.app
import rest_compat.bsale
import rest_compat.business_partner
import rest_compat.resellers
from clientgate.checkpoint import WalCheckpointer, checkpointer_for
from clientgate.container import Services, build_services
from clientgate.openapi import openapi_and_docs_routes
from clientgate.routes import AUTH_BODY_BYTES, auth_routes, health_routes
from clientgate.settings import Settings
from clientgate.worker import WebhookWorker, Worker
from core.storage.migrate import migrate
from graphql_api.config import GraphQLConfig
from graphql_api.idempotency import MutationRequests, mutation_succeeded
from httpkit.base_url import base_url
from httpkit.cors import PathCORS
from httpkit.dialects import Dialects
from httpkit.face import Face
from httpkit.guard import BodyLimit, ErrorBoundary, not_found
from httpkit.idempotency import IdempotencyMiddleware, IdempotentRoute
from httpkit.json import JSONResponse
from httpkit.logging import RequestContextMiddleware, configure_logging, log
from httpkit.metrics import MetricsMiddleware
from httpkit.metrics_endpoint import metrics_routes
from httpkit.ratelimit import CredentialKeys, RateLimitMiddleware
from httpkit.routing import routed


def graphql_config(settings: Settings) -> GraphQLConfig:
    return GraphQLConfig(
        debug=settings.debug,
        introspection=settings.graphql_introspection,
        max_depth=settings.graphql_max_depth,
        max_aliases=settings.graphql_max_aliases,
        max_tokens=settings.graphql_max_tokens,
        max_cost=settings.graphql_max_cost,
        list_bound=settings.graphql_list_bound,
        persisted_queries=settings.graphql_persisted_queries,
    )


def faces(services: Services) -> list[Face]:
    """Every face on the shared services; each sub-application has its own error handlers."""
    return [
        # Bsale's first: the router tries routes in order, and each one tried before costs a
        # GET of one client ~1 % of its CPU; a GraphQL request costs too much to notice.
        rest_compat.bsale.face(services),
        graphql_api.app.face(
            services,
            graphql_config(services.settings),
            services.cost_limiter,
            services.metrics,
        ),
        rest_compat.resellers.face(services),
        rest_compat.business_partner.face(services),
    ]


def idempotent_routes(config: GraphQLConfig) -> list[IdempotentRoute]:
    """Where ``Idempotency-Key`` applies (docs/idempotency.md): every POST of every dialect, the
    Bsale points change (a PUT that adds), and GraphQL mutations; not ``/auth``."""
    return [
        IdempotentRoute("POST", "/v1/", prefix=True),
        IdempotentRoute("PUT", "/v1/clients/points.json"),
        IdempotentRoute("POST", "/resellers/clients/batch"),
        IdempotentRoute("POST", "/BusinessPartner/", prefix=True),
        IdempotentRoute(
            "POST",
            "/graphql",
            applies=MutationRequests(config.max_tokens),
            succeeded=mutation_succeeded,
        ),
    ]


def create_app(settings: Settings | None = None, services: Services | None = None) -> Starlette:
    settings = settings or Settings.from_env()
    configure_logging(settings.log_level, settings.log_json)
    services = services or build_services(settings)

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        if settings.migrate_on_start:
            await migrate(services.engine)
        log.info("started", database=services.engine.url.get_backend_name())
        workers: list[Worker | WebhookWorker | WalCheckpointer] = []
        if settings.worker_in_serve:
            # The BusinessPartner queue and webhook workers run beside the server unless
            # disabled.
            workers = [Worker(services, name="serve"), WebhookWorker(services, name="serve")]
        url = services.engine.url
        checkpointer = checkpointer_for(url.get_backend_name(), url.database, services.uow.turns)
        if checkpointer is not None:
            workers.append(checkpointer)
        tasks = [asyncio.create_task(worker.run()) for worker in workers]
        try:
            yield
        finally:
            for worker in workers:
                worker.stop()
            await asyncio.gather(*tasks)
            await services.close()

    async def index(request: Request) -> Response:
        base = base_url(request)
        return JSONResponse(
            {
                "name": "clientgate",
                "graphql": f"{base}/graphql",
                "bsale": f"{base}/v1/clients.json",
                "health": f"{base}/healthz",
                "ready": f"{base}/readyz",
                "openapi": f"{base}/openapi.json",
                "docs": f"{base}/docs",
            }
        )

    mounted = faces(services)
    # The faces' paths first: they are what callers request all day, and the router tries
    # routes in order (no path of the root's is a face's).
    routes: list[BaseRoute] = [route for face in mounted for route in face.routes]
    routes += [
        Route("/", index),
        *health_routes(services),
        *metrics_routes(services.metrics, settings.metrics, settings.metrics_token),
        *auth_routes(services),
        *openapi_and_docs_routes(mounted, settings.metrics),
    ]
    keys = CredentialKeys(services.hasher, services.accounts)
    dialects = Dialects([dialect for face in mounted for dialect in face.dialects])
    app = Starlette(
        debug=settings.debug,
        routes=routes,
        middleware=[
            Middleware(RequestContextMiddleware),
            Middleware(
                MetricsMiddleware, metrics=services.metrics, dialects=dialects, routes=routes
            ),
            *(
                [Middleware(PathCORS, origins=settings.cors_origins, prefixes=settings.cors_paths)]
                if settings.cors_origins
                else []
            ),
            Middleware(ErrorBoundary, dialects=dialects),
            Middleware(
                RateLimitMiddleware,
                limiter=services.rate_limiter,
                keys=keys,
                dialects=dialects,
                concurrency=settings.rate_limit_concurrency,
                on_refusal=services.metrics.refused,
            ),
            Middleware(
                BodyLimit,
                dialects=dialects,
                default=settings.max_body_bytes,
                limits=[
                    ("/auth/", AUTH_BODY_BYTES),
                    *(lim for f in mounted for lim in f.body_limits),
                ],
            ),
            Middleware(
                IdempotencyMiddleware,
                service=services.idempotency,
                accounts=services.accounts,
                dialects=dialects,
                routes=idempotent_routes(graphql_config(settings)),
                served=partial(routed, routes),
            ),
        ],
        exception_handlers=not_found(dialects),  # type: ignore[arg-type]
        lifespan=lifespan,
    )
    app.state.services = services
    return app


def create_app_from_env() -> Starlette:
    """Factory for ``uvicorn --factory`` (``clientgate serve``).

    The ~150,000 objects of a started app (modules, schema, tables, compiled statements) live
    as long as the process; left to the collector, each full collection walks them all again
    (a few hundred ms on a loaded 2-CPU machine, a pause for every request in flight: the p99
    of a run). ``gc.freeze()`` moves them out of its reach; what requests allocate is
    collected as before."""
    app = create_app()
    gc.collect()
    gc.freeze()
    return app
