"""The OpenAPI 3.1 description of the BusinessPartner dialect (``/BusinessPartner/...`` and the
queue's status URL), as it really answers: JSON by default, the same content as ``<export>``
XML when ``Accept`` asks for ``application/xml`` or ``text/xml``; errors as
``{"code": N, "error": "..."}`` in either.

The bodies' keys are ``bodies``' tables (``PARTNER_KEYS``, ``LOCATION_KEYS`` ...) and what a
create requires is the core's ``rules.REQUIRED_ON_CREATE``; the JSON types beside them are
written here and checked against real answers (tests/test_openapi.py, schemathesis).
"""

from __future__ import annotations

from collections.abc import Mapping

from core.partners import rules
from core.partners.inputs import PartnerField
from core.partners.model import MessageStatus
from httpkit.negotiation import XML_TYPES
from httpkit.openapi import (
    IDEMPOTENCY_KEY,
    RETRY_AFTER,
    SECURITY,
    Json,
    document,
    nullable,
    obj,
    ref,
)
from rest_compat.business_partner import bodies
from rest_compat.business_partner.params import DEFAULT_DATE, MAX_PAGE_NUMBER
from rest_compat.business_partner.routes import STATUS_PATH

TAG_READ = "BusinessPartner: reads"
TAG_WRITE = "BusinessPartner: writes"
_STR: Json = {"type": "string"}
_INT: Json = {"type": "integer"}
_BOOL: Json = {"type": "boolean"}
_NSTR = nullable(_STR)


def _array(item: Json | str) -> Json:
    return {"type": "array", "items": ref(item) if isinstance(item, str) else item}


# -- answers ----------------------------------------------------------------------------------

_LOCATION = obj(
    {
        "id": _STR,
        "idRemote": _STR,
        "name": _STR,
        "address": _STR,
        "city": _STR,
        "state": {**_NSTR, "description": "The region's name (ISO 3166-2)."},
        "postalCode": _NSTR,
        "shippingAddress": _BOOL,
        "billingAddress": _BOOL,
        "country": obj(
            {"id": _NSTR, "description": _NSTR, "iso": _STR}, ("id", "description", "iso")
        ),
        "default": _BOOL,
        "active": _BOOL,
        "createdAt": _STR,
        "updatedAt": _STR,
    },
    (
        "id",
        "idRemote",
        "name",
        "address",
        "city",
        "state",
        "postalCode",
        "shippingAddress",
        "billingAddress",
        "country",
        "default",
        "active",
        "createdAt",
        "updatedAt",
    ),
)
_METHOD_PROPS: Json = {
    "id": _STR,
    "idRemote": _STR,
    "contactTypeId": _STR,
    "value": _STR,
    **{flag: _BOOL for flag in bodies._SEND_FLAGS},
}
_CONTACT_PROPS: Json = {
    "id": _STR,
    "idRemote": _NSTR,
    "name": _STR,
    "position": _NSTR,
    "default": _BOOL,
    "active": _BOOL,
    "contactMethods": _array("BpContactMethod"),
}
_COMPANY = obj(
    {"id": _STR, "idRemote": _STR, "companyName": _STR, "comercialName": _STR, "tin": _STR},
    ("id", "idRemote", "companyName", "comercialName", "tin"),
)
_PARTNER_PROPS: Json = {
    "id": _STR,
    "idRemote": _STR,
    "rol": _NSTR,
    "status": _NSTR,
    "company": nullable(_COMPANY),
    "locations": _array("BpLocation"),
    "contacts": _array("BpContact"),
    "contactName": _STR,
    "comercialName": _STR,
    "tin": _STR,
    "observation": _NSTR,
    "origin": _NSTR,
    "updatedAt": {**_STR, "description": "UTC, `YYYY-MM-DD HH:MM:SS`."},
    "active": _BOOL,
}
_PAGINATION = obj(
    {
        "totalItems": _INT,
        "itemsPerPage": _INT,
        "currentPage": _INT,
        "totalPages": _INT,
        "nextPageUrl": _NSTR,
    },
    ("totalItems", "itemsPerPage", "currentPage", "totalPages", "nextPageUrl"),
)


def _page(item: Json | str) -> Json:
    return obj({"data": _array(item), "pagination": ref("BpPagination")}, ("data", "pagination"))


def _message(**extra: Json) -> Json:
    return obj({"code": _INT, "message": _STR, **extra}, ("code", "message", *extra))


