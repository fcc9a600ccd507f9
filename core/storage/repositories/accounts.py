from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from core.accounts.model import Account, AccountChanges, ApiToken, SecretScheme, User, UserKind
from core.shared.errors import Conflict
from core.storage import driver
from core.storage.driver import DriverQuery
from core.storage.tables.accounts import accounts, api_tokens, sessions, users

_ACCOUNT_COLS = [accounts.c[f] for f in Account.__dataclass_fields__]


def account_from_row(row: Any) -> Account:
    return Account(**row._mapping)


# Every request authenticates: these run prebuilt, bound per call, rows read by position.
_ACCOUNT_WIDTH = len(_ACCOUNT_COLS)
_ACCOUNT_FOR_TOKEN = DriverQuery(
    select(*_ACCOUNT_COLS, api_tokens.c.id, api_tokens.c.last_used_at, api_tokens.c.name)
    .join(api_tokens, api_tokens.c.account_id == accounts.c.id)
    .where(
        api_tokens.c.token_hash == bindparam("token_hash"),
        api_tokens.c.revoked_at.is_(None),
        or_(api_tokens.c.expires_at.is_(None), api_tokens.c.expires_at > bindparam("now")),
    )
)
# Once a minute per token at most: the WHERE makes concurrent requests write it once.
_TOUCH_TOKEN = (
    update(api_tokens)
    .where(
        api_tokens.c.id == bindparam("t_id"),
        api_tokens.c.account_id == bindparam("t_account_id"),
        or_(
            api_tokens.c.last_used_at.is_(None),
            api_tokens.c.last_used_at < bindparam("t_stale_before"),
        ),
    )
    .values(last_used_at=bindparam("t_now"))
)
_TOKEN_COLS = [
    api_tokens.c.id,
    api_tokens.c.account_id,
    api_tokens.c.name.label("label"),
    api_tokens.c.created_at,
    api_tokens.c.expires_at,
    api_tokens.c.last_used_at,
    api_tokens.c.revoked_at,
]


def _token(row: Any) -> ApiToken:
    return ApiToken(**row._mapping)


_SESSION_PRINCIPAL = DriverQuery(
    select(*_ACCOUNT_COLS, sessions.c.id, sessions.c.user_id)
    .join(sessions, sessions.c.account_id == accounts.c.id)
    .where(
        sessions.c.token_hash == bindparam("token_hash"),
        sessions.c.revoked_at.is_(None),
        sessions.c.expires_at > bindparam("now"),
    )
)


class _SqlAccountCore:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

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
        values = {
            "name": name,
            "country": country,
            "is_reseller": is_reseller,
            "strict_tax_ids": strict_tax_ids,
            "reseller_account_id": reseller_account_id,
            "created_at": now,
            "updated_at": now,
        }
        result = await self._conn.execute(insert(accounts).values(values).returning(*_ACCOUNT_COLS))
        return account_from_row(result.one())

    async def get(self, account_id: int) -> Account | None:
        row = (
            await self._conn.execute(select(*_ACCOUNT_COLS).where(accounts.c.id == account_id))
        ).first()
        return account_from_row(row) if row else None

    async def update(self, account_id: int, changes: AccountChanges, now: int) -> Account | None:
        values: dict[str, object] = {"updated_at": now}
        if changes.name is not None:
            values["name"] = changes.name
        if changes.is_reseller is not None:
            values["is_reseller"] = changes.is_reseller
        if changes.strict_tax_ids is not None:
            values["strict_tax_ids"] = changes.strict_tax_ids
        if changes.unique_tax_ids is not None:
            values["unique_tax_ids"] = changes.unique_tax_ids
        row = (
            await self._conn.execute(
                update(accounts)
                .where(accounts.c.id == account_id)
                .values(values)
                .returning(*_ACCOUNT_COLS)
            )
        ).first()
        return account_from_row(row) if row else None


class SqlTokenMixin:
    """API tokens of the account repository."""

    _conn: AsyncConnection

    async def add_token(
        self, account_id: int, token_hash: str, label: str, now: int, expires_at: int | None = None
    ) -> ApiToken:
        result = await self._conn.execute(
            insert(api_tokens)
            .values(
                account_id=account_id,
                token_hash=token_hash,
                name=label,
                created_at=now,
                expires_at=expires_at,
            )
            .returning(*_TOKEN_COLS)
        )
        return _token(result.one())

    async def account_for_token(
        self, token_hash: str, now: int
    ) -> tuple[Account, int, int | None, str] | None:
        row = await driver.first(
            self._conn, _ACCOUNT_FOR_TOKEN, {"token_hash": token_hash, "now": now}
        )
        if row is None:
            return None
        width = _ACCOUNT_WIDTH
        return Account(*row[:width]), int(row[width]), row[width + 1], str(row[width + 2])

    async def touch_token(
        self, account_id: int, token_id: int, now: int, stale_before: int
    ) -> None:
        await self._conn.execute(
            _TOUCH_TOKEN,
            {
                "t_id": token_id,
                "t_account_id": account_id,
                "t_now": now,
                "t_stale_before": stale_before,
            },
        )

    async def get_token(self, account_id: int, token_id: int) -> ApiToken | None:
        row = (
            await self._conn.execute(
                select(*_TOKEN_COLS).where(
                    api_tokens.c.account_id == account_id, api_tokens.c.id == token_id
                )
            )
        ).first()
        return _token(row) if row else None

    async def tokens_page(
        self, account_id: int, after_id: int | None, limit: int
    ) -> list[ApiToken]:
        stmt = select(*_TOKEN_COLS).where(api_tokens.c.account_id == account_id)
        if after_id is not None:
            stmt = stmt.where(api_tokens.c.id > after_id)
        rows = await self._conn.execute(stmt.order_by(api_tokens.c.id).limit(limit))
        return [_token(r) for r in rows]

    async def count_tokens(self, account_id: int) -> int:
        return int(
            (
                await self._conn.execute(
                    select(func.count()).where(api_tokens.c.account_id == account_id)
                )
            ).scalar_one()
        )

    async def count_active_tokens(self, account_id: int, now: int) -> int:
        stmt = select(func.count()).where(
            api_tokens.c.account_id == account_id,
            api_tokens.c.revoked_at.is_(None),
            or_(api_tokens.c.expires_at.is_(None), api_tokens.c.expires_at > now),
        )
        return int((await self._conn.execute(stmt)).scalar_one())

    async def revoke_token(self, account_id: int, token_id: int, now: int) -> ApiToken | None:
        await self._conn.execute(
            update(api_tokens)
            .where(
                api_tokens.c.account_id == account_id,
                api_tokens.c.id == token_id,
                api_tokens.c.revoked_at.is_(None),
            )
            .values(revoked_at=now)
        )
        return await self.get_token(account_id, token_id)


