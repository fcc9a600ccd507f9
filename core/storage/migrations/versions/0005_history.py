"""history: change events and each account's feed position

Revision ID: 0005_history
Revises: 0001
Create Date: 2026-12-01 19:00:00

New tables only, so instances of the previous release keep working against a migrated
database (they record nothing).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_history"
down_revision = "0001"
branch_labels = ("history",)
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "change_events",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("account_id", _ID, nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("entity_type", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.BigInteger(), nullable=False),
        sa.Column("subject_type", sa.String(length=32), nullable=False),
        sa.Column("subject_id", sa.BigInteger(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("actor_kind", sa.String(length=16), nullable=False),
        sa.Column("actor_credential_id", sa.BigInteger(), nullable=True),
        sa.Column("actor_user_id", sa.BigInteger(), nullable=True),
        sa.Column("actor_label", sa.String(length=255), nullable=False),
        sa.Column("face", sa.String(length=32), nullable=True),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.Column("at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_change_events_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_events")),
        sa.UniqueConstraint(
            "account_id", "position", name=op.f("uq_change_events_account_id_position")
        ),
    )
    op.create_index(
        "ix_change_events_subject",
        "change_events",
        ["account_id", "subject_type", "subject_id", "position"],
    )
    op.create_index("ix_change_events_at", "change_events", ["at"])
    op.create_table(
        "account_feeds",
        sa.Column("account_id", _ID, nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_account_feeds_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_account_feeds")),
    )


def downgrade() -> None:
    op.drop_table("account_feeds")
    op.drop_index("ix_change_events_at", table_name="change_events")
    op.drop_index("ix_change_events_subject", table_name="change_events")
    op.drop_table("change_events")
