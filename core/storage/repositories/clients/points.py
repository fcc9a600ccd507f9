"""SQL repository of the points ledger."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.clients.model import PointsEntry, PointsOperation
from core.storage.repositories.clients.rows import points_entry
from core.storage.tables.clients import points_entries


class SqlPointsRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(
        self,
        account_id: int,
        client_id: int,
        operation: PointsOperation,
        points: int,
        balance: float,
        description: str,
        order_id: str | None,
        now: int,
    ) -> PointsEntry:
        row = (
            await self._conn.execute(
                insert(points_entries)
                .values(
                    account_id=account_id,
                    client_id=client_id,
                    operation=int(operation),
                    points=points,
                    balance=balance,
                    description=description,
                    order_id=order_id,
                    created_at=now,
                )
                .returning(*points_entries.c)
            )
        ).one()
        return points_entry(row)

    async def list(self, account_id: int, client_id: int, limit: int) -> list[PointsEntry]:
        rows = await self._conn.execute(
            select(points_entries)
            .where(
                points_entries.c.account_id == account_id, points_entries.c.client_id == client_id
            )
            .order_by(points_entries.c.id.desc())
            .limit(limit)
        )
        return [points_entry(r) for r in rows]
