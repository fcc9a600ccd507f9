"""GraphQL input types of the resellers context, and how each becomes the core's typed input
(the schema already guarantees the types: nothing here is ever ``Unreadable``)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum, IntEnum
from typing import TypeVar

import strawberry

from core.resellers import inputs as core
from core.resellers import model as m
from graphql_api.resellers.types import IntegrationType, ValidatorEntity

T = TypeVar("T")
E = TypeVar("E", bound=IntEnum)


@strawberry.input(description="One company to onboard (same fields as the REST batch).")
class OnboardClientInput:
    ruc: str
    company_name: str
    validator_entity: ValidatorEntity
    integration_type: IntegrationType
    email: str | None = None
    phone_number: str | None = None
    mobile_number: str | None = None
    external_ose_username: str | None = None
    external_ose_password: str | None = strawberry.field(
        default=None, description="Stored encrypted; required for OSE_EFACT and OSE_NUBEFACT."
    )
    is_ose_validation_only: bool | None = None

    def to_core(self) -> core.OnboardInput:
        return core.OnboardInput(
            ruc=self.ruc,
            company_name=self.company_name,
            validator_entity=m.ValidatorEntity(self.validator_entity.value),
            integration_type=m.IntegrationType(self.integration_type.value),
            email=self.email,
            phone_number=self.phone_number,
            mobile_number=self.mobile_number,
            external_ose_username=self.external_ose_username,
            external_ose_password=self.external_ose_password,
            is_ose_validation_only=self.is_ose_validation_only,
        )


def _change(value: T | None) -> T | core.Keep | None:
    """A field left out of the input (``UNSET``) keeps its value."""
    return core.KEEP if value is strawberry.UNSET else value


def _closed_change(value: Enum | None, kind: type[E]) -> E | core.Keep | None:
    """The same for a closed set: the schema's enum becomes the core's."""
    if value is strawberry.UNSET:
        return core.KEEP
    return None if value is None else kind(value.value)


@strawberry.input(description="Settings to change; fields left out keep their value.")
class OnboardedAccountInput:
    company_name: str | None = strawberry.UNSET
    email: str | None = strawberry.UNSET
    phone_number: str | None = strawberry.UNSET
    mobile_number: str | None = strawberry.UNSET
    validator_entity: ValidatorEntity | None = strawberry.UNSET
    integration_type: IntegrationType | None = strawberry.UNSET
    external_ose_username: str | None = strawberry.UNSET
    external_ose_password: str | None = strawberry.field(
        default=strawberry.UNSET, description="Left out keeps the stored one; null clears it."
    )
    is_ose_validation_only: bool | None = strawberry.UNSET

    def to_core(self) -> core.SettingsChanges:
        return core.SettingsChanges(
            company_name=_change(self.company_name),
            email=_change(self.email),
            phone_number=_change(self.phone_number),
            mobile_number=_change(self.mobile_number),
            validator_entity=_closed_change(self.validator_entity, m.ValidatorEntity),
            integration_type=_closed_change(self.integration_type, m.IntegrationType),
            external_ose_username=_change(self.external_ose_username),
            external_ose_password=_change(self.external_ose_password),
            is_ose_validation_only=_change(self.is_ose_validation_only),
        )


@strawberry.input
class OnboardedAccountFilter:
    ruc: str | None = None
    validator_entity: ValidatorEntity | None = None
    created_since: datetime | None = None
    updated_since: datetime | None = None

    def to_core(self, search: str | None = None) -> m.OnboardedFilter:
        return m.OnboardedFilter(
            ruc=self.ruc,
            validator_entity=(
                m.ValidatorEntity(self.validator_entity.value)
                if self.validator_entity is not None
                else None
            ),
            created_since=int(self.created_since.timestamp()) if self.created_since else None,
            updated_since=int(self.updated_since.timestamp()) if self.updated_since else None,
            search=search,
        )


@strawberry.input
class ChangeCredentialsInput:
    current_password: str
    new_username: str | None = None
    new_password: str | None = None
