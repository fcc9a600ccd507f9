"""Entities of the business-partners (B2B) context: plain dataclasses, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class RoleKind(StrEnum):
    """What a role means to the rules (agents and their clients)."""

    CLIENT = "client"
    AGENT = "agent"
    OTHER = "other"


class MessageStatus(StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"


class MessageKind(StrEnum):
    CREATE = "create"


class DocumentKind(StrEnum):
    INVOICE = "invoice"
    DELIVERY_NOTE = "delivery_note"
    ORDER = "order"


class CatalogKind(StrEnum):
    """An account's small catalogs."""

    ROLE = "role"
    STATUS = "status"
    CONTACT_TYPE = "contact_type"


@dataclass
class Company:
    id: int
    account_id: int
    id_remote: str
    company_name: str
    comercial_name: str = ""
    tin: str = ""
    created_at: int = 0
    updated_at: int = 0


@dataclass
class Role:
    id: int
    account_id: int
    id_remote: str
    name: str
    kind: RoleKind = RoleKind.OTHER


@dataclass
class PartnerStatus:
    id: int
    account_id: int
    id_remote: str
    description: str


@dataclass
class ContactType:
    id: int
    account_id: int
    id_remote: str
    value: str


@dataclass(frozen=True)
class Country:
    """ISO 3166-1: ``id`` is the numeric code, ``iso`` the alpha-2 code."""

    id: str
    iso: str
    description: str


@dataclass(frozen=True)
class Region:
    """ISO 3166-2 subdivision (state, region, province)."""

    id: str
    country_iso: str
    name: str


@dataclass
class Partner:
    id: int
    account_id: int
    company_id: int
    id_remote: str
    role_id: int
    status_id: int
    contact_name: str
    comercial_name: str
    tin: str
    tin_valid: bool | None
    observation: str | None
    origin: str | None
    active: bool
    agent_id: int | None
    created_at: int
    updated_at: int


@dataclass
class Location:
    id: int
    account_id: int
    id_remote: str
    name: str
    address: str
    city: str
    state_id: str | None
    postal_code: str | None
    shipping_address: bool
    billing_address: bool
    country_id: str
    is_default: bool
    active: bool
    created_at: int
    updated_at: int


@dataclass
class ContactMethod:
    id: int
    account_id: int
    contact_id: int
    id_remote: str
    contact_type_id: int
    value: str
    send_by_whatsapp: bool = False
    send_by_mail: bool = False
    send_by_telegram: bool = False
    send_by_sms: bool = False


@dataclass
class PartnerContact:
    id: int
    account_id: int
    partner_id: int
    id_remote: str | None
    name: str
    position: str | None
    is_default: bool
    active: bool


@dataclass
class PartnerDocument:
    """An invoice, delivery note or order referencing a partner: it blocks the deletion."""

    id: int
    account_id: int
    partner_id: int
    kind: DocumentKind
    number: str
    created_at: int


@dataclass
class DeletedPartner:
    id: int
    account_id: int
    partner_id: int
    company_id: int
    id_remote: str
    snapshot: str
    """The partner's last state (with locations and contacts), as JSON."""
    deleted_at: int


@dataclass
class QueueMessage:
    id: int
    public_id: str
    account_id: int
    kind: MessageKind
    payload: str
    status: MessageStatus
    error_message: str | None
    attempts: int
    claim_token: str | None
    claimed_until: int | None
    available_at: int
    created_at: int
    updated_at: int


CatalogItem = Role | PartnerStatus | ContactType


@dataclass
class Catalogs:
    """An account's small catalogs, loaded whole (they hold a handful of rows)."""

    roles: list[Role] = field(default_factory=list)
    statuses: list[PartnerStatus] = field(default_factory=list)
    contact_types: list[ContactType] = field(default_factory=list)

    def role(self, role_id: int) -> Role | None:
        return next((r for r in self.roles if r.id == role_id), None)

    def status(self, status_id: int) -> PartnerStatus | None:
        return next((s for s in self.statuses if s.id == status_id), None)

    def contact_type(self, type_id: int) -> ContactType | None:
        return next((t for t in self.contact_types if t.id == type_id), None)


@dataclass
class PartnerRelated:
    """Everything a page of partners shows, loaded in bulk (one query per relation)."""

    companies: dict[int, Company] = field(default_factory=dict)
    locations: dict[int, list[Location]] = field(default_factory=dict)
    contacts: dict[int, list[PartnerContact]] = field(default_factory=dict)
    methods: dict[int, list[ContactMethod]] = field(default_factory=dict)
    catalogs: Catalogs = field(default_factory=Catalogs)


@dataclass(frozen=True)
class PartnerFilter:
    company_id: int | None = None
    role_id: int | None = None
    role_kind: RoleKind | None = None
    status_id: int | None = None
    active: bool | None = None
    agent_id: int | None = None
    updated_since: int | None = None
    search: str | None = None


@dataclass(frozen=True)
class PartnerProjection:
    """What a planned partners page reads (GraphQL's planner): the partner columns (``id``
    first), the company's and the agent's columns joined into the page row after them (``id``
    first; None: not joined), and per child relation (``locations``, ``contacts``, ``methods``:
    a contact's methods, which needs the contacts' ``id``) its columns."""

    columns: tuple[str, ...]
    company: tuple[str, ...] | None = None
    agent: tuple[str, ...] | None = None
    children: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass
class ProjectedPartners:
    """Rows of a planned partners page: page rows (partner, then company, then agent columns),
    and per child relation its rows, each starting with its owner's id (a partner's, or for
    ``methods`` a contact's). ``tiers``: each page row's relevance tier (a search's cursors)."""

    rows: list[tuple[Any, ...]]
    has_next: bool
    has_previous: bool
    children: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)
    tiers: list[int] = field(default_factory=list)
