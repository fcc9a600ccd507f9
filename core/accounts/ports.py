from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from core.accounts.model import Account, AccountChanges, ApiToken, SecretScheme, User, UserKind
from core.history.ports import ChangeRecorder


class AccountRepository(Protocol):
    async def add(
        self,
        *,
        name: str,
        country: str,
        is_reseller: bool,
        strict_tax_ids: bool,
        reseller_account_id: int | None,
        now: int,
    ) -> Account: ...

    async def get(self, account_id: int) -> Account | None: ...

    async def update(self, account_id: int, changes: AccountChanges, now: int) -> Account | None:
        """The account with ``changes`` applied, or None when there is no such account."""
        ...

    async def add_token(
        self, account_id: int, token_hash: str, label: str, now: int, expires_at: int | None = None
    ) -> ApiToken: ...

    async def account_for_token(
        self, token_hash: str, now: int
    ) -> tuple[Account, int, int | None, str] | None:
        """``(account, token id, last used, label)`` of the token with this hash when it is neither
        revoked nor expired at ``now``; None otherwise."""
        ...

    async def touch_token(
        self, account_id: int, token_id: int, now: int, stale_before: int
    ) -> None:
        """Record ``now`` as the token's last use, unless one at or after ``stale_before`` is
        recorded already (so concurrent requests write it once)."""
        ...

    async def get_token(self, account_id: int, token_id: int) -> ApiToken | None: ...

    async def tokens_page(
        self, account_id: int, after_id: int | None, limit: int
    ) -> list[ApiToken]:
        """Up to ``limit`` of the account's tokens, in id order, after ``after_id``."""
        ...

    async def count_tokens(self, account_id: int) -> int: ...

    async def count_active_tokens(self, account_id: int, now: int) -> int:
        """Tokens of the account neither revoked nor expired at ``now``."""
        ...

    async def revoke_token(self, account_id: int, token_id: int, now: int) -> ApiToken | None:
        """The token, revoked at ``now`` unless it already was; None when the account has no
        such token."""
        ...

    async def add_users(
        self, rows: Sequence[tuple[int, str, UserKind, SecretScheme, str]], now: int
    ) -> list[User]:
        """Users ``(account id, username, kind, scheme, secret hash)`` in one statement, in
        order. Raises Conflict, inserting none, when a username is taken (they are global)."""
        ...

    async def user_by_username(self, username: str) -> User | None: ...

    async def get_user(self, account_id: int, user_id: int) -> User | None: ...

    async def users_of(self, account_id: int) -> list[User]: ...

    async def update_user(
        self, account_id: int, user_id: int, values: dict[str, object], now: int
    ) -> User | None:
        """Raises Conflict when a new username is taken."""
        ...

    async def add_session(
        self, account_id: int, user_id: int, token_hash: str, now: int, expires_at: int
    ) -> int: ...

    async def session_principal(self, token_hash: str, now: int) -> tuple[Account, int, int] | None:
        """(account, session id, user id) of a live, unexpired session, or None."""
        ...

    async def revoke_session(self, token_hash: str, now: int) -> bool: ...

    async def revoke_user_sessions(self, user_id: int, now: int) -> None: ...


class AccountDirectory(Protocol):
    """Every tenant at once: the operator's list of accounts (the CLI), which no tenant's
    request reaches. Kept apart from the tenant-scoped repository on purpose."""

    async def page(self, after_id: int | None, limit: int) -> list[Account]:
        """Up to ``limit`` accounts in id order, after ``after_id``."""
        ...


class WithAccounts(Protocol):
    """Any unit of work that holds the account repository (another context's too)."""

    @property
    def accounts(self) -> AccountRepository: ...


class AccountsUnitOfWork(WithAccounts, Protocol):
    @property
    def history(self) -> ChangeRecorder:
        """Where every write of the context records its change (same transaction)."""
        ...

    @property
    def directory(self) -> AccountDirectory: ...

    async def commit(self) -> None: ...
