"""What a face hands the resellers service: typed inputs, in no dialect's shape.

GraphQL builds them from its typed input objects; the REST dialect reads its JSON into them
(``rest_compat/resellers/bodies.py``). A value the dialect could not read into a field's type
(a JSON number where a string belongs, a number outside a closed set, a missing key) travels as
``Unreadable`` with the dialect's own words, so that the core reports it in that field's place
of its check order: an item's first problem is the same whichever kind of problem it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from core.resellers.model import IntegrationType, ValidatorEntity


@dataclass(frozen=True)
class Unreadable:
    """A value a face could not read into its field's type, and why (in the face's words)."""

    message: str
    code: str = "WRONG_TYPE"


MISSING = Unreadable("is required", "REQUIRED")
"""A required value that is absent (or null): faces pass this very object, and the core
reports it before every other problem of the item."""


@dataclass(frozen=True)
class OnboardInput:
    """One company of an onboarding batch. The four required fields come first, in the order
    their absence is reported. ``external_ose_password`` is clear text in memory only."""

    ruc: str | Unreadable
    company_name: str | Unreadable
    validator_entity: ValidatorEntity | Unreadable
    integration_type: IntegrationType | Unreadable
    email: str | Unreadable | None = None
    phone_number: str | Unreadable | None = None
    mobile_number: str | Unreadable | None = None
    external_ose_username: str | Unreadable | None = None
    external_ose_password: str | Unreadable | None = field(default=None, repr=False)
    is_ose_validation_only: bool | Unreadable | None = None


class Keep(Enum):
    """The type of ``KEEP``: a settings change that leaves the field as stored."""

    KEEP = "keep"


KEEP = Keep.KEEP


@dataclass(frozen=True)
class SettingsChanges:
    """Settings to change on one onboarded account: a field left at ``KEEP`` keeps its value,
    ``None`` clears it (a required one is then reported missing). The RUC cannot change;
    ``external_ose_password`` left at ``KEEP`` keeps the stored secret."""

    company_name: str | Keep | None = KEEP
    email: str | Keep | None = KEEP
    phone_number: str | Keep | None = KEEP
    mobile_number: str | Keep | None = KEEP
    validator_entity: ValidatorEntity | Keep | None = KEEP
    integration_type: IntegrationType | Keep | None = KEEP
    external_ose_username: str | Keep | None = KEEP
    external_ose_password: str | Keep | None = field(default=KEEP, repr=False)
    is_ose_validation_only: bool | Keep | None = KEEP