SCHEMAS: Json = {
    "BpError": obj({"code": _INT, "error": _STR}, ("code", "error")),
    "BpPagination": _PAGINATION,
    "BpLocation": _LOCATION,
    "BpContactMethod": obj(_METHOD_PROPS, list(_METHOD_PROPS)),
    "BpContact": obj(_CONTACT_PROPS, list(_CONTACT_PROPS)),
    "BpPartner": obj(_PARTNER_PROPS, list(_PARTNER_PROPS)),
    "BpPartnerPage": _page("BpPartner"),
    "BpStatusPage": _page(
        obj(
            {"id": _STR, "idRemote": _STR, "description": _STR},
            ("id", "idRemote", "description"),
        )
    ),
    "BpContactTypePage": _page(obj({"id": _STR, "value": _STR}, ("id", "value"))),
    "BpContactRowPage": _page(
        obj(
            {
                "id": _STR,
                "idRemote": _NSTR,
                "businessPartner": obj({"id": _STR, "contactName": _NSTR}, ("id", "contactName")),
                "name": _STR,
                "position": _NSTR,
                "default": _BOOL,
                "active": _BOOL,
                "contactMethods": _array(
                    obj(
                        {
                            "contactType": obj({"id": _STR, "value": _NSTR}, ("id", "value")),
                            "value": _STR,
                        },
                        ("contactType", "value"),
                    )
                ),
            },
            (
                "id",
                "idRemote",
                "businessPartner",
                "name",
                "position",
                "default",
                "active",
                "contactMethods",
            ),
        )
    ),
    "BpAgentClientsPage": _page(
        obj(
            {
                "companyId": _STR,
                "agentId": _STR,
                "clients": _array(obj({"id": _STR}, ("id",))),
            },
            ("companyId", "agentId", "clients"),
        )
    ),
    "BpMessageStatus": _page(
        obj(
            {
                "status": {"enum": [s.value for s in MessageStatus]},
                "errorMessage": _NSTR,
            },
            ("status", "errorMessage"),
        )
    ),
    "BpMessage": _message(),
    "BpCreated": _message(statusUrl=_STR),
    "BpUpdated": _message(data=_array("BpPartner")),
}


# -- bodies -----------------------------------------------------------------------------------

_REF: Json = {
    "anyOf": [_STR, _INT],
    "description": "An identifier: the remote id, or the local id as a string or number.",
}
_TEXT_KEYS = ("contactName", "commercialName", "comercialName", "tin", "observation", "origin")
_LOCATION_FLAGS = {bodies.LOCATION_KEYS[a] for a in bodies._LOCATION_FLAGS}
_LOCATION_TEXTS = {bodies.LOCATION_KEYS[a] for a in ("name", "address", "city")}


def _location_body() -> Json:
    props: Json = {}
    for key in bodies.LOCATION_KEYS.values():
        props[key] = _BOOL if key in _LOCATION_FLAGS else _STR if key in _LOCATION_TEXTS else _REF
    new = obj(
        props,
        [bodies.LOCATION_KEYS[a] for a in rules.REQUIRED_LOCATION],
        additionalProperties=True,
    )
    existing = obj({"locationId": _REF}, ("locationId",), additionalProperties=True)
    return {"anyOf": [existing, new], "description": "A new location, or an existing one."}


def _partner_body(full: bool) -> Json:
    props: Json = {
        bodies.PARTNER_KEYS[f]: _REF
        for f in (
            PartnerField.ID_REMOTE,
            PartnerField.ROLE_ID,
            PartnerField.STATUS_ID,
            PartnerField.COMPANY_ID,
        )
    }
    props["agentId"] = {**nullable(_REF), "description": "null clears the agent (update)."}
    props.update({key: _STR for key in _TEXT_KEYS})
    props["active"] = _BOOL
    props["locations"] = {**_array("BpLocationBody"), "maxItems": rules.MAX_ITEMS}
    props["contacts"] = {**_array("BpContactBody"), "maxItems": rules.MAX_ITEMS}
    if not full:
        return obj(
            props,
            additionalProperties=True,
            minProperties=1,
            description="The fields to change (at least one); the others stay.",
        )
    required = [
        bodies.PARTNER_KEYS[f]
        for f in rules.REQUIRED_ON_CREATE
        if f is not PartnerField.COMERCIAL_NAME
    ]
    return obj(
        props,
        required,
        additionalProperties=True,
        anyOf=[{"required": [key]} for key in bodies.COMMERCIAL_KEYS],
        description="A complete partner. `commercialName` or `comercialName` (the seed "
        "spells both).",
    )


