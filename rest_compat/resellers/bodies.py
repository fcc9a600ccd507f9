"""The reseller dialect's request body: a JSON array of items in the seed's shape (snake_case
keys, integers for the closed sets), read into the core's typed inputs.

Reading checks only the shape: the body's size and syntax, JSON types, missing keys, integers
outside a closed set. A value that cannot be read becomes ``Unreadable`` with this dialect's
message, and the core reports it among the item's other problems; the rules themselves (RUC,
lengths, e-mail, OSE credentials) are the core's (``core/resellers/rules.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import IntEnum
from functools import cache
from typing import Any, TypeVar

from starlette.requests import Request

from core.resellers.inputs import MISSING, OnboardInput, Unreadable
from core.resellers.model import IntegrationType, ValidatorEntity
from httpkit.json import MalformedBody, decode_json

E = TypeVar("E", bound=IntEnum)

# 1,000 items with every field at its maximum length take about 1.1 MB of JSON; the margin
# covers escapes and non-ASCII names while refusing absurd bodies before parsing them (the
# root's body limit enforces it while the body is read).
MAX_BODY_BYTES = 4 * 1024 * 1024
NOT_AN_OBJECT = Unreadable("must be a JSON object")
TEXT_KEYS = (
    "email",
    "phone_number",
    "mobile_number",
    "external_ose_username",
    "external_ose_password",
)


async def read_batch(request: Request) -> list[Any]:
    """The decoded JSON array of a batch request. Raises MalformedBody (empty, not JSON, not an
    array)."""
    raw = await request.body()
    if not raw.strip():
        raise MalformedBody("a JSON array of clients is required")
    body = decode_json(raw)
    if not isinstance(body, list):
        raise MalformedBody("the body must be a JSON array of clients")
    return body


def _required_text(value: object, wrong_type: str) -> str | Unreadable:
    if value is None:
        return MISSING
    return value if isinstance(value, str) else Unreadable(wrong_type)


def _text(value: object) -> str | Unreadable | None:
    if value is None or isinstance(value, str):
        return value
    return Unreadable("must be a string or null")


@cache
def _values(kind: type[IntEnum]) -> frozenset[int]:
    return frozenset(member.value for member in kind)


def _closed(value: object, kind: type[E], wrong_type: str, out_of_range: str) -> E | Unreadable:
    """An integer of a closed set as the core's enum (``true`` is not ``1`` here)."""
    if value is None:
        return MISSING
    if not isinstance(value, int) or isinstance(value, bool):
        return Unreadable(wrong_type)
    if value not in _values(kind):
        return Unreadable(out_of_range, "OUT_OF_RANGE")
    return kind(value)


def _flag(value: object) -> bool | Unreadable | None:
    if value is None or isinstance(value, bool):
        return value
    return Unreadable("must be true, false or null")


def read_item(raw: object) -> OnboardInput | Unreadable:
    """One element of the array. Types are not coerced (``"1"`` is not ``1``, a RUC sent as a
    number is refused); unknown keys are ignored; ``null`` is absent."""
    if not isinstance(raw, Mapping):
        return NOT_AN_OBJECT
    item: Mapping[str, Any] = raw
    texts = {name: _text(item.get(name)) for name in TEXT_KEYS}
    return OnboardInput(
        ruc=_required_text(item.get("ruc"), "must be a string of 11 digits"),
        company_name=_required_text(item.get("company_name"), "must be a string"),
        validator_entity=_closed(
            item.get("validator_entity"),
            ValidatorEntity,
            "must be an integer 0, 1, 2 or 3",
            "must be 0 (SUNAT), 1, 2 or 3 (OSE)",
        ),
        integration_type=_closed(
            item.get("integration_type"),
            IntegrationType,
            "must be an integer 0 or 1",
            "must be 0 (XML) or 1 (JSON)",
        ),
        email=texts["email"],
        phone_number=texts["phone_number"],
        mobile_number=texts["mobile_number"],
        external_ose_username=texts["external_ose_username"],
        external_ose_password=texts["external_ose_password"],
        is_ose_validation_only=_flag(item.get("is_ose_validation_only")),
    )


def read_items(body: list[Any]) -> list[OnboardInput | Unreadable]:
    return [read_item(raw) for raw in body]
