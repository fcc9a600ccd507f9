"""search: PostgreSQL finds the digit words of client searches with full text

Revision ID: 0007_search_tsvector
Revises: 0006_search_lists
Create Date: 2026-12-01 19:45:00

Digit trigrams (``000``, ``123``) are in nearly every client's phone and tax id: on
1,000,000 clients the trigram index read the whole table for a tax id (500 ms). A GIN index
on ``to_tsvector('simple', search_text)`` answers the same word-prefix queries (``123:*``)
over the same Python-folded document from that one token's rows. Words of letters keep the
trigram index. SQLite is unchanged (FTS5).
"""

from __future__ import annotations

from alembic import op

revision = "0007_search_tsvector"
down_revision = "0006_search_lists"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE INDEX ix_clients_search_tsv ON clients "
        "USING gin (to_tsvector('simple'::regconfig, search_text))"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_clients_search_tsv")