BODY_SCHEMAS: Json = {
    "BpLocationBody": _location_body(),
    "BpContactMethodBody": obj(
        {
            "idRemote": _REF,
            "contactTypeId": _REF,
            "value": _STR,
            **{flag: _BOOL for flag in bodies._SEND_FLAGS},
        },
        bodies._METHOD_REQUIRED,
        additionalProperties=True,
    ),
    "BpContactBody": obj(
        {
            "idRemote": _REF,
            "name": _STR,
            "position": _STR,
            "default": _BOOL,
            "active": _BOOL,
            "contactMethods": {**_array("BpContactMethodBody"), "maxItems": rules.MAX_ITEMS},
        },
        bodies._CONTACT_REQUIRED,
        additionalProperties=True,
    ),
    "BpPartnerCreate": _partner_body(full=True),
    "BpPartnerUpdate": _partner_body(full=False),
    "BpCreateBody": {
        **_array("BpPartnerCreate"),
        "minItems": 1,
        "maxItems": rules.MAX_ITEMS,
    },
    "BpAssignBody": {
        **_array(
            obj(
                {
                    "agentId": _REF,
                    "clients": {
                        **_array(obj({"idRemote": _REF}, ("idRemote",), additionalProperties=True)),
                        "minItems": 1,
                        "maxItems": rules.MAX_ITEMS,
                    },
                },
                ("agentId", "clients"),
                additionalProperties=True,
            )
        ),
        "minItems": 1,
    },
}


# -- parameters and responses -----------------------------------------------------------------

_PAGING: list[Json] = [
    {
        "name": "page",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_NUMBER, "default": 1},
    },
    {
        "name": "pageSize",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 1, "maximum": rules.MAX_PAGE_SIZE, "default": 10},
    },
]
_DATE: Json = {
    "name": "date",
    "in": "query",
    "required": False,
    "description": "UTC: `YYYY-MM-DD HH:MM:SS`, `YYYY-MM-DDTHH:MM:SS[Z]` or `YYYY-MM-DD`.",
    "schema": {"type": "string", "default": DEFAULT_DATE},
}


def _path(name: str) -> Json:
    return {"name": name, "in": "path", "required": True, "schema": _STR}


def _content(schema: str) -> Json:
    """JSON, or the same content as ``<export>`` XML when ``Accept`` asks for it."""
    xml = {
        "schema": {
            "type": "string",
            "description": f"The JSON answer's content as `<export>` XML ({schema}).",
        }
    }
    return {"application/json": {"schema": ref(schema)}, **{t: xml for t in XML_TYPES}}


def _answer(schema: str, description: str = "OK") -> Json:
    return {"description": description, "content": _content(schema)}


def _error(description: str, headers: Json | None = None) -> Json:
    answer = _answer("BpError", description)
    if headers:
        answer["headers"] = headers
    return answer


RESPONSES: Json = {
    "BpBadRequest": _error("Bad input: `Parameter <name> ...` or the body's format."),
    "BpUnauthorized": _error("`Unauthorized.`: missing or bad credentials."),
    "BpNotFound": _error("`No entity found for ...`: no such row for this account."),
    "BpMethodNotAllowed": _error(
        "The path does not take this method.", {"Allow": {"schema": _STR}}
    ),
    "BpConflict": _error(
        "Refused by the data (e.g. a partner referenced by documents), or an "
        "`Idempotency-Key` still being answered.",
        {"Retry-After": RETRY_AFTER},
    ),
    "BpTooLarge": _error("The body is larger than the limit."),
    "BpKeyReused": _error("The `Idempotency-Key` was used with another request."),
    "BpTooManyRequests": _error("Over the rate limit.", {"Retry-After": RETRY_AFTER}),
    "BpUnavailable": _error("The database could not serve in time.", {"Retry-After": RETRY_AFTER}),
}
_READ_ERRORS = {
    "400": "BpBadRequest",
    "401": "BpUnauthorized",
    "429": "BpTooManyRequests",
    "503": "BpUnavailable",
}
_WRITE_ERRORS = {**_READ_ERRORS, "404": "BpNotFound", "409": "BpConflict", "413": "BpTooLarge"}
_IDEMPOTENT_ERRORS = {**_WRITE_ERRORS, "422": "BpKeyReused"}


