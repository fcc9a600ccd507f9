"""E-invoicing settings of accounts onboarded by a reseller (one row per onboarded account)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Table,
    Text,
)

from core.storage.tables.base import Id, metadata

einvoice_settings = Table(
    "einvoice_settings",
    metadata,
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
    Column("reseller_account_id", Id, ForeignKey("accounts.id"), nullable=False),
    # Unique across resellers: a RUC is onboarded once, and racing batches meet here.
    Column("ruc", String(11), nullable=False, unique=True),
    Column("company_name", String(200), nullable=False),
    Column("email", String(254)),
    Column("phone_number", String(30)),
    Column("mobile_number", String(30)),
    Column("validator_entity", SmallInteger, nullable=False),
    Column("external_ose_username", String(100)),
    # Fernet token (AES + HMAC) of the OSE password: the server must read it back.
    Column("external_ose_password_enc", Text),
    Column("is_ose_validation_only", Boolean, nullable=False, default=False),
    Column("integration_type", SmallInteger, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    # Search document (core/resellers/search.py), written with the row (migration 0006).
    Column("search_text", Text, nullable=False, default="", server_default=""),
    # What search relevance compares (core/resellers/search.py; migration 0009_search_keys).
    Column("name_key", Text),
    Column("email_key", Text),
    Column("phone_key", String(16)),
    Column("mobile_key", String(16)),
)
# Exact and starting company names of a search (relevance tiers 0 and 1), exact e-mails and
# phones (tier 0; the RUC has its unique index): a page finds its first tiers by key.
Index(
    "ix_einvoice_settings_reseller_name_key",
    einvoice_settings.c.reseller_account_id,
    einvoice_settings.c.name_key,
    postgresql_ops={"name_key": "text_pattern_ops"},
)
for _key in ("email_key", "phone_key", "mobile_key"):
    Index(
        f"ix_einvoice_settings_reseller_{_key}",
        einvoice_settings.c.reseller_account_id,
        einvoice_settings.c[_key],
    )
Index(
    "ix_einvoice_settings_reseller",
    einvoice_settings.c.reseller_account_id,
    einvoice_settings.c.account_id,
)
Index(
    "ix_einvoice_settings_reseller_created",
    einvoice_settings.c.reseller_account_id,
    einvoice_settings.c.created_at,
)
Index(
    "ix_einvoice_settings_reseller_updated",
    einvoice_settings.c.reseller_account_id,
    einvoice_settings.c.updated_at,
)
