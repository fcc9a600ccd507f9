from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, ForeignKey, Index, String, Table, false

from core.storage.tables.base import Id, metadata

accounts = Table(
    "accounts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("country", String(2), nullable=False),
    Column("is_reseller", Boolean, nullable=False, default=False),
    Column("strict_tax_ids", Boolean, nullable=False, default=False),
    # Added by 0005_merge: a second client with the same valid tax id is refused.
    Column("unique_tax_ids", Boolean, nullable=False, default=False, server_default=false()),
    Column("reseller_account_id", Id, ForeignKey("accounts.id"), nullable=True),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
)
Index("ix_accounts_reseller", accounts.c.reseller_account_id)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    # The token's label. The column keeps its first name so that instances of the previous
    # release keep working against a migrated database (a rename would break them mid-deploy).
    Column("name", String(100), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("revoked_at", BigInteger, nullable=True),
    # Added by 0004: a token stops authenticating at expires_at; last_used_at is written at
    # most once a minute per token (core.accounts.last_use.LAST_USED_RESOLUTION).
    Column("expires_at", BigInteger, nullable=True),
    Column("last_used_at", BigInteger, nullable=True),
)
Index("ix_api_tokens_account", api_tokens.c.account_id)

users = Table(
    "users",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    # Usernames are global: Basic auth and the login form know no account.
    Column("username", String(100), nullable=False, unique=True),
    Column("kind", String(10), nullable=False),
    Column("secret_scheme", String(10), nullable=False),
    Column("secret_hash", String(255), nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
)
Index("ix_users_account", users.c.account_id)

sessions = Table(
    "sessions",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("account_id", Id, ForeignKey("accounts.id", ondelete="CASCADE"), nullable=False),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", BigInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=False),
    Column("revoked_at", BigInteger, nullable=True),
)
Index("ix_sessions_user", sessions.c.user_id)
