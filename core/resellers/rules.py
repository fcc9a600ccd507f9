"""Rules of the resellers context, the same for every face: who may use it, the bounds of a
batch, and what makes an onboarding item valid (RUC, names and lengths, e-mail, OSE
credentials). Pure functions: no I/O.

An item's problems are looked for in one fixed order: missing required values, then the RUC,
the company name, the optional texts, the e-mail's form, the closed sets, and last the OSE
credentials that validators 2 and 3 need. A batch reports the first problem of each bad item.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import fields
from typing import TypeVar

from core.accounts.model import Principal
from core.resellers.errors import BatchTooLarge, EmptyBatch, NotAReseller
from core.resellers.inputs import MISSING, OnboardInput, Unreadable
from core.resellers.model import (
    EXTERNAL_OSE,
    IntegrationType,
    ItemError,
    OnboardItem,
    ValidatorEntity,
)
from core.shared.errors import FieldError
from core.shared.taxid import ruc_check_digit_ok, ruc_structure_error
from core.shared.text import NO_NUL, has_nul

T = TypeVar("T")

MAX_BATCH = 1000
"""Largest batch ``onboard`` accepts by default."""
COMPANY_NAME_MAX = 200
TEXT_LIMITS = {
    "email": 254,
    "phone_number": 30,
    "mobile_number": 30,
    "external_ose_username": 100,
    "external_ose_password": 200,
}
"""Optional texts and their longest length (as sent, before trimming)."""
OSE_REQUIRED = "is required when validator_entity is 2 or 3"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

_FIELDS = tuple(f.name for f in fields(OnboardInput))
Problem = tuple[str, str]
"""(message, code) of a value that breaks a rule."""

# -- access and bounds ----------------------------------------------------------------------------


def is_reseller(caller: Principal) -> bool:
    """Only reseller accounts use the resellers context (an onboarded account is not one)."""
    return caller.account.is_reseller


def require_reseller(caller: Principal) -> int:
    """The reseller's account id; NotAReseller for anyone else."""
    if not is_reseller(caller):
        raise NotAReseller
    return caller.account_id


def check_batch_size(count: int, max_batch: int) -> None:
    if count == 0:
        raise EmptyBatch("the batch is empty: send at least one item")
    if count > max_batch:
        raise BatchTooLarge(f"the batch has {count} items; at most {max_batch} are accepted")


# -- one value ------------------------------------------------------------------------------------


def _ruc_problem(ruc: str, strict: bool) -> Problem | None:
    """11 ASCII digits with a known prefix always; the check digit only for strict accounts."""
    structure = ruc_structure_error(ruc)
    if structure is not None:
        return structure, "INVALID_TAX_ID"
    if strict and not ruc_check_digit_ok(ruc):
        return "RUC check digit is wrong", "INVALID_TAX_ID"
    return None


def _company_name_problem(value: str) -> Problem | None:
    name = value.strip()
    if not name:
        return "must not be empty", "REQUIRED"
    if len(name) > COMPANY_NAME_MAX:
        return f"must be at most {COMPANY_NAME_MAX} characters", "TOO_LONG"
    return (NO_NUL, "INVALID") if has_nul(name) else None


def _length_problem(limit: int) -> Callable[[str], Problem | None]:
    def problem(value: str) -> Problem | None:
        if len(value) > limit:
            return f"must be at most {limit} characters", "TOO_LONG"
        return (NO_NUL, "INVALID") if has_nul(value) else None

    return problem


_TEXT_RULES = {name: _length_problem(limit) for name, limit in TEXT_LIMITS.items()}


def _none(_: object) -> Problem | None:
    return None


def _field(
    name: str, value: T | Unreadable | None, rule: Callable[[T], Problem | None]
) -> list[FieldError]:
    """The problem with one present value: unreadable, or breaking ``rule``. An absent value
    has none here (a missing required one is reported before every other problem)."""
    if value is None or value is MISSING:
        return []
    if isinstance(value, Unreadable):
        return [FieldError(name, value.message, value.code)]
    problem = rule(value)
    return [FieldError(name, *problem)] if problem is not None else []


def text(value: str | Unreadable | None) -> str | None:
    """A readable text trimmed, ``""`` meaning not given."""
    return (value.strip() or None) if isinstance(value, str) else None


def secret(value: str | Unreadable | None) -> str | None:
    """A readable password exactly as typed, ``""`` meaning not given."""
    return (value or None) if isinstance(value, str) else None


