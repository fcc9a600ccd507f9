"""SQL repository of the account's catalogs: payment types, price lists, sale conditions."""

from __future__ import annotations

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.clients.model import CatalogItem, CatalogKind
from core.storage.repositories.clients.rows import CATALOGS


class SqlCatalogRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def get(self, account_id: int, kind: CatalogKind, item_id: int) -> CatalogItem | None:
        table = CATALOGS[kind]
        row = (
            await self._conn.execute(
                select(table).where(table.c.account_id == account_id, table.c.id == item_id)
            )
        ).first()
        return CatalogItem(**row._mapping) if row else None

    async def list(
        self, account_id: int, kind: CatalogKind, limit: int, offset: int
    ) -> list[CatalogItem]:
        table = CATALOGS[kind]
        rows = await self._conn.execute(
            select(table)
            .where(table.c.account_id == account_id)
            .order_by(table.c.id)
            .limit(limit)
            .offset(offset)
        )
        return [CatalogItem(**r._mapping) for r in rows]

    async def count(self, account_id: int, kind: CatalogKind) -> int:
        table = CATALOGS[kind]
        result = await self._conn.execute(
            select(func.count()).select_from(table).where(table.c.account_id == account_id)
        )
        return int(result.scalar_one())

    async def add(self, account_id: int, kind: CatalogKind, name: str) -> CatalogItem:
        table = CATALOGS[kind]
        row = (
            await self._conn.execute(
                insert(table).values(account_id=account_id, name=name, state=0).returning(*table.c)
            )
        ).one()
        return CatalogItem(**row._mapping)
