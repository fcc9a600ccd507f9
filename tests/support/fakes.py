"""In-memory fakes of our own ports, for use-case tests that need no database.

Each fake subclasses the Protocol it stands for, so mypy checks its methods against the port
(a port that changes breaks its fake at type-check time, not in a test run).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from enum import IntEnum
from types import TracebackType
from typing import Any

from core.accounts.model import Account, AccountChanges, ApiToken, SecretScheme, User, UserKind
from core.accounts.ports import AccountDirectory, AccountRepository, AccountsUnitOfWork
from core.history.model import PendingChange
from core.history.ports import ChangeRecorder
from core.history.recorder import ChangeBuffer
from core.resellers.errors import RucTaken
from core.resellers.model import (
    IntegrationType,
    OnboardedAccount,
    OnboardedFilter,
    OnboardedProjection,
    SettingsRow,
    ValidatorEntity,
)
from core.resellers.ports import OnboardedReadModel, ResellerRepository, ResellersUnitOfWork
from core.resellers.search import onboarded_relevance, onboarded_search_text
from core.shared.errors import Conflict, ServiceUnavailable
from core.shared.search import matches, parse_search


class FakeAccountRepository(AccountRepository):
    def __init__(self) -> None:
        self.accounts: dict[int, Account] = {}
        self.tokens: dict[str, ApiToken] = {}
        """By hash, as storage finds them."""
        self.touches = 0
        """Writes of a token's last use that changed a row."""
        self.unavailable_for_touches = False
        """Makes recording a token's use fail as a busy database does."""
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

    async def update(self, account_id: int, changes: AccountChanges, now: int) -> Account | None:
        account = self.accounts.get(account_id)
        if account is None:
            return None
        values = {k: v for k, v in vars(changes).items() if v is not None}
        updated = replace(account, **values, updated_at=now)
        self.accounts[account_id] = updated
        return updated

    def _token_by_id(self, account_id: int, token_id: int) -> tuple[str, ApiToken] | None:
        return next(
            (
                (digest, t)
                for digest, t in self.tokens.items()
                if t.id == token_id and t.account_id == account_id
            ),
            None,
        )

    async def add_token(
        self, account_id: int, token_hash: str, label: str, now: int, expires_at: int | None = None
    ) -> ApiToken:
        token = ApiToken(len(self.tokens) + 1, account_id, label, now, expires_at)
        self.tokens[token_hash] = token
        return token

    async def account_for_token(
        self, token_hash: str, now: int
    ) -> tuple[Account, int, int | None, str] | None:
        found = self.tokens.get(token_hash)
        if found is None or found.state(now).value != "active":
            return None
        return self.accounts[found.account_id], found.id, found.last_used_at, found.label

    async def touch_token(
        self, account_id: int, token_id: int, now: int, stale_before: int
    ) -> None:
        if self.unavailable_for_touches:
            raise ServiceUnavailable("the database is busy (write lock)")
        found = self._token_by_id(account_id, token_id)
        if found is None:
            return
        digest, token = found
        if token.last_used_at is None or token.last_used_at < stale_before:
            self.tokens[digest] = replace(token, last_used_at=now)
            self.touches += 1

    async def get_token(self, account_id: int, token_id: int) -> ApiToken | None:
        found = self._token_by_id(account_id, token_id)
        return found[1] if found else None

    async def tokens_page(
        self, account_id: int, after_id: int | None, limit: int
    ) -> list[ApiToken]:
        mine = sorted(
            (t for t in self.tokens.values() if t.account_id == account_id), key=lambda t: t.id
        )
        return [t for t in mine if after_id is None or t.id > after_id][:limit]

    async def count_tokens(self, account_id: int) -> int:
        return sum(1 for t in self.tokens.values() if t.account_id == account_id)

    async def count_active_tokens(self, account_id: int, now: int) -> int:
        return sum(
            1
            for t in self.tokens.values()
            if t.account_id == account_id and t.state(now).value == "active"
        )

    async def revoke_token(self, account_id: int, token_id: int, now: int) -> ApiToken | None:
        found = self._token_by_id(account_id, token_id)
        if found is None:
            return None
        digest, token = found
        if token.revoked_at is None:
            token = self.tokens[digest] = replace(token, revoked_at=now)
        return token

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


