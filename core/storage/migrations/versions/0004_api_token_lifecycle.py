"""accounts: API token expiry and last use

Revision ID: 0004_api_token_lifecycle
Revises: 0001
Create Date: 2026-11-24 10:00:00

Two nullable columns, so instances of the previous release keep working while the new one
rolls out (they neither read nor write them; their tokens simply never expire).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_api_token_lifecycle"
down_revision = "0001"
branch_labels = ("accounts",)
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch_op:
        batch_op.add_column(sa.Column("expires_at", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("last_used_at", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch_op:
        batch_op.drop_column("last_used_at")
        batch_op.drop_column("expires_at")
