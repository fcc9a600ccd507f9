"""The OpenAPI 3.1 description of the Bsale ``/v1`` dialect, as it really answers.

Built from the dialect's own definitions where they exist: each path's query parameters are
the sets ``routes`` parses them with, the client's answer keys are ``serializers.
CLIENT_FIELDS``, the bodies' keys are ``bodies``' tables. The JSON types beside them are
written here; tests/test_openapi.py and the schemathesis run check them against real answers.
It reads the package's own module-private tables (``routes._LIST_CLIENTS``, ``bodies.
_CLIENT_TEXT`` ...) on purpose: one definition, described where it is parsed.
"""

from __future__ import annotations

from collections.abc import Iterable

from httpkit.openapi import (
    IDEMPOTENCY_KEY,
    RETRY_AFTER,
    SECURITY,
    WWW_AUTHENTICATE,
    Json,
    document,
    ref,
)
from rest_compat.bsale import routes
from rest_compat.bsale.openapi_schemas import BODY_SCHEMAS, FLAG, SCHEMAS, STRING
from rest_compat.bsale.params import DEFAULT_LIMIT, MAX_ID, MAX_LIMIT, MAX_OFFSET
from rest_compat.bsale.serializers import CLIENT_FIELDS

TAG_CLIENTS = "Bsale: clients"
TAG_CHILDREN = "Bsale: contacts, addresses, attributes"
TAG_CATALOGS = "Bsale: catalogs and documents"

# -- parameters -------------------------------------------------------------------------------

_LIST_DESCRIPTION = (
    "A list of names, bracketed as Bsale's pages write it (`[a,b]`) or plain (`a,b`, as "
    "Bsale's SDKs send it); names are case-insensitive."
)
_FIELDS = sorted({*(f.lower() for f in CLIENT_FIELDS), "municipality"})
QUERY: dict[str, Json] = {
    "limit": {
        "type": "integer",
        "minimum": 1,
        "default": DEFAULT_LIMIT,
        "description": f"Items per page; more than {MAX_LIMIT} answers {MAX_LIMIT} "
        f"(`limit: {MAX_LIMIT}` in the envelope).",
    },
    "offset": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0},
    "code": {**STRING, "maxLength": 255, "description": "Tax id (RUT, RUC, RFC ...)."},
    "firstname": {**STRING, "maxLength": 255},
    "lastname": {**STRING, "maxLength": 255},
    "email": {**STRING, "maxLength": 255},
    "paymenttypeid": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    "salesconditionid": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    "clientid": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    "state": {**FLAG, "description": "0 active, 1 inactive."},
    "comparisondate": {"type": "integer", "description": "Unix seconds; default now."},
    "address": {**STRING, "maxLength": 255},
    "city": {**STRING, "maxLength": 255},
    "district": {**STRING, "maxLength": 255, "description": "Same filter as `municipality`."},
    "municipality": {**STRING, "maxLength": 255, "description": "Same filter as `district`."},
    "fields": {
        **STRING,
        "description": f"The client keys to answer. {_LIST_DESCRIPTION} Known: {_FIELDS}.",
        "examples": ["[firstName,code]", "firstName,code"],
    },
    "expand": {
        **STRING,
        "description": f"What to answer in full. {_LIST_DESCRIPTION} Known: "
        f"{sorted(routes.EXPAND_NAMES)}.",
        "examples": ["[contacts,attributes]", "contacts,attributes"],
    },
}


def _query(names: Iterable[str]) -> list[Json]:
    return [
        {"name": name, "in": "query", "required": False, "schema": QUERY[name]}
        for name in sorted(names)
    ]


def _path(*names: str) -> list[Json]:
    return [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
        }
        for name in names
    ]


# -- responses --------------------------------------------------------------------------------


def _error(description: str, headers: Json | None = None) -> Json:
    answer: Json = {
        "description": description,
        "content": {"application/json": {"schema": ref("BsaleError")}},
    }
    if headers:
        answer["headers"] = headers
    return answer


