"""counts: PostgreSQL changes the client counter while a write commits, not at its insert

Revision ID: 0009_counts_at_commit
Revises: 0008_counts_merged
Create Date: 2026-12-01 22:10:00

The counter row of an account was locked from a writer's first insert of a client to the end
of its transaction, round trips to the application included: under load every writer of the
account queued there behind one whose next statement waited for a busy server (the p99 of
concurrent creates). The triggers now add delta rows to an unlogged side table and a deferred
trigger folds them into ``client_counts`` during ``COMMIT`` (core/storage/counter_triggers.py).
Same counted predicate (live clients), same counter table; rebuilt under the table lock.
SQLite keeps its triggers (one writer at a time).
"""

from __future__ import annotations

from alembic import op

from core.storage.counter_triggers import (
    CountedRows,
    backfill,
    create_commit_triggers,
    create_triggers,
    drop_commit_triggers,
    drop_triggers,
    lock_table,
)

revision = "0009_counts_at_commit"
down_revision = "0008_counts_merged"
branch_labels = None
depends_on = None

LIVE_CLIENTS = CountedRows(
    table="clients",
    counter_table="client_counts",
    predicate="merged_into_id IS NULL",
    columns=("merged_into_id",),
)


def _replace(drop: list[str], create: list[str]) -> None:
    """Under the table lock, the old triggers out, the new ones in, the counters rebuilt."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        return
    for statement in [*lock_table(dialect, LIVE_CLIENTS), *drop, *create, *backfill(LIVE_CLIENTS)]:
        op.execute(statement)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    _replace(drop_triggers(dialect, LIVE_CLIENTS), create_commit_triggers(dialect, LIVE_CLIENTS))


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    _replace(drop_commit_triggers(dialect, LIVE_CLIENTS), create_triggers(dialect, LIVE_CLIENTS))
