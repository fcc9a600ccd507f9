"""The payload of a queued creation: checked partner inputs as versioned JSON.

Version 1 is ``{"version": 1, "items": [...]}``, each item the fields of
:class:`~core.partners.inputs.PartnerInput` that were given, under their own names
(``id_remote``, ``locations[].location_ref``, ``contacts[].contact_methods[]`` ...). Nothing of
any face's shape is stored: a message reads the same whichever face queued it. Messages queued
before version 1 (the BusinessPartner dialect's JSON) are rewritten by the migration
``0004_partners_payload_v1``.

A payload this module did not write is refused with :class:`PayloadError`: the worker treats it
as an unexpected failure (retried, then failed).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any, TypeVar

from core.partners.inputs import (
    ContactInput,
    ContactMethodInput,
    LocationInput,
    PartnerField,
    PartnerInput,
)

VERSION = 1
T = TypeVar("T")
_FIELDS = frozenset(f.value for f in PartnerField)
_LOCATION_TEXT = ("id_remote", "name", "address", "city", "state_id", "postal_code", "country_id")
_LOCATION_FLAGS = ("shipping_address", "billing_address", "is_default", "active")
_METHOD_FLAGS = ("send_by_whatsapp", "send_by_mail", "send_by_telegram", "send_by_sms")


class PayloadError(ValueError):
    """Not a payload of a version this code reads."""


def encode(items: Sequence[PartnerInput]) -> str:
    return json.dumps({"version": VERSION, "items": [_item(i) for i in items]}, ensure_ascii=False)


def _item(item: PartnerInput) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in PartnerField:
        if f in item.present and f not in (PartnerField.LOCATIONS, PartnerField.CONTACTS):
            out[f.value] = getattr(item, f.value)
    if item.locations is not None:
        out["locations"] = [_location(loc) for loc in item.locations]
    if item.contacts is not None:
        out["contacts"] = [asdict(c) for c in item.contacts]
    return out


def _location(loc: LocationInput) -> dict[str, Any]:
    if loc.location_ref is not None:
        return {"location_ref": loc.location_ref}
    return {k: v for k, v in asdict(loc).items() if k != "location_ref"}


# -- decoding -----------------------------------------------------------------------------------


def decode(payload: str) -> list[PartnerInput]:
    try:
        body = json.loads(payload)
    except json.JSONDecodeError as exc:
        raise PayloadError(f"not JSON: {exc.msg}") from None
    if not isinstance(body, dict) or body.get("version") != VERSION:
        raise PayloadError(f"not a version {VERSION} payload")
    return [_decode_item(raw) for raw in _list(body.get("items"))]


def _decode_item(raw: object) -> PartnerInput:
    obj = _dict(raw)
    item = PartnerInput()
    present: set[PartnerField] = set()
    for key, value in obj.items():
        if key not in _FIELDS:
            raise PayloadError(f"unknown field {key!r}")
        f = PartnerField(key)
        present.add(f)
        if f is PartnerField.ACTIVE:
            item.active = _opt(value, bool)
        elif f is PartnerField.LOCATIONS:
            item.locations = [_decode_location(v) for v in _list(value)]
        elif f is PartnerField.CONTACTS:
            item.contacts = [_decode_contact(v) for v in _list(value)]
        else:
            setattr(item, f.value, _opt(value, str))
    item.present = frozenset(present)
    return item


def _decode_location(raw: object) -> LocationInput:
    obj = _dict(raw)
    if "location_ref" in obj:
        return LocationInput(location_ref=_of(obj["location_ref"], str))
    loc = LocationInput()
    for key in _LOCATION_TEXT:
        setattr(loc, key, _opt(obj.get(key), str))
    for key in _LOCATION_FLAGS:
        setattr(loc, key, _opt(obj.get(key), bool))
    return loc


def _decode_contact(raw: object) -> ContactInput:
    obj = _dict(raw)
    methods = [
        ContactMethodInput(
            id_remote=_of(m.get("id_remote"), str),
            contact_type_id=_of(m.get("contact_type_id"), str),
            value=_of(m.get("value"), str),
            **{flag: _of(m.get(flag, False), bool) for flag in _METHOD_FLAGS},
        )
        for m in map(_dict, _list(obj.get("contact_methods")))
    ]
    return ContactInput(
        name=_of(obj.get("name"), str),
        is_default=_of(obj.get("is_default"), bool),
        active=_of(obj.get("active"), bool),
        contact_methods=methods,
        id_remote=_opt(obj.get("id_remote"), str),
        position=_opt(obj.get("position"), str),
    )


def _dict(value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PayloadError("expected an object")
    return value


def _list(value: object) -> list[Any]:
    if not isinstance(value, list):
        raise PayloadError("expected an array")
    return value


def _of(value: object, kind: type[T]) -> T:
    if not isinstance(value, kind):
        raise PayloadError(f"expected {kind.__name__}")
    return value


def _opt(value: object, kind: type[T]) -> T | None:
    return None if value is None else _of(value, kind)
