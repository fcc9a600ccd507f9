"""The Bsale dialect's OpenAPI shapes: its answers (clients, contacts, addresses, catalogs,
documents, envelopes) and its bodies, built from ``serializers.CLIENT_FIELDS`` and ``bodies``'
key tables where they exist (see ``openapi``, which describes the paths with them)."""

from __future__ import annotations

from collections.abc import Iterable

from httpkit.openapi import (
    Json,
    nullable,
    obj,
    ref,
)
from rest_compat.bsale import bodies
from rest_compat.bsale.params import MAX_ID, MAX_LIMIT
from rest_compat.bsale.serializers import CLIENT_FIELDS

STRING: Json = {"type": "string"}
_INT: Json = {"type": "integer"}
_NUM: Json = {"type": "number"}
_HREF: Json = {"type": "string"}
FLAG: Json = {"type": "integer", "enum": [0, 1]}
_TEXT_OR_NULL = nullable(STRING)


def _expanded(item: str) -> Json:
    return obj(
        {"href": _HREF, "count": _INT, "items": {"type": "array", "items": ref(item)}},
        ("href", "count", "items"),
    )


def _link_or(expanded: Json) -> Json:
    return {"anyOf": [ref("BsaleHref"), expanded]}


# -- answers ----------------------------------------------------------------------------------

_DISTRICT: Json = {
    "type": "string",
    "description": "Peru answers `district` and `municipality` with the same value; Chile, "
    "Mexico and Spain answer `municipality` only.",
}
_CATALOG_REF: Json = {
    "anyOf": [ref("BsaleCatalogLink"), ref("BsaleCatalogItem")],
    "description": "Present when set; the full item with `expand`.",
}
CLIENT_PROPERTIES: dict[str, Json] = {
    "href": _HREF,
    "id": _INT,
    "firstName": _TEXT_OR_NULL,
    "lastName": STRING,
    "email": _TEXT_OR_NULL,
    "code": STRING,
    "phone": STRING,
    "company": STRING,
    "note": STRING,
    "facebook": STRING,
    "twitter": STRING,
    "hasCredit": nullable(_INT),
    "maxCredit": nullable(_NUM),
    "state": {**FLAG, "description": "0 active, 1 inactive (deleted)."},
    "activity": STRING,
    "city": STRING,
    "district": _DISTRICT,
    "municipality": _DISTRICT,
    "address": STRING,
    "companyOrPerson": _INT,
    "accumulatePoints": _INT,
    "points": _NUM,
    "pointsUpdated": {"anyOf": [_INT, {"const": ""}], "description": 'Unix seconds, or "".'},
    "sendDte": _INT,
    "isForeigner": nullable(_INT),
    "prestashopClienId": _INT,
    "createdAt": _INT,
    "updatedAt": _INT,
    "payment_type": _CATALOG_REF,
    "price_list": _CATALOG_REF,
    "sale_condition": _CATALOG_REF,
    "contacts": _link_or(_expanded("BsaleContact")),
    "attributes": _link_or(_expanded("BsaleAttributeValue")),
    "addresses": _link_or(_expanded("BsaleAddress")),
}
# Every key the serializer writes is described, and nothing else (``district`` stands for
# the flavour's key, hence ``municipality`` beside it).
assert set(CLIENT_PROPERTIES) == {*CLIENT_FIELDS, "municipality"}

