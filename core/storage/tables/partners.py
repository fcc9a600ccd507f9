"""Tables of the business-partners (B2B) context: companies, catalogs, partners with their
locations and contacts, the documents that block a deletion, the deletion history and the
creation queue."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from core.storage.tables.base import Id, metadata


def _account() -> Column[int]:
    return Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False)


def _stamps() -> list[Column[int]]:
    return [
        Column("created_at", BigInteger, nullable=False),
        Column("updated_at", BigInteger, nullable=False),
    ]


bp_companies = Table(
    "bp_companies",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    _account(),
    Column("id_remote", String(255), nullable=False),
    Column("company_name", String(255), nullable=False),
    Column("comercial_name", String(255), nullable=False, default=""),
    Column("tin", String(64), nullable=False, default=""),
    *_stamps(),
    UniqueConstraint("account_id", "id_remote"),
)

bp_roles = Table(
    "bp_roles",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    _account(),
    Column("id_remote", String(255), nullable=False),
    Column("name", String(255), nullable=False),
    Column("kind", String(16), nullable=False),
    UniqueConstraint("account_id", "id_remote"),
)

bp_statuses = Table(
    "bp_statuses",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    _account(),
    Column("id_remote", String(255), nullable=False),
    Column("description", String(255), nullable=False),
    UniqueConstraint("account_id", "id_remote"),
)

bp_contact_types = Table(
    "bp_contact_types",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    _account(),
    Column("id_remote", String(255), nullable=False),
    Column("value", String(255), nullable=False),
    UniqueConstraint("account_id", "id_remote"),
)

bp_partners = Table(
    "bp_partners",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    _account(),
    Column("company_id", Id, ForeignKey("bp_companies.id"), nullable=False),
    Column("id_remote", String(255), nullable=False),
    Column("role_id", Id, ForeignKey("bp_roles.id"), nullable=False),
    Column("status_id", Id, ForeignKey("bp_statuses.id"), nullable=False),
    Column("contact_name", String(255), nullable=False),
    Column("comercial_name", String(255), nullable=False),
    Column("tin", String(64), nullable=False),
    Column("tin_valid", Boolean, nullable=True),
    Column("observation", Text),
    Column("origin", String(255)),
    Column("active", Boolean, nullable=False),
    Column("agent_id", Id, ForeignKey("bp_partners.id", ondelete="SET NULL"), nullable=True),
    *_stamps(),
    # Search document (core/partners/search.py), written with the row (migration 0006).
    Column("search_text", Text, nullable=False, default="", server_default=""),
    # What search relevance compares (core/partners/search.py; migration 0009_search_keys).
    Column("name_key", Text),
    Column("comercial_name_key", Text),
    Column("tax_id_key", String(64)),
    UniqueConstraint("company_id", "id_remote"),
)
Index("ix_bp_partners_account_id", bp_partners.c.account_id, bp_partners.c.id)
Index("ix_bp_partners_account_updated", bp_partners.c.account_id, bp_partners.c.updated_at)
Index("ix_bp_partners_account_remote", bp_partners.c.account_id, bp_partners.c.id_remote)
Index("ix_bp_partners_agent", bp_partners.c.agent_id)
# Exact and starting names of a search (relevance tiers 0 and 1): a binary range on SQLite,
# LIKE 'x%' on PostgreSQL (text_pattern_ops); exact tax ids.
Index(
    "ix_bp_partners_account_name_key",
    bp_partners.c.account_id,
    bp_partners.c.name_key,
    postgresql_ops={"name_key": "text_pattern_ops"},
)
Index(
    "ix_bp_partners_account_comercial_name_key",
    bp_partners.c.account_id,
    bp_partners.c.comercial_name_key,
    postgresql_ops={"comercial_name_key": "text_pattern_ops"},
)
Index("ix_bp_partners_account_tax_id_key", bp_partners.c.account_id, bp_partners.c.tax_id_key)

bp_locations = Table(
    "bp_locations",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    _account(),
    Column("id_remote", String(255), nullable=False),
    Column("name", String(255), nullable=False),
    Column("address", Text, nullable=False),
    Column("city", String(255), nullable=False),
    Column("state_id", String(16)),
    Column("postal_code", String(32)),
    Column("shipping_address", Boolean, nullable=False),
    Column("billing_address", Boolean, nullable=False),
    Column("country_id", String(3), nullable=False),
    Column("is_default", Boolean, nullable=False),
    Column("active", Boolean, nullable=False),
    *_stamps(),
    UniqueConstraint("account_id", "id_remote"),
)

bp_partner_locations = Table(
    "bp_partner_locations",
    metadata,
    _account(),
    Column("partner_id", Id, ForeignKey("bp_partners.id", ondelete="CASCADE"), primary_key=True),
    Column("location_id", Id, ForeignKey("bp_locations.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, nullable=False, default=0),
)
Index("ix_bp_partner_locations_location", bp_partner_locations.c.location_id)

bp_contacts = Table(
    "bp_contacts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    _account(),
    Column("partner_id", Id, ForeignKey("bp_partners.id", ondelete="CASCADE"), nullable=False),
    Column("id_remote", String(255)),
    Column("name", String(255), nullable=False),
    Column("position", String(255)),
    Column("is_default", Boolean, nullable=False),
    Column("active", Boolean, nullable=False),
)
Index("ix_bp_contacts_partner", bp_contacts.c.partner_id)
Index("ix_bp_contacts_account_id", bp_contacts.c.account_id, bp_contacts.c.id)

bp_contact_methods = Table(
    "bp_contact_methods",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    _account(),
    Column("contact_id", Id, ForeignKey("bp_contacts.id", ondelete="CASCADE"), nullable=False),
    Column("id_remote", String(255), nullable=False),
    Column("contact_type_id", Id, ForeignKey("bp_contact_types.id"), nullable=False),
    Column("value", String(255), nullable=False),
    Column("send_by_whatsapp", Boolean, nullable=False, default=False),
    Column("send_by_mail", Boolean, nullable=False, default=False),
    Column("send_by_telegram", Boolean, nullable=False, default=False),
    Column("send_by_sms", Boolean, nullable=False, default=False),
)
Index("ix_bp_contact_methods_contact", bp_contact_methods.c.contact_id)

bp_documents = Table(
    "bp_documents",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    _account(),
    # No cascade: a referenced partner cannot be deleted (the service answers 409 first).
    Column("partner_id", Id, ForeignKey("bp_partners.id"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("number", String(64), nullable=False),
    Column("created_at", BigInteger, nullable=False),
)
Index("ix_bp_documents_partner", bp_documents.c.partner_id)

bp_deleted_partners = Table(
    "bp_deleted_partners",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    _account(),
    Column("partner_id", Id, nullable=False),
    Column("company_id", Id, nullable=False),
    Column("id_remote", String(255), nullable=False),
    Column("snapshot", Text, nullable=False),
    Column("deleted_at", BigInteger, nullable=False),
)
Index("ix_bp_deleted_partners_account", bp_deleted_partners.c.account_id, bp_deleted_partners.c.id)

bp_messages = Table(
    "bp_messages",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("public_id", String(32), nullable=False, unique=True),
    _account(),
    Column("kind", String(32), nullable=False),
    Column("payload", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("error_message", Text),
    Column("attempts", Integer, nullable=False, default=0),
    Column("claim_token", String(32)),
    Column("claimed_until", BigInteger),
    Column("available_at", BigInteger, nullable=False),
    *_stamps(),
)
# The claim query scans by status and time; completed rows drop out of the hot part.
Index("ix_bp_messages_claim", bp_messages.c.status, bp_messages.c.available_at, bp_messages.c.id)