def _op(
    tag: str,
    summary: str,
    ok: Json,
    parameters: list[Json],
    body: str | None = None,
    errors: Mapping[str, str] = _READ_ERRORS,
) -> Json:
    idempotent = "422" in errors  # only idempotent writes can meet a reused key
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


_EMPTY = {"204": {"description": "Nothing to list; no body."}}


def _paths() -> Json:
    bp = "/BusinessPartner"
    return {
        f"{bp}/getBPartner": {
            "get": _op(TAG_READ, "Partners", {"200": _answer("BpPartnerPage")}, _PAGING)
        },
        f"{bp}/updatedFrom": {
            "get": _op(
                TAG_READ,
                "Partners updated since `date`",
                {"200": _answer("BpPartnerPage")},
                [_DATE, *_PAGING],
            )
        },
        f"{bp}/getBPartnerStatus": {
            "get": _op(TAG_READ, "Partner statuses", {"200": _answer("BpStatusPage")}, _PAGING)
        },
        f"{bp}/getClients": {
            "get": _op(
                TAG_READ,
                "Partners in a client role (204 when none)",
                {"200": _answer("BpPartnerPage"), **_EMPTY},
                _PAGING,
            )
        },
        f"{bp}/getAgents": {
            "get": _op(
                TAG_READ,
                "Partners in an agent role (204 when none)",
                {"200": _answer("BpPartnerPage"), **_EMPTY},
                _PAGING,
            )
        },
        f"{bp}/getClientsAssignedToAgent": {
            "get": _op(
                TAG_READ,
                "Agents with their clients (204 when none)",
                {"200": _answer("BpAgentClientsPage"), **_EMPTY},
                _PAGING,
            )
        },
        f"{bp}/getContacts": {
            "get": _op(TAG_READ, "Contacts", {"200": _answer("BpContactRowPage")}, _PAGING)
        },
        f"{bp}/getContactTypes": {
            "get": _op(TAG_READ, "Contact types", {"200": _answer("BpContactTypePage")}, _PAGING)
        },
        f"{bp}/create": {
            "post": _op(
                TAG_WRITE,
                "Queue the creation of partners (a worker applies them; see `statusUrl`)",
                {"201": _answer("BpCreated", "Queued.")},
                [],
                "BpCreateBody",
                _IDEMPOTENT_ERRORS,
            )
        },
        f"{bp}/assignClientsToAgent": {
            "post": _op(
                TAG_WRITE,
                "Assign clients to agents",
                {"200": _answer("BpMessage")},
                [],
                "BpAssignBody",
                _IDEMPOTENT_ERRORS,
            )
        },
        f"{bp}/update/{{ref}}": {
            "put": _op(
                TAG_WRITE,
                "Update a partner (by local id or `idRemote`)",
                {"200": _answer("BpUpdated")},
                [_path("ref")],
                "BpPartnerUpdate",
                _WRITE_ERRORS,
            )
        },
        f"{bp}/delete/{{ref}}": {
            "delete": _op(
                TAG_WRITE,
                "Delete a partner (by local id or `idRemote`); 409 while documents reference it",
                {"200": _answer("BpMessage")},
                [_path("ref")],
                None,
                _WRITE_ERRORS,
            )
        },
        STATUS_PATH: {
            "get": _op(
                TAG_WRITE,
                "The status of a queued creation",
                {"200": _answer("BpMessageStatus")},
                [_path("message_id")],
                None,
                {**_READ_ERRORS, "404": "BpNotFound"},
            )
        },
    }


DESCRIPTION = """The B2B BusinessPartner API (seed 003), under `/BusinessPartner` plus the
queue's status URL. JSON by default; the same content as `<export>` XML when `Accept` names
`application/xml` or `text/xml` (errors too). Errors are `{"code": N, "error": "..."}`.
`create` answers 201 at once and a worker applies the message: follow `statusUrl`.
"""


def openapi() -> Json:
    return document(
        "clientgate: BusinessPartner API",
        DESCRIPTION,
        _paths(),
        {"schemas": {**SCHEMAS, **BODY_SCHEMAS}, "responses": RESPONSES},
        [{"name": TAG_READ}, {"name": TAG_WRITE}],
    )
