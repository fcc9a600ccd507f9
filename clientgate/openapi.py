"""The root's OpenAPI document (index, health, readiness, metrics, web login, the documents and
the docs page) and the assembly of every face's document into ``/openapi.json``."""

from __future__ import annotations

from collections.abc import Sequence

from starlette.routing import Route

from httpkit.apidocs import DOCS_PATH, STATIC_PREFIX, docs_routes
from httpkit.face import Face
from httpkit.metrics import MetricsMode
from httpkit.metrics_endpoint import METRICS_PATH
from httpkit.openapi import (
    ONE_DOCUMENT_PATH,
    OPENAPI_PATH,
    RETRY_AFTER,
    WWW_AUTHENTICATE,
    Json,
    document,
    merge,
    obj,
    openapi_routes,
    ref,
)
from httpkit.ratelimit import EXEMPT_PATHS

ROOT_NAME = "clientgate"
TAG = "Service: health, login, documents"
_STR: Json = {"type": "string"}
_INDEX_KEYS = ("name", "graphql", "bsale", "health", "ready", "openapi", "docs")


def _error(description: str, headers: Json | None = None) -> Json:
    answer: Json = {
        "description": description,
        "content": {"application/json": {"schema": ref("ServiceError")}},
    }
    if headers:
        answer["headers"] = headers
    return answer


_RESPONSES: Json = {
    "ServiceBadRequest": _error("A malformed body."),
    "ServiceUnauthorized": _error("Missing or bad credentials."),
    "ServiceNotFound": _error("No such path or document."),
    "ServiceTooLarge": _error("The body is larger than the limit."),
    "ServiceTooManyRequests": _error("Over the rate limit.", {"Retry-After": RETRY_AFTER}),
}
_LIMITED = {"429": ref("ServiceTooManyRequests", "responses")}


def _ok(schema: Json, description: str = "OK") -> Json:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _file(description: str) -> Json:
    return {
        "tags": [TAG],
        "summary": description,
        "parameters": [{"name": "name", "in": "path", "required": True, "schema": _STR}],
        "responses": {
            "200": {
                "description": "The file.",
                "content": {"text/javascript": {"schema": _STR}, "text/css": {"schema": _STR}},
            },
            "404": ref("ServiceNotFound", "responses"),
            **_LIMITED,
        },
    }