RESPONSES: Json = {
    "BsaleBadRequest": _error("Bad input: a parameter's value, the body's JSON or a field."),
    "BsaleUnauthorized": _error(
        "Missing or bad credentials.", {"WWW-Authenticate": WWW_AUTHENTICATE}
    ),
    "BsaleNotFound": _error("No such row for this account (another tenant's reads the same)."),
    "BsaleMethodNotAllowed": _error(
        "The path does not take this method.", {"Allow": {"schema": STRING}}
    ),
    "BsaleConflict": _error(
        "A conflicting write, or an `Idempotency-Key` whose request is still being answered.",
        {"Retry-After": RETRY_AFTER},
    ),
    "BsaleTooLarge": _error("The body is larger than the limit."),
    "BsaleKeyReused": _error("The `Idempotency-Key` was used with another request."),
    "BsaleTooManyRequests": _error("Over the rate limit.", {"Retry-After": RETRY_AFTER}),
    "BsaleUnavailable": _error(
        "The database could not serve in time.", {"Retry-After": RETRY_AFTER}
    ),
}
_READ_ERRORS = {
    "400": "BsaleBadRequest",
    "401": "BsaleUnauthorized",
    "404": "BsaleNotFound",
    "429": "BsaleTooManyRequests",
    "503": "BsaleUnavailable",
}
_WRITE_ERRORS = {**_READ_ERRORS, "409": "BsaleConflict", "413": "BsaleTooLarge"}
_IDEMPOTENT_ERRORS = {**_WRITE_ERRORS, "422": "BsaleKeyReused"}


def _json(schema: str, description: str = "OK") -> Json:
    return {"description": description, "content": {"application/json": {"schema": ref(schema)}}}


def _op(
    tag: str,
    summary: str,
    ok: Json,
    parameters: list[Json],
    body: str | None = None,
    idempotent: bool = False,
) -> Json:
    errors = _IDEMPOTENT_ERRORS if idempotent else _WRITE_ERRORS if body else _READ_ERRORS
    operation: Json = {
        "tags": [tag],
        "summary": summary,
        "security": SECURITY,
        "parameters": [*parameters, *([IDEMPOTENCY_KEY] if idempotent else [])],
        "responses": {**ok, **{code: ref(name, "responses") for code, name in errors.items()}},
    }
    if body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": ref(body)}},
        }
    return operation


