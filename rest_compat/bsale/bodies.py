"""Legacy request bodies → domain inputs.

Coercions the seeds need (``"maxCredit": "9100"``, ``"id": "67"``, flags as ``true``/``false``)
happen here; everything else of the meaning (tax ids, catalogs, ranges) is the service's job.
Every problem is collected and raised once as ``InvalidInput`` named with the body's own
(camelCase) names, so the caller sees all of them in one 400.

Unknown keys are refused (400 naming them) so a misspelt field is never silently dropped;
the read-only keys the API itself emits (``href``, ``createdAt``, ``contacts`` ...) are
accepted and ignored, so a representation fetched with GET can be sent back with PUT.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from core.clients.model import AttributeInput, ClientChanges, PointsOperation
from core.clients.rules import merge_district
from core.shared.errors import FieldError, InvalidInput
from rest_compat.bsale.params import MAX_ID, digits

_NUMBER = re.compile(r"^\s*-?[0-9]{1,16}(\.[0-9]{1,10})?\s*$")

_CLIENT_TEXT = {
    "firstName": "first_name",
    "lastName": "last_name",
    "email": "email",
    "code": "code",
    "phone": "phone",
    "company": "company",
    "note": "note",
    "facebook": "facebook",
    "twitter": "twitter",
    "activity": "activity",
    "city": "city",
    "address": "address",
}
_CLIENT_FLAGS = {
    "hasCredit": "has_credit",
    "state": "state",
    "companyOrPerson": "company_or_person",
    "accumulatePoints": "accumulate_points",
    "sendDte": "send_dte",
    "isForeigner": "is_foreigner",
}
_CLIENT_CATALOGS = {
    "paymentTypeId": "payment_type_id",
    "priceListId": "price_list_id",
    "saleConditionId": "sale_condition_id",
}
_CLIENT_READ_ONLY = frozenset(
    {
        "href",
        "createdAt",
        "updatedAt",
        "points",
        "pointsUpdated",
        "contacts",
        "attributes",
        "addresses",
        "payment_type",
        "price_list",
        "sale_condition",
    }
)
_DISTRICT_NAMES = ("district", "municipality")

# Domain field names → the body's names, to word errors in the caller's vocabulary.
_TO_CAMEL: dict[str, str] = {
    **{v: k for k, v in _CLIENT_TEXT.items()},
    **{v: k for k, v in _CLIENT_FLAGS.items()},
    **{v: k for k, v in _CLIENT_CATALOGS.items()},
    "max_credit": "maxCredit",
    "prestashop_client_id": "prestashopClienId",
    "address_name": "addressName",
    "order_id": "orderId",
    "client_id": "clientId",
    "dynamic_attributes": "dynamicAttributes",
    "dynamic_attribute_id": "dynamicAttributeId",
    "contact_id": "contactId",
    "address_id": "addressId",
}


def camel(field: str, dkey: str) -> str:
    """A domain field name in the body's words: ``dynamic_attributes[0].dynamic_attribute_id``
    → ``dynamicAttributes[0].dynamicAttributeId``; ``district`` → the flavour's name."""
    if field == "district":
        return dkey
    parts = []
    for part in field.split("."):
        name, bracket, rest = part.partition("[")
        name = _TO_CAMEL.get(name, name)
        if name == "value" and field.startswith("dynamic_attributes"):
            name = "description"
        parts.append(name + bracket + rest)
    return ".".join(parts)


def unwrap(body: Any, wrapper: str) -> dict[str, Any]:
    """The body as an object; ``{"client": {...}}`` is accepted like the bare object."""
    if not isinstance(body, dict):
        raise InvalidInput.single("body", "must be a JSON object", "WRONG_TYPE")
    if len(body) == 1 and isinstance(body.get(wrapper), dict):
        inner: dict[str, Any] = body[wrapper]
        return inner
    return body


