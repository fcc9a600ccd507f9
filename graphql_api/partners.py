"""GraphQL of the business-partners (B2B) context: partners as a Relay connection with
filters, companies, catalogs, agents and their clients, the deletion history, queued creation
jobs (queried, or followed by a subscription), and a mutation for every write.

Related rows (company, locations, contacts, contact methods, agent, clients, catalogs) are
loaded through per-request DataLoaders: one query per relation per page, never per partner.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncGenerator, Awaitable, Callable, Hashable
from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry.dataloader import DataLoader
from strawberry.scalars import JSON
from strawberry.types import Info

from core.partners import geo
from core.partners import model as m
from core.partners.errors import BadParameter, MissingParameter, PartnerNotFound
from core.partners.parsing import parse_assignments, parse_create_body, parse_partner
from core.partners.service import MAX_PAGE_SIZE
from core.shared.errors import DomainError, InvalidInput
from graphql_api.context import Context, LoaderKey, OnceKey
from graphql_api.errors import UserError, UserErrorCode, field_path, user_errors
from graphql_api.relay import (
    Node,
    PageInfo,
    decode_id_cursor,
    encode_cursor,
    from_global_id,
    local_id,
    page_info,
    register_node,
    to_global_id,
)
from graphql_api.scalars import utc_datetime

GqlInfo = Info[Context, None]
PARTNER_TYPE = "BusinessPartner"
COMPANY_TYPE = "Company"
STATUS_PATH = "/api/database/v1/message/status/{}"
JOB_POLL_SECONDS = 0.2


# -- loaders ---------------------------------------------------------------------------------


def _loader(
    info: GqlInfo,
    key: LoaderKey[Hashable, Any],
    load: Callable[[int, list[Any]], Awaitable[dict[Any, Any]]],
) -> DataLoader[Any, Any]:
    """A per-request loader; ``load(account_id, keys)`` answers a dict keyed like ``keys``."""

    async def batch(keys: list[Hashable]) -> list[Any]:
        account = await info.context.account()
        found = await load(account.id, list(keys))
        return [found.get(k) for k in keys]

    return info.context.loader(key, batch)


CATALOGS: OnceKey[m.Catalogs] = OnceKey("bp_catalogs")
METHODS: LoaderKey[Hashable, Any] = LoaderKey("bp_methods")
COMPANIES: LoaderKey[Hashable, Any] = LoaderKey("bp_company")
LOCATIONS: LoaderKey[Hashable, Any] = LoaderKey("bp_locations")
CONTACTS: LoaderKey[Hashable, Any] = LoaderKey("bp_contacts")
PARTNERS: LoaderKey[Hashable, Any] = LoaderKey("bp_partner")
CLIENTS: LoaderKey[Hashable, Any] = LoaderKey("bp_clients")


async def _catalogs(info: GqlInfo) -> m.Catalogs:
    async def fetch() -> m.Catalogs:
        account = await info.context.account()
        return await info.context.services.partners.catalogs(account.id)

    return await info.context.once(CATALOGS, fetch)


def _partners(info: GqlInfo) -> Any:
    return info.context.services.partners


async def _by_ids(info: GqlInfo, account_id: int, ids: list[int]) -> dict[int, m.Partner]:
    return {p.id: p for p in await _partners(info).partners_by_ids(account_id, ids)}


# -- types -----------------------------------------------------------------------------------


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
    def from_iso(cls, key: str) -> Country | None:
        c = geo.country(key)
        return cls(id=strawberry.ID(c.id), iso=c.iso, description=c.description) if c else None


@strawberry.type(description="The company a partner belongs to.")
class Company(Node):
    database_id: int
    id_remote: str
    company_name: str
    comercial_name: str
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
        t = (await _catalogs(info)).contact_type(self.contact_type_id)
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
        loader = _loader(info, METHODS, lambda a, ids: _partners(info).methods_of(a, ids))
        return [
            PartnerContactMethod.from_entity(x) for x in (await loader.load(int(self.id))) or []
        ]

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
    comercial_name: str
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
        loader = _loader(info, COMPANIES, lambda a, ids: _partners(info).companies_by_id(a, ids))
        c = await loader.load(self.entity.company_id)
        return Company.from_entity(c) if c else None

    @strawberry.field
    async def role(self, info: GqlInfo) -> PartnerRole | None:
        r = (await _catalogs(info)).role(self.entity.role_id)
        return PartnerRole.from_entity(r) if r else None

    @strawberry.field
    async def status(self, info: GqlInfo) -> PartnerStatus | None:
        s = (await _catalogs(info)).status(self.entity.status_id)
        return PartnerStatus.from_entity(s) if s else None

    @strawberry.field
    async def locations(self, info: GqlInfo) -> list[PartnerLocation]:
        loader = _loader(info, LOCATIONS, lambda a, ids: _partners(info).locations_of(a, ids))
        return [PartnerLocation.from_entity(x) for x in (await loader.load(self.entity.id)) or []]

    @strawberry.field
    async def contacts(self, info: GqlInfo) -> list[PartnerContact]:
        loader = _loader(info, CONTACTS, lambda a, ids: _partners(info).contacts_of(a, ids))
        return [PartnerContact.from_entity(x) for x in (await loader.load(self.entity.id)) or []]

    @strawberry.field(description="The agent this client is assigned to.")
    async def agent(self, info: GqlInfo) -> BusinessPartner | None:
        if self.entity.agent_id is None:
            return None
        loader = _loader(info, PARTNERS, lambda a, ids: _by_ids(info, a, ids))
        p = await loader.load(self.entity.agent_id)
        return BusinessPartner.from_entity(p) if p else None

    @strawberry.field(description="For an agent: the clients assigned to it.")
    async def clients(self, info: GqlInfo) -> list[BusinessPartner]:
        loader = _loader(info, CLIENTS, lambda a, ids: _partners(info).clients_of(a, ids))
        return [BusinessPartner.from_entity(p) for p in (await loader.load(self.entity.id)) or []]

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
    account_id: strawberry.Private[int]

    @strawberry.field(description="How many partners match the filter (one COUNT query).")
    async def total_count(self, info: GqlInfo) -> int:
        count: int = await _partners(info).count(self.account_id, self.filter)
        return count


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


def _base_url(info: GqlInfo) -> str:
    return str(info.context.request.base_url).rstrip("/")


# -- inputs ----------------------------------------------------------------------------------


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
        default=None, description="Part of the contact or commercial name or tin, or an idRemote."
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
    comercial_name: str | None = None
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
    comercial_name: str | None = None
    tin: str | None = None


@strawberry.input
class PartnerCatalogItemInput:
    id_remote: str | None = None
    description: str | None = strawberry.field(
        default=None, description="Statuses: the description; contact types: the value."
    )


_CAMEL = {
    "id_remote": "idRemote",
    "role_id": "roleId",
    "status_id": "statusId",
    "company_id": "companyId",
    "agent_id": "agentId",
    "contact_name": "contactName",
    "comercial_name": "comercialName",
    "location_id": "locationId",
    "state_id": "stateId",
    "postal_code": "postalCode",
    "shipping_address": "shippingAddress",
    "billing_address": "billingAddress",
    "country_id": "countryId",
    "is_default": "default",
    "contact_type_id": "contactTypeId",
    "contact_methods": "contactMethods",
}


def _dialect(value: Any) -> Any:
    """A Strawberry input as the dialect's JSON (so one parser checks both faces)."""
    if isinstance(value, list):
        return [_dialect(v) for v in value]
    if hasattr(value, "__strawberry_definition__"):
        out: dict[str, Any] = {}
        for name in value.__strawberry_definition__.fields:
            attr = name.python_name
            v = getattr(value, attr)
            if v is None:
                continue
            key = _CAMEL.get(attr, attr)
            if key == "companyId":
                v = _company_ref(v)
            out[key] = _dialect(v)
        return out
    return value


