"""GraphQL inputs of the partners context and how they become the core's typed inputs.

GraphQL builds the core's inputs directly (``null`` means "not given"); the core's rules check
them. Their field errors keep the words this API has always used: ``Parameter roleId is
required`` at ``["input", "roleId"]`` (see ``legacy_field_errors``).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable
from datetime import datetime
from typing import TypeVar

import strawberry

from core.partners import inputs as ci
from core.partners import model as m
from core.partners.errors import FieldRefused, MissingField
from core.shared.errors import InvalidInput
from core.shared.ids import MAX_ID_DIGITS, is_ascii_digits
from graphql_api.errors import graphql_name
from graphql_api.partners.types import (
    COMERCIAL_DEPRECATION,
    COMPANY_TYPE,
    PARTNER_TYPE,
    PartnerRoleKind,
)
from graphql_api.relay import from_global_id, local_id

T = TypeVar("T")


@strawberry.input
class BusinessPartnerFilter:
    company_id: strawberry.ID | None = strawberry.field(
        default=None, description="A Company global id."
    )
    role_kind: PartnerRoleKind | None = None
    role_id: strawberry.ID | None = None
    status_id: strawberry.ID | None = None
    active: bool | None = None
    agent_id: strawberry.ID | None = strawberry.field(
        default=None, description="A BusinessPartner global id: that agent's clients."
    )
    updated_since: datetime | None = None
    search: str | None = strawberry.field(
        default=None,
        description="Words of the contact or commercial name, tin or idRemote (word "
        "prefixes, any order, case- and accent-insensitive), or an exact idRemote.",
    )


@strawberry.input
class PartnerLocationInput:
    location_id: str | None = strawberry.field(
        default=None, description="An existing location (id or idRemote) instead of a new one."
    )
    id_remote: str | None = None
    name: str | None = None
    address: str | None = None
    city: str | None = None
    state_id: str | None = strawberry.field(default=None, description="ISO 3166-2, e.g. PE-LIM.")
    postal_code: str | None = None
    shipping_address: bool | None = None
    billing_address: bool | None = None
    country_id: str | None = strawberry.field(default=None, description="ISO alpha-2 or numeric.")
    is_default: bool | None = None
    active: bool | None = None


@strawberry.input
class PartnerContactMethodInput:
    id_remote: str
    contact_type_id: str = strawberry.field(
        description="PartnerContact type id or idRemote (email...)."
    )
    value: str
    send_by_whatsapp: bool = False
    send_by_mail: bool = False
    send_by_telegram: bool = False
    send_by_sms: bool = False


@strawberry.input
class PartnerContactInput:
    id_remote: str | None = None
    name: str
    position: str | None = None
    is_default: bool
    active: bool
    contact_methods: list[PartnerContactMethodInput]


@strawberry.input(description="References take an id or an idRemote (companyId also a global id).")
class BusinessPartnerInput:
    id_remote: str | None = None
    role_id: str | None = None
    status_id: str | None = None
    company_id: str | None = None
    agent_id: str | None = None
    contact_name: str | None = None
    commercial_name: str | None = None
    comercial_name: str | None = strawberry.field(
        default=None, deprecation_reason=COMERCIAL_DEPRECATION
    )
    tin: str | None = None
    observation: str | None = None
    origin: str | None = None
    active: bool | None = None
    locations: list[PartnerLocationInput] | None = None
    contacts: list[PartnerContactInput] | None = None


@strawberry.input
class CompanyInput:
    id_remote: str | None = None
    company_name: str | None = None
    commercial_name: str | None = None
    comercial_name: str | None = strawberry.field(
        default=None, deprecation_reason=COMERCIAL_DEPRECATION
    )
    tin: str | None = None


@strawberry.input
class PartnerCatalogItemInput:
    id_remote: str | None = None
    description: str | None = strawberry.field(
        default=None, description="Statuses: the description; contact types: the value."
    )


# -- into the core's inputs -----------------------------------------------------------------


def commercial_name(value: BusinessPartnerInput | CompanyInput) -> str | None:
    """``commercialName``, or the seed's deprecated ``comercialName``; both given and
    different is the caller's error."""
    new, old = value.commercial_name, value.comercial_name
    if new is not None and old is not None and new != old:
        raise InvalidInput.single(
            "commercial_name",
            "give commercialName or its deprecated alias comercialName, not two different values",
            "INVALID",
        )
    return new if new is not None else old


