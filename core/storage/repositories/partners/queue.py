"""The BusinessPartner creation queue in ``bp_messages``.

Tenants see their own messages (:class:`SqlPartnerMessageRepository`). Workers claim from
every tenant (:class:`SqlPartnerQueue`, the ``PartnerQueue`` port): PostgreSQL picks the
candidate row with ``FOR UPDATE SKIP LOCKED`` so many workers claim side by side; on SQLite the
writer lock (``BEGIN IMMEDIATE``) serialises claims and the ``UPDATE`` re-checks the status
(compare-and-set).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, insert, or_, select, update

from core.partners.model import MessageKind, MessageStatus, QueueMessage
from core.storage.repositories.partners._sql import SqlBase, cols
from core.storage.tables.partners import bp_messages

_MESSAGE = cols(bp_messages, QueueMessage)


def _message(row: Any) -> QueueMessage:
    values = dict(row._mapping)
    values["kind"] = MessageKind(values["kind"])
    values["status"] = MessageStatus(values["status"])
    return QueueMessage(**values)


class SqlPartnerMessageRepository(SqlBase):
    async def add(
        self, account_id: int, public_id: str, kind: MessageKind, payload: str, now: int
    ) -> QueueMessage:
        row = (
            await self._conn.execute(
                insert(bp_messages)
                .values(
                    public_id=public_id,
                    account_id=account_id,
                    kind=kind.value,
                    payload=payload,
                    status=MessageStatus.PENDING.value,
                    attempts=0,
                    available_at=now,
                    created_at=now,
                    updated_at=now,
                )
                .returning(*_MESSAGE)
            )
        ).one()
        return _message(row)

    async def get(self, account_id: int, public_id: str) -> QueueMessage | None:
        row = (
            await self._conn.execute(
                select(*_MESSAGE).where(
                    bp_messages.c.account_id == account_id, bp_messages.c.public_id == public_id
                )
            )
        ).first()
        return _message(row) if row else None


class SqlPartnerQueue(SqlBase):
    """Cross-tenant by design: see the module's docstring."""

    async def claim(
        self, now: int, lease_seconds: int, token: str, max_attempts: int
    ) -> QueueMessage | None:
        claimable = or_(
            and_(
                bp_messages.c.status == MessageStatus.PENDING.value,
                bp_messages.c.available_at <= now,
            ),
            and_(
                bp_messages.c.status == MessageStatus.PROCESSING.value,
                bp_messages.c.claimed_until < now,
            ),
        )
        pick = (
            select(bp_messages.c.id)
            .where(claimable, bp_messages.c.attempts < max_attempts)
            .order_by(bp_messages.c.id)
            .limit(1)
        )
        if self._pg:
            pick = pick.with_for_update(skip_locked=True)
        row = (
            await self._conn.execute(
                update(bp_messages)
                .where(bp_messages.c.id == pick.scalar_subquery(), claimable)
                .values(
                    status=MessageStatus.PROCESSING.value,
                    claim_token=token,
                    claimed_until=now + lease_seconds,
                    attempts=bp_messages.c.attempts + 1,
                    updated_at=now,
                )
                .returning(*_MESSAGE)
            )
        ).first()
        return _message(row) if row else None

    async def give_up_exhausted(self, now: int, max_attempts: int) -> list[str]:
        rows = await self._conn.execute(
            update(bp_messages)
            .where(
                bp_messages.c.status == MessageStatus.PROCESSING.value,
                bp_messages.c.claimed_until < now,
                bp_messages.c.attempts >= max_attempts,
            )
            .values(
                status=MessageStatus.FAILED.value,
                error_message=f"gave up after {max_attempts} attempts",
                claim_token=None,
                updated_at=now,
            )
            .returning(bp_messages.c.public_id)
        )
        return [str(public_id) for (public_id,) in rows]

    async def depth(self) -> dict[MessageStatus, int]:
        waiting = (MessageStatus.PENDING.value, MessageStatus.PROCESSING.value)
        rows = await self._conn.execute(
            select(bp_messages.c.status, func.count())
            .where(bp_messages.c.status.in_(waiting))
            .group_by(bp_messages.c.status)
        )
        return {MessageStatus(status): int(count) for status, count in rows}

    async def lock_claimed(self, message_id: int, token: str) -> QueueMessage | None:
        stmt = select(*_MESSAGE).where(
            bp_messages.c.id == message_id,
            bp_messages.c.claim_token == token,
            bp_messages.c.status == MessageStatus.PROCESSING.value,
        )
        if self._pg:
            stmt = stmt.with_for_update()
        row = (await self._conn.execute(stmt)).first()
        return _message(row) if row else None

    async def finish(
        self,
        message_id: int,
        token: str,
        status: MessageStatus,
        error_message: str | None,
        now: int,
        available_at: int | None = None,
    ) -> bool:
        values: dict[str, object] = {
            "status": status.value,
            "error_message": error_message,
            "updated_at": now,
            "claim_token": None,
            "claimed_until": None,
        }
        if available_at is not None:
            values["available_at"] = available_at
        result = await self._conn.execute(
            update(bp_messages)
            .where(bp_messages.c.id == message_id, bp_messages.c.claim_token == token)
            .values(values)
        )
        return bool(result.rowcount)
