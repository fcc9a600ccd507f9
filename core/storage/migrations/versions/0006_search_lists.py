"""search: folded address columns, search documents of partners and onboarded accounts,
the name index of relevance

Revision ID: 0006_search_lists
Revises: 0005_search, 0002_resellers, 0004_partners_payload_v1
Create Date: 2026-12-01 19:40:00

Client addresses get folded copies of the fields their filters compare; business partners
and onboarded accounts get a ``search_text`` document (core/partners/search.py,
core/resellers/search.py). Existing rows are filled in; on PostgreSQL trigram GIN indexes
serve the searches (``pg_trgm`` comes from 0005_search). The backfill uses the current
normalisation.

It changes tables of three branches, so it merges them (a merge revision, not ``depends_on``:
Alembic drops a ``depends_on`` target from the database's heads while the scripts still list
it, and ``/readyz`` would then see migrations pending forever).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from core.clients.search import ADDRESS_KEY_SOURCES, address_keys
from core.partners.search import KEY_SOURCES as PARTNER_SOURCES
from core.partners.search import partner_search_text
from core.resellers.search import KEY_SOURCES as ONBOARDED_SOURCES
from core.resellers.search import onboarded_search_text
from core.storage.backfill import backfill

revision = "0006_search_lists"
down_revision = ("0005_search", "0002_resellers", "0004_partners_payload_v1")
branch_labels = None
depends_on = None

_ADDRESS_KEYS = [
    ("address_key", sa.Text()),
    ("city_key", sa.String(length=255)),
    ("district_key", sa.String(length=255)),
]
_TRGM = {
    "ix_bp_partners_search_trgm": "bp_partners",
    "ix_einvoice_settings_search_trgm": "einvoice_settings",
}


def upgrade() -> None:
    with op.batch_alter_table("client_addresses") as batch_op:
        for name, type_ in _ADDRESS_KEYS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))
    for table in ("bp_partners", "einvoice_settings"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(
                sa.Column("search_text", sa.Text(), nullable=False, server_default="")
            )
    backfill(
        "client_addresses",
        "id",
        sorted(ADDRESS_KEY_SOURCES),
        [name for name, _ in _ADDRESS_KEYS],
        address_keys,
    )
    backfill(
        "bp_partners",
        "id",
        list(PARTNER_SOURCES),
        ["search_text"],
        lambda row: {"search_text": partner_search_text(row)},
    )
    backfill(
        "einvoice_settings",
        "account_id",
        list(ONBOARDED_SOURCES),
        ["search_text"],
        lambda row: {"search_text": onboarded_search_text(row)},
    )
    op.create_index(
        "ix_clients_account_name_key",
        "clients",
        ["account_id", "name_key"],
        postgresql_ops={"name_key": "text_pattern_ops"},
    )
    if op.get_bind().dialect.name == "postgresql":
        for name, table in _TRGM.items():
            op.execute(f"CREATE INDEX {name} ON {table} USING gin (search_text gin_trgm_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for name in _TRGM:
            op.execute(f"DROP INDEX IF EXISTS {name}")
    op.drop_index("ix_clients_account_name_key", table_name="clients")
    for table in ("bp_partners", "einvoice_settings"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("search_text")
    with op.batch_alter_table("client_addresses") as batch_op:
        for name, _ in reversed(_ADDRESS_KEYS):
            batch_op.drop_column(name)
