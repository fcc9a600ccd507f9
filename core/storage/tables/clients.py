from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from core.storage.tables.base import Id, metadata


def _account() -> Column[int]:
    return Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False)


def _catalog(name: str) -> Table:
    table = Table(
        name,
        metadata,
        Column("id", Id, primary_key=True, autoincrement=True),
        _account(),
        Column("name", String(100), nullable=False),
        Column("state", SmallInteger, nullable=False, default=0),
    )
    Index(f"ix_{name}_account", table.c.account_id, table.c.id)
    return table


payment_types = _catalog("payment_types")
price_lists = _catalog("price_lists")
sale_conditions = _catalog("sale_conditions")

clients = Table(
    "clients",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    _account(),
    Column("first_name", String(255)),
    Column("last_name", String(255)),
    Column("email", String(254)),
    Column("code", String(64), nullable=False, default=""),
    Column("code_valid", Boolean, nullable=True),
    Column("phone", String(255)),
    Column("company", String(255)),
    Column("note", Text),
    Column("facebook", String(255)),
    Column("twitter", String(255)),
    Column("has_credit", SmallInteger),
    Column("max_credit", Float),
    Column("state", SmallInteger, nullable=False, default=0),
    Column("activity", String(255)),
    Column("city", String(255)),
    Column("district", String(255)),
    Column("address", Text),
    Column("company_or_person", SmallInteger, nullable=False, default=0),
    Column("accumulate_points", SmallInteger, nullable=False, default=0),
    Column("points", Float, nullable=False, default=0),
    Column("points_updated", BigInteger),
    Column("send_dte", SmallInteger, nullable=False, default=0),
    Column("is_foreigner", SmallInteger),
    Column("prestashop_client_id", BigInteger, nullable=False, default=0),
    Column("payment_type_id", Id, ForeignKey("payment_types.id")),
    Column("price_list_id", Id, ForeignKey("price_lists.id")),
    Column("sale_condition_id", Id, ForeignKey("sale_conditions.id")),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
)
# Keyset pagination and lookups are always within one account.
Index("ix_clients_account_id", clients.c.account_id, clients.c.id)
Index("ix_clients_account_code", clients.c.account_id, clients.c.code, clients.c.id)
Index("ix_clients_account_created", clients.c.account_id, clients.c.created_at, clients.c.id)
Index("ix_clients_account_updated", clients.c.account_id, clients.c.updated_at, clients.c.id)

contacts = Table(
    "client_contacts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    _account(),
    Column("client_id", Id, ForeignKey("clients.id", ondelete="CASCADE"), nullable=False),
    Column("first_name", String(255)),
    Column("last_name", String(255)),
    Column("phone", String(255)),
    Column("email", String(254)),
)
Index("ix_client_contacts_client", contacts.c.client_id, contacts.c.id)

addresses = Table(
    "client_addresses",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    _account(),
    Column("client_id", Id, ForeignKey("clients.id", ondelete="CASCADE"), nullable=False),
    Column("address_name", String(255)),
    Column("address", Text),
    Column("city", String(255)),
    Column("district", String(255)),
    Column("state", SmallInteger, nullable=False, default=0),
)
Index("ix_client_addresses_client", addresses.c.client_id, addresses.c.id)

dynamic_attributes = Table(
    "dynamic_attributes",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    _account(),
    Column("name", String(100), nullable=False),
    Column("state", SmallInteger, nullable=False, default=0),
)
Index("ix_dynamic_attributes_account", dynamic_attributes.c.account_id, dynamic_attributes.c.id)

attribute_values = Table(
    "client_attribute_values",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    _account(),
    Column("client_id", Id, ForeignKey("clients.id", ondelete="CASCADE"), nullable=False),
    Column(
        "dynamic_attribute_id",
        Id,
        ForeignKey("dynamic_attributes.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("value", Text, nullable=False, default=""),
    UniqueConstraint("client_id", "dynamic_attribute_id"),
)

points_entries = Table(
    "client_points_entries",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    _account(),
    Column("client_id", Id, ForeignKey("clients.id", ondelete="CASCADE"), nullable=False),
    Column("operation", SmallInteger, nullable=False),
    Column("points", Integer, nullable=False),
    Column("balance", Float, nullable=False),
    Column("description", String(255), nullable=False, default=""),
    Column("order_id", String(100)),
    Column("created_at", BigInteger, nullable=False),
)
Index("ix_client_points_client", points_entries.c.client_id, points_entries.c.id)

documents = Table(
    "documents",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    _account(),
    Column("client_id", Id, ForeignKey("clients.id"), nullable=False),
    Column("name", String(255), nullable=False),
    Column("number", BigInteger, nullable=False),
    Column("emission_date", BigInteger, nullable=False),
    Column("expiration_date", BigInteger, nullable=False),
    Column("total_amount", Numeric(18, 2), nullable=False),
    Column("paid_amount", Numeric(18, 2), nullable=False, default=0),
)
Index("ix_documents_client", documents.c.account_id, documents.c.client_id)

payments = Table(
    "document_payments",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    _account(),
    Column("document_id", Id, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False),
    Column("amount", Numeric(18, 2), nullable=False),
    Column("paid_at", BigInteger, nullable=False),
)
Index("ix_document_payments_document", payments.c.document_id)

# How many clients each account has: kept exact by triggers on ``clients``
# (core/storage/counter_triggers.py, migration 0005_counts); the unfiltered count reads it.
client_counts = Table(
    "client_counts",
    metadata,
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
    Column("n", BigInteger, nullable=False),
)
