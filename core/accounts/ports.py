from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from core.accounts.model import Account, SecretScheme, User, UserKind


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

    async def add_token(self, account_id: int, token_hash: str, name: str, now: int) -> int: ...

    async def account_for_token(self, token_hash: str) -> tuple[Account, int] | None:
        """The account and token id of a live token with this hash, or None."""
        ...

    async def count_tokens(self, account_id: int) -> int: ...

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


class AccountsUnitOfWork(Protocol):
    @property
    def accounts(self) -> AccountRepository: ...

    async def commit(self) -> None: ...
