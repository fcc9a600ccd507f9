"""Bodies of the BusinessPartner dialect into the core's typed inputs.

This module owns the dialect's JSON shape: camelCase keys, ids given as strings or integers,
``comercialName`` and ``commercialName`` both accepted (the seed's body spells the first, its
table of parameters the second), ``null`` as "not given" (``agentId: null`` clears the agent).
Types are checked here; presence, trimming and lengths by the core's rules (``core.partners.
rules``), field by field in the body's order and named in the dialect's words, so the first
problem of a body is the one answered: ``Parameter <name> is required``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from core.partners import rules
from core.partners.errors import InvalidFormat, MissingField
from core.partners.inputs import (
    Assignment,
    ContactInput,
    ContactMethodInput,
    LocationInput,
    PartnerField,
    PartnerInput,
)
from core.shared.errors import DomainError

_FORMAT = "Invalid business partner data format, "
PARTNER_KEYS: dict[PartnerField, str] = {
    PartnerField.ID_REMOTE: "idRemote",
    PartnerField.ROLE_ID: "roleId",
    PartnerField.STATUS_ID: "statusId",
    PartnerField.COMPANY_ID: "companyId",
    PartnerField.AGENT_ID: "agentId",
    PartnerField.CONTACT_NAME: "contactName",
    PartnerField.COMERCIAL_NAME: "commercialName",
    PartnerField.TIN: "tin",
    PartnerField.OBSERVATION: "observation",
    PartnerField.ORIGIN: "origin",
    PartnerField.ACTIVE: "active",
    PartnerField.LOCATIONS: "locations",
    PartnerField.CONTACTS: "contacts",
}
COMMERCIAL_KEYS = ("commercialName", "comercialName")
_REFS = (
    PartnerField.ID_REMOTE,
    PartnerField.ROLE_ID,
    PartnerField.STATUS_ID,
    PartnerField.COMPANY_ID,
)
_TEXTS = (
    PartnerField.CONTACT_NAME,
    PartnerField.TIN,
    PartnerField.OBSERVATION,
    PartnerField.ORIGIN,
)
LOCATION_KEYS: dict[str, str] = {
    "id_remote": "idRemote",
    "name": "name",
    "address": "address",
    "city": "city",
    "postal_code": "postalCode",
    "state_id": "stateId",
    "country_id": "countryId",
    "shipping_address": "shippingAddress",
    "billing_address": "billingAddress",
    "is_default": "default",
    "active": "active",
}
_LOCATION_FLAGS = ("shipping_address", "billing_address", "is_default", "active")
_CONTACT_REQUIRED = ("name", "default", "active", "contactMethods")
_METHOD_REQUIRED = ("idRemote", "contactTypeId", "value")
_SEND_FLAGS = ("send_by_whatsapp", "send_by_mail", "send_by_telegram", "send_by_sms")


class BodyError(DomainError):
    """The body is not of the dialect's shape (a 400 with this message)."""

    code = "INVALID"


def _wrong(path: str, expected: str) -> BodyError:
    return BodyError(f"Parameter {path} must be {expected}")


def _present(obj: Mapping[str, Any], key: str) -> bool:
    return key in obj and obj[key] is not None


def _ref(obj: Mapping[str, Any], key: str, attr: str, path: str) -> str:
    """An identifier: a string, or an integer (a local id) read as its decimal string."""
    value = obj[key]
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _wrong(path, "a string")
    return rules.ref(str(value), attr, path)


def _text(obj: Mapping[str, Any], key: str, attr: str, path: str) -> str:
    value = obj[key]
    if not isinstance(value, str):
        raise _wrong(path, "a string")
    return rules.text(value, attr, path)


def _bool(obj: Mapping[str, Any], key: str, path: str) -> bool:
    value = obj[key]
    if not isinstance(value, bool):
        raise _wrong(path, "a boolean")
    return value


