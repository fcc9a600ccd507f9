"""resellers: e-invoicing settings of onboarded accounts

Revision ID: 0002_resellers
Revises: 0001
Create Date: 2026-11-21 05:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_resellers"
down_revision = "0001"
branch_labels = ("resellers",)
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "einvoice_settings",
        sa.Column("account_id", _ID, nullable=False),
        sa.Column("reseller_account_id", _ID, nullable=False),
        sa.Column("ruc", sa.String(length=11), nullable=False),
        sa.Column("company_name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone_number", sa.String(length=30), nullable=True),
        sa.Column("mobile_number", sa.String(length=30), nullable=True),
        sa.Column("validator_entity", sa.SmallInteger(), nullable=False),
        sa.Column("external_ose_username", sa.String(length=100), nullable=True),
        sa.Column("external_ose_password_enc", sa.Text(), nullable=True),
        sa.Column("is_ose_validation_only", sa.Boolean(), nullable=False),
        sa.Column("integration_type", sa.SmallInteger(), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name=op.f("fk_einvoice_settings_account_id_accounts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reseller_account_id"],
            ["accounts.id"],
            name=op.f("fk_einvoice_settings_reseller_account_id_accounts"),
        ),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_einvoice_settings")),
        sa.UniqueConstraint("ruc", name=op.f("uq_einvoice_settings_ruc")),
    )
    op.create_index(
        "ix_einvoice_settings_reseller",
        "einvoice_settings",
        ["reseller_account_id", "account_id"],
    )
    op.create_index(
        "ix_einvoice_settings_reseller_created",
        "einvoice_settings",
        ["reseller_account_id", "created_at"],
    )
    op.create_index(
        "ix_einvoice_settings_reseller_updated",
        "einvoice_settings",
        ["reseller_account_id", "updated_at"],
    )


def downgrade() -> None:
    op.drop_table("einvoice_settings")
