"""What callers hand the partners context: typed inputs, whatever face built them.

``None`` means "not given". The faces build these from their own shapes (the BusinessPartner
dialect from its JSON, GraphQL from its input types); the rules in ``rules.py`` check them and
give back a normalised copy (text trimmed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class PartnerField(StrEnum):
    """The fields of a partner an input may carry (an update changes only the given ones)."""

    ID_REMOTE = "id_remote"
    ROLE_ID = "role_id"
    STATUS_ID = "status_id"
    COMPANY_ID = "company_id"
    AGENT_ID = "agent_id"
    CONTACT_NAME = "contact_name"
    COMERCIAL_NAME = "comercial_name"
    TIN = "tin"
    OBSERVATION = "observation"
    ORIGIN = "origin"
    ACTIVE = "active"
    LOCATIONS = "locations"
    CONTACTS = "contacts"


@dataclass
class LocationInput:
    """A new location, or a reference to an existing one (``location_ref``: its idRemote or
    local id); a reference ignores every other field."""

    location_ref: str | None = None
    id_remote: str | None = None
    name: str | None = None
    address: str | None = None
    city: str | None = None
    state_id: str | None = None
    postal_code: str | None = None
    shipping_address: bool | None = None
    billing_address: bool | None = None
    country_id: str | None = None
    is_default: bool | None = None
    active: bool | None = None


@dataclass
class ContactMethodInput:
    id_remote: str
    contact_type_id: str
    value: str
    send_by_whatsapp: bool = False
    send_by_mail: bool = False
    send_by_telegram: bool = False
    send_by_sms: bool = False


@dataclass
class ContactInput:
    name: str
    is_default: bool
    active: bool
    contact_methods: list[ContactMethodInput]
    id_remote: str | None = None
    position: str | None = None


@dataclass
class PartnerInput:
    """A partner to create (every required field given) or the changes to one.

    References (``role_id``, ``status_id``, ``company_id``, ``agent_id``) take an idRemote or a
    local id. ``present`` names the fields given: only they change on update, and
    ``agent_id`` present with ``None`` clears the agent."""

    id_remote: str | None = None
    role_id: str | None = None
    status_id: str | None = None
    company_id: str | None = None
    agent_id: str | None = None
    contact_name: str | None = None
    comercial_name: str | None = None
    tin: str | None = None
    observation: str | None = None
    origin: str | None = None
    active: bool | None = None
    locations: list[LocationInput] | None = None
    contacts: list[ContactInput] | None = None
    present: frozenset[PartnerField] = field(default_factory=frozenset)

    def with_given_fields(self) -> PartnerInput:
        """This input, its ``present`` being the fields that hold a value (for faces where
        ``null`` means "not given")."""
        self.present = frozenset(f for f in PartnerField if getattr(self, f.value) is not None)
        return self


@dataclass
class Assignment:
    """Clients (by idRemote, in the agent's company) to assign to an agent (idRemote or local
    id)."""

    agent_ref: str
    client_remote_ids: list[str]


@dataclass
class CompanyInput:
    """A company to create (idRemote and name required) or the changes to one."""

    id_remote: str | None = None
    company_name: str | None = None
    comercial_name: str | None = None
    tin: str | None = None

    def values(self) -> dict[str, str]:
        """The given fields, in declaration order."""
        return {k: v for k, v in vars(self).items() if v is not None}