class _Reader:
    """Collects field errors while coercing values."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def fail(self, field: str, message: str, code: str = "WRONG_TYPE") -> None:
        self.errors.append(FieldError(field, message, code))

    def text(self, field: str, value: Any) -> str | None:
        # NUL characters never get here (``json_body`` refuses them) and the core refuses
        # them in every field.
        if value is None or isinstance(value, str):
            return value
        self.fail(field, "must be a string")
        return None

    def flag(self, field: str, value: Any) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, int) and value in (0, 1):
            return value
        if isinstance(value, float) and value in (0.0, 1.0):
            return int(value)
        if isinstance(value, str) and value.strip() in ("0", "1"):
            return int(value.strip())
        self.fail(field, "must be 0 or 1 (or true/false)")
        return None

    def integer(self, field: str, value: Any, maximum: int = MAX_ID) -> int | None:
        if isinstance(value, bool):
            result = None
        elif isinstance(value, int):
            result = value
        elif (isinstance(value, float) and value.is_integer()) or (
            isinstance(value, str) and digits(value.strip())
        ):
            result = int(value)
        else:
            result = None
        if result is None or result < 0 or result > maximum:
            self.fail(field, "must be a non-negative integer (a number or a numeric string)")
            return None
        return result

    def number(self, field: str, value: Any) -> float | None:
        if value is None:
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            if math.isfinite(value):
                return float(value)
        elif isinstance(value, str) and _NUMBER.match(value):
            return float(value)
        self.fail(field, "must be a number (or a numeric string)")
        return None

    def raise_if_any(self) -> None:
        if self.errors:
            raise InvalidInput(self.errors)


def _unknown(reader: _Reader, keys: list[str]) -> None:
    for key in keys:
        reader.fail(key, "is not a known field", "UNKNOWN_FIELD")


# The dialect's words for the core's district rule (``rules.merge_district``).
DISTRICT_MISMATCH = "district and municipality name the same field; they differ"


def _check_district(r: _Reader, given: Mapping[str, Any]) -> None:
    """Both names given with different values: refused by the core's rule."""
    if merge_district(dict(given)) is not None:
        r.fail("municipality", DISTRICT_MISMATCH)


class _ClientBody:
    """Reads a client body key by key into the core's values."""

    def __init__(self, r: _Reader, path_id: int | None) -> None:
        self.r = r
        self.path_id = path_id
        self.values: dict[str, object] = {}
        self.attributes: list[AttributeInput] | None = None
        self.unknown: list[str] = []
        self.districts: dict[str, Any] = {}

    def read(self, key: str, value: Any) -> None:
        r, values = self.r, self.values
        if key in _CLIENT_TEXT:
            values[_CLIENT_TEXT[key]] = r.text(key, value)
        elif key in _CLIENT_FLAGS:
            self._flag(key, value)
        elif key in _CLIENT_CATALOGS:
            # 0 means "none", as the seeds' PUT example sends "priceListId": 0.
            values[_CLIENT_CATALOGS[key]] = None if value is None else r.integer(key, value) or None
        elif key in _DISTRICT_NAMES:
            self.districts[key] = value
            values["district"] = r.text(key, value)
        elif key == "maxCredit":
            values["max_credit"] = r.number(key, value)
        elif key == "prestashopClienId":
            ident = r.integer(key, 0 if value is None or value == "" else value)
            values["prestashop_client_id"] = ident or 0
        elif key == "dynamicAttributes":
            self.attributes = _dynamic_attributes(r, value)
        elif key == "id":
            self._id(value)
        elif key not in _CLIENT_READ_ONLY:
            self.unknown.append(key)

    def _flag(self, key: str, value: Any) -> None:
        flag = self.r.flag(key, value)
        if value is None or flag is not None:
            self.values[_CLIENT_FLAGS[key]] = flag

    def _id(self, value: Any) -> None:
        if self.path_id is None:
            return  # a create ignores an id, as it ignores href
        ident = self.r.integer("id", value)
        if ident is not None and ident != self.path_id:
            self.r.fail("id", f"does not match the id in the URL ({self.path_id})", "INVALID")


def client_changes(body: Any, path_id: int | None = None) -> ClientChanges:
    """A client body (POST or PUT). ``path_id`` is the id in a PUT's URL."""
    data = unwrap(body, "client")
    r = _Reader()
    reader = _ClientBody(r, path_id)
    for key, value in data.items():
        reader.read(key, value)
    _check_district(r, reader.districts)
    _unknown(r, reader.unknown)
    r.raise_if_any()
    return ClientChanges(values=reader.values, attributes=reader.attributes)


