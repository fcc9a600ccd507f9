"""Columns selected for each entity of the clients context, and rows turned into entities.

Columns are listed in the dataclasses' field order, so a row builds its entity positionally."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import Table

from core.clients.model import (
    Address,
    CatalogKind,
    Client,
    Contact,
    Document,
    Payment,
    PointsEntry,
    PointsOperation,
)
from core.storage.tables.clients import (
    addresses,
    clients,
    contacts,
    documents,
    payment_types,
    price_lists,
    sale_conditions,
)

CLIENT_COLUMNS = [clients.c[f] for f in Client.__dataclass_fields__]
CONTACT_COLUMNS = [contacts.c[f] for f in Contact.__dataclass_fields__]
ADDRESS_COLUMNS = [addresses.c[f] for f in Address.__dataclass_fields__]
DOCUMENT_COLUMNS = [documents.c[f] for f in Document.__dataclass_fields__]
CLIENT_WIDTH = len(CLIENT_COLUMNS)
CATALOGS: dict[CatalogKind, Table] = {
    CatalogKind.PAYMENT_TYPE: payment_types,
    CatalogKind.PRICE_LIST: price_lists,
    CatalogKind.SALE_CONDITION: sale_conditions,
}
# The client column that links each catalog.
CATALOG_FK = {
    CatalogKind.PAYMENT_TYPE: clients.c.payment_type_id,
    CatalogKind.PRICE_LIST: clients.c.price_list_id,
    CatalogKind.SALE_CONDITION: clients.c.sale_condition_id,
}


def client_from_row(row: Any) -> Client:
    # Columns are selected in field order: positional construction skips a dict per row.
    return Client(*row[:CLIENT_WIDTH])


def points_entry(row: Any) -> PointsEntry:
    data = dict(row._mapping)
    data["operation"] = PointsOperation(data["operation"])
    return PointsEntry(**data)


def document(row: Any) -> Document:
    data = dict(row._mapping)
    data["total_amount"] = Decimal(data["total_amount"])
    data["paid_amount"] = Decimal(data["paid_amount"])
    return Document(**data)


def payment(row: Any) -> Payment:
    data = dict(row._mapping)
    data["amount"] = Decimal(data["amount"])
    return Payment(**data)
