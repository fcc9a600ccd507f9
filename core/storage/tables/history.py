"""Change history: one row per recorded change, and each account's feed position."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Index, String, Table, Text, UniqueConstraint

from core.storage.tables.base import Id, metadata

change_events = Table(
    "change_events",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    # The account's feed position, given at commit in commit order (see account_feeds).
    Column("position", BigInteger, nullable=False),
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
    UniqueConstraint("account_id", "position"),
)
# A subject's history (Client.history, BusinessPartner.history, OnboardedAccount.history).
Index(
    "ix_change_events_subject",
    change_events.c.account_id,
    change_events.c.subject_type,
    change_events.c.subject_id,
    change_events.c.position,
)
# The prune: everything older than the retention, across accounts.
Index("ix_change_events_at", change_events.c.at)

account_feeds = Table(
    "account_feeds",
    metadata,
    # One row per account that ever recorded a change: the last position given. Its row lock,
    # taken right before commit, is what orders an account's changes by commit.
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True),
    Column("position", BigInteger, nullable=False),
)
