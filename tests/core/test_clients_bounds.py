"""Every list a caller sends has a bound: one client write sets at most 100 attribute values
(the core's rule, so both faces refuse more the same way)."""

from __future__ import annotations

from core.clients.model import AttributeInput
from core.clients.rules import MAX_ATTRIBUTES, check_attributes
from core.shared.errors import FieldError


def test_attribute_values_per_write_are_bounded() -> None:
    errors: list[FieldError] = []
    check_attributes([AttributeInput(1, "x")] * MAX_ATTRIBUTES, {1}, errors)
    assert errors == []
    check_attributes([AttributeInput(1, "x")] * (MAX_ATTRIBUTES + 1), {1}, errors)
    assert errors == [
        FieldError("dynamic_attributes", "at most 100 values per write", "OUT_OF_RANGE")
    ]
