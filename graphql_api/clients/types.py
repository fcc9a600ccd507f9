"""GraphQL object types of the clients context, apart from ``Client`` itself (``client.py``):
catalogs, attribute definitions, contacts, addresses, points, documents, payments.

They are plain Strawberry dataclasses filled by ``convert.py``: every field is an attribute,
so it resolves synchronously without a resolver call.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import Enum

import strawberry

from graphql_api.relay import Node
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
