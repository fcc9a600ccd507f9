"""search: stored keys for the relevance of partners and onboarded accounts, the folded city
of duplicate detection

Revision ID: 0009_search_keys
Revises: 0007_search_tsvector
Create Date: 2026-12-01 22:10:00

Searches of business partners and onboarded accounts come by relevance like clients'
(``core/shared/search.py``): their exact and starting names and other exact keys are stored,
folded in Python (``core/partners/search.py``, ``core/resellers/search.py``), with indexes
for the names (``text_pattern_ops`` on PostgreSQL for ``LIKE 'x%'``) and the other exact keys
(partners' tax ids; onboarded accounts' e-mails and phones).
Clients get ``city_key``, the folded city duplicate detection compares (``Bogotá`` ≈
``BOGOTA`` on both databases; it compared ``lower(trim(city))``). Existing rows are filled in
with the current normalisation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa
from alembic import op

from core.clients.search import client_keys
from core.partners.search import KEY_SOURCES as PARTNER_SOURCES
from core.partners.search import partner_keys
from core.resellers.search import KEY_SOURCES as ONBOARDED_SOURCES
from core.resellers.search import onboarded_keys
from core.storage.backfill import backfill

revision = "0009_search_keys"
down_revision = "0007_search_tsvector"
branch_labels = None
depends_on = None

_COLUMNS: dict[str, list[tuple[str, sa.types.TypeEngine[Any]]]] = {
    "clients": [("city_key", sa.Text())],
    "bp_partners": [
        ("name_key", sa.Text()),
        ("comercial_name_key", sa.Text()),
        ("tax_id_key", sa.String(length=64)),
    ],
    "einvoice_settings": [
        ("name_key", sa.Text()),
        ("email_key", sa.Text()),
        ("phone_key", sa.String(length=16)),
        ("mobile_key", sa.String(length=16)),
    ],
}
# name -> (table, columns, the text_pattern_ops column on PostgreSQL)
_INDEXES = {
    "ix_bp_partners_account_name_key": ("bp_partners", ["account_id", "name_key"], "name_key"),
    "ix_bp_partners_account_comercial_name_key": (
        "bp_partners",
        ["account_id", "comercial_name_key"],
        "comercial_name_key",
    ),
    "ix_bp_partners_account_tax_id_key": ("bp_partners", ["account_id", "tax_id_key"], None),
    "ix_einvoice_settings_reseller_name_key": (
        "einvoice_settings",
        ["reseller_account_id", "name_key"],
        "name_key",
    ),
    **{
        f"ix_einvoice_settings_reseller_{key}": (
            "einvoice_settings",
            ["reseller_account_id", key],
            None,
        )
        for key in ("email_key", "phone_key", "mobile_key")
    },
}
_SOURCES: dict[str, tuple[str, list[str], Callable[[Mapping[str, Any]], Mapping[str, object]]]] = {
    "clients": ("id", ["city"], client_keys),
    "bp_partners": ("id", list(PARTNER_SOURCES), partner_keys),
    "einvoice_settings": ("account_id", list(ONBOARDED_SOURCES), onboarded_keys),
}


def _only(
    keys: Callable[[Mapping[str, Any]], Mapping[str, object]], targets: list[str]
) -> Callable[[Mapping[str, Any]], Mapping[str, object]]:
    return lambda row: {name: keys(row)[name] for name in targets}


def upgrade() -> None:
    for table, columns in _COLUMNS.items():
        for name, type_ in columns:
            op.add_column(table, sa.Column(name, type_, nullable=True))
    for table, (key, sources, keys) in _SOURCES.items():
        targets = [name for name, _ in _COLUMNS[table]]
        backfill(table, key, sources, targets, _only(keys, targets))
    for name, (table, indexed, pattern) in _INDEXES.items():
        ops = {pattern: "text_pattern_ops"} if pattern else {}
        op.create_index(name, table, indexed, postgresql_ops=ops)


def downgrade() -> None:
    for name, (table, _, _) in _INDEXES.items():
        op.drop_index(name, table_name=table)
    for table, columns in _COLUMNS.items():
        with op.batch_alter_table(table) as batch_op:
            for name, _ in reversed(columns):
                batch_op.drop_column(name)
