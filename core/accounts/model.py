from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


@dataclass
class Account:
    """A tenant. Every client, partner, company and catalog row belongs to exactly one."""

    id: int
    name: str
    country: str
    is_reseller: bool = False
    strict_tax_ids: bool = False
    reseller_account_id: int | None = None
    created_at: int = 0
    updated_at: int = 0


class PrincipalKind(StrEnum):
    API_TOKEN = "api_token"  # noqa: S105 - a kind name, not a secret
    API_USER = "api_user"
    WEB_SESSION = "web_session"


@dataclass(frozen=True)
class Principal:
    """Who is calling: the account it acts for, and through which credential."""

    account: Account
    kind: PrincipalKind
    credential_id: int
    user_id: int | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)

    @property
    def account_id(self) -> int:
        return self.account.id


@dataclass(frozen=True)
class NewAccount:
    """A created account with its first API token, which is shown only this once."""

    account: Account
    token: str


class UserKind(StrEnum):
    API = "api"
    """Authenticates with HTTP Basic on the account's API paths."""
    WEB = "web"
    """Logs in with a password and gets a session token."""


class SecretScheme(StrEnum):
    HMAC = "hmac"
    """A generated, high-entropy password: keyed fast hash."""
    ARGON2 = "argon2"
    """A password a person chose: Argon2id."""


@dataclass
class User:
    id: int
    account_id: int
    username: str
    kind: UserKind
    secret_scheme: SecretScheme
    secret_hash: str = field(repr=False)
    created_at: int = 0
    updated_at: int = 0


@dataclass(frozen=True)
class NewUser:
    """A created user and its generated password, shown only this once."""

    user: User
    password: str


@dataclass(frozen=True)
class Session:
    token: str
    expires_at: int