def _user(row: Any) -> User:
    data = dict(row._mapping)
    data["kind"] = UserKind(data["kind"])
    data["secret_scheme"] = SecretScheme(data["secret_scheme"])
    return User(**data)


class SqlUserMixin:
    """Users and sessions of the account repository."""

    _conn: AsyncConnection

    async def add_users(
        self, rows: Sequence[tuple[int, str, UserKind, SecretScheme, str]], now: int
    ) -> list[User]:
        if not rows:
            return []
        values = [
            {
                "account_id": account_id,
                "username": username,
                "kind": kind.value,
                "secret_scheme": scheme.value,
                "secret_hash": secret_hash,
                "created_at": now,
                "updated_at": now,
            }
            for account_id, username, kind, scheme, secret_hash in rows
        ]
        # One multi-row INSERT; RETURNING order is not guaranteed on SQLite, but usernames are
        # unique, so rows are matched back by name.
        try:
            async with self._conn.begin_nested():
                result = await self._conn.execute(insert(users).returning(*users.c), values)
                by_name = {row.username: _user(row) for row in result.all()}
        except IntegrityError:
            names = ", ".join(repr(r[1]) for r in rows[:3])
            raise Conflict(f"a username is already taken (among {names})") from None
        return [by_name[username] for _, username, _, _, _ in rows]

    async def user_by_username(self, username: str) -> User | None:
        row = (await self._conn.execute(select(users).where(users.c.username == username))).first()
        return _user(row) if row else None

    async def get_user(self, account_id: int, user_id: int) -> User | None:
        row = (
            await self._conn.execute(
                select(users).where(users.c.account_id == account_id, users.c.id == user_id)
            )
        ).first()
        return _user(row) if row else None

    async def users_of(self, account_id: int) -> list[User]:
        rows = await self._conn.execute(
            select(users).where(users.c.account_id == account_id).order_by(users.c.id)
        )
        return [_user(r) for r in rows]

    async def update_user(
        self, account_id: int, user_id: int, values: dict[str, object], now: int
    ) -> User | None:
        stmt = (
            update(users)
            .where(users.c.account_id == account_id, users.c.id == user_id)
            .values({**values, "updated_at": now})
            .returning(*users.c)
        )
        try:
            async with self._conn.begin_nested():
                row = (await self._conn.execute(stmt)).first()
        except IntegrityError:
            raise Conflict(f"username {values.get('username')!r} is already taken") from None
        return _user(row) if row else None

    async def add_session(
        self, account_id: int, user_id: int, token_hash: str, now: int, expires_at: int
    ) -> int:
        result = await self._conn.execute(
            insert(sessions)
            .values(
                account_id=account_id,
                user_id=user_id,
                token_hash=token_hash,
                created_at=now,
                expires_at=expires_at,
            )
            .returning(sessions.c.id)
        )
        return int(result.scalar_one())

    async def session_principal(self, token_hash: str, now: int) -> tuple[Account, int, int] | None:
        row = await driver.first(
            self._conn, _SESSION_PRINCIPAL, {"token_hash": token_hash, "now": now}
        )
        if row is None:
            return None
        width = _ACCOUNT_WIDTH
        return Account(*row[:width]), int(row[width]), int(row[width + 1])

    async def revoke_session(self, token_hash: str, now: int) -> bool:
        result = await self._conn.execute(
            update(sessions)
            .where(sessions.c.token_hash == token_hash, sessions.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        return bool(result.rowcount)

    async def revoke_user_sessions(self, user_id: int, now: int) -> None:
        await self._conn.execute(
            update(sessions)
            .where(sessions.c.user_id == user_id, sessions.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )


class SqlAccountRepository(_SqlAccountCore, SqlTokenMixin, SqlUserMixin):
    """Accounts, API tokens, users and sessions."""


class SqlAccountDirectory:
    """Every account, for the operator (see ``core.accounts.ports.AccountDirectory``)."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def page(self, after_id: int | None, limit: int) -> list[Account]:
        stmt = select(*_ACCOUNT_COLS)
        if after_id is not None:
            stmt = stmt.where(accounts.c.id > after_id)
        rows = await self._conn.execute(stmt.order_by(accounts.c.id).limit(limit))
        return [account_from_row(r) for r in rows]
