"""counts: an exact per-account client counter kept by triggers

Revision ID: 0005_counts_clients
Revises: 0001
Create Date: 2026-12-01 19:00:00

``client_counts`` holds each account's number of clients (every row of ``clients``, whatever
its state: what the unfiltered list counted with ``count(*)``). Triggers on ``clients`` keep it
in the writing transaction (core/storage/counter_triggers.py); the backfill counts the rows
already there. Instances of the previous release keep working: they never read the table, and
the triggers count their writes too.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from core.storage.counter_triggers import (
    CountedRows,
    backfill,
    create_triggers,
    drop_triggers,
    lock_table,
)

revision = "0005_counts_clients"
down_revision = "0001"
branch_labels = ("counts",)
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
# Every client row counts. A later migration that changes this (merged clients) replaces the
# triggers: see counter_triggers' docstring.
CLIENTS = CountedRows(table="clients", counter_table="client_counts")


def _run(statements: list[str]) -> None:
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    op.create_table(
        "client_counts",
        sa.Column("account_id", _ID, nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_client_counts_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_client_counts")),
    )
    dialect = op.get_bind().dialect.name
    _run(lock_table(dialect, CLIENTS))
    _run(create_triggers(dialect, CLIENTS))
    _run(backfill(CLIENTS))


def downgrade() -> None:
    _run(drop_triggers(op.get_bind().dialect.name, CLIENTS))
    op.drop_table("client_counts")