_CLIENT: Json = obj(
    CLIENT_PROPERTIES,
    ("href", "id"),
    description="A client. Every key is answered unless `fields` keeps fewer (`href` and "
    "`id` always stay); `payment_type`, `price_list` and `sale_condition` only when set.",
)
_CONTACT = obj(
    {
        "href": _HREF,
        "id": _INT,
        "firstName": _TEXT_OR_NULL,
        "lastName": STRING,
        "phone": STRING,
        "email": STRING,
    },
    ("href", "id", "firstName", "lastName", "phone", "email"),
)
_ADDRESS = obj(
    {
        "href": _HREF,
        "id": _INT,
        "addressName": STRING,
        "address": STRING,
        "city": STRING,
        "district": _DISTRICT,
        "municipality": _DISTRICT,
        "state": FLAG,
    },
    ("href", "id", "addressName", "address", "city", "municipality", "state"),
)
_NAMED = obj({"href": _HREF, "id": _INT, "name": STRING, "state": FLAG}, ("href", "id", "name"))
_DOCUMENT_PROPERTIES: Json = {
    "href": _HREF,
    "id": _INT,
    "name": STRING,
    "number": _INT,
    "emissionDate": _INT,
    "expirationDate": _INT,
    "totalAmount": _NUM,
    "totalAmountOwed": _NUM,
}
_CLIENT_SUMMARY = obj(
    {
        "href": _HREF,
        "id": _INT,
        "firstName": _TEXT_OR_NULL,
        "lastName": STRING,
        "code": STRING,
        "company": STRING,
    },
    ("href", "id", "firstName", "lastName", "code", "company"),
)


def _envelope(item: str) -> Json:
    return obj(
        {
            "href": _HREF,
            "count": {**_INT, "description": "All items matching, not only this page's."},
            "limit": {**_INT, "maximum": MAX_LIMIT},
            "offset": _INT,
            "items": {"type": "array", "items": ref(item)},
            "next": {**_HREF, "description": "The next page; only when more items exist."},
        },
        ("href", "count", "limit", "offset", "items"),
    )


SCHEMAS: Json = {
    "BsaleError": obj(
        {"error": STRING, "requestId": STRING},
        ("error",),
        description='Every error of the dialect: `{"error": "<message>"}`.',
    ),
    "BsaleHref": obj({"href": _HREF}, ("href",)),
    "BsaleCatalogLink": obj({"href": _HREF, "id": STRING}, ("href", "id")),
    "BsaleClient": _CLIENT,
    "BsaleContact": _CONTACT,
    "BsaleAddress": _ADDRESS,
    "BsaleAttributeValue": obj(
        {"href": _HREF, "id": _INT, "name": STRING, "value": STRING},
        ("href", "id", "name", "value"),
    ),
    "BsaleDynamicAttribute": _NAMED,
    "BsaleCatalogItem": _NAMED,
    "BsaleDocument": obj(_DOCUMENT_PROPERTIES, list(_DOCUMENT_PROPERTIES)),
    "BsaleDocumentFull": obj(
        {**_DOCUMENT_PROPERTIES, "client": obj({"href": _HREF, "id": _INT}, ("href", "id"))},
        [*_DOCUMENT_PROPERTIES, "client"],
    ),
    "BsaleUnpaid": obj(
        {
            "overdueDebt": _NUM,
            "upcomingDebt": _NUM,
            "totalDebt": _NUM,
            "client": _CLIENT_SUMMARY,
            "overdue_documents": {"type": "array", "items": ref("BsaleDocument")},
            "upcoming_documents": {"type": "array", "items": ref("BsaleDocument")},
        },
        (
            "overdueDebt",
            "upcomingDebt",
            "totalDebt",
            "client",
            "overdue_documents",
            "upcoming_documents",
        ),
    ),
    "BsalePoints": obj(
        {
            "type": FLAG,
            "clientId": _INT,
            "description": STRING,
            "points": _INT,
            "orderId": _TEXT_OR_NULL,
            "balance": _NUM,
            "pointsUpdated": _INT,
        },
        ("type", "clientId", "description", "points", "orderId", "balance", "pointsUpdated"),
    ),
    "BsaleCount": obj({"count": _INT}, ("count",)),
    **{
        f"Bsale{name}List": _envelope(f"Bsale{name}")
        for name in ("Client", "Contact", "Address", "AttributeValue", "DynamicAttribute")
    },
    "BsaleCatalogItemList": _envelope("BsaleCatalogItem"),
}


# -- bodies -----------------------------------------------------------------------------------

