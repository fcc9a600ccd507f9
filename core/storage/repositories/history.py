"""Change events: written at commit with positions in commit order, read per account.

Commit order per account: a writer bumps its account's row in ``account_feeds`` (``INSERT … ON
CONFLICT DO UPDATE … RETURNING``) while it commits and numbers its changes from the value it
gets. On PostgreSQL the unit of work stages its changes in ``change_event_staging`` and a
deferred trigger does the bump and the insert inside ``COMMIT`` (migration 0009_feed_at_commit);
the row stays locked until the commit ends, so a second writer of the account committing at the
same time waits there until the first has committed (or rolled back, in which case its bump is
undone and the numbers are given again). A writer that got a position has therefore seen every
lower position committed: a reader that has seen position ``p`` never finds a change ``< p``
committed later. On SQLite writers are serialized by the database lock and the unit of work
bumps and inserts right before its commit. The lock is held for the commit alone, no round trip
to the application in between: every commit of an account waits for the previous one's, the
price of the guarantee (docs/history.md).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from typing import Any

import orjson
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Select

from core.accounts.model import FaceName, PrincipalKind
from core.history.model import (
    Action,
    Actor,
    AuditFilter,
    ChangeEvent,
    EntityType,
    FieldChange,
    PendingChange,
)
from core.storage.tables.history import change_events as e


def _fields_json(fields: Sequence[FieldChange]) -> str:
    return orjson.dumps([[c.field, c.old, c.new, c.secret] for c in fields]).decode()


def _fields(raw: str) -> tuple[FieldChange, ...]:
    return tuple(
        FieldChange(n, old, new, bool(secret)) for n, old, new, secret in orjson.loads(raw)
    )


def _event(row: Any) -> ChangeEvent:
    return ChangeEvent(
        id=row.id,
        position=row.position,
        account_id=row.account_id,
        entity_type=EntityType(row.entity_type),
        entity_id=row.entity_id,
        subject_type=EntityType(row.subject_type),
        subject_id=row.subject_id,
        action=Action(row.action),
        actor=Actor(
            kind=PrincipalKind(row.actor_kind),
            credential_id=row.actor_credential_id,
            user_id=row.actor_user_id,
            label=row.actor_label,
        ),
        face=None if row.face is None else FaceName(row.face),
        request_id=row.request_id,
        at=row.at,
        fields=_fields(row.fields),
    )


def _row(pending: PendingChange) -> list[object]:
    """One change as the JSON array the insert unpacks (its position is given by SQL)."""
    change, author = pending.change, pending.author
    subject_type, subject_id = change.subject
    return [
        change.entity_type.value,
        change.entity_id,
        subject_type.value,
        subject_id,
        change.action.value,
        _fields_json(change.fields),
        author.actor.kind.value,
        author.actor.credential_id,
        author.actor.user_id,
        author.actor.label[:255],
        None if author.face is None else author.face.value,
        author.request_id,
        pending.at,
    ]


# Prebuilt (no SQL compiled per write); the changes travel as one JSON array.
# PostgreSQL: staged, one round trip; written, numbered and notified on ``channel`` at commit.
_STAGE_PG = """
INSERT INTO change_event_staging (account_id, n, rows, channel) VALUES ($1, $2, $3::jsonb, $4)
"""
# SQLite (no data-modifying WITH): the bump, then the insert.
_BUMP_SQLITE = """
INSERT INTO account_feeds (account_id, position) VALUES (?, ?)
ON CONFLICT (account_id) DO UPDATE SET position = account_feeds.position + excluded.position
RETURNING position
"""
_INSERT_SQLITE = """
INSERT INTO change_events (
    account_id, position, entity_type, entity_id, subject_type, subject_id, action, fields,
    actor_kind, actor_credential_id, actor_user_id, actor_label, face, request_id, at
)
SELECT ?, ? + r.key,
       json_extract(r.value, '$[0]'), json_extract(r.value, '$[1]'),
       json_extract(r.value, '$[2]'), json_extract(r.value, '$[3]'),
       json_extract(r.value, '$[4]'), json_extract(r.value, '$[5]'),
       json_extract(r.value, '$[6]'), json_extract(r.value, '$[7]'),
       json_extract(r.value, '$[8]'), json_extract(r.value, '$[9]'),
       json_extract(r.value, '$[10]'), json_extract(r.value, '$[11]'),
       json_extract(r.value, '$[12]')
