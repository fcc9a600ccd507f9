"""Webhooks: endpoints (with their place in the account's change feed), the delivery queue,
and the log of every attempt."""

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

webhook_endpoints = Table(
    "webhook_endpoints",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("url", String(2048), nullable=False),
    Column("description", String(255), nullable=False),
    # Subject types, comma-separated; "" for every change.
    Column("event_types", String(255), nullable=False),
    # Fernet token of the signing secret (whsec_...): signing needs it in clear.
    Column("secret", Text, nullable=False),
    Column("enabled", Boolean, nullable=False),
    # The account feed's position fanned out to this endpoint so far.
    Column("position", BigInteger, nullable=False),
    # When a worker last fanned changes out to it (round robin between endpoints).
    Column("fanned_at", BigInteger, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
)
Index("ix_webhook_endpoints_account", webhook_endpoints.c.account_id, webhook_endpoints.c.id)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column(
        "endpoint_id",
        Id,
        ForeignKey("webhook_endpoints.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("message_id", String(64), nullable=False),
    Column("event_type", String(64), nullable=False),
    Column("change_position", BigInteger, nullable=False),
    Column("payload", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", BigInteger, nullable=True),
    Column("last_status_code", Integer, nullable=True),
    Column("last_error", String(255), nullable=True),
    Column("claim_token", String(32), nullable=True),
    Column("claimed_until", BigInteger, nullable=True),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    Column("delivered_at", BigInteger, nullable=True),
    UniqueConstraint("endpoint_id", "message_id"),
)
Index(
    "ix_webhook_deliveries_due",
    webhook_deliveries.c.status,
    webhook_deliveries.c.next_attempt_at,
)
Index(
    "ix_webhook_deliveries_account",
    webhook_deliveries.c.account_id,
    webhook_deliveries.c.endpoint_id,
    webhook_deliveries.c.id,
)

webhook_attempts = Table(
    "webhook_attempts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column(
        "delivery_id",
        Id,
        ForeignKey("webhook_deliveries.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("at", BigInteger, nullable=False),
    Column("status_code", Integer, nullable=True),
    Column("error", String(255), nullable=True),
    Column("duration_ms", Integer, nullable=False),
)
Index("ix_webhook_attempts_delivery", webhook_attempts.c.delivery_id, webhook_attempts.c.id)
