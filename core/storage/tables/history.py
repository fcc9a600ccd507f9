"""Change history: one row per recorded change."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Index, String, Table, Text

from core.storage.tables.base import Id, metadata

change_events = Table(
    "change_events",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    # The writing transaction's id on PostgreSQL (pg_current_xact_id()); 0 on SQLite, whose
    # writers are serialized. The change feed is read in (txid, id) order, and on PostgreSQL
    # only below the oldest running transaction (core/storage/repositories/history.py).
    Column("txid", BigInteger, nullable=False),
    Column("entity_type", String(32), nullable=False),
    Column("entity_id", BigInteger, nullable=False),
    Column("subject_type", String(32), nullable=False),
    Column("subject_id", BigInteger, nullable=False),
    Column("action", String(16), nullable=False),
    # JSON: [[field, old, new, secret], ...]; a secret's old and new are always null.
    Column("fields", Text, nullable=False),
    Column("actor_kind", String(16), nullable=False),
    Column("actor_credential_id", BigInteger),
    Column("actor_user_id", BigInteger),
    Column("actor_label", String(255), nullable=False),
    Column("face", String(32)),
    Column("request_id", String(64)),
    Column("at", BigInteger, nullable=False),
)
# The change feed: an account's changes in (txid, id) order.
Index("ix_change_events_feed", change_events.c.account_id, change_events.c.txid, change_events.c.id)
# A subject's history (Client.history, BusinessPartner.history, OnboardedAccount.history).
Index(
    "ix_change_events_subject",
    change_events.c.account_id,
    change_events.c.subject_type,
    change_events.c.subject_id,
    change_events.c.id,
)
