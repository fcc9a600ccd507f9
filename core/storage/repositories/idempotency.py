"""Idempotency entries. Every method is scoped by the account id.

Racing requests with one key meet on the primary key (account, key): ``INSERT … ON CONFLICT DO
NOTHING`` lets exactly one insert, on SQLite and PostgreSQL alike (on PostgreSQL a racing
insert waits for the first transaction and then does nothing). Take-overs and stores compare
the holder's token in their ``WHERE``, so at most one of several racing writers wins.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import ColumnElement

from core.idempotency.model import Answer, Claim, Entry, EntryState
from core.storage.tables.idempotency import idempotency_keys as k


def _entry(row: Any) -> Entry:
    return Entry(
        key=row.key,
        fingerprint=row.fingerprint,
        state=EntryState(row.state),
        owner=row.owner,
        created_at=row.created_at,
        expires_at=row.expires_at,
        lease_until=row.lease_until,
        status=row.status,
        content_type=row.content_type,
        sealed_body=row.body,
    )


def _values(entry: Entry) -> dict[str, Any]:
    return {
        "fingerprint": entry.fingerprint,
        "state": entry.state.value,
        "owner": entry.owner,
        "created_at": entry.created_at,
        "expires_at": entry.expires_at,
        "lease_until": entry.lease_until,
        "status": entry.status,
        "content_type": entry.content_type,
        "body": entry.sealed_body,
    }


def _held(account_id: int, key: str, owner: str) -> ColumnElement[bool]:
    return and_(k.c.account_id == account_id, k.c.key == key, k.c.owner == owner)


class SqlIdempotencyRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def insert_new(self, account_id: int, entry: Entry) -> bool:
        insert = pg_insert if self._conn.dialect.name == "postgresql" else sqlite_insert
        statement = (
            insert(k)
            .values(account_id=account_id, key=entry.key, **_values(entry))
            .on_conflict_do_nothing(index_elements=[k.c.account_id, k.c.key])
            .returning(k.c.owner)
        )
        result = await self._conn.execute(statement)
        return result.first() is not None

    async def get(self, account_id: int, key: str) -> Entry | None:
        result = await self._conn.execute(
            select(k).where(k.c.account_id == account_id, k.c.key == key)
        )
        row = result.first()
        return None if row is None else _entry(row)

    async def replace(self, account_id: int, previous_owner: str, entry: Entry) -> bool:
        result = await self._conn.execute(
            update(k).where(_held(account_id, entry.key, previous_owner)).values(**_values(entry))
        )
        return bool(result.rowcount)

    async def complete(self, account_id: int, claim: Claim, answer: Answer) -> bool:
        result = await self._conn.execute(
            update(k)
            .where(
                _held(account_id, claim.key, claim.owner),
                k.c.state == EntryState.IN_FLIGHT.value,
            )
            .values(
                state=EntryState.DONE.value,
                status=answer.status,
                content_type=answer.content_type,
                body=answer.body,
            )
        )
        return bool(result.rowcount)

    async def delete(self, account_id: int, claim: Claim) -> bool:
        result = await self._conn.execute(
            delete(k).where(_held(account_id, claim.key, claim.owner))
        )
        return bool(result.rowcount)

    async def prune(self, account_id: int, now: int, limit: int) -> int:
        # SKIP LOCKED (PostgreSQL; SQLite has one writer and no row locks): an entry another
        # transaction is taking over is left alone, so a prune never waits and never deadlocks.
        expired = (
            select(k.c.key)
            .where(k.c.account_id == account_id, k.c.expires_at <= now)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        result = await self._conn.execute(
            delete(k).where(k.c.account_id == account_id, k.c.key.in_(expired))
        )
        return int(result.rowcount or 0)
