"""Change events: written with the unit of work's commit, read per account.

The change feed's guarantee — a reader polling with its last position never misses a change
and never sees one twice — cannot rest on sequence ids alone: on PostgreSQL ids are given at
insert, not at commit, so id 12 can be visible while id 11 is still to commit. Each change
therefore records its writing transaction's id (``pg_current_xact_id()``), the feed is read in
(txid, id) order, and only changes whose transaction is older than every write transaction of
this database still running (in the reader's snapshot) are served. Anything committing later
has a transaction id at or above that bound, so it sorts after everything served: never
behind a reader's position. Writers never wait for each other; the feed waits for the oldest
open write transaction of the database. SQLite serializes writers (``BEGIN IMMEDIATE``), so
there ids are in commit order already and txid is 0.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from typing import Any

import orjson
from sqlalchemy import and_, delete, func, or_, select, text, true
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import ColumnElement, Select

from core.accounts.model import FaceName, PrincipalKind
from core.history.model import (
    Action,
    Actor,
    AuditFilter,
    ChangeEvent,
    EntityType,
    FeedPosition,
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
        txid=row.txid,
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
    """One change as the JSON array the insert unpacks (ids given by SQL)."""
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


# One statement per account and commit, prebuilt: the rows travel as one JSON array.
_INSERT_PG = """
INSERT INTO change_events (
    account_id, txid, entity_type, entity_id, subject_type, subject_id, action, fields,
    actor_kind, actor_credential_id, actor_user_id, actor_label, face, request_id, at
)
SELECT $1, pg_current_xact_id()::text::bigint, r.v->>0, (r.v->>1)::bigint, r.v->>2,
       (r.v->>3)::bigint, r.v->>4, r.v->>5, r.v->>6, (r.v->>7)::bigint, (r.v->>8)::bigint,
       r.v->>9, r.v->>10, r.v->>11, (r.v->>12)::bigint
FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS r(v, n)
ORDER BY r.n
"""
_INSERT_SQLITE = """
INSERT INTO change_events (
    account_id, txid, entity_type, entity_id, subject_type, subject_id, action, fields,
    actor_kind, actor_credential_id, actor_user_id, actor_label, face, request_id, at
)
SELECT ?, 0,
       json_extract(r.value, '$[0]'), json_extract(r.value, '$[1]'),
       json_extract(r.value, '$[2]'), json_extract(r.value, '$[3]'),
       json_extract(r.value, '$[4]'), json_extract(r.value, '$[5]'),
       json_extract(r.value, '$[6]'), json_extract(r.value, '$[7]'),
       json_extract(r.value, '$[8]'), json_extract(r.value, '$[9]'),
       json_extract(r.value, '$[10]'), json_extract(r.value, '$[11]'),
       json_extract(r.value, '$[12]')
FROM json_each(?) AS r
ORDER BY r.key
"""


async def write_pending(conn: AsyncConnection, pending: Sequence[PendingChange]) -> None:
    """Write the changes a unit of work recorded (call right before the commit): one
    statement per account, in the order they were recorded."""
    if not pending:
        return
    by_account: dict[int, list[PendingChange]] = defaultdict(list)
    for change in pending:
        by_account[change.account_id].append(change)
    statement = _INSERT_PG if conn.dialect.name == "postgresql" else _INSERT_SQLITE
    for account_id in sorted(by_account):
        rows = orjson.dumps([_row(c) for c in by_account[account_id]]).decode()
        await conn.exec_driver_sql(statement, (account_id, rows))


# The oldest transaction of this database still running when the statement's snapshot was
# taken (or "none": the largest bigint). A transaction of another database, seen running in
# pg_stat_activity, never writes here and holds nothing back; one no longer seen there (it
# ended after the snapshot was taken) still does, so a change committed behind the reader's
# snapshot is never skipped. pg_stat_activity shows 32-bit xids: compared modulo 2^32.
_OLDEST_RUNNING_HERE = text(
    """(SELECT COALESCE(MIN(r.x), 9223372036854775807)
    FROM (SELECT x::text::bigint AS x FROM pg_snapshot_xip(pg_current_snapshot()) AS x) AS r
    WHERE NOT EXISTS (
        SELECT 1 FROM pg_stat_activity AS a
        WHERE a.datname IS DISTINCT FROM current_database()
          AND a.backend_xid IS NOT NULL
          AND a.backend_xid::text::bigint = r.x % 4294967296))"""
)


def _visible_bound(conn: AsyncConnection) -> ColumnElement[bool]:
    """Changes the feed may serve: on PostgreSQL those of transactions older than every
    transaction of this database still running (no change can commit behind them anymore)."""
    if conn.dialect.name != "postgresql":
        return true()
    return e.c.txid < _OLDEST_RUNNING_HERE


def _newest_first(query: Select[Any], before_id: int | None, limit: int) -> Select[Any]:
    if before_id is not None:
        query = query.where(e.c.id < before_id)
    return query.order_by(e.c.id.desc()).limit(limit)


class SqlHistoryRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def _events(self, query: Select[Any]) -> list[ChangeEvent]:
        return [_event(row) for row in await self._conn.execute(query)]

    async def changes_after(
        self,
        account_id: int,
        after: FeedPosition,
        limit: int,
        types: Collection[EntityType] | None = None,
    ) -> list[ChangeEvent]:
        txid, last_id = after
        query = select(e).where(
            e.c.account_id == account_id,
            or_(e.c.txid > txid, and_(e.c.txid == txid, e.c.id > last_id)),
            _visible_bound(self._conn),
        )
        if types is not None:
            query = query.where(e.c.subject_type.in_(sorted(t.value for t in types)))
        return await self._events(query.order_by(e.c.txid, e.c.id).limit(limit))

    async def for_subjects(
        self,
        account_id: int,
        subject_type: EntityType,
        subject_ids: Collection[int],
        before_id: int | None,
        limit: int,
    ) -> dict[int, list[ChangeEvent]]:
        if not subject_ids:
            return {}
        rank = (
            func.row_number()
            .over(partition_by=e.c.subject_id, order_by=e.c.id.desc())
            .label("rank")
        )
        inner = select(e, rank).where(
            e.c.account_id == account_id,
            e.c.subject_type == subject_type.value,
            e.c.subject_id.in_(sorted(set(subject_ids))),
        )
        if before_id is not None:
            inner = inner.where(e.c.id < before_id)
        ranked = inner.subquery()
        query = (
            select(*[ranked.c[c.name] for c in e.columns])
            .where(ranked.c.rank <= limit)
            .order_by(ranked.c.subject_id, ranked.c.id.desc())
        )
        found: dict[int, list[ChangeEvent]] = defaultdict(list)
        for row in await self._conn.execute(query):
            found[row.subject_id].append(_event(row))
        return dict(found)

    async def search(
        self, account_id: int, flt: AuditFilter, before_id: int | None, limit: int
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
        return await self._events(_newest_first(query, before_id, limit))


class SqlHistoryRetention:
    """Cross-tenant on purpose: the operator's prune (``clientgate audit prune``)."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def prune(self, before: int, limit: int) -> int:
        # The newest change stays whatever its age: SQLite gives the next id from the
        # largest one, and a reused id would sort behind a reader's position.
        newest = select(func.max(e.c.id)).scalar_subquery()
        doomed = (
            select(e.c.id).where(e.c.at < before, e.c.id < newest).order_by(e.c.id).limit(limit)
        )
        result = await self._conn.execute(delete(e).where(e.c.id.in_(doomed.scalar_subquery())))
        return int(result.rowcount)
