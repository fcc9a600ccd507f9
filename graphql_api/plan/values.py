"""Stored values -> the JSON values stock execution answers with, per field of each planned
type, and the exception that hands a request back to stock execution.

A converter writes exactly what the Strawberry type and its scalar would serialise for the
same stored value (``clients/build.py`` + ``convert.py`` + graphql-core's serialisation).
Where stock execution would answer with an error instead (a null in a non-null field, an Int
outside 32 bits, an unknown enum value), the converter raises and the whole operation is
answered by stock execution, which reports that error with its path and location.
"""

from __future__ import annotations

import math
from binascii import b2a_base64
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from core.clients.model import (
    SUMMARY_DATE,
    SUMMARY_OVERDUE,
    SUMMARY_TOTAL,
    SUMMARY_UPCOMING,
    CatalogKind,
    amount_owed,
)

Convert = Callable[[Any], Any]
_INT32 = 2**31


class Unplannable(Exception):
    """This operation (or this request's values) is answered by stock execution."""


def _required(value: Any) -> Any:
    if value is None:
        raise Unplannable("null in a non-null field")
    return value


def _text(value: Any) -> Any:
    return value


IDENTITY = _text
"""The converter of values written as stored (generated writers inline it)."""


def _int32(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not -_INT32 <= value < _INT32:
        raise Unplannable("not a 32-bit Int")
    return value


def _float(value: Any) -> Any:
    if value is None:
        return None
    number = float(value)
    if not math.isfinite(number):
        raise Unplannable("not a finite Float")
    return number


def _bool(value: Any) -> Any:
    return None if value is None else bool(value)


def _flag(value: Any) -> Any:
    return None if value is None else value == 1


def _is_one(value: Any) -> Any:
    return value == 1


def _datetime(value: Any) -> Any:
    return None if value is None else datetime.fromtimestamp(value, UTC).isoformat()


def _names(names: dict[int, str]) -> Convert:
    def name(value: Any) -> Any:
        try:
            return names[value]
        except (KeyError, TypeError):
            raise Unplannable("not a value of the enum") from None

    return name


def _global_id(type_name: str) -> Convert:
    prefix = f"{type_name}:"

    def global_id(value: Any) -> Any:
        if value is None:
            raise Unplannable("null in a non-null field")
        # ``relay.to_global_id`` without the base64 module's wrapper (a page writes hundreds).
        return b2a_base64(f"{prefix}{value}".encode(), newline=False).decode()

    return global_id


def _non_null(convert: Convert) -> Convert:
    def checked(value: Any) -> Any:
        return convert(_required(value))

    return checked


def _database_id(value: Any) -> Any:
    if type(value) is int and -_INT32 <= value < _INT32:
        return value
    raise Unplannable("not a 32-bit Int")


def _required_text(value: Any) -> Any:
    if value is None:
        raise Unplannable("null in a non-null field")
    return value


def _required_datetime(value: Any) -> Any:
    if value is None:
        raise Unplannable("null in a non-null field")
    return datetime.fromtimestamp(value, UTC).isoformat()


_STATE = _names({0: "ACTIVE", 1: "INACTIVE"})
_KIND = _names({0: "PERSON", 1: "COMPANY"})
_DATABASE_ID = _database_id
_REQUIRED_TEXT = _required_text

# GraphQL field -> (stored column, converter), per planned type.
Leaves = dict[str, tuple[str, Convert]]
CLIENT: Leaves = {
    "id": ("id", _global_id("Client")),
    "databaseId": ("id", _DATABASE_ID),
    "firstName": ("first_name", _text),
    "lastName": ("last_name", _text),
    "email": ("email", _text),
    "code": ("code", _REQUIRED_TEXT),
    "codeValid": ("code_valid", _bool),
    "phone": ("phone", _text),
    "company": ("company", _text),
    "note": ("note", _text),
    "facebook": ("facebook", _text),
    "twitter": ("twitter", _text),
    "hasCredit": ("has_credit", _flag),
    "maxCredit": ("max_credit", _float),
    "state": ("state", _STATE),
    "activity": ("activity", _text),
    "city": ("city", _text),
    "district": ("district", _text),
    "municipality": ("district", _text),
    "address": ("address", _text),
    "companyOrPerson": ("company_or_person", _KIND),
    "accumulatePoints": ("accumulate_points", _is_one),
    "points": ("points", _non_null(_float)),
    "pointsUpdated": ("points_updated", _datetime),
    "sendDte": ("send_dte", _is_one),
    "isForeigner": ("is_foreigner", _flag),
    "prestashopClientId": ("prestashop_client_id", _int32),
    "createdAt": ("created_at", _required_datetime),
    "updatedAt": ("updated_at", _required_datetime),
}


def _catalog(type_name: str) -> Leaves:
    return {
        "id": ("id", _global_id(type_name)),
        "databaseId": ("id", _DATABASE_ID),
        "name": ("name", _REQUIRED_TEXT),
        "state": ("state", _STATE),
    }


# Client field -> (catalog, its GraphQL type, leaves).
CATALOGS: dict[str, tuple[CatalogKind, str, Leaves]] = {
    "paymentType": (CatalogKind.PAYMENT_TYPE, "PaymentType", _catalog("PaymentType")),
    "priceList": (CatalogKind.PRICE_LIST, "PriceList", _catalog("PriceList")),
    "saleCondition": (CatalogKind.SALE_CONDITION, "SaleCondition", _catalog("SaleCondition")),
}

# Client field -> (relation, its GraphQL type, leaves).
CHILDREN: dict[str, tuple[str, str, Leaves]] = {
    "contacts": (
        "contacts",
        "Contact",
        {
            "id": ("id", _global_id("Contact")),
            "databaseId": ("id", _DATABASE_ID),
            "firstName": ("first_name", _text),
            "lastName": ("last_name", _text),
            "phone": ("phone", _text),
            "email": ("email", _text),
        },
    ),
    "addresses": (
        "addresses",
        "Address",
        {
            "id": ("id", _global_id("Address")),
            "databaseId": ("id", _DATABASE_ID),
            "addressName": ("address_name", _text),
            "address": ("address", _text),
            "city": ("city", _text),
            "district": ("district", _text),
            "municipality": ("district", _text),
            "state": ("state", _STATE),
        },
    ),
    "attributes": (
        "attributes",
        "ClientAttribute",
        {
            "definitionId": ("definition_id", _global_id("DynamicAttribute")),
            "name": ("name", _REQUIRED_TEXT),
            "value": ("value", _REQUIRED_TEXT),
        },
    ),
}


def _decimal(value: Any) -> Any:
    """A non-null ``Decimal`` (Strawberry serialises it with ``str``)."""
    if value is None:
        raise Unplannable("null in a non-null field")
    return str(value)


def _long(value: Any) -> Any:
    if value is None:
        raise Unplannable("null in a non-null field")
    return int(value)


def _owed(total_amount: Any, paid_amount: Any) -> Any:
    return _decimal(amount_owed(total_amount, paid_amount))


_OPERATION = _names({0: "ADD", 1: "SUBTRACT"})
DOCUMENT: Leaves = {
    "id": ("id", _global_id("Document")),
    "databaseId": ("id", _DATABASE_ID),
    "clientId": ("client_id", _global_id("Client")),
    "name": ("name", _REQUIRED_TEXT),
    "number": ("number", _long),
    "emissionDate": ("emission_date", _required_datetime),
    "expirationDate": ("expiration_date", _required_datetime),
    "totalAmount": ("total_amount", _decimal),
    "paidAmount": ("paid_amount", _decimal),
}
# Document field -> (the columns it is computed from, converter taking their values).
DOCUMENT_DERIVED: dict[str, tuple[tuple[str, ...], Callable[..., Any]]] = {
    "amountOwed": (("total_amount", "paid_amount"), _owed),
}
POINTS_ENTRY: Leaves = {
    "id": ("id", _global_id("PointsEntry")),
    "operation": ("operation", _OPERATION),
    "points": ("points", _non_null(_int32)),
    "balance": ("balance", _non_null(_float)),
    "description": ("description", _REQUIRED_TEXT),
    "orderId": ("order_id", _text),
    "createdAt": ("created_at", _required_datetime),
}
# An UnpaidSummary's scalars: positions in a projected summary's row.
UNPAID_SUMMARY: Leaves = {
    "comparisonDate": ("comparison_date", _required_datetime),
    "overdueDebt": ("overdue_debt", _decimal),
    "upcomingDebt": ("upcoming_debt", _decimal),
    "totalDebt": ("total_debt", _decimal),
}
SUMMARY_POSITIONS = {
    "comparison_date": SUMMARY_DATE,
    "overdue_debt": SUMMARY_OVERDUE,
    "upcoming_debt": SUMMARY_UPCOMING,
    "total_debt": SUMMARY_TOTAL,
}

_VALIDATOR = _names({0: "SUNAT", 1: "OSE_GIOR", 2: "OSE_EFACT", 3: "OSE_NUBEFACT"})
_INTEGRATION = _names({0: "XML", 1: "JSON"})


def _as_bool(value: Any) -> Any:
    """``bool(value)``, as the onboarded accounts' repository reads its flags."""
    return bool(value)


ONBOARDED_ACCOUNT: Leaves = {
    "id": ("account_id", _global_id("OnboardedAccount")),
    "databaseId": ("account_id", _DATABASE_ID),
    "ruc": ("ruc", _REQUIRED_TEXT),
    "companyName": ("company_name", _REQUIRED_TEXT),
    "email": ("email", _text),
    "phoneNumber": ("phone_number", _text),
    "mobileNumber": ("mobile_number", _text),
    "validatorEntity": ("validator_entity", _VALIDATOR),
    "externalOseUsername": ("external_ose_username", _text),
    "hasExternalOsePassword": ("has_external_ose_password", _as_bool),
    "isOseValidationOnly": ("is_ose_validation_only", _as_bool),
    "integrationType": ("integration_type", _INTEGRATION),
    "createdAt": ("created_at", _required_datetime),
    "updatedAt": ("updated_at", _required_datetime),
}


def given_fields(value: dict[str, Any] | None, names: dict[str, str]) -> dict[str, Any]:
    """An input object's fields as keyword arguments of its Python type (``names``: GraphQL
    name -> Python name); a field the planner does not know, set, is ``Unplannable``."""
    given: dict[str, Any] = {}
    for name, item in (value or {}).items():
        python_name = names.get(name)
        if python_name is None:
            if item is not None:
                raise Unplannable(f"filter.{name}")
            continue
        given[python_name] = item
    return given


# Columns stock execution converts whatever the selection (``build_client`` and ``convert``
# build whole objects): a stored value it cannot convert is an error even when the field is
# not selected, so the plan reads and checks them too.
GUARDS: dict[str, tuple[tuple[str, Convert], ...]] = {
    "Client": (("state", _STATE), ("company_or_person", _KIND)),
    "PaymentType": (("state", _STATE),),
    "PriceList": (("state", _STATE),),
    "SaleCondition": (("state", _STATE),),
    "Address": (("state", _STATE),),
    "PointsEntry": (("operation", _OPERATION),),
    "OnboardedAccount": (("validator_entity", _VALIDATOR), ("integration_type", _INTEGRATION)),
}


def _id_text(value: Any) -> Any:
    """An ``ID`` holding a local id (``strawberry.ID(str(id))``)."""
    if value is None:
        raise Unplannable("null in a non-null field")
    return str(value)


def _required_bool(value: Any) -> Any:
    if value is None:
        raise Unplannable("null in a non-null field")
    return bool(value)


def _partner(type_name: str) -> Leaves:
    return {
        "id": ("id", _global_id(type_name)),
        "databaseId": ("id", _DATABASE_ID),
        "idRemote": ("id_remote", _REQUIRED_TEXT),
        "comercialName": ("comercial_name", _REQUIRED_TEXT),
        "commercialName": ("comercial_name", _REQUIRED_TEXT),
        "tin": ("tin", _REQUIRED_TEXT),
    }


_STAMPS: Leaves = {
    "active": ("active", _required_bool),
    "createdAt": ("created_at", _required_datetime),
    "updatedAt": ("updated_at", _required_datetime),
}
BUSINESS_PARTNER: Leaves = {
    **_partner("BusinessPartner"),
    "contactName": ("contact_name", _REQUIRED_TEXT),
    "tinValid": ("tin_valid", _bool),
    "observation": ("observation", _text),
    "origin": ("origin", _text),
    **_STAMPS,
}
COMPANY: Leaves = {**_partner("Company"), "companyName": ("company_name", _REQUIRED_TEXT)}
# BusinessPartner field -> (relation, its GraphQL type, leaves).
PARTNER_CHILDREN: dict[str, tuple[str, str, Leaves]] = {
    "locations": (
        "locations",
        "PartnerLocation",
        {
            "id": ("id", _id_text),
            "idRemote": ("id_remote", _REQUIRED_TEXT),
            "name": ("name", _REQUIRED_TEXT),
            "address": ("address", _REQUIRED_TEXT),
            "city": ("city", _REQUIRED_TEXT),
            "postalCode": ("postal_code", _text),
            "shippingAddress": ("shipping_address", _required_bool),
            "billingAddress": ("billing_address", _required_bool),
            "isDefault": ("is_default", _required_bool),
            **_STAMPS,
        },
    ),
    "contacts": (
        "contacts",
        "PartnerContact",
        {
            "id": ("id", _id_text),
            "idRemote": ("id_remote", _text),
            "name": ("name", _REQUIRED_TEXT),
            "position": ("position", _text),
            "isDefault": ("is_default", _required_bool),
            "active": ("active", _required_bool),
        },
    ),
    "contactMethods": (
        "methods",
        "PartnerContactMethod",
        {
            "id": ("id", _id_text),
            "idRemote": ("id_remote", _REQUIRED_TEXT),
            "value": ("value", _REQUIRED_TEXT),
            "sendByWhatsapp": ("send_by_whatsapp", _required_bool),
            "sendByMail": ("send_by_mail", _required_bool),
            "sendByTelegram": ("send_by_telegram", _required_bool),
            "sendBySms": ("send_by_sms", _required_bool),
        },
    ),
}
