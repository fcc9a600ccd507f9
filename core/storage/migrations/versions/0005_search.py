"""search: normalised keys of clients and their search indexes

Revision ID: 0005_search
Revises: 0001
Create Date: 2026-12-01 19:20:00

Adds the normalised key columns of clients (core/clients/search.py), fills them for existing
rows, and builds the search indexes: on SQLite an FTS5 table over ``search_text`` kept in step
by triggers; on PostgreSQL the ``pg_trgm`` extension (a clear error when it cannot be created)
and trigram GIN indexes over ``search_text`` and ``name_key``. The backfill uses the current
normalisation; a later change of it ships its own re-keying migration.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from core.clients.search import KEY_SOURCES, client_keys
from core.storage.extensions import require_extension

revision = "0005_search"
down_revision = "0001"
branch_labels = ("search",)
depends_on = None

_BATCH = 2000


def _key_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("first_name_key", sa.String(length=255), nullable=True),
        sa.Column("last_name_key", sa.String(length=255), nullable=True),
        sa.Column("name_key", sa.Text(), nullable=True),
        sa.Column("email_key", sa.String(length=254), nullable=True),
        sa.Column("phone_key", sa.String(length=16), nullable=True),
        sa.Column("tax_id_key", sa.String(length=64), nullable=True),
        sa.Column("search_text", sa.Text(), nullable=False, server_default=""),
    ]


_KEYS = _key_columns()
_INDEXES = {
    "ix_clients_account_tax_id_key": "tax_id_key",
    "ix_clients_account_email_key": "email_key",
    "ix_clients_account_phone_key": "phone_key",
}
_SQLITE_FTS = [
    "CREATE VIRTUAL TABLE clients_fts USING fts5(search_text, content='clients', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2', prefix='2 3')",
    "CREATE TRIGGER clients_fts_ai AFTER INSERT ON clients BEGIN "
    "INSERT INTO clients_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER clients_fts_ad AFTER DELETE ON clients BEGIN "
    "INSERT INTO clients_fts(clients_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER clients_fts_au AFTER UPDATE OF search_text ON clients BEGIN "
    "INSERT INTO clients_fts(clients_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO clients_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO clients_fts(clients_fts) VALUES ('rebuild')",
]
_PG_TRGM = [
    "CREATE INDEX ix_clients_search_trgm ON clients USING gin (search_text gin_trgm_ops)",
    "CREATE INDEX ix_clients_name_trgm ON clients USING gin (name_key gin_trgm_ops)",
]

_clients = sa.table(
    "clients",
    sa.column("id", sa.BigInteger),
    *(sa.column(name, sa.Text) for name in sorted(KEY_SOURCES)),
    *(sa.column(c.name, c.type) for c in _KEYS),
)


def _backfill(conn: Any) -> None:
    sources = [_clients.c[name] for name in sorted(KEY_SOURCES)]
    last = 0
    while True:
        rows = conn.execute(
            sa.select(_clients.c.id, *sources)
            .where(_clients.c.id > last)
            .order_by(_clients.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            return
        updates = [{"b_id": row.id, **client_keys(row._mapping)} for row in rows]
        conn.execute(
            sa.update(_clients)
            .where(_clients.c.id == sa.bindparam("b_id"))
            .values({c.name: sa.bindparam(c.name) for c in _KEYS}),
            updates,
        )
        last = rows[-1].id


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        require_extension(conn, "pg_trgm", "trigram indexes for client search")
    with op.batch_alter_table("clients") as batch_op:
        for column in _key_columns():
            batch_op.add_column(column)
    for name, key in _INDEXES.items():
        op.create_index(name, "clients", ["account_id", key])
    _backfill(conn)
    statements = _PG_TRGM if conn.dialect.name == "postgresql" else _SQLITE_FTS
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        for name in ("ix_clients_search_trgm", "ix_clients_name_trgm"):
            op.execute(f"DROP INDEX IF EXISTS {name}")
    else:
        for name in ("clients_fts_ai", "clients_fts_ad", "clients_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS clients_fts")
    for name in _INDEXES:
        op.drop_index(name, table_name="clients")
    with op.batch_alter_table("clients") as batch_op:
        for column in reversed(_KEYS):
            batch_op.drop_column(column.name)
