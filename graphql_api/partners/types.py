"""GraphQL object types of the partners context: partners and what they show, companies,
catalogs, countries, the deletion history, creation jobs. Related rows resolve through the
per-request loaders of ``loaders.py``."""

from __future__ import annotations

import json
from datetime import datetime
from enum import Enum

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from core.history.model import EntityType
from core.partners import geo
from core.partners import model as m
from graphql_api.context import Context
from graphql_api.history import loaders as history_loaders
from graphql_api.history.types import ChangeEventConnection
from graphql_api.partners import loaders
from graphql_api.relay import Node, PageInfo, to_global_id
from graphql_api.scalars import utc_datetime

COMERCIAL_DEPRECATION = "use commercialName (the seed's spelling, kept for one release)"

GqlInfo = Info[Context, None]
PARTNER_TYPE = "BusinessPartner"
COMPANY_TYPE = "Company"
STATUS_PATH = "/api/database/v1/message/status/{}"


@strawberry.enum(description="What a role means to the rules: agents have clients.")
class PartnerRoleKind(Enum):
    CLIENT = "client"
    AGENT = "agent"
    OTHER = "other"


@strawberry.enum(description="Where a queued creation stands.")
class PartnerJobStatus(Enum):
    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"


@strawberry.enum(description="Documents that reference a partner and block its deletion.")
class PartnerDocumentKind(Enum):
    INVOICE = "invoice"
    DELIVERY_NOTE = "delivery_note"
    ORDER = "order"


@strawberry.type(description="A partner role (client, agent/representante, ...).")
class PartnerRole:
    id: strawberry.ID
    id_remote: str
    name: str
    kind: PartnerRoleKind

    @classmethod
    def from_entity(cls, r: m.Role) -> PartnerRole:
        return cls(
            id=strawberry.ID(str(r.id)),
            id_remote=r.id_remote,
            name=r.name,
            kind=PartnerRoleKind(r.kind),
        )


@strawberry.type(description="A partner status.")
class PartnerStatus:
    id: strawberry.ID
    id_remote: str
    description: str

    @classmethod
    def from_entity(cls, s: m.PartnerStatus) -> PartnerStatus:
        return cls(id=strawberry.ID(str(s.id)), id_remote=s.id_remote, description=s.description)


@strawberry.type(description="A kind of contact method (email, phone, ...).")
class PartnerContactType:
    id: strawberry.ID
    id_remote: str
    value: str

    @classmethod
    def from_entity(cls, t: m.ContactType) -> PartnerContactType:
        return cls(id=strawberry.ID(str(t.id)), id_remote=t.id_remote, value=t.value)


@strawberry.type(description="A state, region or province (ISO 3166-2).")
class CountryRegion:
    id: strawberry.ID
    name: str


@strawberry.type(description="A country (ISO 3166-1).")
class Country:
    id: strawberry.ID = strawberry.field(description="Numeric ISO code.")
    iso: str
    description: str

    @strawberry.field(description="States or provinces (listed for PE, CL, MX and ES).")
    def states(self) -> list[CountryRegion]:
        return [
            CountryRegion(id=strawberry.ID(r.id), name=r.name) for r in geo.regions_of(self.iso)
        ]

    @classmethod
    def from_entity(cls, c: m.Country) -> Country:
        return cls(id=strawberry.ID(c.id), iso=c.iso, description=c.description)

    @classmethod
    def from_iso(cls, key: str) -> Country | None:
        c = geo.country(key)
        return cls.from_entity(c) if c else None


@strawberry.type(description="The company a partner belongs to.")
class Company(Node):
    database_id: int
    id_remote: str
    company_name: str
    comercial_name: str = strawberry.field(deprecation_reason=COMERCIAL_DEPRECATION)

    @strawberry.field(description="Commercial (trade) name.")
    def commercial_name(self) -> str:
        return self.comercial_name

    tin: str

    @classmethod
    def from_entity(cls, c: m.Company) -> Company:
        return cls(
            id=strawberry.ID(to_global_id(COMPANY_TYPE, c.id)),
            database_id=c.id,
            id_remote=c.id_remote,
            company_name=c.company_name,
            comercial_name=c.comercial_name,
            tin=c.tin,
        )