def _company_ref(value: str) -> str:
    try:
        type_name, local = from_global_id(value)
    except InvalidInput:
        return value
    return local if type_name == COMPANY_TYPE else value


def _errors(exc: DomainError) -> list[UserError]:
    if isinstance(exc, MissingParameter):
        return [
            UserError(
                field=field_path(exc.parameter), message=exc.message, code=UserErrorCode.REQUIRED
            )
        ]
    if isinstance(exc, BadParameter):
        return [
            UserError(
                field=field_path(exc.parameter), message=exc.message, code=UserErrorCode.WRONG_TYPE
            )
        ]
    return user_errors(exc)


def _global_partner_id(value: str, field: str = "id") -> str:
    """A partner reference for the service: a BusinessPartner global id becomes its local id;
    anything else is taken as an idRemote."""
    try:
        type_name, local = from_global_id(value)
    except InvalidInput:
        return value
    if type_name != PARTNER_TYPE:
        raise InvalidInput.single(field, f"not a {PARTNER_TYPE} id")
    return local


def _cursor(partner_id: int) -> str:
    return encode_cursor(["bp", partner_id])


def _after(cursor: str | None) -> int | None:
    return None if cursor is None else decode_id_cursor(cursor, "bp")


def _filter(flt: BusinessPartnerFilter | None) -> m.PartnerFilter:
    if flt is None:
        return m.PartnerFilter()

    def local(value: strawberry.ID | None, type_name: str, field: str) -> int | None:
        return None if value is None else local_id(str(value), type_name, field)

    def plain(value: strawberry.ID | None, field: str) -> int | None:
        return None if value is None else _numeric(value, field)

    return m.PartnerFilter(
        company_id=local(flt.company_id, COMPANY_TYPE, "companyId"),
        role_id=plain(flt.role_id, "roleId"),
        role_kind=flt.role_kind.value if flt.role_kind else None,
        status_id=plain(flt.status_id, "statusId"),
        active=flt.active,
        agent_id=local(flt.agent_id, PARTNER_TYPE, "agentId"),
        updated_since=int(flt.updated_since.timestamp()) if flt.updated_since else None,
        search=flt.search or None,
    )