def _paths() -> Json:
    c, ct, ad = (
        _path("client_id"),
        _path("client_id", "contact_id"),
        _path("client_id", "address_id"),
    )
    client = "/v1/clients/{client_id}"
    paged = _query(routes._PAGED)
    paths: Json = {
        "/v1/clients.json": {
            "get": _op(
                TAG_CLIENTS,
                "List clients (filters, paging, `fields`, `expand`)",
                {"200": _json("BsaleClientList")},
                _query(routes._LIST_CLIENTS),
            ),
            "post": _op(
                TAG_CLIENTS,
                "Create a client",
                {"201": _json("BsaleClient", "Created")},
                [],
                "BsaleClientBody",
                idempotent=True,
            ),
        },
        "/v1/clients/count.json": {
            "get": _op(
                TAG_CLIENTS,
                "Count clients (the list's filters)",
                {"200": _json("BsaleCount")},
                _query(routes._COUNT),
            )
        },
        "/v1/clients/unpaid_documents.json": {
            "get": _op(
                TAG_CLIENTS,
                "A client's unpaid documents, by `clientid` or `code`",
                {"200": _json("BsaleUnpaid")},
                _query(routes._UNPAID),
            )
        },
        "/v1/clients/points.json": {
            "put": _op(
                TAG_CLIENTS,
                "Add or take away loyalty points",
                {"200": _json("BsalePoints")},
                [],
                "BsalePointsBody",
                idempotent=True,
            )
        },
        client + ".json": {
            "get": _op(
                TAG_CLIENTS,
                "One client (`fields`, `expand`)",
                {"200": _json("BsaleClient")},
                [*c, *_query(routes._GET_CLIENT)],
            ),
            "put": _op(
                TAG_CLIENTS,
                "Update a client (only the keys given change)",
                {"200": _json("BsaleClient")},
                c,
                "BsaleClientBody",
            ),
            "delete": _op(
                TAG_CLIENTS,
                "Deactivate a client (state 1); answers the client",
                {"200": _json("BsaleClient")},
                c,
            ),
        },
        client + "/contacts.json": {
            "get": _op(
                TAG_CHILDREN, "A client's contacts", {"200": _json("BsaleContactList")}, c + paged
            ),
            "post": _op(
                TAG_CHILDREN,
                "Add a contact",
                {"201": _json("BsaleContact", "Created")},
                c,
                "BsaleContactBody",
                idempotent=True,
            ),
        },
        client + "/contacts/{contact_id}.json": {
            "get": _op(TAG_CHILDREN, "One contact", {"200": _json("BsaleContact")}, ct),
            "put": _op(
                TAG_CHILDREN,
                "Update a contact",
                {"200": _json("BsaleContact")},
                ct,
                "BsaleContactBody",
            ),
            "delete": _op(
                TAG_CHILDREN,
                "Delete a contact (it leaves the list)",
                {"204": {"description": "Deleted; no body."}},
                ct,
            ),
        },
        client + "/addresses.json": {
            "get": _op(
                TAG_CHILDREN,
                "A client's addresses (filters)",
                {"200": _json("BsaleAddressList")},
                c + _query(routes._ADDRESS_FILTERS),
            ),
            "post": _op(
                TAG_CHILDREN,
                "Add an address",
                {"201": _json("BsaleAddress", "Created")},
                c,
                "BsaleAddressBody",
                idempotent=True,
            ),
        },
        client + "/addresses/{address_id}.json": {
            "get": _op(TAG_CHILDREN, "One address", {"200": _json("BsaleAddress")}, ad),
            "put": _op(
                TAG_CHILDREN,
                "Update an address",
                {"200": _json("BsaleAddress")},
                ad,
                "BsaleAddressBody",
            ),
            "delete": _op(
                TAG_CHILDREN,
                "Deactivate an address (state 1); answers the address",
                {"200": _json("BsaleAddress")},
                ad,
            ),
        },
        client + "/attributes.json": {
            "get": _op(
                TAG_CHILDREN,
                "A client's dynamic attribute values",
                {"200": _json("BsaleAttributeValueList")},
                c + paged,
            )
        },
        "/v1/dynamic_attributes.json": {
            "get": _op(
                TAG_CATALOGS,
                "Dynamic attribute definitions",
                {"200": _json("BsaleDynamicAttributeList")},
                paged,
            )
        },
        "/v1/dynamic_attributes/{item_id}.json": {
            "get": _op(
                TAG_CATALOGS,
                "One dynamic attribute definition",
                {"200": _json("BsaleDynamicAttribute")},
                _path("item_id"),
            )
        },
        "/v1/documents/{item_id}.json": {
            "get": _op(
                TAG_CATALOGS, "One document", {"200": _json("BsaleDocumentFull")}, _path("item_id")
            )
        },
    }
    for catalog in sorted(routes._CATALOG_ROUTES):
        words = catalog.replace("_", " ")
        paths[f"/v1/{catalog}.json"] = {
            "get": _op(TAG_CATALOGS, f"List {words}", {"200": _json("BsaleCatalogItemList")}, paged)
        }
        paths[f"/v1/{catalog}/{{item_id}}.json"] = {
            "get": _op(
                TAG_CATALOGS,
                f"One of the {words}",
                {"200": _json("BsaleCatalogItem")},
                _path("item_id"),
            )
        }
    return paths


DESCRIPTION = """Bsale's clients API v1 (the seeds 001 and 002), under `/v1`.

- The account's country picks the flavour: Peru answers `district` and `municipality` with the
  same value; Chile, Mexico and Spain answer `municipality`. Input and filters take either.
- `limit` defaults to 25 and is capped at 50; `next` appears only when more items exist.
- `fields` and `expand` take `[a,b]` or `a,b`. Unknown query parameters are ignored; a bad
  value of a known one is a 400. Parameter names are case-insensitive.
- Every error is `{"error": "<message>"}`.
"""


def openapi() -> Json:
    """The dialect's document."""
    return document(
        "clientgate: Bsale clients API (/v1)",
        DESCRIPTION,
        _paths(),
        {"schemas": {**SCHEMAS, **BODY_SCHEMAS}, "responses": RESPONSES},
        [{"name": TAG_CLIENTS}, {"name": TAG_CHILDREN}, {"name": TAG_CATALOGS}],
    )