def _paths(names: Sequence[str], metrics: bool) -> Json:
    ready = obj(
        {
            "status": {"enum": ["ok", "unavailable"]},
            "database": _STR,
            "migrations": {"enum": ["ok", "pending"]},
        },
        ("status", "database"),
    )
    session = obj(
        {"token": _STR, "tokenType": {"const": "Bearer"}, "expiresAt": {"type": "integer"}},
        ("token", "tokenType", "expiresAt"),
    )
    paths: Json = {
        "/": {
            "get": {
                "tags": [TAG],
                "summary": "Where things are",
                "responses": {
                    "200": _ok(obj({k: _STR for k in _INDEX_KEYS}, _INDEX_KEYS)),
                    **_LIMITED,
                },
            }
        },
        "/healthz": {
            "get": {
                "tags": [TAG],
                "summary": "Liveness: the process answers",
                "responses": {
                    "200": _ok(obj({"status": {"const": "ok"}}, ("status",))),
                    **_LIMITED,
                },
            }
        },
        "/readyz": {
            "get": {
                "tags": [TAG],
                "summary": "Readiness: the database answers and is migrated",
                "responses": {
                    "200": _ok(ready),
                    "503": _ok(ready, "Not ready: database down or migrations pending."),
                    **_LIMITED,
                },
            }
        },
        "/auth/login": {
            "post": {
                "tags": [TAG],
                "summary": "Web user login: a session token for GraphQL",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": obj(
                                {"username": _STR, "password": _STR},
                                ("username", "password"),
                                additionalProperties=True,
                            )
                        }
                    },
                },
                "responses": {
                    "200": _ok(session),
                    "400": ref("ServiceBadRequest", "responses"),
                    "401": ref("ServiceUnauthorized", "responses"),
                    "413": ref("ServiceTooLarge", "responses"),
                    **_LIMITED,
                },
            }
        },
        "/auth/logout": {
            "post": {
                "tags": [TAG],
                "summary": "Close a web session",
                "security": [{"bearerToken": []}],
                "responses": {
                    "204": {"description": "Closed; no body."},
                    "401": ref("ServiceUnauthorized", "responses"),
                    **_LIMITED,
                },
            }
        },
        OPENAPI_PATH: {
            "get": {
                "tags": [TAG],
                "summary": "This document: every REST path",
                "responses": {"200": _ok({"type": "object"}), **_LIMITED},
            }
        },
        ONE_DOCUMENT_PATH: {
            "get": {
                "tags": [TAG],
                "summary": "One face's document",
                "parameters": [
                    {
                        "name": "name",
                        "in": "path",
                        "required": True,
                        "schema": {"enum": list(names)},
                    }
                ],
                "responses": {
                    "200": _ok({"type": "object"}),
                    "404": ref("ServiceNotFound", "responses"),
                    **_LIMITED,
                },
            }
        },
        DOCS_PATH: {
            "get": {
                "tags": [TAG],
                "summary": "This documentation, as a page (Swagger UI, served locally)",
                "responses": {
                    "200": {"description": "HTML", "content": {"text/html": {"schema": _STR}}},
                    **_LIMITED,
                },
            }
        },
        STATIC_PREFIX + "/{name}": {"get": _file("Swagger UI's files")},
        "/static/graphiql/{name}": {"get": _file("GraphiQL's files")},
    }
    for path in EXEMPT_PATHS:  # never rate-limited
        for op in paths[path].values():
            del op["responses"]["429"]
    if metrics:
        paths[METRICS_PATH] = {
            "get": {
                "tags": [TAG],
                "summary": "Prometheus metrics (CLIENTGATE_METRICS)",
                "security": [{"bearerToken": []}],
                "responses": {
                    "200": {
                        "description": "The text exposition.",
                        "content": {"text/plain": {"schema": _STR}},
                    },
                    "401": {
                        **_error("The metrics token is required."),
                        "headers": {"WWW-Authenticate": WWW_AUTHENTICATE},
                    },
                    **_LIMITED,
                },
            }
        }
    return paths


DESCRIPTION = """Every REST path of clientgate: the Bsale clients API (`/v1`), the reseller
batch (`/resellers`), the B2B BusinessPartner API (`/BusinessPartner`, JSON or XML), and the
service's own paths. One face's document alone: `/openapi/<name>.json`. GraphQL (`/graphql`)
is described by its own schema (`schema.graphql`, introspection).

Credentials: `access_token: <token>`, `Authorization: Bearer <token>` or `Authorization: Basic`
with an account's API user. Errors are in each path's dialect, rate limits (429) and body limits
(413) included.
"""


def documents(faces: Sequence[Face], metrics: MetricsMode) -> dict[str, Json]:
    """Each face's document by the face's name, and the root's own."""
    found: dict[str, Json] = {f.name: dict(f.openapi) for f in faces if f.openapi is not None}
    names = [ROOT_NAME, *found]
    root = document(
        "clientgate: service",
        "Health, readiness, metrics, web login and these documents.",
        _paths(names, metrics is not MetricsMode.OFF),
        {"schemas": {"ServiceError": obj({"error": _STR}, ("error",))}, "responses": _RESPONSES},
        [{"name": TAG}],
    )
    return {ROOT_NAME: root, **found}


def everything(docs: dict[str, Json]) -> Json:
    """The faces' documents first, the service's own paths last."""
    ordered = [doc for name, doc in docs.items() if name != ROOT_NAME] + [docs[ROOT_NAME]]
    return merge("clientgate REST API", DESCRIPTION, ordered)


def openapi_and_docs_routes(faces: Sequence[Face], metrics: MetricsMode) -> list[Route]:
    docs = documents(faces, metrics)
    return [*openapi_routes(everything(docs), docs), *docs_routes(OPENAPI_PATH)]