# -- payloads ---------------------------------------------------------------------------------


@strawberry.type
class CompanyPayload:
    company: Company | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class PartnerStatusPayload:
    status: PartnerStatus | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class PartnerContactTypePayload:
    contact_type: PartnerContactType | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class CreateBusinessPartnersPayload:
    job: PartnerJob | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class BusinessPartnerPayload:
    business_partner: BusinessPartner | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class DeleteBusinessPartnerPayload:
    deleted: DeletedBusinessPartner | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RecordPartnerDocumentPayload:
    document_id: strawberry.ID | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class AssignClientsPayload:
    agent: BusinessPartner | None = None
    assigned: int = 0
    user_errors: list[UserError] = strawberry.field(default_factory=list)


# -- root fields ------------------------------------------------------------------------------


@strawberry.type
class PartnerQuery:
    @strawberry.field(description="Business partners, in id order (Relay cursor pagination).")
    async def business_partners(
        self,
        info: GqlInfo,
        first: int = 20,
        after: str | None = None,
        filter: BusinessPartnerFilter | None = None,
    ) -> BusinessPartnerConnection:
        account = await info.context.account()
        flt = _filter(filter)
        if first < 1 or first > MAX_PAGE_SIZE:
            raise InvalidInput.single("first", f"must be between 1 and {MAX_PAGE_SIZE}")
        page = await _partners(info).keyset(account.id, flt, first=first, after_id=_after(after))
        edges = [
            BusinessPartnerEdge(cursor=_cursor(p.id), node=BusinessPartner.from_entity(p))
            for p in page.items
        ]
        return BusinessPartnerConnection(
            edges=edges,
            page_info=page_info(
                [e.cursor for e in edges], has_next=page.has_next, has_previous=page.has_previous
            ),
            filter=flt,
            account_id=account.id,
        )

    @strawberry.field(
        description="One partner by global id, or by idRemote (unique per "
        "company; an idRemote used in several companies is an error)."
    )
    async def business_partner(
        self, info: GqlInfo, id: strawberry.ID | None = None, id_remote: str | None = None
    ) -> BusinessPartner | None:
        account = await info.context.account()
        if (id is None) == (id_remote is None):
            raise InvalidInput.single("id", "give exactly one of id and idRemote")
        if id is not None:
            partner_id = local_id(str(id), PARTNER_TYPE)
            found = await _partners(info).partners_by_ids(account.id, [partner_id])
            return BusinessPartner.from_entity(found[0]) if found else None
        try:
            partner = await _partners(info).get(account.id, str(id_remote))
        except DomainError as exc:
            if exc.code == "NOT_FOUND":
                return None
            raise
        if partner.id_remote != id_remote:  # the ref matched a local id, not an idRemote
            return None
        return BusinessPartner.from_entity(partner)

    @strawberry.field
    async def companies(self, info: GqlInfo) -> list[Company]:
        account = await info.context.account()
        return [Company.from_entity(c) for c in await _partners(info).companies(account.id)]

    @strawberry.field
    async def partner_roles(self, info: GqlInfo) -> list[PartnerRole]:
        return [PartnerRole.from_entity(r) for r in (await _catalogs(info)).roles]

    @strawberry.field
    async def partner_statuses(self, info: GqlInfo) -> list[PartnerStatus]:
        return [PartnerStatus.from_entity(s) for s in (await _catalogs(info)).statuses]

    @strawberry.field
    async def contact_types(self, info: GqlInfo) -> list[PartnerContactType]:
        return [PartnerContactType.from_entity(t) for t in (await _catalogs(info)).contact_types]

    @strawberry.field
    def countries(self) -> list[Country]:
        return [
            Country(id=strawberry.ID(c.id), iso=c.iso, description=c.description)
            for c in geo.COUNTRIES
        ]

    @strawberry.field(
        description="The first partners whose role is an agent, in id order, with their "
        "`clients`. Page through all of them with businessPartners(filter: {roleKind: AGENT})."
    )
    async def agents(self, info: GqlInfo, first: int = 20) -> list[BusinessPartner]:
        account = await info.context.account()
        page = await _partners(info).keyset(
            account.id, m.PartnerFilter(role_kind="agent"), first=first
        )
        return [BusinessPartner.from_entity(p) for p in page.items]

    @strawberry.field(description="Deleted partners, most recent first.")
    async def deleted_business_partners(
        self, info: GqlInfo, page: int = 1, page_size: int = 20
    ) -> list[DeletedBusinessPartner]:
        account = await info.context.account()
        result = await _partners(info).deletions(account.id, page, page_size)
        return [DeletedBusinessPartner.from_entity(d) for d in result.items]

    @strawberry.field(description="A queued creation job (another tenant's reads as null).")
    async def partner_job(self, info: GqlInfo, id: strawberry.ID) -> PartnerJob | None:
        account = await info.context.account()
        try:
            msg = await _partners(info).message(account.id, str(id))
        except DomainError:
            return None
        return PartnerJob.from_entity(msg, _base_url(info))


