from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from core.accounts.model import Account, SecretScheme, User, UserKind
from core.shared.errors import Conflict
from core.storage.tables.accounts import accounts, api_tokens, sessions, users

_ACCOUNT_COLS = [accounts.c[f] for f in Account.__dataclass_fields__]


def account_from_row(row: Any) -> Account:
    return Account(**row._mapping)


# Every request authenticates: these run prebuilt, bound per call, rows read by position.
_ACCOUNT_WIDTH = len(_ACCOUNT_COLS)
_ACCOUNT_FOR_TOKEN = (
    select(*_ACCOUNT_COLS, api_tokens.c.id)
    .join(api_tokens, api_tokens.c.account_id == accounts.c.id)
    .where(api_tokens.c.token_hash == bindparam("token_hash"), api_tokens.c.revoked_at.is_(None))
)
_SESSION_PRINCIPAL = (
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

    async def add_token(self, account_id: int, token_hash: str, name: str, now: int) -> int:
        result = await self._conn.execute(
            insert(api_tokens)
            .values(account_id=account_id, token_hash=token_hash, name=name, created_at=now)
            .returning(api_tokens.c.id)
        )
        return int(result.scalar_one())

    async def account_for_token(self, token_hash: str) -> tuple[Account, int] | None:
        row = (await self._conn.execute(_ACCOUNT_FOR_TOKEN, {"token_hash": token_hash})).first()
        if row is None:
            return None
        return Account(*row[:_ACCOUNT_WIDTH]), int(row[_ACCOUNT_WIDTH])

    async def count_tokens(self, account_id: int) -> int:
        return int(
            (
                await self._conn.execute(
                    select(func.count()).where(api_tokens.c.account_id == account_id)
                )
            ).scalar_one()
        )


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
        row = (
            await self._conn.execute(_SESSION_PRINCIPAL, {"token_hash": token_hash, "now": now})
        ).first()
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


class SqlAccountRepository(_SqlAccountCore, SqlUserMixin):
    """Accounts, API tokens, users and sessions."""
