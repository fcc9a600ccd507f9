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
    # Normalised keys (core/clients/search.py), written with every change of their sources:
    # accent- and case-insensitive filters, search and duplicate detection compare these.
    Column("first_name_key", String(255)),
    Column("last_name_key", String(255)),
    Column("name_key", Text),
    Column("email_key", String(254)),
    Column("phone_key", String(16)),
    Column("tax_id_key", String(64)),
    Column("search_text", Text, nullable=False, default="", server_default=""),
    # The folded city duplicate detection compares (migration 0009_search_keys).
    Column("city_key", Text),
    # Set when the client was merged into another (the live survivor, kept current when the
    # survivor is merged in turn): such a client leaves every list, count and lookup.
    Column("merged_into_id", Id, nullable=True),
)
# Keyset pagination and lookups are always within one account.
Index("ix_clients_account_id", clients.c.account_id, clients.c.id)
Index("ix_clients_account_code", clients.c.account_id, clients.c.code, clients.c.id)
Index("ix_clients_account_created", clients.c.account_id, clients.c.created_at, clients.c.id)
Index("ix_clients_account_updated", clients.c.account_id, clients.c.updated_at, clients.c.id)
Index("ix_clients_merged_into_id", clients.c.merged_into_id)
Index("ix_clients_account_tax_id_key", clients.c.account_id, clients.c.tax_id_key)
Index("ix_clients_account_email_key", clients.c.account_id, clients.c.email_key)
Index("ix_clients_account_phone_key", clients.c.account_id, clients.c.phone_key)
# Names starting with a search (relevance tier 1): a binary range on SQLite, LIKE 'x%' on
# PostgreSQL, where text_pattern_ops makes it indexable under any collation.
Index(
    "ix_clients_account_name_key",
    clients.c.account_id,
    clients.c.name_key,
    postgresql_ops={"name_key": "text_pattern_ops"},
)
# Search indexes the metadata cannot describe, created by migrations 0005-0007: on SQLite the
# FTS5 table ``clients_fts`` (with its shadow tables and triggers); on PostgreSQL a full-text
# GIN index on clients' ``search_text``, trigram GIN indexes on the ``search_text`` of partners
# and onboarded accounts and on clients' ``name_key``.
SEARCH_INDEX_OBJECTS = frozenset(
    {
        "clients_fts",
        "clients_fts_data",
        "clients_fts_idx",
        "clients_fts_docsize",
        "clients_fts_config",
        "ix_clients_search_trgm",
        "ix_clients_search_tsv",
        "ix_clients_name_trgm",
        "ix_bp_partners_search_trgm",
        "ix_einvoice_settings_search_trgm",
    }
)

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
    # Folded copies the address filters compare (core/clients/search.py, migration 0006).
    Column("address_key", Text),
    Column("city_key", String(255)),
    Column("district_key", String(255)),
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

# One row per client merged into another: who merged it, when, and which fields came from
# which client (JSON). A merged client is merged once (it leaves every list), hence unique.
client_merges = Table(
    "client_merges",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    _account(),
    Column("survivor_id", Id, ForeignKey("clients.id"), nullable=False),
    Column("merged_id", Id, ForeignKey("clients.id"), nullable=False, unique=True),
    Column("principal_kind", String(20), nullable=False),
    Column("principal_id", Id, nullable=False),
    Column("merged_at", BigInteger, nullable=False),
    Column("field_choices", Text, nullable=False),
)
Index(
    "ix_client_merges_survivor",
    client_merges.c.account_id,
    client_merges.c.survivor_id,
    client_merges.c.id,
)

# How many clients each account has: kept exact by triggers on ``clients``
# (core/storage/counter_triggers.py, migrations 0005_counts_clients, 0008_counts_merged,
# 0009_counts_at_commit); the unfiltered count reads it. On PostgreSQL the triggers stage their
# changes in ``client_counts_deltas`` (raw DDL, not described here) and fold them at commit.
client_counts = Table(
    "client_counts",
    metadata,
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
    Column("n", BigInteger, nullable=False),
)
