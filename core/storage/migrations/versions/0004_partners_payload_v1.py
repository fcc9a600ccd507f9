"""partners: queued creation payloads in the core's versioned shape

Messages were stored in the BusinessPartner dialect's JSON (an array of camelCase items);
the core now writes ``{"version": 1, "items": [...]}`` in its own field names
(``core/partners/queue_codec.py``). This rewrites the messages still to be processed
(pending, or processing with a lease that may expire); settled ones are history and stay as
they were. A payload that is not valid JSON of the old shape is left untouched: the worker
fails it as before.

The conversion is written out here, frozen: it must keep reading the old shape whatever the
dialect's parser becomes.

Revision ID: 0004_partners_payload_v1
Revises: 0003_partners
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0004_partners_payload_v1"
down_revision = "0003_partners"
branch_labels = None
depends_on = None

_UNSETTLED = ("pending", "processing")
_PARTNER = {
    "idRemote": "id_remote",
    "roleId": "role_id",
    "statusId": "status_id",
    "companyId": "company_id",
    "agentId": "agent_id",
    "contactName": "contact_name",
    "comercialName": "comercial_name",
    "tin": "tin",
    "observation": "observation",
    "origin": "origin",
    "active": "active",
}
_LOCATION = {
    "idRemote": "id_remote",
    "name": "name",
    "address": "address",
    "city": "city",
    "stateId": "state_id",
    "postalCode": "postal_code",
    "shippingAddress": "shipping_address",
    "billingAddress": "billing_address",
    "countryId": "country_id",
    "default": "is_default",
    "active": "active",
}
_CONTACT = {
    "idRemote": "id_remote",
    "name": "name",
    "position": "position",
    "default": "is_default",
    "active": "active",
}
_METHOD = {
    "idRemote": "id_remote",
    "contactTypeId": "contact_type_id",
    "value": "value",
    **{
        flag: flag
        for flag in ("send_by_whatsapp", "send_by_mail", "send_by_telegram", "send_by_sms")
    },
}

_messages = sa.table(
    "bp_messages",
    sa.column("id", sa.BigInteger),
    sa.column("payload", sa.Text),
    sa.column("status", sa.String),
)


def _renamed(obj: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    unknown = set(obj) - set(names)
    if unknown:
        raise ValueError(f"unknown keys {sorted(unknown)}")
    return {names[k]: v for k, v in obj.items()}


def _location_v1(loc: dict[str, Any]) -> dict[str, Any]:
    if "locationId" in loc:
        return {"location_ref": loc["locationId"]}
    return _renamed(loc, _LOCATION)


def _contact_v1(contact: dict[str, Any]) -> dict[str, Any]:
    methods = contact.get("contactMethods", [])
    out = _renamed({k: v for k, v in contact.items() if k != "contactMethods"}, _CONTACT)
    out["contact_methods"] = [_renamed(m, _METHOD) for m in methods]
    return out


def _item_v1(item: dict[str, Any]) -> dict[str, Any]:
    scalars = {k: v for k, v in item.items() if k not in ("locations", "contacts")}
    out = _renamed(scalars, _PARTNER)
    if "locations" in item:
        out["locations"] = [_location_v1(loc) for loc in item["locations"]]
    if "contacts" in item:
        out["contacts"] = [_contact_v1(c) for c in item["contacts"]]
    return out


def to_v1(payload: str) -> str | None:
    """The version 1 payload of an old one, or None when it is not of the old shape."""
    try:
        items = json.loads(payload)
        if not isinstance(items, list):
            return None
        return json.dumps({"version": 1, "items": [_item_v1(i) for i in items]}, ensure_ascii=False)
    except (ValueError, TypeError, AttributeError):
        return None


def _inverse(names: dict[str, str]) -> dict[str, str]:
    return {v: k for k, v in names.items()}


def to_old(payload: str) -> str | None:
    """The dialect's shape of a version 1 payload (downgrade), or None."""
    try:
        body = json.loads(payload)
        if not isinstance(body, dict) or body.get("version") != 1:
            return None
        items = []
        for item in body["items"]:
            scalars = {k: v for k, v in item.items() if k not in ("locations", "contacts")}
            old = _renamed(scalars, _inverse(_PARTNER))
            if "locations" in item:
                old["locations"] = [
                    {"locationId": loc["location_ref"]}
                    if "location_ref" in loc
                    else _renamed(loc, _inverse(_LOCATION))
                    for loc in item["locations"]
                ]
            if "contacts" in item:
                old["contacts"] = [
                    {
                        **_renamed(
                            {k: v for k, v in c.items() if k != "contact_methods"},
                            _inverse(_CONTACT),
                        ),
                        "contactMethods": [
                            _renamed(m, _inverse(_METHOD)) for m in c["contact_methods"]
                        ],
                    }
                    for c in item["contacts"]
                ]
            items.append(old)
        return json.dumps(items, ensure_ascii=False)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def _rewrite(convert: Callable[[str], str | None]) -> None:
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(_messages.c.id, _messages.c.payload).where(_messages.c.status.in_(_UNSETTLED))
    ).all()
    for message_id, payload in rows:
        converted = convert(payload)
        if converted is not None:
            conn.execute(
                sa.update(_messages).where(_messages.c.id == message_id).values(payload=converted)
            )


def upgrade() -> None:
    _rewrite(to_v1)


def downgrade() -> None:
    _rewrite(to_old)