_DIGITS: Json = {"type": "string", "pattern": "^\\s*[0-9]{1,19}\\s*$"}
_BODY_FLAG: Json = {
    "anyOf": [
        {"type": "boolean"},
        FLAG,
        {"type": "string", "enum": ["0", "1"]},
        {"type": "null"},
    ],
    "description": '0 or 1; `true`/`false` and "0"/"1" are read as such.',
}
_BODY_ID: Json = {
    "anyOf": [{"type": "integer", "minimum": 0, "maximum": MAX_ID}, _DIGITS, {"type": "null"}],
    "description": "An id as a number or a numeric string; 0 or null means none.",
}
_BODY_NUMBER: Json = {
    "anyOf": [_NUM, {"type": "string", "pattern": "^\\s*-?[0-9]{1,16}(\\.[0-9]{1,10})?\\s*$"}],
}
_READ_ONLY: Json = {"description": "Answered by the API; accepted and ignored."}


def _client_body() -> Json:
    props: dict[str, Json] = {}
    props.update({key: _TEXT_OR_NULL for key in bodies._CLIENT_TEXT})
    props.update({key: _BODY_FLAG for key in bodies._CLIENT_FLAGS})
    props.update({key: _BODY_ID for key in bodies._CLIENT_CATALOGS})
    props.update({key: _TEXT_OR_NULL for key in bodies._DISTRICT_NAMES})
    props["maxCredit"] = {"anyOf": [*_BODY_NUMBER["anyOf"], {"type": "null"}]}
    props["prestashopClienId"] = {"anyOf": [*_BODY_ID["anyOf"], {"const": ""}]}
    props["dynamicAttributes"] = {
        "type": "array",
        "items": obj(
            {
                "dynamicAttributeId": {
                    "anyOf": [{"type": "integer", "minimum": 1, "maximum": MAX_ID}, _DIGITS]
                },
                "description": {"anyOf": [STRING, _NUM]},
                "value": {"anyOf": [STRING, _NUM], "description": "Same as `description`."},
                "id": _READ_ONLY,
                "href": _READ_ONLY,
            },
            ("dynamicAttributeId",),
        ),
    }
    props["id"] = {
        **_BODY_ID,
        "description": "Ignored on create; on update it must match the URL's id.",
    }
    props.update({key: _READ_ONLY for key in bodies._CLIENT_READ_ONLY})
    return obj(
        props,
        description="A client's fields; unknown keys are refused (400 naming them). "
        "`district` and `municipality` name the same field. May be wrapped as "
        '`{"client": {...}}`.',
    )


def _plain_body(fields: Iterable[str], extra: Json) -> Json:
    props: dict[str, Json] = {key: _TEXT_OR_NULL for key in fields}
    props.update(extra)
    props.update({"href": _READ_ONLY, "id": _READ_ONLY})
    return obj(props)


def _wrapped(schema: str, wrapper: str) -> Json:
    """The body, bare or wrapped as ``{"<wrapper>": {...}}``."""
    return {"anyOf": [ref(schema), obj({wrapper: ref(schema)}, (wrapper,))]}


_ADDRESS_DISTRICTS = {key: _TEXT_OR_NULL for key in bodies._DISTRICT_NAMES}
BODY_SCHEMAS: Json = {
    "BsaleClientBody": _client_body(),
    "BsaleContactBody": _plain_body(bodies._CONTACT, {}),
    "BsaleAddressBody": _plain_body(
        bodies._ADDRESS,
        {
            **_ADDRESS_DISTRICTS,
            "state": {**_BODY_FLAG, "description": "Changes the state on update only."},
        },
    ),
    "BsalePointsBody": obj(
        {
            "type": {**_BODY_FLAG, "description": "0 adds the points, 1 takes them away."},
            "clientId": {"anyOf": [{"type": "integer", "minimum": 0, "maximum": MAX_ID}, _DIGITS]},
            "points": {
                "anyOf": [{"type": "integer", "minimum": 1, "maximum": MAX_ID}, _DIGITS],
                "description": "A positive integer.",
            },
            "description": _TEXT_OR_NULL,
            "orderId": {"anyOf": [STRING, _INT, {"type": "null"}]},
        },
        ("type", "clientId", "points"),
    ),
}
