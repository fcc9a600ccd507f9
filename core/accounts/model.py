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
    unique_tax_ids: bool = False
    """A second client with the same valid tax id is refused (core.clients.rules)."""


class PrincipalKind(StrEnum):
    API_TOKEN = "api_token"  # noqa: S105 - a kind name, not a secret
    API_USER = "api_user"
    WEB_SESSION = "web_session"
    OPERATOR = "operator"
    """Whoever runs the CLI on the server (no credential: the machine is the credential)."""
    WORKER = "worker"
    """A background worker applying work a caller queued (e.g. a BusinessPartner message)."""


class FaceName(StrEnum):
    """Through which face a change came in (recorded with every change)."""

    GRAPHQL = "graphql"
    BSALE = "bsale"
    RESELLERS = "resellers"
    BUSINESS_PARTNER = "business_partner"
    CLI = "cli"
    WORKER = "worker"


@dataclass(frozen=True)
class Origin:
    """Where a call comes from: the face that built the principal and its request id. Set in
    one place per face (``httpkit.auth.authenticate`` for HTTP faces, the CLI, the worker)."""

    face: FaceName | None = None
    request_id: str | None = None


@dataclass(frozen=True)
class Principal:
    """Who is calling: the account it acts for, through which credential (and its label:
    a token's label or a user's name, never a secret), and from which face and request."""

    account: Account
    kind: PrincipalKind
    credential_id: int
    user_id: int | None = None
    scopes: frozenset[str] = field(default_factory=frozenset)
    label: str = ""
    origin: Origin = Origin()

    @property
    def account_id(self) -> int:
        return self.account.id


@dataclass(frozen=True)
class AccountChanges:
    """What an operator changes on an account; None leaves a field as it is."""

    name: str | None = None
    is_reseller: bool | None = None
    strict_tax_ids: bool | None = None
    unique_tax_ids: bool | None = None

    def is_empty(self) -> bool:
        return (
            self.name is None
            and self.is_reseller is None
            and self.strict_tax_ids is None
            and self.unique_tax_ids is None
        )


@dataclass(frozen=True)
class AccountPage:
    """Accounts in id order, after a given id (the operator's list, across tenants)."""

    items: list[Account]
    has_next: bool


@dataclass(frozen=True)
class NewAccount:
    """A created account with its first API token, which is shown only this once."""

    account: Account
    token: str = field(repr=False)


class TokenState(StrEnum):
    """Whether an API token authenticates: only ACTIVE ones do."""

    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"


@dataclass(frozen=True)
class ApiToken:
    """An API token's record. Its secret is never kept: storage holds only a keyed hash."""

    id: int
    account_id: int
    label: str
    created_at: int
    expires_at: int | None = None
    last_used_at: int | None = None
    """Unix seconds of the last authenticated request, recorded at most once a minute."""
    revoked_at: int | None = None

    def state(self, now: int) -> TokenState:
        if self.revoked_at is not None:
            return TokenState.REVOKED
        if self.expires_at is not None and self.expires_at <= now:
            return TokenState.EXPIRED
        return TokenState.ACTIVE


@dataclass(frozen=True)
class NewApiToken:
    """A created API token and its secret, which is shown only this once."""

    token: ApiToken
    secret: str = field(repr=False)


@dataclass(frozen=True)
class TokenPage:
    """An account's API tokens in id order, with how many it has in all."""

    items: list[ApiToken]
    has_next: bool
    total: int


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