@strawberry.type
class PartnerMutation:
    @strawberry.mutation
    async def create_company(self, info: GqlInfo, input: CompanyInput) -> CompanyPayload:
        account = await info.context.account()
        values = {k: v for k, v in vars(input).items() if v is not None}
        try:
            company = await _partners(info).create_company(account.id, values)
        except DomainError as exc:
            return CompanyPayload(user_errors=_errors(exc))
        return CompanyPayload(company=Company.from_entity(company))

    @strawberry.mutation
    async def update_company(
        self, info: GqlInfo, id: strawberry.ID, input: CompanyInput
    ) -> CompanyPayload:
        account = await info.context.account()
        values = {k: v for k, v in vars(input).items() if v is not None}
        try:
            company_id = local_id(str(id), COMPANY_TYPE)
            company = await _partners(info).update_company(account.id, company_id, values)
        except DomainError as exc:
            return CompanyPayload(user_errors=_errors(exc))
        return CompanyPayload(company=Company.from_entity(company))

    @strawberry.mutation
    async def create_partner_status(
        self, info: GqlInfo, input: PartnerCatalogItemInput
    ) -> PartnerStatusPayload:
        account = await info.context.account()
        try:
            status = await _partners(info).add_status(
                account.id, input.id_remote or "", input.description or ""
            )
        except DomainError as exc:
            return PartnerStatusPayload(user_errors=_errors(exc))
        return PartnerStatusPayload(status=PartnerStatus.from_entity(status))

    @strawberry.mutation
    async def update_partner_status(
        self, info: GqlInfo, id: strawberry.ID, input: PartnerCatalogItemInput
    ) -> PartnerStatusPayload:
        account = await info.context.account()
        values = {"id_remote": input.id_remote, "description": input.description}
        try:
            status = await _partners(info).update_status(
                account.id, _numeric(id), {k: v for k, v in values.items() if v is not None}
            )
        except DomainError as exc:
            return PartnerStatusPayload(user_errors=_errors(exc))
        return PartnerStatusPayload(status=PartnerStatus.from_entity(status))

    @strawberry.mutation
    async def create_contact_type(
        self, info: GqlInfo, input: PartnerCatalogItemInput
    ) -> PartnerContactTypePayload:
        account = await info.context.account()
        try:
            ctype = await _partners(info).add_contact_type(
                account.id, input.id_remote or "", input.description or ""
            )
        except DomainError as exc:
            return PartnerContactTypePayload(user_errors=_errors(exc))
        return PartnerContactTypePayload(contact_type=PartnerContactType.from_entity(ctype))

    @strawberry.mutation
    async def update_contact_type(
        self, info: GqlInfo, id: strawberry.ID, input: PartnerCatalogItemInput
    ) -> PartnerContactTypePayload:
        account = await info.context.account()
        values = {"id_remote": input.id_remote, "value": input.description}
        try:
            ctype = await _partners(info).update_contact_type(
                account.id, _numeric(id), {k: v for k, v in values.items() if v is not None}
            )
        except DomainError as exc:
            return PartnerContactTypePayload(user_errors=_errors(exc))
        return PartnerContactTypePayload(contact_type=PartnerContactType.from_entity(ctype))

    @strawberry.mutation(
        description="Queue the creation (upsert on company + idRemote) of "
        "partners; follow the job with partnerJob or the subscription."
    )
    async def create_business_partners(
        self, info: GqlInfo, input: list[BusinessPartnerInput]
    ) -> CreateBusinessPartnersPayload:
        account = await info.context.account()
        try:
            items = parse_create_body(_dialect(input))
            msg = await _partners(info).enqueue_create(account.id, items)
        except DomainError as exc:
            return CreateBusinessPartnersPayload(user_errors=_errors(exc))
        return CreateBusinessPartnersPayload(job=PartnerJob.from_entity(msg, _base_url(info)))

    @strawberry.mutation(
        description="Change a partner (global id or idRemote); locations "
        "and contacts, when given, replace the current ones."
    )
    async def update_business_partner(
        self, info: GqlInfo, id: str, input: BusinessPartnerInput
    ) -> BusinessPartnerPayload:
        account = await info.context.account()
        try:
            item = parse_partner(_dialect(input), full=False)
            view = await _partners(info).update(account, _global_partner_id(id), item)
        except DomainError as exc:
            return BusinessPartnerPayload(user_errors=_errors(exc))
        return BusinessPartnerPayload(business_partner=BusinessPartner.from_entity(view.partner))

    @strawberry.mutation(
        description="Delete a partner no invoice, delivery note or order "
        "references; its last state goes to the deletion history."
    )
    async def delete_business_partner(self, info: GqlInfo, id: str) -> DeleteBusinessPartnerPayload:
        account = await info.context.account()
        try:
            deleted = await _partners(info).delete(account.id, _global_partner_id(id))
        except DomainError as exc:
            return DeleteBusinessPartnerPayload(user_errors=_errors(exc))
        return DeleteBusinessPartnerPayload(deleted=DeletedBusinessPartner.from_entity(deleted))

    @strawberry.mutation(
        description="Record an invoice, delivery note or order referencing a partner "
        "(global id or idRemote); while one exists the partner cannot be deleted."
    )
    async def record_partner_document(
        self, info: GqlInfo, partner_id: str, kind: PartnerDocumentKind, number: str
    ) -> RecordPartnerDocumentPayload:
        account = await info.context.account()
        try:
            if not number.strip() or len(number) > 64:
                raise InvalidInput.single("number", "must be 1 to 64 characters", "INVALID")
            doc_id = await _partners(info).add_document(
                account.id, _global_partner_id(partner_id, "partnerId"), kind.value, number
            )
        except DomainError as exc:
            return RecordPartnerDocumentPayload(user_errors=_errors(exc))
        return RecordPartnerDocumentPayload(document_id=strawberry.ID(str(doc_id)))

    @strawberry.mutation(description="Assign clients (by idRemote, same company) to an agent.")
    async def assign_clients_to_agent(
        self, info: GqlInfo, agent_id: str, client_id_remotes: list[str]
    ) -> AssignClientsPayload:
        account = await info.context.account()
        try:
            ref = _global_partner_id(agent_id, "agentId")
            assignments = parse_assignments(
                [{"agentId": ref, "clients": [{"idRemote": r} for r in client_id_remotes]}]
            )
            count = await _partners(info).assign_clients(account.id, assignments)
            agent = await _partners(info).get(account.id, ref)
        except DomainError as exc:
            return AssignClientsPayload(user_errors=_errors(exc))
        return AssignClientsPayload(agent=BusinessPartner.from_entity(agent), assigned=count)


