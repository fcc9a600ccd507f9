"""Validating a batch's raw items (decoded JSON) into ``OnboardItem``s or ``ItemError``s.

The rules hold for every face; GraphQL's typed input simply never trips the type checks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from core.resellers.model import (
    EXTERNAL_OSE,
    IntegrationType,
    ItemError,
    OnboardItem,
    ValidatorEntity,
)
from core.shared.taxid import ruc_check_digit_ok, ruc_structure_error

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
REQUIRED = ("ruc", "company_name", "validator_entity", "integration_type")
# field -> max length of the optional strings
_TEXT_LIMITS = {
    "email": 254,
    "phone_number": 30,
    "mobile_number": 30,
    "external_ose_username": 100,
    "external_ose_password": 200,
}
COMPANY_NAME_MAX = 200


def _is_int(value: object) -> bool:
    # bool is an int in Python, but ``true`` is not a validator entity.
    return isinstance(value, int) and not isinstance(value, bool)


def validate_item(
    index: int, raw: object, *, strict: bool, stored_password: bool = False
) -> tuple[OnboardItem | None, list[ItemError]]:
    """One raw item: the validated item, or every problem found with it. ``stored_password``:
    an OSE password is already stored (an edit that leaves it out keeps it)."""
    if not isinstance(raw, Mapping):
        return None, [ItemError(index, None, "item", "must be a JSON object", "WRONG_TYPE")]
    item: Mapping[str, Any] = raw
    ruc_value = item.get("ruc")
    ruc = ruc_value.strip() if isinstance(ruc_value, str) else None
    errors: list[ItemError] = []

    def err(field: str, message: str, code: str = "INVALID") -> None:
        errors.append(ItemError(index, ruc, field, message, code))

    for name in REQUIRED:
        if item.get(name) is None:
            err(name, "is required", "REQUIRED")

    if ruc_value is not None:
        if not isinstance(ruc_value, str):
            err("ruc", "must be a string of 11 digits", "WRONG_TYPE")
        elif (problem := ruc_structure_error(ruc or "")) is not None:
            err("ruc", problem, "INVALID_TAX_ID")
        elif strict and not ruc_check_digit_ok(ruc or ""):
            err("ruc", "RUC check digit is wrong", "INVALID_TAX_ID")

    name_value = item.get("company_name")
    company_name = name_value.strip() if isinstance(name_value, str) else ""
    if name_value is not None:
        if not isinstance(name_value, str):
            err("company_name", "must be a string", "WRONG_TYPE")
        elif not company_name:
            err("company_name", "must not be empty", "REQUIRED")
        elif len(company_name) > COMPANY_NAME_MAX:
            err("company_name", f"must be at most {COMPANY_NAME_MAX} characters", "TOO_LONG")

    texts: dict[str, str | None] = {}
    for field, limit in _TEXT_LIMITS.items():
        value = item.get(field)
        if value is None:
            texts[field] = None
        elif not isinstance(value, str):
            err(field, "must be a string or null", "WRONG_TYPE")
        elif len(value) > limit:
            err(field, f"must be at most {limit} characters", "TOO_LONG")
        else:
            # Passwords are kept as typed; the rest trimmed, and "" means "not given".
            kept = value if field == "external_ose_password" else value.strip()
            texts[field] = kept or None
    email = texts.get("email")
    if email is not None and not _EMAIL.match(email):
        err("email", "is not a valid e-mail address", "INVALID_EMAIL")

    validator: ValidatorEntity | None = None
    raw_validator = item.get("validator_entity")
    if raw_validator is not None:
        if not _is_int(raw_validator):
            err("validator_entity", "must be an integer 0, 1, 2 or 3", "WRONG_TYPE")
        elif raw_validator not in ValidatorEntity._value2member_map_:
            err("validator_entity", "must be 0 (SUNAT), 1, 2 or 3 (OSE)", "OUT_OF_RANGE")
        else:
            validator = ValidatorEntity(raw_validator)

    integration: IntegrationType | None = None
    raw_integration = item.get("integration_type")
    if raw_integration is not None:
        if not _is_int(raw_integration):
            err("integration_type", "must be an integer 0 or 1", "WRONG_TYPE")
        elif raw_integration not in IntegrationType._value2member_map_:
            err("integration_type", "must be 0 (XML) or 1 (JSON)", "OUT_OF_RANGE")
        else:
            integration = IntegrationType(raw_integration)

    only = item.get("is_ose_validation_only")
    if only is not None and not isinstance(only, bool):
        err("is_ose_validation_only", "must be true, false or null", "WRONG_TYPE")

    if validator in EXTERNAL_OSE:
        for field in ("external_ose_username", "external_ose_password"):
            present = texts.get(field) is not None or (
                field == "external_ose_password" and stored_password
            )
            if not present and field not in {e.field for e in errors}:
                err(field, "is required when validator_entity is 2 or 3", "REQUIRED")

    if errors or ruc is None or validator is None or integration is None:
        return None, errors
    return (
        OnboardItem(
            ruc=ruc,
            company_name=company_name,
            validator_entity=validator,
            integration_type=integration,
            email=email,
            phone_number=texts.get("phone_number"),
            mobile_number=texts.get("mobile_number"),
            external_ose_username=texts.get("external_ose_username"),
            external_ose_password=texts.get("external_ose_password"),
            is_ose_validation_only=bool(only),
        ),
        [],
    )


def validate_batch(
    raw_items: Sequence[object], *, strict: bool
) -> tuple[list[tuple[int, OnboardItem]], list[ItemError]]:
    """Every item checked on its own, then RUCs repeated within the batch. Valid items come
    back with their index in the batch; each bad item gives exactly one error."""
    items: list[tuple[int, OnboardItem]] = []
    errors: list[ItemError] = []
    first_index: dict[str, int] = {}
    for index, raw in enumerate(raw_items):
        item, item_errors = validate_item(index, raw, strict=strict)
        # One error per bad item (the first problem found) keeps the answer short and
        # predictable; a 1,000-item batch cannot turn into 10,000 errors.
        errors.extend(item_errors[:1])
        if item is None:
            continue
        if item.ruc in first_index:
            errors.append(
                ItemError(
                    index,
                    item.ruc,
                    "ruc",
                    f"RUC appears more than once in the batch (first at index "
                    f"{first_index[item.ruc]})",
                    "CONFLICT",
                )
            )
            continue
        first_index[item.ruc] = index
        items.append((index, item))
    return items, errors