def _object(value: object, path: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise _wrong(path, "an object")
    return value


def _list(value: object, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise _wrong(path, "an array")
    rules.bounded(len(value), path)
    return value


def _require(obj: Mapping[str, Any], keys: Sequence[str], prefix: str) -> None:
    for key in keys:
        if not _present(obj, key):
            raise MissingField(f"{prefix}{key}")


# -- partners -----------------------------------------------------------------------------------


def parse_create_body(raw: object) -> list[PartnerInput]:
    """The ``create`` body: a JSON array of 1 to 1,000 partners, each complete."""
    if not isinstance(raw, list):
        raise BodyError(_FORMAT + "the body must be a JSON array")
    rules.batch_size(len(raw))
    return [parse_partner(item, full=True) for item in raw]


def parse_partner(raw: object, *, full: bool, path: str = "") -> PartnerInput:
    """One partner. ``full`` (create) requires the documented parameters; otherwise (update)
    every field is optional and only the given ones change."""
    obj = _object(raw, path or "body")
    prefix = f"{path}." if path else ""
    commercial_key = next((k for k in COMMERCIAL_KEYS if _present(obj, k)), None)
    if full:
        _require_partner(obj, commercial_key, prefix)
    item = PartnerInput()
    present: set[PartnerField] = set()
    for f in _REFS:
        key = PARTNER_KEYS[f]
        if _present(obj, key):
            setattr(item, f.value, _ref(obj, key, f.value, f"{prefix}{key}"))
            present.add(f)
    if "agentId" in obj:  # null clears the agent on update
        present.add(PartnerField.AGENT_ID)
        if obj["agentId"] is not None:
            item.agent_id = _ref(obj, "agentId", "agent_id", f"{prefix}agentId")
    if commercial_key is not None:
        item.comercial_name = _text(
            obj, commercial_key, "comercial_name", f"{prefix}{commercial_key}"
        )
        present.add(PartnerField.COMERCIAL_NAME)
    for f in _TEXTS:
        key = PARTNER_KEYS[f]
        if _present(obj, key):
            setattr(item, f.value, _text(obj, key, f.value, f"{prefix}{key}"))
            present.add(f)
    if _present(obj, "active"):
        item.active = _bool(obj, "active", f"{prefix}active")
        present.add(PartnerField.ACTIVE)
    _set_children(item, present, obj, prefix)
    if not full and not present:
        raise InvalidFormat(rules.NOTHING_TO_UPDATE)
    item.present = frozenset(present)
    return item


def _require_partner(obj: Mapping[str, Any], commercial_key: str | None, prefix: str) -> None:
    for f in rules.REQUIRED_ON_CREATE:
        key = PARTNER_KEYS[f]
        if f is PartnerField.COMERCIAL_NAME:
            given = commercial_key is not None
        else:
            given = _present(obj, key)
        if not given:
            raise MissingField(f"{prefix}{key}")


def _set_children(
    item: PartnerInput, present: set[PartnerField], obj: Mapping[str, Any], prefix: str
) -> None:
    if _present(obj, "locations"):
        item.locations = [
            parse_location(loc, f"{prefix}locations[{i}]")
            for i, loc in enumerate(_list(obj["locations"], f"{prefix}locations"))
        ]
        present.add(PartnerField.LOCATIONS)
    if _present(obj, "contacts"):
        item.contacts = [
            parse_contact(c, f"{prefix}contacts[{i}]")
            for i, c in enumerate(_list(obj["contacts"], f"{prefix}contacts"))
        ]
        present.add(PartnerField.CONTACTS)


def parse_location(raw: object, path: str) -> LocationInput:
    """A new location (every documented parameter), or ``{"locationId"}`` for an existing
    one."""
    obj = _object(raw, path)
    if _present(obj, "locationId"):
        return LocationInput(
            location_ref=_ref(obj, "locationId", "location_ref", f"{path}.locationId")
        )
    _require(obj, [LOCATION_KEYS[attr] for attr in rules.REQUIRED_LOCATION], f"{path}.")
    loc = LocationInput()
    for attr, key in LOCATION_KEYS.items():
        if not _present(obj, key):
            continue
        at = f"{path}.{key}"
        if attr in _LOCATION_FLAGS:
            setattr(loc, attr, _bool(obj, key, at))
        elif attr in ("name", "address", "city"):
            setattr(loc, attr, _text(obj, key, attr, at))
        else:
            setattr(loc, attr, _ref(obj, key, attr, at))
    return loc


def parse_contact(raw: object, path: str) -> ContactInput:
    obj = _object(raw, path)
    _require(obj, _CONTACT_REQUIRED, f"{path}.")
    methods = [
        _parse_method(m, f"{path}.contactMethods[{j}]")
        for j, m in enumerate(_list(obj["contactMethods"], f"{path}.contactMethods"))
    ]
    return ContactInput(
        id_remote=_ref(obj, "idRemote", "id_remote", f"{path}.idRemote")
        if _present(obj, "idRemote")
        else None,
        name=_text(obj, "name", "name", f"{path}.name"),
        position=_text(obj, "position", "position", f"{path}.position")
        if _present(obj, "position")
        else None,
        is_default=_bool(obj, "default", f"{path}.default"),
        active=_bool(obj, "active", f"{path}.active"),
        contact_methods=methods,
    )


def _parse_method(raw: object, path: str) -> ContactMethodInput:
    m = _object(raw, path)
    _require(m, _METHOD_REQUIRED, f"{path}.")
    method = ContactMethodInput(
        id_remote=_ref(m, "idRemote", "id_remote", f"{path}.idRemote"),
        contact_type_id=_ref(m, "contactTypeId", "contact_type_id", f"{path}.contactTypeId"),
        value=_text(m, "value", "value", f"{path}.value"),
    )
    for flag in _SEND_FLAGS:
        if _present(m, flag):
            setattr(method, flag, _bool(m, flag, f"{path}.{flag}"))
    return method


# -- assignments --------------------------------------------------------------------------------


def parse_assignments(raw: object) -> list[Assignment]:
    """The ``assignClientsToAgent`` body: ``[{"agentId", "clients": [{"idRemote"}]}]``."""
    if not isinstance(raw, list) or not raw:
        raise BodyError(_FORMAT + "the body must be a non-empty JSON array")
    return [_parse_assignment(entry, f"[{i}]") for i, entry in enumerate(raw)]


def _parse_assignment(raw: object, path: str) -> Assignment:
    obj = _object(raw, path)
    _require(obj, ("agentId", "clients"), "")
    clients = _list(obj["clients"], "clients")
    if not clients:
        raise MissingField("clients")
    remote_ids = []
    for j, client in enumerate(clients):
        c = _object(client, f"clients[{j}]")
        if not _present(c, "idRemote"):
            raise MissingField("clients.idRemote")
        remote_ids.append(_ref(c, "idRemote", "id_remote", "clients.idRemote"))
    return Assignment(
        agent_ref=_ref(obj, "agentId", "agent_id", "agentId"), client_remote_ids=remote_ids
    )