def _numeric(value: strawberry.ID, field: str = "id") -> int:
    if not str(value).isdigit() or len(str(value)) > 18:
        raise InvalidInput.single(field, "must be a numeric id")
    return int(value)


@strawberry.type
class PartnerSubscription:
    @strawberry.subscription(
        description="A creation job's status, pushed on every change "
        "until it is completed or failed."
    )
    async def partner_job(
        self, info: GqlInfo, id: strawberry.ID
    ) -> AsyncGenerator[PartnerJob, None]:
        account = await info.context.account()
        service = _partners(info)
        base = _base_url(info)
        last: tuple[str, str | None] | None = None
        while True:
            msg = await service.message(account.id, str(id))
            state = (msg.status, msg.error_message)
            if state != last:
                last = state
                yield PartnerJob.from_entity(msg, base)
            if msg.status in ("completed", "failed"):
                return
            await asyncio.sleep(JOB_POLL_SECONDS)


async def _fetch_partner(info: GqlInfo, global_id: str) -> BusinessPartner:
    account = await info.context.account()
    partner_id = local_id(global_id, PARTNER_TYPE)
    found = await _partners(info).partners_by_ids(account.id, [partner_id])
    if not found:
        raise PartnerNotFound(global_id)
    return BusinessPartner.from_entity(found[0])


register_node(PARTNER_TYPE, _fetch_partner)

QUERIES: tuple[type, ...] = (PartnerQuery,)
MUTATIONS: tuple[type, ...] = (PartnerMutation,)
SUBSCRIPTIONS: tuple[type, ...] = (PartnerSubscription,)
EXTRA_TYPES: tuple[type, ...] = (BusinessPartner, Company)
