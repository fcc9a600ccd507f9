"""counts: a merged client leaves its account's counter

Revision ID: 0008_counts_merged
Revises: 0005_counts_clients, 0005_merge
Create Date: 2026-12-01 19:50:00

The counter of 0005_counts_clients counted every client row; 0005_merge hides merged clients
(``merged_into_id`` set) from every list and count. This joins the two branches: the triggers
now count live clients only (``merged_into_id IS NULL``, re-counted when that column changes)
and the counters are rebuilt from the rows, under the table lock on PostgreSQL.
"""

from __future__ import annotations

from alembic import op

from core.storage.counter_triggers import (
    CountedRows,
    backfill,
    create_triggers,
    drop_triggers,
    lock_table,
)

revision = "0008_counts_merged"
down_revision = ("0005_counts_clients", "0005_merge")
branch_labels = None
depends_on = None

EVERY_CLIENT = CountedRows(table="clients", counter_table="client_counts")
LIVE_CLIENTS = CountedRows(
    table="clients",
    counter_table="client_counts",
    predicate="merged_into_id IS NULL",
    columns=("merged_into_id",),
)


def _replace(old: CountedRows, new: CountedRows) -> None:
    dialect = op.get_bind().dialect.name
    for statement in [
        *lock_table(dialect, new),
        *drop_triggers(dialect, old),
        *create_triggers(dialect, new),
        *backfill(new),
    ]:
        op.execute(statement)


def upgrade() -> None:
    _replace(EVERY_CLIENT, LIVE_CLIENTS)


def downgrade() -> None:
    _replace(LIVE_CLIENTS, EVERY_CLIENT)
