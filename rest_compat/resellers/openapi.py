"""The OpenAPI 3.1 description of the reseller dialect (``POST /resellers/clients/batch``).

The item's keys and closed sets come from the dialect's reader (``bodies``) and the core's
enums; the answer's keys are ``serializers.batch_answer``'s. Checked against real answers by
tests/test_openapi.py and the schemathesis run.
"""

from __future__ import annotations

from core.resellers.model import IntegrationType, ValidatorEntity
from core.resellers.rules import MAX_BATCH
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
from rest_compat.resellers.bodies import MAX_BODY_BYTES, TEXT_KEYS
from rest_compat.resellers.routes import PATH

TAG = "Resellers"
_STR: Json = {"type": "string"}
_CREDENTIALS = obj({"username": _STR, "password": _STR}, ("username", "password"))

_ITEM = obj(
    {
        "ruc": {
            **_STR,
            "description": "11 digits with a valid prefix (check digit: strict accounts only).",
        },
        "company_name": _STR,
        "validator_entity": {
            "type": "integer",
            "enum": sorted(v.value for v in ValidatorEntity),
            "description": "0 SUNAT; 1, 2, 3 an OSE (2 and 3 need the external OSE user).",
        },
        "integration_type": {
            "type": "integer",
            "enum": sorted(v.value for v in IntegrationType),
            "description": "0 XML, 1 JSON.",
        },
        **{name: nullable(_STR) for name in TEXT_KEYS},
        "is_ose_validation_only": nullable({"type": "boolean"}),
    },
    ("ruc", "company_name", "validator_entity", "integration_type"),
    additionalProperties=True,
    description="One company. Unknown keys are ignored; types are not coerced.",
)

SCHEMAS: Json = {
    "ResellerError": obj(
        {
            "error": _STR,
            "errors": {
                "type": "array",
                "items": obj(
                    {
                        "index": {"type": "integer"},
                        "ruc": nullable(_STR),
                        "field": _STR,
                        "message": _STR,
                    },
                    ("index", "ruc", "field", "message"),
                ),
                "description": "On 422: one entry per problem of each bad item.",
            },
        },
        ("error",),
    ),
    "ResellerItem": _ITEM,
    "ResellerBatch": {
        "type": "array",
        "items": ref("ResellerItem"),
        "maxItems": MAX_BATCH,
        "description": f"1 to {MAX_BATCH} companies, at most {MAX_BODY_BYTES} bytes.",
    },
    "ResellerAnswer": obj(
        {
            "created_clients": {
                "type": "array",
                "items": obj(
                    {
                        "ruc": _STR,
                        "company_name": _STR,
                        "access_api": _CREDENTIALS,
                        "access_web": _CREDENTIALS,
                    },
                    ("ruc", "company_name", "access_api", "access_web"),
                ),
                "description": "New accounts, with their credentials shown this once.",
            },
            "updated_clients": {
                "type": "array",
                "items": obj({"ruc": _STR, "company_name": _STR}, ("ruc", "company_name")),
            },
        },
        ("created_clients", "updated_clients"),
    ),
}


def _error(description: str, headers: Json | None = None) -> Json:
    answer: Json = {
        "description": description,
        "content": {"application/json": {"schema": ref("ResellerError")}},
    }
    if headers:
        answer["headers"] = headers
    return answer


RESPONSES: Json = {
    "ResellerBadRequest": _error("The body is not a JSON array, or not JSON."),
    "ResellerUnauthorized": _error("Missing or bad credentials."),
    "ResellerForbidden": _error("The account is not a reseller."),
    "ResellerConflict": _error(
        "Lost against concurrent batches, or an `Idempotency-Key` still being answered.",
        {"Retry-After": RETRY_AFTER},
    ),
    "ResellerTooLarge": _error("Too many items or bytes."),
    "ResellerInvalid": _error(
        "Invalid items (nothing applied; `errors` lists them), an empty batch, or an "
        "`Idempotency-Key` used with another request."
    ),
    "ResellerTooManyRequests": _error("Over the rate limit.", {"Retry-After": RETRY_AFTER}),
    "ResellerUnavailable": _error(
        "The database could not serve in time.", {"Retry-After": RETRY_AFTER}
    ),
}
_ERRORS = {
    "400": "ResellerBadRequest",
    "401": "ResellerUnauthorized",
    "403": "ResellerForbidden",
    "409": "ResellerConflict",
    "413": "ResellerTooLarge",
    "422": "ResellerInvalid",
    "429": "ResellerTooManyRequests",
    "503": "ResellerUnavailable",
}

DESCRIPTION = """The reseller API (seed 000): onboard or overwrite, by RUC, a batch of
Peruvian companies. Only a reseller account may call it. The whole batch is validated first:
one bad item and nothing is applied (422, one error per problem). Errors are
`{"error": "<message>"}`.
"""


def openapi() -> Json:
    paths: Json = {
        PATH: {
            "post": {
                "tags": [TAG],
                "summary": "Onboard (or overwrite, by RUC) a batch of companies",
                "security": SECURITY,
                "parameters": [IDEMPOTENCY_KEY],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": ref("ResellerBatch")}},
                },
                "responses": {
                    "200": {
                        "description": "Applied.",
                        "content": {"application/json": {"schema": ref("ResellerAnswer")}},
                    },
                    **{code: ref(name, "responses") for code, name in _ERRORS.items()},
                },
            }
        }
    }
    return document(
        "clientgate: reseller API (/resellers)",
        DESCRIPTION,
        paths,
        {"schemas": SCHEMAS, "responses": RESPONSES},
        [{"name": TAG}],
    )
