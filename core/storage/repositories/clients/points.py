"""SQL repository of the points ledger."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Collection, Sequence
from typing import Any

from sqlalchemy import Select, Subquery, bindparam, func, insert, select
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
        return [points_entry(r) for r in rows.all()]  # fetched first: see latest_for_clients

    async def latest_for_clients(
        self, account_id: int, client_ids: Collection[int], limit: int
    ) -> dict[int, builtins.list[PointsEntry]]:
        rows = await self._conn.execute(
            _LATEST, {"account_id": account_id, "ids": list(client_ids), "limit": limit}
        )
        out: dict[int, list[PointsEntry]] = {}
        for row in rows.all():
            out.setdefault(row.client_id, []).append(points_entry(row))
        return out


# Each client's latest entries: numbered newest first per client, the first ``limit`` kept.
_RANKED = (
    select(
        *points_entries.c,
        func.row_number()
        .over(partition_by=points_entries.c.client_id, order_by=points_entries.c.id.desc())
        .label("rank"),
    )
    .where(
        points_entries.c.account_id == bindparam("account_id"),
        points_entries.c.client_id.in_(bindparam("ids", expanding=True)),
    )
    .subquery("ranked")
)


def latest_of_clients(pick: Callable[[Subquery], Sequence[Any]]) -> Select[Any]:
    """The columns ``pick`` takes from the ranked entries, of each client's ``limit`` latest
    entries (bound: ``account_id``, ``ids``, ``limit``), by client and newest first. The
    entity reads and the planner's projections both build on it."""
    return (
        select(*pick(_RANKED))
        .where(_RANKED.c.rank <= bindparam("limit"))
        .order_by(_RANKED.c.client_id, _RANKED.c.id.desc())
    )


_LATEST = latest_of_clients(lambda ranked: [ranked.c[c.name] for c in points_entries.c])
