"""SQL repository of dynamic attributes: definitions and the values clients hold."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.clients.model import AttributeValue, DynamicAttribute
from core.storage.repositories.clients.related import attribute_values_of
from core.storage.tables.clients import attribute_values, dynamic_attributes


class SqlAttributeRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def definitions(
        self, account_id: int, ids: Collection[int]
    ) -> dict[int, DynamicAttribute]:
        if not ids:
            return {}
        rows = await self._conn.execute(
            select(dynamic_attributes).where(
                dynamic_attributes.c.account_id == account_id,
                dynamic_attributes.c.id.in_(list(ids)),
            )
        )
        return {r.id: DynamicAttribute(**r._mapping) for r in rows}

    async def list_definitions(
        self, account_id: int, limit: int, offset: int
    ) -> list[DynamicAttribute]:
        rows = await self._conn.execute(
            select(dynamic_attributes)
            .where(dynamic_attributes.c.account_id == account_id)
            .order_by(dynamic_attributes.c.id)
            .limit(limit)
            .offset(offset)
        )
        return [DynamicAttribute(**r._mapping) for r in rows]

    async def count_definitions(self, account_id: int) -> int:
        result = await self._conn.execute(
            select(func.count())
            .select_from(dynamic_attributes)
            .where(dynamic_attributes.c.account_id == account_id)
        )
        return int(result.scalar_one())

    async def add_definition(self, account_id: int, name: str) -> DynamicAttribute:
        row = (
            await self._conn.execute(
                insert(dynamic_attributes)
                .values(account_id=account_id, name=name, state=0)
                .returning(*dynamic_attributes.c)
            )
        ).one()
        return DynamicAttribute(**row._mapping)

    async def values(self, account_id: int, client_id: int) -> list[AttributeValue]:
        return (await attribute_values_of(self._conn, account_id, [client_id])).get(client_id, [])

    async def set_values(self, account_id: int, client_id: int, values: Mapping[int, str]) -> None:
        if not values:
            return
        await self._conn.execute(
            delete(attribute_values).where(
                attribute_values.c.account_id == account_id,
                attribute_values.c.client_id == client_id,
                attribute_values.c.dynamic_attribute_id.in_(list(values)),
            )
        )
        await self._conn.execute(
            insert(attribute_values),
            [
                {
                    "account_id": account_id,
                    "client_id": client_id,
                    "dynamic_attribute_id": attr_id,
                    "value": value,
                }
                for attr_id, value in values.items()
            ],
        )
