"""Entities and value objects of the resellers context (plain dataclasses, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any


class ValidatorEntity(IntEnum):
    """Who validates the account's e-invoices."""

    SUNAT = 0
    OSE_GIOR = 1
    OSE_EFACT = 2
    OSE_NUBEFACT = 3


# Validators run by a third party: the account must give its own OSE user and password.
EXTERNAL_OSE = frozenset({ValidatorEntity.OSE_EFACT, ValidatorEntity.OSE_NUBEFACT})


class IntegrationType(IntEnum):
    XML = 0
    JSON = 1


@dataclass(frozen=True)
class OnboardItem:
    """One item of a batch that passed the rules (``rules.check_item``): trimmed, every value
    of its type. ``external_ose_password`` is clear text in memory only."""

    ruc: str
    company_name: str
    validator_entity: ValidatorEntity
    integration_type: IntegrationType
    email: str | None = None
    phone_number: str | None = None
    mobile_number: str | None = None
    external_ose_username: str | None = None
    external_ose_password: str | None = field(default=None, repr=False)
    is_ose_validation_only: bool = False


@dataclass(frozen=True)
class SettingsRow:
    """What is stored for one onboarded account (the OSE password already encrypted)."""

    ruc: str
    company_name: str
    email: str | None
    phone_number: str | None
    mobile_number: str | None
    validator_entity: int
    external_ose_username: str | None
    external_ose_password_enc: str | None = field(repr=False)
    is_ose_validation_only: bool
    integration_type: int


@dataclass(frozen=True)
class OnboardedAccount:
    """An account a reseller onboarded, with its e-invoicing settings (never the secret)."""

    account_id: int
    reseller_account_id: int
    ruc: str
    company_name: str
    email: str | None
    phone_number: str | None
    mobile_number: str | None
    validator_entity: ValidatorEntity
    external_ose_username: str | None
    has_external_ose_password: bool
    is_ose_validation_only: bool
    integration_type: IntegrationType
    created_at: int
    updated_at: int


@dataclass(frozen=True)
class Credentials:
    """A generated username and password, shown once in the onboarding answer."""

    username: str
    password: str = field(repr=False)


@dataclass(frozen=True)
class CreatedClient:
    account_id: int
    ruc: str
    company_name: str
    access_api: Credentials
    access_web: Credentials


@dataclass(frozen=True)
class UpdatedClient:
    account_id: int
    ruc: str
    company_name: str


@dataclass(frozen=True)
class BatchResult:
    created: list[CreatedClient]
    updated: list[UpdatedClient]


@dataclass(frozen=True)
class ItemError:
    """One problem with one item of a batch (``index`` is its 0-based position)."""

    index: int
    ruc: str | None
    field: str
    message: str
    code: str = "INVALID"


@dataclass(frozen=True)
class OnboardedFilter:
    ruc: str | None = None
    validator_entity: ValidatorEntity | None = None
    created_since: int | None = None
    updated_since: int | None = None
    search: str | None = None
    """Words a person typed (``core/shared/search.py``): RUC, company, e-mail, phones."""


@dataclass(frozen=True)
class OnboardedProjection:
    """The columns of onboarded accounts a projected read needs (GraphQL's planner): names of
    ``OnboardedAccount``'s fields, ``account_id`` first."""

    columns: tuple[str, ...]


@dataclass(frozen=True)
class ProjectedOnboarded:
    """A page of onboarded accounts as rows, in id order; ``total`` when it was asked for."""

    rows: list[tuple[Any, ...]]
    has_next: bool
    has_previous: bool
    total: int | None = None


@dataclass(frozen=True)
class OnboardedPage:
    items: list[OnboardedAccount]
    has_next: bool
    total: int
    has_previous: bool
