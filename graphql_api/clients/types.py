"""GraphQL object types of the clients context.

Objects are plain Strawberry dataclasses filled by ``loading.py``: scalar fields and the
children loaded up front are attributes, so they resolve synchronously without a resolver
call. Only the rarely selected, argument-taking fields (points history, documents, unpaid
summary) have resolvers, and those return per-request DataLoader futures.
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import datetime
from decimal import Decimal
from enum import Enum

import strawberry
from strawberry.types import Info

from core.clients.model import ClientFilter
from graphql_api.context import Context
from graphql_api.relay import Node, PageInfo
from graphql_api.scalars import Long, RecordState


@strawberry.enum(description="Whether the client is a person or a company.")
class CompanyOrPerson(Enum):
    PERSON = 0
    COMPANY = 1


@strawberry.enum(description="Direction of a points movement.")
class PointsOperation(Enum):
    ADD = 0
    SUBTRACT = 1


@strawberry.type(description="A payment type (forma de pago).")
class PaymentType(Node):
    database_id: int = strawberry.field(description="Numeric id, as used by the REST API.")
    name: str
    state: RecordState


@strawberry.type(description="A price list.")
class PriceList(Node):
    database_id: int = strawberry.field(description="Numeric id, as used by the REST API.")
    name: str
    state: RecordState


@strawberry.type(description="A sale condition (condición de venta).")
class SaleCondition(Node):
    database_id: int = strawberry.field(description="Numeric id, as used by the REST API.")
    name: str
    state: RecordState


@strawberry.type(description="Definition of an additional client attribute.")
class DynamicAttribute(Node):
    database_id: int = strawberry.field(description="Numeric id, as used by the REST API.")
    name: str
    state: RecordState


@strawberry.type(description="A contact person of a client.")
class Contact:
    id: strawberry.ID = strawberry.field(description="Global id of the contact.")
    database_id: int = strawberry.field(description="Numeric id, as used by the REST API.")
    first_name: str | None
    last_name: str | None
    phone: str | None
    email: str | None


@strawberry.type(description="An additional address of a client (head office, branch ...).")
class Address:
    id: strawberry.ID = strawberry.field(description="Global id of the address.")
    database_id: int = strawberry.field(description="Numeric id, as used by the REST API.")
    address_name: str | None
    address: str | None
    city: str | None
    district: str | None = strawberry.field(
        description="District (Peru). Same value as `municipality`."
    )
    municipality: str | None = strawberry.field(
        description="Municipality / comuna (Chile, Mexico). Same value as `district`."
    )
    state: RecordState


@strawberry.type(description="The value of an additional attribute on one client.")
class ClientAttribute:
    definition_id: strawberry.ID = strawberry.field(
        description="Global id of the DynamicAttribute this value belongs to."
    )
    name: str = strawberry.field(description="Name of the attribute definition.")
    value: str


@strawberry.type(description="One movement of a client's loyalty points.")
class PointsEntry:
    id: strawberry.ID
    operation: PointsOperation
    points: int
    balance: float = strawberry.field(description="The client's points after this movement.")
    description: str
    order_id: str | None
    created_at: datetime


@strawberry.type(description="A sale document issued to a client.")
class Document(Node):
    database_id: int = strawberry.field(description="Numeric id, as used by the REST API.")
    client_id: strawberry.ID = strawberry.field(description="Global id of the client.")
    name: str
    number: Long
    emission_date: datetime
    expiration_date: datetime
    total_amount: Decimal
    paid_amount: Decimal = strawberry.field(description="Sum of the recorded payments.")
    amount_owed: Decimal = strawberry.field(description="totalAmount - paidAmount.")


@strawberry.type(description="A payment recorded against a document.")
class Payment:
    id: strawberry.ID
    database_id: int
    document_id: strawberry.ID
    amount: Decimal
    paid_at: datetime


@strawberry.type(description="Unpaid documents of a client, split at a comparison date.")
class UnpaidSummary:
    comparison_date: datetime
    overdue_debt: Decimal = strawberry.field(description="Owed on documents already expired.")
    upcoming_debt: Decimal = strawberry.field(description="Owed on documents not yet expired.")
    total_debt: Decimal
    overdue_documents: list[Document]
    upcoming_documents: list[Document]


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
        self, info: Info[Context, None], first: int = 100
    ) -> Awaitable[list[PointsEntry]]:
        from graphql_api.clients import loaders

        return loaders.points_history(info, self.database_id, first)

    @strawberry.field(
        description="Sale documents issued to the client.", graphql_type=list[Document]
    )
    def documents(self, info: Info[Context, None]) -> Awaitable[list[Document]]:
        from graphql_api.clients import loaders

        return loaders.documents(info, self.database_id)

    @strawberry.field(
        description="Unpaid documents split at `comparisonDate` (default: now).",
        graphql_type=UnpaidSummary,
    )
    def unpaid_summary(
        self, info: Info[Context, None], comparison_date: datetime | None = None
    ) -> Awaitable[UnpaidSummary]:
        from graphql_api.clients import loaders

        return loaders.unpaid_summary(info, self.database_id, comparison_date)


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

    @strawberry.field(description="Clients matching the filter. Counted only when selected.")
    async def total_count(self, info: Info[Context, None]) -> int:
        caller = await info.context.principal()
        return await info.context.services.clients.count(caller, self.filter)