@strawberry.type(description="A billing/shipping location.")
class PartnerLocation:
    id: strawberry.ID
    id_remote: str
    name: str
    address: str
    city: str
    postal_code: str | None
    shipping_address: bool
    billing_address: bool
    is_default: bool
    active: bool
    created_at: datetime
    updated_at: datetime
    state_id: strawberry.Private[str | None]
    country_id: strawberry.Private[str]

    @strawberry.field
    def state(self) -> CountryRegion | None:
        r = geo.region(self.state_id) if self.state_id else None
        return CountryRegion(id=strawberry.ID(r.id), name=r.name) if r else None

    @strawberry.field
    def country(self) -> Country | None:
        return Country.from_iso(self.country_id)

    @classmethod
    def from_entity(cls, loc: m.Location) -> PartnerLocation:
        return cls(
            id=strawberry.ID(str(loc.id)),
            id_remote=loc.id_remote,
            name=loc.name,
            address=loc.address,
            city=loc.city,
            postal_code=loc.postal_code,
            shipping_address=loc.shipping_address,
            billing_address=loc.billing_address,
            is_default=loc.is_default,
            active=loc.active,
            created_at=utc_datetime(loc.created_at),
            updated_at=utc_datetime(loc.updated_at),
            state_id=loc.state_id,
            country_id=loc.country_id,
        )


@strawberry.type(description="One way to reach a contact.")
class PartnerContactMethod:
    id: strawberry.ID
    id_remote: str
    value: str
    send_by_whatsapp: bool
    send_by_mail: bool
    send_by_telegram: bool
    send_by_sms: bool
    contact_type_id: strawberry.Private[int]

    @strawberry.field
    async def contact_type(self, info: GqlInfo) -> PartnerContactType | None:
        t = (await loaders.catalogs(info)).contact_type(self.contact_type_id)
        return PartnerContactType.from_entity(t) if t else None

    @classmethod
    def from_entity(cls, x: m.ContactMethod) -> PartnerContactMethod:
        return cls(
            id=strawberry.ID(str(x.id)),
            id_remote=x.id_remote,
            value=x.value,
            send_by_whatsapp=x.send_by_whatsapp,
            send_by_mail=x.send_by_mail,
            send_by_telegram=x.send_by_telegram,
            send_by_sms=x.send_by_sms,
            contact_type_id=x.contact_type_id,
        )


@strawberry.type(description="A person at a partner.")
class PartnerContact:
    id: strawberry.ID
    id_remote: str | None
    name: str
    position: str | None
    is_default: bool
    active: bool

    @strawberry.field
    async def contact_methods(self, info: GqlInfo) -> list[PartnerContactMethod]:
        found = await loaders.methods(info).load(int(self.id))
        return [PartnerContactMethod.from_entity(x) for x in found or []]

    @classmethod
    def from_entity(cls, c: m.PartnerContact) -> PartnerContact:
        return cls(
            id=strawberry.ID(str(c.id)),
            id_remote=c.id_remote,
            name=c.name,
            position=c.position,
            is_default=c.is_default,
            active=c.active,
        )


