"""Idempotency keys: one entry per account and key, the first answer kept (sealed) for replays."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    LargeBinary,
    SmallInteger,
    String,
    Table,
)

from core.storage.tables.base import Id, metadata

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
    # The primary key is the unique (account, key) racing requests meet on.
    Column("key", String(255), primary_key=True),
    # HMAC-SHA256 (hex) of method, path with query and body.
    Column("fingerprint", String(64), nullable=False),
    Column("state", String(16), nullable=False),
    # The token of the request that holds (or held) the key: stores and releases compare it.
    Column("owner", String(32), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=False),
    Column("lease_until", BigInteger, nullable=False),
    Column("status", SmallInteger),
    Column("content_type", String(255)),
    # Fernet token of the answer's body (it may hold generated passwords).
    Column("body", LargeBinary),
    CheckConstraint("state IN ('in_flight', 'done')", name="state"),
)
# The prune deletes an account's expired entries.
Index("ix_idempotency_keys_expiry", idempotency_keys.c.account_id, idempotency_keys.c.expires_at)