class FakeResellerRepository(ResellerRepository):
    """Onboarded accounts in memory. ``race`` makes ``add_settings`` lose to a competitor:
    ``[(winner's reseller id, times)]``, the competitor committing the same RUC first."""

    def __init__(self, accounts: FakeAccountRepository) -> None:
        self.accounts = accounts
        self.rows: dict[int, OnboardedAccount] = {}
        self.secrets: dict[int, str | None] = {}
        self.race: list[tuple[int, int]] = []

    def _mine(self, reseller_account_id: int) -> list[OnboardedAccount]:
        return [r for r in self.rows.values() if r.reseller_account_id == reseller_account_id]

    async def own_by_ruc(
        self, reseller_account_id: int, rucs: Sequence[str]
    ) -> dict[str, OnboardedAccount]:
        return {r.ruc: r for r in self._mine(reseller_account_id) if r.ruc in rucs}

    async def rucs_held_elsewhere(self, reseller_account_id: int, rucs: Sequence[str]) -> set[str]:
        return {
            r.ruc
            for r in self.rows.values()
            if r.reseller_account_id != reseller_account_id and r.ruc in rucs
        }

    async def add_accounts(
        self, reseller_account_id: int, names: Sequence[str], strict_tax_ids: bool, now: int
    ) -> list[int]:
        return [
            (
                await self.accounts.add(
                    name=name,
                    country="PE",
                    is_reseller=False,
                    strict_tax_ids=strict_tax_ids,
                    reseller_account_id=reseller_account_id,
                    now=now,
                )
            ).id
            for name in names
        ]

    def _store(self, reseller: int, account_id: int, row: SettingsRow, now: int) -> None:
        created = self.rows[account_id].created_at if account_id in self.rows else now
        self.rows[account_id] = OnboardedAccount(
            account_id=account_id,
            reseller_account_id=reseller,
            ruc=row.ruc,
            company_name=row.company_name,
            email=row.email,
            phone_number=row.phone_number,
            mobile_number=row.mobile_number,
            validator_entity=ValidatorEntity(row.validator_entity),
            external_ose_username=row.external_ose_username,
            has_external_ose_password=row.external_ose_password_enc is not None,
            is_ose_validation_only=row.is_ose_validation_only,
            integration_type=IntegrationType(row.integration_type),
            created_at=created,
            updated_at=now,
        )
        self.secrets[account_id] = row.external_ose_password_enc

    async def add_settings(
        self, reseller_account_id: int, rows: Sequence[tuple[int, SettingsRow]], now: int
    ) -> None:
        if self.race:
            winner, left = self.race[0]
            # The competitor commits the same RUC first; our transaction is rolled back.
            _, row = rows[0]
            self._store(winner, 10_000 + left, row, now)
            self.race = [(winner, left - 1)] if left > 1 else []
            raise RucTaken
        for account_id, row in rows:
            self._store(reseller_account_id, account_id, row, now)

    async def replace_settings(
        self, reseller_account_id: int, rows: Sequence[tuple[int, SettingsRow]], now: int
    ) -> None:
        for account_id, row in rows:
            self._store(reseller_account_id, account_id, row, now)

    async def get(self, reseller_account_id: int, account_id: int) -> OnboardedAccount | None:
        row = self.rows.get(account_id)
        return row if row and row.reseller_account_id == reseller_account_id else None

    def _matches(self, row: OnboardedAccount, filters: OnboardedFilter) -> bool:
        query = parse_search(filters.search)
        return (
            (filters.ruc is None or row.ruc == filters.ruc)
            and (
                filters.validator_entity is None or row.validator_entity is filters.validator_entity
            )
            and (filters.created_since is None or row.created_at >= filters.created_since)
            and (filters.updated_since is None or row.updated_at >= filters.updated_since)
            and (query is None or matches(onboarded_search_text(vars(row)), query))
        )

    async def page(
        self,
        reseller_account_id: int,
        filters: OnboardedFilter,
        after_id: int | None,
        limit: int,
        *,
        backward: bool = False,
        after_tier: int = 0,
    ) -> list[OnboardedAccount]:
        query = parse_search(filters.search)

        def key(row: OnboardedAccount) -> tuple[int, int]:
            return (onboarded_relevance(row, query) if query else 0, row.account_id)

        rows = sorted(
            (r for r in self._mine(reseller_account_id) if self._matches(r, filters)),
            key=key,
            reverse=backward,
        )
        if after_id is not None:
            bound = (after_tier if query else 0, after_id)
            rows = [r for r in rows if (key(r) < bound if backward else key(r) > bound)]
        return rows[:limit]

    async def count(self, reseller_account_id: int, filters: OnboardedFilter) -> int:
        return sum(1 for r in self._mine(reseller_account_id) if self._matches(r, filters))

    async def update(
        self, reseller_account_id: int, account_id: int, values: Mapping[str, object], now: int
    ) -> OnboardedAccount | None:
        row = await self.get(reseller_account_id, account_id)
        if row is None:
            return None
        changes = {k: v for k, v in values.items() if k != "external_ose_password_enc"}
        if "external_ose_password_enc" in values:
            secret = values["external_ose_password_enc"]
            self.secrets[account_id] = secret if isinstance(secret, str) else None
            changes["has_external_ose_password"] = secret is not None
        kinds: dict[str, type[IntEnum]] = {
            "validator_entity": ValidatorEntity,
            "integration_type": IntegrationType,
        }
        for name, kind in kinds.items():
            value = changes.get(name)
            if isinstance(value, int):
                changes[name] = kind(value)
        updated = replace(row, **changes, updated_at=now)  # type: ignore[arg-type]
        self.rows[account_id] = updated
        return updated

    async def secret_of(self, account_id: int) -> tuple[str | None, str | None] | None:
        row = self.rows.get(account_id)
        return (row.external_ose_username, self.secrets.get(account_id)) if row else None