@strawberry.type(description="A business partner (B2B) of one of the account's companies.")
class BusinessPartner(Node):
    database_id: int
    id_remote: str
    contact_name: str
    comercial_name: str = strawberry.field(deprecation_reason=COMERCIAL_DEPRECATION)

    @strawberry.field(description="Commercial (trade) name.")
    def commercial_name(self) -> str:
        return self.comercial_name

    tin: str
    tin_valid: bool | None = strawberry.field(
        description="Whether the tax id is valid for the location's country (null: unchecked)."
    )
    observation: str | None
    origin: str | None
    active: bool
    created_at: datetime
    updated_at: datetime
    entity: strawberry.Private[m.Partner]

    @strawberry.field
    async def company(self, info: GqlInfo) -> Company | None:
        c = await loaders.companies(info).load(self.entity.company_id)
        return Company.from_entity(c) if c else None

    @strawberry.field
    async def role(self, info: GqlInfo) -> PartnerRole | None:
        r = (await loaders.catalogs(info)).role(self.entity.role_id)
        return PartnerRole.from_entity(r) if r else None

    @strawberry.field
    async def status(self, info: GqlInfo) -> PartnerStatus | None:
        s = (await loaders.catalogs(info)).status(self.entity.status_id)
        return PartnerStatus.from_entity(s) if s else None

    @strawberry.field
    async def locations(self, info: GqlInfo) -> list[PartnerLocation]:
        found = await loaders.locations(info).load(self.entity.id)
        return [PartnerLocation.from_entity(x) for x in found or []]

    @strawberry.field
    async def contacts(self, info: GqlInfo) -> list[PartnerContact]:
        found = await loaders.contacts(info).load(self.entity.id)
        return [PartnerContact.from_entity(x) for x in found or []]

    @strawberry.field(description="The agent this client is assigned to.")
    async def agent(self, info: GqlInfo) -> BusinessPartner | None:
        if self.entity.agent_id is None:
            return None
        p = await loaders.partners_by_id(info).load(self.entity.agent_id)
        return BusinessPartner.from_entity(p) if p else None

    @strawberry.field(description="For an agent: the clients assigned to it.")
    async def clients(self, info: GqlInfo) -> list[BusinessPartner]:
        found = await loaders.clients(info).load(self.entity.id)
        return [BusinessPartner.from_entity(p) for p in found or []]

    @strawberry.field(
        description="Changes of this partner, newest first (its contacts too): who, through "
        "which face, when, what. `first` at most 100."
    )
    async def history(
        self, info: GqlInfo, first: int = 20, after: str | None = None
    ) -> ChangeEventConnection:
        return await history_loaders.history(
            info, EntityType.BUSINESS_PARTNER, self.entity.id, first, after
        )

    @classmethod
    def from_entity(cls, p: m.Partner) -> BusinessPartner:
        return cls(
            id=strawberry.ID(to_global_id(PARTNER_TYPE, p.id)),
            database_id=p.id,
            id_remote=p.id_remote,
            contact_name=p.contact_name,
            comercial_name=p.comercial_name,
            tin=p.tin,
            tin_valid=p.tin_valid,
            observation=p.observation,
            origin=p.origin,
            active=p.active,
            created_at=utc_datetime(p.created_at),
            updated_at=utc_datetime(p.updated_at),
            entity=p,
        )


@strawberry.type
class BusinessPartnerEdge:
    cursor: str
    node: BusinessPartner


@strawberry.type
class BusinessPartnerConnection:
    edges: list[BusinessPartnerEdge]
    page_info: PageInfo
    filter: strawberry.Private[m.PartnerFilter]

    @strawberry.field(description="The page's partners, without cursors.")
    def nodes(self) -> list[BusinessPartner]:
        return [edge.node for edge in self.edges]

    @strawberry.field(description="How many partners match the filter (one COUNT query).")
    async def total_count(self, info: GqlInfo) -> int:
        caller = await info.context.principal()
        return await loaders.partners(info).reads.count(caller, self.filter)


@strawberry.type(description="A deleted partner: its last state is kept.")
class DeletedBusinessPartner:
    id: strawberry.ID
    partner_database_id: int
    company_database_id: int
    id_remote: str
    snapshot: JSON
    deleted_at: datetime

    @classmethod
    def from_entity(cls, d: m.DeletedPartner) -> DeletedBusinessPartner:
        return cls(
            id=strawberry.ID(str(d.id)),
            partner_database_id=d.partner_id,
            company_database_id=d.company_id,
            id_remote=d.id_remote,
            snapshot=json.loads(d.snapshot),
            deleted_at=utc_datetime(d.deleted_at),
        )


@strawberry.type(description="A queued creation of business partners.")
class PartnerJob:
    id: strawberry.ID
    status: PartnerJobStatus
    error_message: str | None
    status_url: str = strawberry.field(description="The legacy status URL of the same message.")
    attempts: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_entity(cls, msg: m.QueueMessage, base_url: str) -> PartnerJob:
        return cls(
            id=strawberry.ID(msg.public_id),
            status=PartnerJobStatus(msg.status),
            error_message=msg.error_message,
            status_url=base_url + STATUS_PATH.format(msg.public_id),
            attempts=msg.attempts,
            created_at=utc_datetime(msg.created_at),
            updated_at=utc_datetime(msg.updated_at),
        )


def base_url(info: GqlInfo) -> str:
    """The request's base URL, for status URLs."""
    return str(info.context.request.base_url).rstrip("/")