def _dynamic_attributes(r: _Reader, value: Any) -> list[AttributeInput] | None:
    if not isinstance(value, list):
        r.fail("dynamicAttributes", "must be a list of {description, dynamicAttributeId}")
        return None
    out: list[AttributeInput] = []
    for index, item in enumerate(value):
        where = f"dynamicAttributes[{index}]"
        if not isinstance(item, dict):
            r.fail(where, "must be an object {description, dynamicAttributeId}")
            continue
        extra = set(item) - {"description", "dynamicAttributeId", "value", "id", "href"}
        for key in sorted(extra):
            r.fail(f"{where}.{key}", "is not a known field", "UNKNOWN_FIELD")
        if "dynamicAttributeId" not in item:
            r.fail(f"{where}.dynamicAttributeId", "is required", "REQUIRED")
            continue
        ident = r.integer(f"{where}.dynamicAttributeId", item["dynamicAttributeId"])
        raw = item.get("description", item.get("value", ""))
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            raw = str(raw)  # "Edad": 32 is as good as "32" for a free-text attribute
        text = r.text(f"{where}.description", raw)
        if ident is not None and ident > 0:
            out.append(AttributeInput(ident, text or ""))
        elif ident is not None:
            r.fail(f"{where}.dynamicAttributeId", "must be a positive integer", "OUT_OF_RANGE")
    return out


def _plain(
    body: Any, wrapper: str, fields: Mapping[str, str], dkey_ok: bool, extra: frozenset[str]
) -> tuple[dict[str, object], _Reader]:
    data = unwrap(body, wrapper)
    r = _Reader()
    values: dict[str, object] = {}
    unknown: list[str] = []
    districts: dict[str, Any] = {}
    for key, value in data.items():
        if key in fields:
            values[fields[key]] = r.text(key, value)
        elif dkey_ok and key in _DISTRICT_NAMES:
            districts[key] = value
            values["district"] = r.text(key, value)
        elif key not in ("href", "id") and key not in extra:
            unknown.append(key)
    _check_district(r, districts)
    _unknown(r, unknown)
    return values, r


_CONTACT = {"firstName": "first_name", "lastName": "last_name", "phone": "phone", "email": "email"}
_ADDRESS = {"addressName": "address_name", "address": "address", "city": "city"}


def contact_values(body: Any) -> dict[str, object]:
    values, r = _plain(body, "contact", _CONTACT, False, frozenset())
    r.raise_if_any()
    return values


def address_values(body: Any, allow_state: bool) -> dict[str, object]:
    data = unwrap(body, "address")
    values, r = _plain(data, "address", _ADDRESS, True, frozenset({"state"}))
    # On create an address is always active; a given state is accepted and ignored.
    if "state" in data and allow_state:
        state = r.flag("state", data["state"])
        if state is not None:
            values["state"] = state
        elif data["state"] is None:
            r.fail("state", "must be 0 or 1")
    r.raise_if_any()
    return values


def points_change(body: Any) -> tuple[PointsOperation, int, int, str, str | None]:
    """``{type, clientId, description, points, orderId}`` of ``PUT /v1/clients/points.json``."""
    data = unwrap(body, "points")
    r = _Reader()
    unknown = sorted(set(data) - {"type", "clientId", "description", "points", "orderId"})
    _unknown(r, unknown)
    for key in ("type", "clientId", "points"):
        if data.get(key) is None:
            r.fail(key, "is required", "REQUIRED")
    op = r.flag("type", data["type"]) if data.get("type") is not None else None
    client_id = r.integer("clientId", data["clientId"]) if data.get("clientId") is not None else 0
    points = r.integer("points", data["points"]) if data.get("points") is not None else 0
    if points == 0 and data.get("points") is not None:
        r.fail("points", "must be a positive integer", "OUT_OF_RANGE")
    description = r.text("description", data.get("description", ""))
    raw_order = data.get("orderId")
    if isinstance(raw_order, int) and not isinstance(raw_order, bool):
        raw_order = str(raw_order)
    order_id = r.text("orderId", raw_order)
    r.raise_if_any()
    assert op is not None and client_id is not None and points is not None
    return PointsOperation(op), client_id, points, description or "", order_id
