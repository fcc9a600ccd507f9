"""SQL repository of a client's addresses."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import ColumnElement, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.clients.model import Address, AddressFilter
from core.clients.search import ADDRESS_KEY_SOURCES, address_keys
from core.shared import normalise
from core.storage.repositories.clients.rows import ADDRESS_COLUMNS
from core.storage.repositories.search_sql import like_escape
from core.storage.tables.clients import addresses


class SqlAddressRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    def _where(
        self, account_id: int, client_id: int, flt: AddressFilter
    ) -> list[ColumnElement[bool]]:
        conds: list[ColumnElement[bool]] = [
            addresses.c.account_id == account_id,
            addresses.c.client_id == client_id,
        ]
        for name in ("address", "city", "district"):
            value = getattr(flt, name)
            if value:
                # The folded copy: case- and accent-insensitive on both databases.
                pattern = f"%{like_escape(normalise.fold(value))}%"
                conds.append(addresses.c[f"{name}_key"].like(pattern, escape="/"))
        if flt.state is not None:
            conds.append(addresses.c.state == flt.state)
        return conds

    async def list(
        self, account_id: int, client_id: int, flt: AddressFilter, limit: int, offset: int
    ) -> list[Address]:
        rows = await self._conn.execute(
            select(*ADDRESS_COLUMNS)
            .where(*self._where(account_id, client_id, flt))
            .order_by(addresses.c.id)
            .limit(limit)
            .offset(offset)
        )
        return [Address(**r._mapping) for r in rows]

    async def count(self, account_id: int, client_id: int, flt: AddressFilter) -> int:
        result = await self._conn.execute(
            select(func.count())
            .select_from(addresses)
            .where(*self._where(account_id, client_id, flt))
        )
        return int(result.scalar_one())

    async def get(self, account_id: int, client_id: int, address_id: int) -> Address | None:
        row = (
            await self._conn.execute(
                select(*ADDRESS_COLUMNS).where(
                    addresses.c.account_id == account_id,
                    addresses.c.client_id == client_id,
                    addresses.c.id == address_id,
                )
            )
        ).first()
        return Address(**row._mapping) if row else None

    async def add(self, account_id: int, client_id: int, values: Mapping[str, object]) -> Address:
        row = (
            await self._conn.execute(
                insert(addresses)
                .values(
                    {
                        **values,
                        **address_keys(values),
                        "account_id": account_id,
                        "client_id": client_id,
                        "state": 0,
                    }
                )
                .returning(*ADDRESS_COLUMNS)
            )
        ).one()
        return Address(**row._mapping)

    async def update(
        self, account_id: int, client_id: int, address_id: int, values: Mapping[str, object]
    ) -> Address | None:
        if not values:
            return await self.get(account_id, client_id, address_id)
        row = (
            await self._conn.execute(
                update(addresses)
                .where(
                    addresses.c.account_id == account_id,
                    addresses.c.client_id == client_id,
                    addresses.c.id == address_id,
                )
                .values(dict(values))
                .returning(*ADDRESS_COLUMNS)
            )
        ).first()
        if row is None:
            return None
        if ADDRESS_KEY_SOURCES.intersection(values):
            await self._conn.execute(
                update(addresses)
                .where(addresses.c.account_id == account_id, addresses.c.id == address_id)
                .values(address_keys(dict(row._mapping)))
            )
        return Address(**row._mapping)