# -- one item -------------------------------------------------------------------------------------


def _ose_problems(item: OnboardInput, stored_password: bool, faulty: set[str]) -> list[FieldError]:
    """Validators run by a third party (EXTERNAL_OSE) need the account's own OSE user and
    password."""
    given = {
        "external_ose_username": text(item.external_ose_username) is not None,
        "external_ose_password": secret(item.external_ose_password) is not None or stored_password,
    }
    return [
        FieldError(name, OSE_REQUIRED, "REQUIRED")
        for name, present in given.items()
        if not present and name not in faulty
    ]


def item_problems(
    item: OnboardInput, *, strict: bool, stored_password: bool = False
) -> list[FieldError]:
    """Every problem with one item, in the context's check order. ``stored_password``: an OSE
    password is already stored (an edit that leaves it out keeps it)."""
    found = [
        FieldError(name, MISSING.message, MISSING.code)
        for name in _FIELDS
        if getattr(item, name) is MISSING
    ]
    found += _field("ruc", item.ruc, lambda ruc: _ruc_problem(ruc.strip(), strict))
    found += _field("company_name", item.company_name, _company_name_problem)
    for name, rule in _TEXT_RULES.items():
        found += _field(name, getattr(item, name), rule)
    email = text(item.email)
    if email is not None and not _EMAIL.match(email) and "email" not in {e.field for e in found}:
        found.append(FieldError("email", "is not a valid e-mail address", "INVALID_EMAIL"))
    found += _field("validator_entity", item.validator_entity, _none)
    found += _field("integration_type", item.integration_type, _none)
    found += _field("is_ose_validation_only", item.is_ose_validation_only, _none)
    if item.validator_entity in EXTERNAL_OSE:
        found += _ose_problems(item, stored_password, {e.field for e in found})
    return found


def _valid(item: OnboardInput) -> OnboardItem:
    """The item, trimmed, once ``item_problems`` found nothing (so every value is readable)."""
    assert isinstance(item.ruc, str) and isinstance(item.company_name, str)
    assert isinstance(item.validator_entity, ValidatorEntity)
    assert isinstance(item.integration_type, IntegrationType)
    assert not isinstance(item.is_ose_validation_only, Unreadable)
    return OnboardItem(
        ruc=item.ruc.strip(),
        company_name=item.company_name.strip(),
        validator_entity=item.validator_entity,
        integration_type=item.integration_type,
        email=text(item.email),
        phone_number=text(item.phone_number),
        mobile_number=text(item.mobile_number),
        external_ose_username=text(item.external_ose_username),
        external_ose_password=secret(item.external_ose_password),
        is_ose_validation_only=bool(item.is_ose_validation_only),
    )


def check_item(
    item: OnboardInput, *, strict: bool, stored_password: bool = False
) -> OnboardItem | list[FieldError]:
    """The validated item, or every problem found with it."""
    problems = item_problems(item, strict=strict, stored_password=stored_password)
    return problems or _valid(item)


def check_batch(
    items: Sequence[OnboardInput | Unreadable], *, strict: bool
) -> tuple[list[tuple[int, OnboardItem]], list[ItemError]]:
    """Every item checked on its own, then RUCs repeated within the batch. Valid items come
    back with their index in the batch; each bad item gives exactly one error (its first
    problem), which keeps the answer short: 1,000 items cannot turn into 10,000 errors. An
    item that is ``Unreadable`` as a whole is reported on the field ``item``."""
    valid: list[tuple[int, OnboardItem]] = []
    errors: list[ItemError] = []
    first_index: dict[str, int] = {}
    for index, item in enumerate(items):
        if isinstance(item, Unreadable):
            errors.append(ItemError(index, None, "item", item.message, item.code))
            continue
        checked = check_item(item, strict=strict)
        if isinstance(checked, list):
            first = checked[0]
            ruc = item.ruc.strip() if isinstance(item.ruc, str) else None
            errors.append(ItemError(index, ruc, first.field, first.message, first.code))
        elif checked.ruc in first_index:
            message = (
                "RUC appears more than once in the batch "
                f"(first at index {first_index[checked.ruc]})"
            )
            errors.append(ItemError(index, checked.ruc, "ruc", message, "CONFLICT"))
        else:
            first_index[checked.ruc] = index
            valid.append((index, checked))
    return valid, errors
