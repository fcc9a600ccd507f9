"""Relay global ids (base64 of ``Type:id``, opaque to clients, checked on the way in) and the
conversion of stored timestamps."""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime

from core.shared.errors import InvalidInput


def to_global_id(type_name: str, local_id: int | str) -> str:
    return base64.b64encode(f"{type_name}:{local_id}".encode()).decode()


def from_global_id(global_id: str) -> tuple[str, str]:
    try:
        decoded = base64.b64decode(global_id.encode(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidInput.single("id", "not a valid global id", "INVALID") from None
    type_name, sep, local = decoded.partition(":")
    if not sep or not type_name or not local:
        raise InvalidInput.single("id", "not a valid global id", "INVALID")
    return type_name, local


def local_int_id(global_id: str, expected_type: str, field: str = "id") -> int:
    """The integer id inside a global id of ``expected_type``; InvalidInput naming ``field``
    otherwise (ids longer than 18 digits would overflow BIGINT, so they are refused too)."""
    try:
        type_name, local = from_global_id(global_id)
    except InvalidInput:
        raise InvalidInput.single(field, "not a valid global id", "INVALID") from None
    if type_name != expected_type or not local.isdigit() or len(local) > 18:
        raise InvalidInput.single(field, f"not a {expected_type} id", "INVALID")
    return int(local)


def utc_datetime(seconds: int) -> datetime:
    """Storage keeps Unix seconds; GraphQL speaks DateTime (UTC)."""
    return datetime.fromtimestamp(seconds, UTC)
