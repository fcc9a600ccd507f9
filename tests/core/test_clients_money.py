"""Amounts out of range are the caller's error, whatever their size: 1e400 used to raise in
rounding (a masked internal error in GraphQL) after being recorded as OUT_OF_RANGE."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.clients.rules import money
from core.shared.errors import FieldError


@pytest.mark.parametrize("raw", ["1e400", "9" * 40, "-1", "0", "Infinity", "NaN", 2e15])
def test_out_of_range_amounts_are_refused(raw: object) -> None:
    errors: list[FieldError] = []
    assert money("amount", raw, errors) == Decimal(0)
    assert [(e.field, e.code) for e in errors] == [("amount", "OUT_OF_RANGE")]


def test_amounts_round_to_the_cent() -> None:
    errors: list[FieldError] = []
    assert money("amount", "10.005", errors) == Decimal("10.00") and errors == []
