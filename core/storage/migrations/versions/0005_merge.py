"""clients: merges (merged_into_id, client_merges) and the account's unique-tax-id setting

Revision ID: 0005_merge
Revises: 0001
Create Date: 2026-12-01 19:00:00

``clients.merged_into_id`` is nullable and ``accounts.unique_tax_ids`` defaults to false, so
instances of the previous release keep working while the new one rolls out (they neither read
nor write them; they would still list merged clients until they are replaced).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_merge"
down_revision = "0001"
branch_labels = ("merge",)
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("clients") as batch_op:
        batch_op.add_column(sa.Column("merged_into_id", _ID, nullable=True))
        batch_op.create_index("ix_clients_merged_into_id", ["merged_into_id"])
    with op.batch_alter_table("accounts") as batch_op:
        batch_op.add_column(
            sa.Column("unique_tax_ids", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "client_merges",
        sa.Column("id", _ID, autoincrement=True, nullable=False),
        sa.Column("account_id", _ID, nullable=False),
        sa.Column("survivor_id", _ID, nullable=False),
        sa.Column("merged_id", _ID, nullable=False),
        sa.Column("principal_kind", sa.String(length=20), nullable=False),
        sa.Column("principal_id", _ID, nullable=False),
        sa.Column("merged_at", sa.BigInteger(), nullable=False),
        sa.Column("field_choices", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_client_merges_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["survivor_id"], ["clients.id"], name=op.f("fk_client_merges_survivor_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["merged_id"], ["clients.id"], name=op.f("fk_client_merges_merged_id_clients")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_client_merges")),
        sa.UniqueConstraint("merged_id", name=op.f("uq_client_merges_merged_id")),
    )
    op.create_index(
        "ix_client_merges_survivor", "client_merges", ["account_id", "survivor_id", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_client_merges_survivor", table_name="client_merges")
    op.drop_table("client_merges")
    with op.batch_alter_table("accounts") as batch_op:
        batch_op.drop_column("unique_tax_ids")
    with op.batch_alter_table("clients") as batch_op:
        batch_op.drop_index("ix_clients_merged_into_id")
        batch_op.drop_column("merged_into_id")
