"""Keyset cursors: round trip, sort binding, and refusal of forged values."""

from __future__ import annotations

import base64
import json

import pytest

from core.clients.model import Client, ClientSortField
from core.shared.errors import InvalidInput
from graphql_api.clients.cursors import decode_cursor, encode_cursor


def _forge(data: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        (ClientSortField.ID, 7),
        (ClientSortField.CODE, "20100070970"),
        (ClientSortField.CREATED_AT, 1_600_000_000),
        (ClientSortField.UPDATED_AT, 1_700_000_000),
    ],
)
@pytest.mark.parametrize("descending", [False, True])
def test_round_trip(sort: ClientSortField, expected: object, descending: bool) -> None:
    client = Client(
        id=7, account_id=1, code="20100070970", created_at=1_600_000_000, updated_at=1_700_000_000
    )
    cursor = encode_cursor(client, sort, descending)
    assert "=" not in cursor and "/" not in cursor and "+" not in cursor
    assert decode_cursor(cursor, sort, descending) == (expected, 7)


def test_cursor_of_another_order_is_refused() -> None:
    cursor = encode_cursor(Client(id=1, account_id=1, code="A"), ClientSortField.CODE, False)
    for sort, descending in (
        (ClientSortField.CODE, True),
        (ClientSortField.ID, False),
        (ClientSortField.CREATED_AT, False),
    ):
        with pytest.raises(InvalidInput) as info:
            decode_cursor(cursor, sort, descending)
        assert info.value.errors[0].field == "after"
        assert "restart pagination" in info.value.errors[0].message


@pytest.mark.parametrize(
    "forged",
    [
        _forge(["code", "asc", 5, 1]),  # a number where the code (a string) belongs
        _forge(["created_at", "asc", "x", 1]),
        _forge(["id", "asc", 1, True]),
        _forge(["id", "asc", 1, 2**63]),  # does not fit BIGINT
        _forge(["created_at", "asc", -(2**64), 1]),
        _forge({"id": 1}),
        _forge(["id", "asc", 1]),
        "%%%",
        "",
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
    ],
)
def test_forged_cursors_are_refused(forged: str) -> None:
    for sort in ClientSortField:
        with pytest.raises(InvalidInput):
            decode_cursor(forged, sort, False)
