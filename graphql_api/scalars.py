"""Scalars and enums every context's types share, and the timestamp conversion."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum
from typing import Any, NewType

import strawberry
from graphql import GraphQLError

from core.shared.ids import is_ascii_digits

Long = NewType("Long", int)
"""A 64-bit integer; registered as a scalar through ``SCALARS`` (the schema's scalar_map)."""


def _parse_long(value: object) -> int:
    # GraphQLError, as the built-in scalars raise: graphql-core reports it as the caller's
    # mistake; any other exception in a literal (``number: "x"``) reads as a server bug.
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise GraphQLError("Long must be an integer")
    if isinstance(value, str) and not is_ascii_digits(value.removeprefix("-")):
        raise GraphQLError("Long must be written with the digits 0-9")
    number = int(value)
    if not -(2**63) <= number < 2**63:
        raise GraphQLError("Long must fit in 64 bits")
    return number


SCALARS: dict[object, Any] = {
    Long: strawberry.scalar(
        name="Long",
        description="A 64-bit signed integer (document numbers exceed GraphQL's 32-bit Int).",
        serialize=int,
        parse_value=_parse_long,
    )
}


@strawberry.enum(description="Whether a record is in use. Inactive records are kept, not deleted.")
class RecordState(Enum):
    ACTIVE = 0
    INACTIVE = 1


def utc_datetime(seconds: int) -> datetime:
    """Storage keeps Unix seconds; GraphQL speaks DateTime (UTC)."""
    return datetime.fromtimestamp(seconds, UTC)