class FakeAccountDirectory(AccountDirectory):
    """Every account of a fake account repository, for the operator."""

    def __init__(self, accounts: FakeAccountRepository) -> None:
        self._accounts = accounts

    async def page(self, after_id: int | None, limit: int) -> list[Account]:
        ids = sorted(i for i in self._accounts.accounts if after_id is None or i > after_id)
        return [self._accounts.accounts[i] for i in ids[:limit]]


class FakeOnboardedReadModel(OnboardedReadModel):
    """Projected rows read from the fake repository's entities (columns are their fields)."""

    def __init__(self, resellers: FakeResellerRepository) -> None:
        self._resellers = resellers

    async def page(
        self,
        reseller_account_id: int,
        filters: OnboardedFilter,
        after_id: int | None,
        limit: int,
        projection: OnboardedProjection,
        *,
        backward: bool = False,
    ) -> list[tuple[Any, ...]]:
        found = await self._resellers.page(
            reseller_account_id, filters, after_id, limit, backward=backward
        )
        return [tuple(getattr(a, name) for name in projection.columns) for a in found]


class FakeUnitOfWork(AccountsUnitOfWork, ResellersUnitOfWork):
    """One in-memory unit of work for the accounts and resellers ports, and its own factory
    (``uow()`` / ``uow(read_only=True)`` return it). Commits are counted; nothing is rolled
    back, so tests assert ``commits`` to see that a use case committed exactly when it
    should."""

    def __init__(self, accounts: FakeAccountRepository | None = None) -> None:
        self._accounts = accounts or FakeAccountRepository()
        self._resellers = FakeResellerRepository(self._accounts)
        self._directory = FakeAccountDirectory(self._accounts)
        self._history = ChangeBuffer()
        self.commits = 0
        self.changes: list[PendingChange] = []
        """Changes recorded by committed units of work, in commit order."""

    @property
    def history(self) -> ChangeRecorder:
        return self._history

    @property
    def accounts(self) -> FakeAccountRepository:
        return self._accounts

    @property
    def resellers(self) -> FakeResellerRepository:
        return self._resellers

    @property
    def onboarded_rows(self) -> FakeOnboardedReadModel:
        return FakeOnboardedReadModel(self._resellers)

    @property
    def directory(self) -> FakeAccountDirectory:
        return self._directory

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
        self.changes.extend(self._history.take())
