"""The ``Client`` object type and its connection.

A Client is a plain Strawberry dataclass built by ``build.py``: its scalar fields and the
children loaded up front (contacts, addresses, attributes, catalogs) are attributes, so they
resolve synchronously without a resolver call. Only the argument-taking fields (points
history, documents, unpaid summary) have resolvers, and those return per-request DataLoader
futures (``loaders.py``), so a page of clients loads each of them in bulk.
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import datetime
from enum import Enum

import strawberry
from strawberry.types import Info

from core.clients import model as m
from core.clients import rules
from core.clients.model import ClientFilter
from core.history.model import EntityType
from graphql_api.clients import loaders
from graphql_api.clients.types import (
    Address,
    ClientAttribute,
    CompanyOrPerson,
    Contact,
    Document,
    PaymentType,
    PointsEntry,
    PriceList,
    SaleCondition,
    UnpaidSummary,
)
from graphql_api.context import Context
from graphql_api.history import loaders as history_loaders
from graphql_api.history.types import ChangeEventConnection
from graphql_api.relay import Node, PageInfo
from graphql_api.scalars import RecordState


@strawberry.type(description="A customer (Bsale-style client) of the calling account.")
class Client(Node):
    database_id: int = strawberry.field(description="Numeric id, as used by the REST API.")
    first_name: str | None
    last_name: str | None
    email: str | None
    code: str = strawberry.field(description="Tax id (RUC, RUT, RFC ...), normalised.")
    code_valid: bool | None = strawberry.field(
        description="Whether `code` passed the country's tax-id check; null when not checked."
    )
    phone: str | None
    company: str | None
    note: str | None
    facebook: str | None
    twitter: str | None
    has_credit: bool | None
    max_credit: float | None
    state: RecordState
    activity: str | None = strawberry.field(description="Line of business (giro).")
    city: str | None
    district: str | None = strawberry.field(
        description="District (Peru). The same value as `municipality`: one concept that the "
        "Bsale flavours name differently."
    )
    municipality: str | None = strawberry.field(
        description="Municipality / comuna (Chile, Mexico). The same value as `district`."
    )
    address: str | None
    company_or_person: CompanyOrPerson
    accumulate_points: bool
    points: float
    points_updated: datetime | None
    send_dte: bool = strawberry.field(description="Whether the DTE XML is sent to the client.")
    is_foreigner: bool | None
    prestashop_client_id: int | None
    created_at: datetime
    updated_at: datetime
    payment_type: PaymentType | None
    price_list: PriceList | None
    sale_condition: SaleCondition | None
    contacts: list[Contact]
    addresses: list[Address]
    attributes: list[ClientAttribute]

    @strawberry.field(
        description="Latest points movements, newest first (at most 100).",
        graphql_type=list[PointsEntry],
    )
    def points_history(
        self, info: Info[Context, None], first: int = rules.MAX_HISTORY
    ) -> Awaitable[list[PointsEntry]]:
        return loaders.points_history(info, self.database_id, first)

    @strawberry.field(
        description="Sale documents issued to the client.", graphql_type=list[Document]
    )
    def documents(self, info: Info[Context, None]) -> Awaitable[list[Document]]:
        return loaders.documents(info, self.database_id)

    @strawberry.field(
        description="Changes of this client, newest first (its contacts, addresses, "
        "attributes, points, documents and payments too): who, through which face, when, "
        "what. `first` at most 100."
    )
    async def history(
        self, info: Info[Context, None], first: int = 20, after: str | None = None
    ) -> ChangeEventConnection:
        return await history_loaders.history(
            info, EntityType.CLIENT, self.database_id, first, after
        )

    @strawberry.field(
        description="Unpaid documents split at `comparisonDate` (default: now).",
        graphql_type=UnpaidSummary,
    )
    def unpaid_summary(
        self, info: Info[Context, None], comparison_date: datetime | None = None
    ) -> Awaitable[UnpaidSummary]:
        return loaders.unpaid_summary(info, self.database_id, comparison_date)

    @strawberry.field(
        description="Other clients of the account that may be the same customer, each with "
        "why (at most 20). A warning: nothing is refused for it.",
    )
    async def possible_duplicates(self, info: Info[Context, None]) -> list[DuplicateCandidate]:
        found = await loaders.possible_duplicates(info, self.database_id)
        return [DuplicateCandidate.of(c) for c in found]


@strawberry.enum(description="Why two clients look like the same customer.")
class DuplicateReason(Enum):
    TAX_ID = "tax_id"
    EMAIL = "email"
    PHONE = "phone"
    NAME_AND_CITY = "name_and_city"


@strawberry.type(description="Another client that may be the same customer, and why.")
class DuplicateCandidate:
    reasons: list[DuplicateReason] = strawberry.field(
        description="Every key the two share: TAX_ID (normalised tax id), EMAIL "
        "(case-insensitive), PHONE (its digits), NAME_AND_CITY (same name in the same city)."
    )
    entity: strawberry.Private[m.Client]

    @classmethod
    def of(cls, candidate: m.DuplicateCandidate) -> DuplicateCandidate:
        return cls(
            reasons=[DuplicateReason(r.value) for r in candidate.reasons],
            entity=candidate.client,
        )

    @strawberry.field(description="The other client.")
    async def client(self, info: Info[Context, None]) -> Client:
        from graphql_api.clients import build  # build imports this module

        return await build.build_one(info, self.entity, info.selected_fields[0].selections)


@strawberry.type
class ClientEdge:
    cursor: str
    node: Client


@strawberry.type(description="A page of clients (Relay connection).")
class ClientConnection:
    edges: list[ClientEdge]
    page_info: PageInfo
    filter: strawberry.Private[ClientFilter]

    @strawberry.field(description="The page's clients, without cursors.")
    def nodes(self) -> list[Client]:
        return [edge.node for edge in self.edges]

    @strawberry.field(
        description="Clients matching the filter. Counted only when selected. With `search`, "
        "matches are counted up to 1000: 1000 means at least that many."
    )
    async def total_count(self, info: Info[Context, None]) -> int:
        caller = await info.context.principal()
        return await info.context.services.clients.count(caller, self.filter)
