"""Reading the reseller dialect's JSON items into the core's typed inputs, and the item errors
the core then reports for them (no database: the dialect's reader and the core's rules).

The first four tests were ``tests/core/test_resellers.py``'s, when the core read this JSON
itself: same items, same assertions, now through ``read_items`` and ``rules.check_batch``.
"""

from __future__ import annotations

from typing import Any

import pytest

from core.resellers.inputs import MISSING, OnboardInput, Unreadable
from core.resellers.model import IntegrationType, ItemError, OnboardItem, ValidatorEntity
from core.resellers.rules import check_batch
from rest_compat.resellers.bodies import NOT_AN_OBJECT, read_item, read_items

SEED = {
    "ruc": "20713128381",
    "company_name": "A&J CORPORTATION S.A.C",
    "email": "correocorporativo@gmail.com",
    "phone_number": "711-0550",
    "mobile_number": "162984123",
    "validator_entity": 0,
    "external_ose_username": None,
    "external_ose_password": None,
    "is_ose_validation_only": None,
    "integration_type": 1,
}


def validate_item(
    index: int, raw: object, *, strict: bool
) -> tuple[OnboardItem | None, list[ItemError]]:
    """One raw item read and checked as a batch of its own: the item, or its error."""
    valid, errors = check_batch([read_item(raw)], strict=strict)
    return (valid[0][1] if valid else None), [
        ItemError(index, e.ruc, e.field, e.message, e.code) for e in errors
    ]


def validate_batch(raw_items: list[Any], *, strict: bool) -> Any:
    return check_batch(read_items(raw_items), strict=strict)


def test_seed_item_is_valid_unless_the_reseller_is_strict() -> None:
    item, errors = validate_item(0, SEED, strict=False)
    assert errors == [] and item is not None
    assert item.validator_entity is ValidatorEntity.SUNAT
    assert item.integration_type is IntegrationType.JSON
    assert item.is_ose_validation_only is False
    _, strict_errors = validate_item(0, SEED, strict=True)
    assert [(e.field, e.code) for e in strict_errors] == [("ruc", "INVALID_TAX_ID")]


def test_types_are_not_coerced() -> None:
    for field, value in (
        ("validator_entity", True),
        ("validator_entity", "0"),
        ("validator_entity", 1.0),
        ("integration_type", "1"),
        ("ruc", 20713128381),
        ("company_name", ["x"]),
        ("is_ose_validation_only", 1),
    ):
        _, errors = validate_item(0, {**SEED, field: value}, strict=False)
        assert [(e.field, e.code) for e in errors] == [(field, "WRONG_TYPE")], field


def test_texts_are_trimmed_and_empty_means_absent_but_passwords_are_kept_as_typed() -> None:
    item, errors = validate_item(
        0,
        {
            **SEED,
            "ruc": " 20713128381 ",
            "company_name": "  ACME  ",
            "email": "",
            "validator_entity": 2,
            "external_ose_username": " user ",
            "external_ose_password": " pass with spaces ",
        },
        strict=False,
    )
    assert errors == [] and item is not None
    assert (item.ruc, item.company_name, item.email) == ("20713128381", "ACME", None)
    assert item.external_ose_username == "user"
    assert item.external_ose_password == " pass with spaces "
    assert "pass with spaces" not in repr(item)


def test_one_error_per_bad_item_in_index_order() -> None:
    items, errors = validate_batch(
        [
            {**SEED, "ruc": "1", "validator_entity": 9, "email": "x"},  # three problems
            SEED,
            {**SEED, "company_name": "Same RUC"},
            None,
        ],
        strict=False,
    )
    assert [(e.index, e.field) for e in errors] == [(0, "ruc"), (2, "ruc"), (3, "item")]
    assert [index for index, _ in items] == [1]
    assert "index 1" in errors[1].message


# -- the reader alone ---------------------------------------------------------------------------


def test_the_seed_item_reads_as_typed_input() -> None:
    assert read_item(SEED) == OnboardInput(
        ruc="20713128381",
        company_name="A&J CORPORTATION S.A.C",
        validator_entity=ValidatorEntity.SUNAT,
        integration_type=IntegrationType.JSON,
        email="correocorporativo@gmail.com",
        phone_number="711-0550",
        mobile_number="162984123",
    )


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("ruc", None, MISSING),
        ("ruc", 20713128381, Unreadable("must be a string of 11 digits")),
        ("company_name", 5, Unreadable("must be a string")),
        ("validator_entity", None, MISSING),
        ("validator_entity", True, Unreadable("must be an integer 0, 1, 2 or 3")),
        ("validator_entity", 4, Unreadable("must be 0 (SUNAT), 1, 2 or 3 (OSE)", "OUT_OF_RANGE")),
        ("integration_type", "1", Unreadable("must be an integer 0 or 1")),
        ("integration_type", 2, Unreadable("must be 0 (XML) or 1 (JSON)", "OUT_OF_RANGE")),
        ("email", 5, Unreadable("must be a string or null")),
        ("is_ose_validation_only", "yes", Unreadable("must be true, false or null")),
    ],
)
def test_values_that_cannot_be_read_travel_as_unreadable(
    field: str, value: object, expected: Unreadable
) -> None:
    item = read_item({**SEED, field: value})
    assert isinstance(item, OnboardInput)
    assert getattr(item, field) == expected


def test_a_missing_key_is_missing_and_unknown_keys_are_ignored() -> None:
    item = read_item({"ruc": "20713128381", "extra": [1, 2], "company_name": "X"})
    assert isinstance(item, OnboardInput)
    assert (item.validator_entity, item.integration_type) == (MISSING, MISSING)
    assert read_item(["not", "an", "object"]) is NOT_AN_OBJECT


def test_an_unreadable_value_is_reported_in_its_place_among_the_rules_problems() -> None:
    # A RUC rule (checked before the closed sets) still comes first ...
    _, errors = validate_item(0, {**SEED, "ruc": "1", "validator_entity": "2"}, strict=False)
    assert [(e.field, e.code) for e in errors] == [("ruc", "INVALID_TAX_ID")]
    # ... a missing required value before any rule ...
    _, errors = validate_item(0, {**SEED, "ruc": "1", "company_name": None}, strict=False)
    assert [(e.field, e.message) for e in errors] == [("company_name", "is required")]
    # ... and a text of the wrong type before the e-mail's form.
    _, errors = validate_item(0, {**SEED, "email": "x", "phone_number": 5}, strict=False)
    assert [e.field for e in errors] == ["phone_number"]
