"""OpenAPI 3.1 documents: the pieces every face's document shares, the merge of the faces'
documents into one, and the routes that serve them (``/openapi.json`` for all,
``/openapi/<name>.json`` for one).

Each face describes its own paths and shapes (``rest_compat/<dialect>/openapi.py``); what is
the same for all of them lives here: the credentials ``httpkit.auth`` accepts, the
``Idempotency-Key`` header ``httpkit.idempotency`` reads, and small schema helpers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from httpkit.json import JSONResponse

Json = dict[str, Any]

OPENAPI_VERSION = "3.1.0"

# The credentials ``httpkit.auth.presented_credential`` accepts, in its order.
SECURITY_SCHEMES: Json = {
    "accessToken": {
        "type": "apiKey",
        "in": "header",
        "name": "access_token",
        "description": "An API token in Bsale's header (`access_token: <token>`).",
    },
    "bearerToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token or a web session token (`POST /auth/login`).",
    },
    "basicAuth": {
        "type": "http",
        "scheme": "basic",
        "description": "An account's API user (e.g. the reseller-generated RUC user).",
    },
}
SECURITY: list[Json] = [{name: []} for name in SECURITY_SCHEMES]

IDEMPOTENCY_KEY: Json = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Makes the request safe to retry (docs/idempotency.md): the first answer "
    "is stored for the account and key and replayed byte for byte (with "
    "`Idempotent-Replayed: true`); the same key with another request is a 422, a key whose "
    "request is still being answered a 409. 1 to 255 printable ASCII characters.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x21-\\x7e]+$"},
}

RETRY_AFTER: Json = {
    "description": "Seconds to wait before retrying.",
    "schema": {"type": "string", "pattern": "^[0-9]+$"},
}
WWW_AUTHENTICATE: Json = {
    "description": "The scheme to authenticate with.",
    "schema": {"type": "string"},
}


def nullable(schema: Json) -> Json:
    """``schema`` or ``null`` (OpenAPI 3.1 / JSON Schema style)."""
    return {"anyOf": [schema, {"type": "null"}]}


def ref(component: str, kind: str = "schemas") -> Json:
    return {"$ref": f"#/components/{kind}/{component}"}


def obj(properties: Mapping[str, Json], required: Sequence[str] = (), **extra: Any) -> Json:
    """A closed object: the properties named, no others."""
    schema: Json = {"type": "object", "properties": dict(properties)}
    if required:
        schema["required"] = list(required)
    schema.setdefault("additionalProperties", False)
    schema.update(extra)
    return schema


def document(
    title: str, description: str, paths: Json, components: Json, tags: Sequence[Json] = ()
) -> Json:
    """One face's document, with the shared security schemes."""
    parts = {k: dict(v) for k, v in components.items()}
    parts["securitySchemes"] = SECURITY_SCHEMES
    doc: Json = {
        "openapi": OPENAPI_VERSION,
        "info": {"title": title, "version": "1", "description": description},
        "paths": paths,
        "components": parts,
    }
    if tags:
        doc["tags"] = list(tags)
    return doc


class Collision(ValueError):
    """Two documents describe the same path or name the same component differently."""


def merge(title: str, description: str, documents: Sequence[Json]) -> Json:
    """The documents as one: paths and components side by side (a name used twice with two
    meanings is refused: each face names its shapes after itself)."""
    paths: Json = {}
    components: dict[str, Json] = {}
    tags: list[Json] = []
    for doc in documents:
        for path, item in doc["paths"].items():
            if path in paths:
                raise Collision(f"path {path} is described twice")
            paths[path] = item
        for kind, named in doc.get("components", {}).items():
            into = components.setdefault(kind, {})
            for name, value in named.items():
                if into.get(name, value) != value:
                    raise Collision(f"components/{kind}/{name} means two things")
                into[name] = value
        tags.extend(t for t in doc.get("tags", ()) if t not in tags)
    return {
        "openapi": OPENAPI_VERSION,
        "info": {"title": title, "version": "1", "description": description},
        "paths": paths,
        "components": components,
        "tags": tags,
    }


OPENAPI_PATH = "/openapi.json"
ONE_DOCUMENT_PATH = "/openapi/{name}.json"


def openapi_routes(everything: Json, documents: Mapping[str, Json]) -> list[Route]:
    """``GET /openapi.json`` (every face) and ``GET /openapi/<name>.json`` (one face)."""
    whole = JSONResponse(everything).body
    each = {name: JSONResponse(doc).body for name, doc in documents.items()}

    async def all_of_them(_: Request) -> Response:
        return Response(whole, media_type="application/json")

    async def one(request: Request) -> Response:
        body = each.get(request.path_params["name"])
        if body is None:
            raise HTTPException(404)  # answered by the root, in the path's dialect
        return Response(body, media_type="application/json")

    return [
        Route(OPENAPI_PATH, all_of_them, methods=["GET"]),
        Route(ONE_DOCUMENT_PATH, one, methods=["GET"]),
    ]
