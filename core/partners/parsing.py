"""Structure checks of partner bodies (the BusinessPartner dialect's JSON shape).

``create`` checks every item at once, before the message is queued; ``update`` checks only
what is present. References (roles, companies, countries ...) are resolved later, by the
service, against the tenant's data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from core.partners.errors import BadParameter, InvalidFormat, MissingParameter
from core.partners.model import (
    Assignment,
    ContactInput,
    ContactMethodInput,
    LocationInput,
    PartnerInput,
)

MAX_ITEMS = 1000
MAX_TEXT = 255
MAX_LONG_TEXT = 2000

_PARTNER_REQUIRED = (
    "idRemote",
    "roleId",
    "statusId",
    "companyId",
    "contactName",
    "commercialName",
    "tin",
    "active",
)
_LOCATION_REQUIRED = (
    "idRemote",
    "name",
    "address",
    "city",
    "shippingAddress",
    "billingAddress",
    "countryId",
    "default",
    "active",
)
_CONTACT_REQUIRED = ("name", "default", "active", "contactMethods")
_METHOD_REQUIRED = ("idRemote", "contactTypeId", "value")
_SEND_FLAGS = ("send_by_whatsapp", "send_by_mail", "send_by_telegram", "send_by_sms")
_LONG = frozenset({"observation", "address"})
# Columns narrower than MAX_TEXT (PostgreSQL refuses longer values; SQLite would keep them).
_LIMITS = {"tin": 64, "postalCode": 32}


def _present(obj: Mapping[str, Any], key: str) -> bool:
    return key in obj and obj[key] is not None


def _ref(obj: Mapping[str, Any], key: str, path: str) -> str:
    """An identifier: a string, or an integer (the local id) taken as its decimal string."""
    value = obj[key]
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise BadParameter(path, "must be a string")
    text = str(value).strip()
    if not text:
        raise MissingParameter(path)
    limit = _LIMITS.get(key, MAX_TEXT)
    if len(text) > limit:
        raise BadParameter(path, f"must be at most {limit} characters")
    return text


def _text(obj: Mapping[str, Any], key: str, path: str) -> str:
    value = obj[key]
    if not isinstance(value, str):
        raise BadParameter(path, "must be a string")
    limit = MAX_LONG_TEXT if key in _LONG else _LIMITS.get(key, MAX_TEXT)
    if len(value) > limit:
        raise BadParameter(path, f"must be at most {limit} characters")
    return value.strip()


def _bool(obj: Mapping[str, Any], key: str, path: str) -> bool:
    value = obj[key]
    if not isinstance(value, bool):
        raise BadParameter(path, "must be a boolean")
    return value


def _object(value: object, path: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise BadParameter(path, "must be an object")
    return value


def _list(value: object, path: str) -> list[Any]:
    if not isinstance(value, list):
        raise BadParameter(path, "must be an array")
    if len(value) > MAX_ITEMS:
        raise BadParameter(path, f"must hold at most {MAX_ITEMS} items")
    return value


def _require(obj: Mapping[str, Any], keys: tuple[str, ...], prefix: str) -> None:
    for key in keys:
        if not _present(obj, key):
            raise MissingParameter(f"{prefix}{key}")


def _commercial(obj: Mapping[str, Any]) -> str | None:
    """Both spellings are accepted; the documented body says comercialName, the table of
    required parameters commercialName."""
    for key in ("commercialName", "comercialName"):
        if _present(obj, key):
            return key
    return None


def parse_location(raw: object, path: str, *, full: bool) -> LocationInput:
    obj = _object(raw, path)
    if _present(obj, "locationId"):
        return LocationInput(location_ref=_ref(obj, "locationId", f"{path}.locationId"))
    if full:
        _require(obj, _LOCATION_REQUIRED, f"{path}.")
    elif not _present(obj, "idRemote"):
        raise MissingParameter(f"{path}.idRemote")
    loc = LocationInput(id_remote=_ref(obj, "idRemote", f"{path}.idRemote"))
    for key, attr in (("name", "name"), ("address", "address"), ("city", "city")):
        if _present(obj, key):
            setattr(loc, attr, _text(obj, key, f"{path}.{key}"))
    if _present(obj, "postalCode"):
        loc.postal_code = _ref(obj, "postalCode", f"{path}.postalCode")
    for key in ("stateId", "countryId"):
        if _present(obj, key):
            setattr(
                loc,
                "state_id" if key == "stateId" else "country_id",
                _ref(obj, key, f"{path}.{key}"),
            )
    for key, attr in (
        ("shippingAddress", "shipping_address"),
        ("billingAddress", "billing_address"),
        ("default", "is_default"),
        ("active", "active"),
    ):
        if _present(obj, key):
            setattr(loc, attr, _bool(obj, key, f"{path}.{key}"))
    return loc


def parse_contact(raw: object, path: str) -> ContactInput:
    obj = _object(raw, path)
    _require(obj, _CONTACT_REQUIRED, f"{path}.")
    methods: list[ContactMethodInput] = []
    for j, raw_method in enumerate(_list(obj["contactMethods"], f"{path}.contactMethods")):
        mpath = f"{path}.contactMethods[{j}]"
        m = _object(raw_method, mpath)
        _require(m, _METHOD_REQUIRED, f"{mpath}.")
        method = ContactMethodInput(
            id_remote=_ref(m, "idRemote", f"{mpath}.idRemote"),
            contact_type_id=_ref(m, "contactTypeId", f"{mpath}.contactTypeId"),
            value=_text(m, "value", f"{mpath}.value"),
        )
        for flag in _SEND_FLAGS:
            if _present(m, flag):
                setattr(method, flag, _bool(m, flag, f"{mpath}.{flag}"))
        methods.append(method)
    return ContactInput(
        id_remote=_ref(obj, "idRemote", f"{path}.idRemote") if _present(obj, "idRemote") else None,
        name=_text(obj, "name", f"{path}.name"),
        position=_text(obj, "position", f"{path}.position") if _present(obj, "position") else None,
        is_default=_bool(obj, "default", f"{path}.default"),
        active=_bool(obj, "active", f"{path}.active"),
        contact_methods=methods,
    )


def parse_partner(raw: object, *, full: bool, path: str = "") -> PartnerInput:
    """One partner. ``full`` (create) requires the documented parameters; otherwise (update)
    every field is optional and only the present ones change."""
    obj = _object(raw, path or "body")
    prefix = f"{path}." if path else ""
    commercial_key = _commercial(obj)
    if full:
        for key in _PARTNER_REQUIRED:
            if key == "commercialName":
                if commercial_key is None:
                    raise MissingParameter(f"{prefix}commercialName")
            elif not _present(obj, key):
                raise MissingParameter(f"{prefix}{key}")
    present: set[str] = set()
    item = PartnerInput()
    for key, attr in (
        ("idRemote", "id_remote"),
        ("roleId", "role_id"),
        ("statusId", "status_id"),
        ("companyId", "company_id"),
    ):
        if _present(obj, key):
            setattr(item, attr, _ref(obj, key, f"{prefix}{key}"))
            present.add(attr)
    if "agentId" in obj:  # null clears the agent on update
        item.agent_id = None if obj["agentId"] is None else _ref(obj, "agentId", f"{prefix}agentId")
        present.add("agent_id")
    if commercial_key is not None:
        item.comercial_name = _text(obj, commercial_key, f"{prefix}{commercial_key}")
        present.add("comercial_name")
    for key, attr in (
        ("contactName", "contact_name"),
        ("tin", "tin"),
        ("observation", "observation"),
        ("origin", "origin"),
    ):
        if _present(obj, key):
            setattr(item, attr, _text(obj, key, f"{prefix}{key}"))
            present.add(attr)
    if _present(obj, "active"):
        item.active = _bool(obj, "active", f"{prefix}active")
        present.add("active")
    if _present(obj, "locations"):
        item.locations = [
            parse_location(loc, f"{prefix}locations[{i}]", full=True)
            for i, loc in enumerate(_list(obj["locations"], f"{prefix}locations"))
        ]
        present.add("locations")
    if _present(obj, "contacts"):
        item.contacts = [
            parse_contact(c, f"{prefix}contacts[{i}]")
            for i, c in enumerate(_list(obj["contacts"], f"{prefix}contacts"))
        ]
        present.add("contacts")
    if not full and not present:
        raise InvalidFormat("Invalid business partner data format, nothing to update")
    item.present = frozenset(present)
    return item


def parse_create_body(raw: object) -> list[PartnerInput]:
    """The ``create`` body: a non-empty JSON array of partners, each complete."""
    if not isinstance(raw, list):
        raise InvalidFormat("Invalid business partner data format, the body must be a JSON array")
    if not raw:
        raise InvalidFormat("Invalid business partner data format, the array is empty")
    if len(raw) > MAX_ITEMS:
        raise InvalidFormat(
            f"Invalid business partner data format, at most {MAX_ITEMS} partners per request"
        )
    return [parse_partner(item, full=True) for item in raw]


def parse_assignments(raw: object) -> list[Assignment]:
    """The ``assignClientsToAgent`` body: ``[{"agentId", "clients": [{"idRemote"}]}]``."""
    if not isinstance(raw, list) or not raw:
        raise InvalidFormat(
            "Invalid business partner data format, the body must be a non-empty JSON array"
        )
    out: list[Assignment] = []
    for i, entry in enumerate(raw):
        obj = _object(entry, f"[{i}]")
        _require(obj, ("agentId", "clients"), "")
        clients = _list(obj["clients"], "clients")
        if not clients:
            raise MissingParameter("clients")
        remote_ids = []
        for j, client in enumerate(clients):
            c = _object(client, f"clients[{j}]")
            if not _present(c, "idRemote"):
                raise MissingParameter("clients.idRemote")
            remote_ids.append(_ref(c, "idRemote", "clients.idRemote"))
        out.append(
            Assignment(agent_ref=_ref(obj, "agentId", "agentId"), client_remote_ids=remote_ids)
        )
    return out


def partner_to_payload(item: PartnerInput) -> dict[str, Any]:
    """A parsed item back into the dialect's JSON (what a queued message stores)."""
    body: dict[str, Any] = {}
    names = {
        "id_remote": "idRemote",
        "role_id": "roleId",
        "status_id": "statusId",
        "company_id": "companyId",
        "agent_id": "agentId",
        "contact_name": "contactName",
        "comercial_name": "comercialName",
        "tin": "tin",
        "observation": "observation",
        "origin": "origin",
        "active": "active",
    }
    for attr, key in names.items():
        if attr in item.present:
            body[key] = getattr(item, attr)
    if item.locations is not None:
        body["locations"] = [_location_payload(loc) for loc in item.locations]
    if item.contacts is not None:
        body["contacts"] = [
            {
                "idRemote": c.id_remote,
                "name": c.name,
                "position": c.position,
                "default": c.is_default,
                "active": c.active,
                "contactMethods": [
                    {
                        "idRemote": m.id_remote,
                        "contactTypeId": m.contact_type_id,
                        "value": m.value,
                        **{flag: getattr(m, flag) for flag in _SEND_FLAGS},
                    }
                    for m in c.contact_methods
                ],
            }
            for c in item.contacts
        ]
    return body


def _location_payload(loc: LocationInput) -> dict[str, Any]:
    if loc.location_ref is not None:
        return {"locationId": loc.location_ref}
    return {
        "idRemote": loc.id_remote,
        "name": loc.name,
        "address": loc.address,
        "city": loc.city,
        "stateId": loc.state_id,
        "postalCode": loc.postal_code,
        "shippingAddress": loc.shipping_address,
        "billingAddress": loc.billing_address,
        "countryId": loc.country_id,
        "default": loc.is_default,
        "active": loc.active,
    }
