"""SQL repository of a client's contacts."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import ColumnElement, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.clients.model import Contact
from core.storage.repositories.clients.rows import CONTACT_COLUMNS
from core.storage.tables.clients import contacts


class SqlContactRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    def _scope(self, account_id: int, client_id: int) -> list[ColumnElement[bool]]:
        return [contacts.c.account_id == account_id, contacts.c.client_id == client_id]

    async def list(self, account_id: int, client_id: int, limit: int, offset: int) -> list[Contact]:
        rows = await self._conn.execute(
            select(*CONTACT_COLUMNS)
            .where(*self._scope(account_id, client_id))
            .order_by(contacts.c.id)
            .limit(limit)
            .offset(offset)
        )
        return [Contact(**r._mapping) for r in rows]

    async def count(self, account_id: int, client_id: int) -> int:
        result = await self._conn.execute(
            select(func.count()).select_from(contacts).where(*self._scope(account_id, client_id))
        )
        return int(result.scalar_one())

    async def get(self, account_id: int, client_id: int, contact_id: int) -> Contact | None:
        row = (
            await self._conn.execute(
                select(*CONTACT_COLUMNS).where(
                    *self._scope(account_id, client_id), contacts.c.id == contact_id
                )
            )
        ).first()
        return Contact(**row._mapping) if row else None

    async def add(self, account_id: int, client_id: int, values: Mapping[str, object]) -> Contact:
        row = (
            await self._conn.execute(
                insert(contacts)
                .values({**values, "account_id": account_id, "client_id": client_id})
                .returning(*CONTACT_COLUMNS)
            )
        ).one()
        return Contact(**row._mapping)

    async def update(
        self, account_id: int, client_id: int, contact_id: int, values: Mapping[str, object]
    ) -> Contact | None:
        if not values:
            return await self.get(account_id, client_id, contact_id)
        row = (
            await self._conn.execute(
                update(contacts)
                .where(*self._scope(account_id, client_id), contacts.c.id == contact_id)
                .values(dict(values))
                .returning(*CONTACT_COLUMNS)
            )
        ).first()
        return Contact(**row._mapping) if row else None

    async def delete(self, account_id: int, client_id: int, contact_id: int) -> bool:
        result = await self._conn.execute(
            delete(contacts).where(*self._scope(account_id, client_id), contacts.c.id == contact_id)
        )
        return bool(result.rowcount)