def partner_input(value: BusinessPartnerInput) -> ci.PartnerInput:
    """The given fields (``companyId`` also takes a Company global id)."""
    return ci.PartnerInput(
        id_remote=value.id_remote,
        role_id=value.role_id,
        status_id=value.status_id,
        company_id=None if value.company_id is None else _company_ref(value.company_id),
        agent_id=value.agent_id,
        contact_name=value.contact_name,
        comercial_name=commercial_name(value),
        tin=value.tin,
        observation=value.observation,
        origin=value.origin,
        active=value.active,
        locations=None if value.locations is None else [_location(x) for x in value.locations],
        contacts=None if value.contacts is None else [_contact(x) for x in value.contacts],
    ).with_given_fields()


def _location(value: PartnerLocationInput) -> ci.LocationInput:
    return ci.LocationInput(
        location_ref=value.location_id,
        id_remote=value.id_remote,
        name=value.name,
        address=value.address,
        city=value.city,
        state_id=value.state_id,
        postal_code=value.postal_code,
        shipping_address=value.shipping_address,
        billing_address=value.billing_address,
        country_id=value.country_id,
        is_default=value.is_default,
        active=value.active,
    )


def _contact(value: PartnerContactInput) -> ci.ContactInput:
    return ci.ContactInput(
        name=value.name,
        is_default=value.is_default,
        active=value.active,
        contact_methods=[
            ci.ContactMethodInput(
                id_remote=x.id_remote,
                contact_type_id=x.contact_type_id,
                value=x.value,
                send_by_whatsapp=x.send_by_whatsapp,
                send_by_mail=x.send_by_mail,
                send_by_telegram=x.send_by_telegram,
                send_by_sms=x.send_by_sms,
            )
            for x in value.contact_methods
        ],
        id_remote=value.id_remote,
        position=value.position,
    )


def company_input(value: CompanyInput) -> ci.CompanyInput:
    return ci.CompanyInput(
        id_remote=value.id_remote,
        company_name=value.company_name,
        comercial_name=commercial_name(value),
        tin=value.tin,
    )


def _company_ref(value: str) -> str:
    """A Company global id becomes its local id; anything else is an id or idRemote."""
    try:
        type_name, local = from_global_id(value)
    except InvalidInput:
        return value
    return local if type_name == COMPANY_TYPE else value


def partner_ref(value: str, field: str = "id") -> str:
    """A partner reference for the core: a BusinessPartner global id becomes its local id;
    anything else is taken as an idRemote (or local id)."""
    try:
        type_name, local = from_global_id(value)
    except InvalidInput:
        return value
    if type_name != PARTNER_TYPE:
        raise InvalidInput.single(field, f"not a {PARTNER_TYPE} id")
    return local


def numeric_id(value: strawberry.ID, field: str = "id") -> int:
    """A catalog id: ASCII digits that fit BIGINT."""
    text = str(value)
    if not is_ascii_digits(text) or len(text) > MAX_ID_DIGITS:
        raise InvalidInput.single(field, "must be a numeric id")
    return int(text)


def partner_filter(flt: BusinessPartnerFilter | None) -> m.PartnerFilter:
    if flt is None:
        return m.PartnerFilter()

    def local(value: strawberry.ID | None, type_name: str, field: str) -> int | None:
        return None if value is None else local_id(str(value), type_name, field)

    def plain(value: strawberry.ID | None, field: str) -> int | None:
        return None if value is None else numeric_id(value, field)

    return m.PartnerFilter(
        company_id=local(flt.company_id, COMPANY_TYPE, "companyId"),
        role_id=plain(flt.role_id, "roleId"),
        role_kind=m.RoleKind(flt.role_kind.value) if flt.role_kind else None,
        status_id=plain(flt.status_id, "statusId"),
        active=flt.active,
        agent_id=local(flt.agent_id, PARTNER_TYPE, "agentId"),
        updated_since=int(flt.updated_since.timestamp()) if flt.updated_since else None,
        search=flt.search or None,
    )


# -- field errors in this API's words ---------------------------------------------------------

_WORD = re.compile(r"[a-z_]+")
_LEGACY = {"is_default": "default", "location_ref": "locationId"}


def legacy_name(path: str, *, missing: bool) -> str:
    """The core's path as this API names it (``locations[0].is_default`` ->
    ``locations[0].default``). The commercial name is ``commercialName`` when missing and
    ``comercialName`` otherwise, as it always was."""

    def word(match: re.Match[str]) -> str:
        name = match.group()
        if name == "comercial_name":
            return "commercialName" if missing else "comercialName"
        return _LEGACY.get(name) or graphql_name(name)

    return _WORD.sub(word, path)


async def legacy_field_errors(action: Awaitable[T]) -> T:
    """``action``, its partner field errors worded as ``Parameter <name> <reason>`` at the
    input's path (``attempt`` turns them into user errors)."""
    try:
        return await action
    except FieldRefused as exc:
        label = legacy_name(exc.field, missing=isinstance(exc, MissingField))
        raise InvalidInput.single(label, f"Parameter {label} {exc.reason}", exc.code) from None
