"""search: PostgreSQL serves client searches with full text instead of trigrams

Revision ID: 0007_search_tsvector
Revises: 0006_search_lists
Create Date: 2026-12-01 19:45:00

On 1,000,000 clients the trigram index made the planner misjudge how common a word is (a
tax id looked common, and a page walked every client in id order to find none). A GIN index
on ``to_tsvector('simple', search_text)`` answers the same word-prefix queries (``word:*``)
over the same Python-folded document, and ANALYZE keeps statistics of its common words.
SQLite is unchanged (FTS5).
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
    op.execute("DROP INDEX IF EXISTS ix_clients_search_trgm")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE INDEX ix_clients_search_trgm ON clients USING gin (search_text gin_trgm_ops)"
    )
    op.execute("DROP INDEX IF EXISTS ix_clients_search_tsv")
