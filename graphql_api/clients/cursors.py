"""Opaque keyset cursors: base64url of ``[sort, direction, sort value, id]``.

The sort travels inside the cursor so a cursor taken under one order cannot silently
be applied to another (it would skip or repeat rows); such a cursor is refused.
"""

from __future__ import annotations

import base64
import binascii

import orjson

from core.clients.model import Client, ClientSortField
from core.shared.errors import InvalidInput

_INT_SORTS = (ClientSortField.CREATED_AT, ClientSortField.UPDATED_AT)


def sort_value(client: Client, sort: ClientSortField) -> object:
    if sort is ClientSortField.ID:
        return client.id
    return getattr(client, sort.value)


def _fits(number: int) -> bool:
    # Bound parameters must fit the BIGINT columns; anything larger is a forged cursor.
    return -(2**63) <= number < 2**63


def encode_cursor(client: Client, sort: ClientSortField, descending: bool) -> str:
    raw = orjson.dumps(
        [sort.value, "desc" if descending else "asc", sort_value(client, sort), client.id]
    )
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, sort: ClientSortField, descending: bool) -> tuple[object, int]:
    """``(sort value, id)`` for ``ClientService.page``; InvalidInput on anything else."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = orjson.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, orjson.JSONDecodeError):
        raise InvalidInput.single("after", "not a valid cursor", "INVALID") from None
    if (
        not isinstance(data, list)
        or len(data) != 4
        or not isinstance(data[3], int)
        or isinstance(data[3], bool)
    ):
        raise InvalidInput.single("after", "not a valid cursor", "INVALID")
    cursor_sort, direction, value, last_id = data
    wanted = [sort.value, "desc" if descending else "asc"]
    if [cursor_sort, direction] != wanted:
        raise InvalidInput.single(
            "after",
            f"the cursor was taken with sort {cursor_sort} {direction}, "
            f"not {wanted[0]} {wanted[1]}; restart pagination without `after`",
            "INVALID",
        )
    ok = (
        isinstance(value, int) and not isinstance(value, bool)
        if sort in _INT_SORTS or sort is ClientSortField.ID
        else isinstance(value, str)
    )
    if not ok or not all(_fits(v) for v in (value, last_id) if isinstance(v, int)):
        raise InvalidInput.single("after", "not a valid cursor", "INVALID")
    return value, last_id