FROM json_each(?) AS r
"""


async def write_pending(
    conn: AsyncConnection, pending: Sequence[PendingChange], channel: str
) -> list[int]:
    """Write the changes a unit of work recorded, numbered in commit order (call right before
    the commit). Accounts are bumped in id order, so two writers never deadlock on them.
    On PostgreSQL they are staged, and numbered, written and notified on ``channel`` with each
    account id by the commit itself; the accounts whose followers are still to be woken are
    returned (SQLite: all)."""
    if not pending:
        return []
    by_account: dict[int, list[PendingChange]] = defaultdict(list)
    for change in pending:
        by_account[change.account_id].append(change)
    postgres = conn.dialect.name == "postgresql"
    for account_id in sorted(by_account):
        count = len(by_account[account_id])
        rows = orjson.dumps([_row(c) for c in by_account[account_id]]).decode()
        if postgres:
            await conn.exec_driver_sql(_STAGE_PG, (account_id, count, rows, channel))
            continue
        bumped = await conn.exec_driver_sql(_BUMP_SQLITE, (account_id, count))
        first = int(bumped.scalar_one()) - count + 1
        await conn.exec_driver_sql(_INSERT_SQLITE, (account_id, first, rows))
    return [] if postgres else sorted(by_account)


def _newest_first(query: Select[Any], after_position: int | None, limit: int) -> Select[Any]:
    if after_position is not None:
        query = query.where(e.c.position < after_position)
    return query.order_by(e.c.position.desc()).limit(limit)


class SqlHistoryRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def _events(self, query: Select[Any]) -> list[ChangeEvent]:
        return [_event(row) for row in await self._conn.execute(query)]

    async def changes_after(
        self,
        account_id: int,
        after_position: int,
        limit: int,
        types: Collection[EntityType] | None = None,
    ) -> list[ChangeEvent]:
        query = select(e).where(e.c.account_id == account_id, e.c.position > after_position)
        if types is not None:
            query = query.where(e.c.subject_type.in_(sorted(t.value for t in types)))
        return await self._events(query.order_by(e.c.position).limit(limit))

    async def for_subjects(
        self,
        account_id: int,
        subject_type: EntityType,
        subject_ids: Collection[int],
        after_position: int | None,
        limit: int,
    ) -> dict[int, list[ChangeEvent]]:
        if not subject_ids:
            return {}
        rank = (
            func.row_number()
            .over(partition_by=e.c.subject_id, order_by=e.c.position.desc())
            .label("rank")
        )
        inner = select(e, rank).where(
            e.c.account_id == account_id,
            e.c.subject_type == subject_type.value,
            e.c.subject_id.in_(sorted(set(subject_ids))),
        )
        if after_position is not None:
            inner = inner.where(e.c.position < after_position)
        ranked = inner.subquery()
        query = (
            select(*[ranked.c[c.name] for c in e.columns])
            .where(ranked.c.rank <= limit)
            .order_by(ranked.c.subject_id, ranked.c.position.desc())
        )
        found: dict[int, list[ChangeEvent]] = defaultdict(list)
        for row in await self._conn.execute(query):
            found[row.subject_id].append(_event(row))
        return dict(found)

    async def search(
        self, account_id: int, flt: AuditFilter, after_position: int | None, limit: int
    ) -> list[ChangeEvent]:
        query = select(e).where(e.c.account_id == account_id)
        if flt.entity_types is not None:
            query = query.where(e.c.entity_type.in_(sorted(t.value for t in flt.entity_types)))
        if flt.actor_kind is not None:
            query = query.where(e.c.actor_kind == flt.actor_kind.value)
        if flt.actor_credential_id is not None:
            query = query.where(e.c.actor_credential_id == flt.actor_credential_id)
        if flt.face is not None:
            query = query.where(e.c.face == flt.face.value)
        if flt.since is not None:
            query = query.where(e.c.at >= flt.since)
        if flt.until is not None:
            query = query.where(e.c.at < flt.until)
        return await self._events(_newest_first(query, after_position, limit))


class SqlHistoryRetention:
    """Cross-tenant on purpose: the operator's prune (``clientgate audit prune``)."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def prune(self, before: int, limit: int) -> int:
        doomed = select(e.c.id).where(e.c.at < before).order_by(e.c.id).limit(limit)
        result = await self._conn.execute(delete(e).where(e.c.id.in_(doomed.scalar_subquery())))
        return int(result.rowcount)
