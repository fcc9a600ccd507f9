"""In-memory fakes of our own ports, for service tests that need no database."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from types import TracebackType

from core.accounts.model import Account, SecretScheme, User, UserKind
from core.shared.errors import Conflict


class FakeAccountRepository:
    def __init__(self) -> None:
        self.accounts: dict[int, Account] = {}
        self.tokens: dict[str, tuple[int, int]] = {}
        self.users: dict[int, User] = {}
        self.sessions: dict[str, dict[str, int | None]] = {}

    async def add(
        self,
        *,
        name: str,
        country: str,
        is_reseller: bool,
        strict_tax_ids: bool,
        reseller_account_id: int | None,
        now: int,
    ) -> Account:
        account = Account(
            id=len(self.accounts) + 1,
            name=name,
            country=country,
            is_reseller=is_reseller,
            strict_tax_ids=strict_tax_ids,
            reseller_account_id=reseller_account_id,
            created_at=now,
            updated_at=now,
        )
        self.accounts[account.id] = account
        return account

    async def get(self, account_id: int) -> Account | None:
        return self.accounts.get(account_id)

    async def add_token(self, account_id: int, token_hash: str, name: str, now: int) -> int:
        token_id = len(self.tokens) + 1
        self.tokens[token_hash] = (account_id, token_id)
        return token_id

    async def account_for_token(self, token_hash: str) -> tuple[Account, int] | None:
        found = self.tokens.get(token_hash)
        return (self.accounts[found[0]], found[1]) if found else None

    async def count_tokens(self, account_id: int) -> int:
        return sum(1 for a, _ in self.tokens.values() if a == account_id)

    async def add_users(
        self, rows: Sequence[tuple[int, str, UserKind, SecretScheme, str]], now: int
    ) -> list[User]:
        taken = {u.username for u in self.users.values()}
        names = [r[1] for r in rows]
        if taken & set(names) or len(set(names)) < len(names):
            raise Conflict("a username is already taken")
        created = []
        for account_id, username, kind, scheme, secret_hash in rows:
            user = User(
                len(self.users) + 1, account_id, username, kind, scheme, secret_hash, now, now
            )
            self.users[user.id] = user
            created.append(user)
        return created

    async def user_by_username(self, username: str) -> User | None:
        return next((u for u in self.users.values() if u.username == username), None)

    async def get_user(self, account_id: int, user_id: int) -> User | None:
        user = self.users.get(user_id)
        return user if user and user.account_id == account_id else None

    async def users_of(self, account_id: int) -> list[User]:
        return [u for u in self.users.values() if u.account_id == account_id]

    async def update_user(
        self, account_id: int, user_id: int, values: dict[str, object], now: int
    ) -> User | None:
        user = await self.get_user(account_id, user_id)
        if user is None:
            return None
        changes = dict(values)
        if "secret_scheme" in changes:
            changes["secret_scheme"] = SecretScheme(str(changes["secret_scheme"]))
        updated = replace(user, **changes, updated_at=now)  # type: ignore[arg-type]
        self.users[user_id] = updated
        return updated

    async def add_session(
        self, account_id: int, user_id: int, token_hash: str, now: int, expires_at: int
    ) -> int:
        self.sessions[token_hash] = {
            "id": len(self.sessions) + 1,
            "account_id": account_id,
            "user_id": user_id,
            "expires_at": expires_at,
            "revoked_at": None,
        }
        return len(self.sessions)

    async def session_principal(self, token_hash: str, now: int) -> tuple[Account, int, int] | None:
        s = self.sessions.get(token_hash)
        if s is None or s["revoked_at"] is not None or int(s["expires_at"] or 0) <= now:
            return None
        return self.accounts[int(s["account_id"] or 0)], int(s["id"] or 0), int(s["user_id"] or 0)

    async def revoke_session(self, token_hash: str, now: int) -> bool:
        s = self.sessions.get(token_hash)
        if s is None or s["revoked_at"] is not None:
            return False
        s["revoked_at"] = now
        return True

    async def revoke_user_sessions(self, user_id: int, now: int) -> None:
        for s in self.sessions.values():
            if s["user_id"] == user_id and s["revoked_at"] is None:
                s["revoked_at"] = now


class FakeUnitOfWork:
    """Commits are counted; a unit of work left without commit discards nothing here, so tests
    assert ``commits`` to see that a use case committed exactly when it should."""

    def __init__(self, accounts: FakeAccountRepository) -> None:
        self.accounts = accounts
        self.commits = 0

    def __call__(self, *, read_only: bool = False) -> FakeUnitOfWork:
        return self

    async def __aenter__(self) -> FakeUnitOfWork:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None

    async def commit(self) -> None:
        self.commits += 1
