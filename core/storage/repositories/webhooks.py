"""Webhook endpoints, deliveries and attempts.

Tenants see their own (:class:`SqlEndpointRepository`, :class:`SqlDeliveryRepository`).
Workers serve every tenant (:class:`SqlWebhookQueue`, the ``WebhookQueue`` port): on
PostgreSQL an endpoint to fan out to, and a due delivery, are picked with ``FOR UPDATE SKIP
LOCKED`` so workers work side by side; on SQLite the writer lock (``BEGIN IMMEDIATE``)
serialises them and the claim's ``UPDATE`` re-checks that the row is still claimable.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection

from core.history.model import EntityType
from core.storage.repositories.partners._sql import SqlBase
from core.storage.tables.history import account_feeds
from core.storage.tables.webhooks import webhook_attempts as a
from core.storage.tables.webhooks import webhook_deliveries as d
from core.storage.tables.webhooks import webhook_endpoints as e
from core.webhooks.model import Attempt, Delivery, DeliveryStatus, Endpoint, SendResult

Row = Mapping[str, object]

_ENDPOINT = [
    e.c.id,
    e.c.account_id,
    e.c.url,
    e.c.description,
    e.c.event_types,
    e.c.enabled,
    e.c.position,
    e.c.created_at,
    e.c.updated_at,
]
_DELIVERY = [d.c[name] for name in Delivery.__dataclass_fields__]
_ATTEMPT = [a.c[name] for name in Attempt.__dataclass_fields__]
_ERROR_LENGTH = 255


def _types_text(types: object) -> str:
    assert isinstance(types, frozenset)
    return ",".join(sorted(t.value for t in types))


def _endpoint(row: Any) -> Endpoint:
    values = dict(row._mapping)
    raw = values.pop("event_types")
    types = frozenset(EntityType(t) for t in raw.split(",")) if raw else frozenset()
    return Endpoint(event_types=types, enabled=bool(values.pop("enabled")), **values)


def _delivery(row: Any) -> Delivery:
    values = dict(row._mapping)
    values["status"] = DeliveryStatus(values["status"])
    return Delivery(**values)


def _columns(values: Row) -> dict[str, object]:
    out = dict(values)
    if "event_types" in out:
        out["event_types"] = _types_text(out["event_types"])
    return out


class SqlEndpointRepository(SqlBase):
    async def add(self, account_id: int, values: Row, secret: str, now: int) -> Endpoint:
        head = (
            select(func.coalesce(func.max(account_feeds.c.position), 0))
            .where(account_feeds.c.account_id == account_id)
            .scalar_subquery()
        )
        row = (
            await self._conn.execute(
                insert(e)
                .values(
                    account_id=account_id,
                    secret=secret,
                    position=head,
                    fanned_at=now,
                    created_at=now,
                    updated_at=now,
                    **_columns(values),
                )
                .returning(*_ENDPOINT)
            )
        ).one()
        return _endpoint(row)

    async def get(self, account_id: int, endpoint_id: int) -> Endpoint | None:
        row = (
            await self._conn.execute(
                select(*_ENDPOINT).where(e.c.account_id == account_id, e.c.id == endpoint_id)
            )
        ).first()
        return _endpoint(row) if row else None

    async def update(
        self, account_id: int, endpoint_id: int, values: Row, secret: str | None, now: int
    ) -> Endpoint | None:
        changes = _columns(values)
        if secret is not None:
            changes["secret"] = secret
        row = (
            await self._conn.execute(
                update(e)
                .where(e.c.account_id == account_id, e.c.id == endpoint_id)
                .values(updated_at=now, **changes)
                .returning(*_ENDPOINT)
            )
        ).first()
        return _endpoint(row) if row else None

    async def delete(self, account_id: int, endpoint_id: int) -> bool:
        # Explicitly, not through ON DELETE CASCADE: SQLite enforces it only with foreign
        # keys on, and the log is the tenant's data either way.
        doomed = select(d.c.id).where(d.c.account_id == account_id, d.c.endpoint_id == endpoint_id)
        await self._conn.execute(
            delete(a).where(a.c.account_id == account_id, a.c.delivery_id.in_(doomed))
        )
        await self._conn.execute(
            delete(d).where(d.c.account_id == account_id, d.c.endpoint_id == endpoint_id)
        )
        result = await self._conn.execute(
            delete(e).where(e.c.account_id == account_id, e.c.id == endpoint_id)
        )
        return bool(result.rowcount)

    async def page(self, account_id: int, after_id: int | None, limit: int) -> list[Endpoint]:
        query = select(*_ENDPOINT).where(e.c.account_id == account_id)
        if after_id is not None:
            query = query.where(e.c.id > after_id)
        rows = await self._conn.execute(query.order_by(e.c.id).limit(limit))
        return [_endpoint(r) for r in rows]

    async def count(self, account_id: int) -> int:
        query = select(func.count()).select_from(e).where(e.c.account_id == account_id)
        return int((await self._conn.execute(query)).scalar_one())

    async def by_ids(self, account_id: int, ids: Collection[int]) -> dict[int, Endpoint]:
        if not ids:
            return {}
        rows = await self._conn.execute(
            select(*_ENDPOINT).where(self._tenant(e.c.account_id, account_id), e.c.id.in_(ids))
        )
        return {r.id: _endpoint(r) for r in rows}


class SqlDeliveryRepository(SqlBase):
    async def page(
        self, account_id: int, endpoint_id: int | None, after_id: int | None, limit: int
    ) -> list[Delivery]:
        query = select(*_DELIVERY).where(d.c.account_id == account_id)
        if endpoint_id is not None:
            query = query.where(d.c.endpoint_id == endpoint_id)
        if after_id is not None:
            query = query.where(d.c.id < after_id)
        rows = await self._conn.execute(query.order_by(d.c.id.desc()).limit(limit))
        return [_delivery(r) for r in rows]

    async def get(self, account_id: int, delivery_id: int) -> Delivery | None:
        row = (
            await self._conn.execute(
                select(*_DELIVERY).where(d.c.account_id == account_id, d.c.id == delivery_id)
            )
        ).first()
        return _delivery(row) if row else None

    async def requeue(self, account_id: int, delivery_id: int, now: int) -> Delivery | None:
        row = (
            await self._conn.execute(
                update(d)
                .where(d.c.account_id == account_id, d.c.id == delivery_id)
                .values(
                    status=DeliveryStatus.PENDING.value,
                    attempts=0,
                    next_attempt_at=now,
                    claim_token=None,
                    claimed_until=None,
                    updated_at=now,
                )
                .returning(*_DELIVERY)
            )
        ).first()
        return _delivery(row) if row else None

    async def attempts_of(
        self, account_id: int, delivery_ids: Sequence[int], per_delivery: int
    ) -> dict[int, list[Attempt]]:
        if not delivery_ids:
            return {}
        rank = (
            func.row_number()
            .over(partition_by=a.c.delivery_id, order_by=a.c.id.desc())
            .label("rank")
        )
        ranked = (
            select(*_ATTEMPT, rank)
            .where(self._tenant(a.c.account_id, account_id), a.c.delivery_id.in_(delivery_ids))
            .subquery()
        )
        rows = await self._conn.execute(
            select(*[ranked.c[c.name] for c in _ATTEMPT])
            .where(ranked.c.rank <= per_delivery)
            .order_by(ranked.c.delivery_id, ranked.c.id)
        )
        found: dict[int, list[Attempt]] = {}
        for row in rows:
            found.setdefault(row.delivery_id, []).append(Attempt(**row._mapping))
        return found


def _claimable(now: int) -> ColumnElement[bool]:
    return and_(
        d.c.status == DeliveryStatus.PENDING.value,
        d.c.next_attempt_at <= now,
        or_(d.c.claimed_until.is_(None), d.c.claimed_until < now),
    )


class SqlWebhookQueue(SqlBase):
    """Cross-tenant by design: see the module's docstring."""

    async def anything_behind(self) -> bool:
        behind = (
            select(e.c.id)
            .join(account_feeds, account_feeds.c.account_id == e.c.account_id)
            .where(e.c.enabled.is_(True), e.c.position < account_feeds.c.position)
            .limit(1)
        )
        return (await self._conn.execute(behind)).first() is not None

    async def anything_due(self, now: int) -> bool:
        due = select(d.c.id).where(_claimable(now)).limit(1)
        return (await self._conn.execute(due)).first() is not None

    async def endpoint_behind(self, now: int) -> tuple[Endpoint, int] | None:
        query = (
            select(*_ENDPOINT, account_feeds.c.position.label("head"))
            .join(account_feeds, account_feeds.c.account_id == e.c.account_id)
            .where(e.c.enabled.is_(True), e.c.position < account_feeds.c.position)
            .order_by(e.c.fanned_at, e.c.id)
            .limit(1)
        )
        if self._pg:
            query = query.with_for_update(of=e, skip_locked=True)
        row = (await self._conn.execute(query)).first()
        if row is None:
            return None
        values = dict(row._mapping)
        head = int(values.pop("head"))
        return _endpoint(_Mapped(values)), head

    async def fan_out(
        self, endpoint: Endpoint, rows: Sequence[Row], position: int, now: int
    ) -> None:
        if rows:
            upsert = pg_insert if self._pg else sqlite_insert
            await self._conn.execute(
                upsert(d)
                .values(
                    [
                        {
                            **row,
                            "account_id": endpoint.account_id,
                            "endpoint_id": endpoint.id,
                            "status": DeliveryStatus.PENDING.value,
                            "attempts": 0,
                            "next_attempt_at": now,
                            "created_at": now,
                            "updated_at": now,
                        }
                        for row in rows
                    ]
                )
                .on_conflict_do_nothing(index_elements=[d.c.endpoint_id, d.c.message_id])
            )
        await self._conn.execute(
            update(e)
            .where(e.c.account_id == endpoint.account_id, e.c.id == endpoint.id)
            .values(position=position, fanned_at=now)
        )

    async def claim(self, now: int, lease_seconds: int, token: str) -> Delivery | None:
        claimable = _claimable(now)
        pick = select(d.c.id).where(claimable).order_by(d.c.next_attempt_at, d.c.id).limit(1)
        if self._pg:
            pick = pick.with_for_update(skip_locked=True)
        row = (
            await self._conn.execute(
                update(d)
                .where(d.c.id == pick.scalar_subquery(), claimable)
                .values(
                    claim_token=token,
                    claimed_until=now + lease_seconds,
                    attempts=d.c.attempts + 1,
                    updated_at=now,
                )
                .returning(*_DELIVERY)
            )
        ).first()
        return _delivery(row) if row else None

    async def secret_of(self, endpoint_id: int) -> tuple[str, str] | None:
        row = (
            await self._conn.execute(
                select(e.c.url, e.c.secret).where(e.c.id == endpoint_id, e.c.enabled.is_(True))
            )
        ).first()
        return (str(row.url), str(row.secret)) if row else None

    async def settle(
        self,
        delivery: Delivery,
        status: DeliveryStatus,
        result: SendResult,
        next_attempt_at: int | None,
        now: int,
    ) -> bool:
        error = None if result.error is None else result.error[:_ERROR_LENGTH]
        moved = await self._conn.execute(
            update(d)
            .where(d.c.id == delivery.id, d.c.claim_token == delivery.claim_token)
            .values(
                status=status.value,
                next_attempt_at=next_attempt_at,
                last_status_code=result.status_code,
                last_error=error,
                claim_token=None,
                claimed_until=None,
                updated_at=now,
                delivered_at=now if status is DeliveryStatus.DELIVERED else None,
            )
        )
        if not moved.rowcount:
            return False
        await self._conn.execute(
            insert(a).values(
                account_id=delivery.account_id,
                delivery_id=delivery.id,
                at=now,
                status_code=result.status_code,
                error=error,
                duration_ms=result.duration_ms,
            )
        )
        return True


class _Mapped:
    """A plain mapping wearing a row's ``_mapping``."""

    def __init__(self, values: dict[str, Any]) -> None:
        self._mapping = values


class SqlWebhookStorage:
    """The webhooks context's adapters on one connection (``uow.webhooks``)."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.endpoints = SqlEndpointRepository(conn)
        self.deliveries = SqlDeliveryRepository(conn)
        self.queue = SqlWebhookQueue(conn)
