"""SQL repository of clients: rows, pages (offset and keyset) and counts."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.clients.model import (
    CatalogKind,
    CatalogsById,
    Client,
    ClientFilter,
    ClientRelated,
    ClientSortField,
)
from core.storage.repositories.clients.client_queries import (
    count_query,
    filter_params,
    filter_shape,
    keyset_params,
    keyset_query,
    offset_query,
    rows_with_catalogs,
)
from core.storage.repositories.clients.related import load_related
from core.storage.repositories.clients.rows import CLIENT_COLUMNS, client_from_row
from core.storage.tables.clients import clients


class SqlClientRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, account_id: int, values: Mapping[str, object], now: int) -> Client:
        row = {**values, "account_id": account_id, "created_at": now, "updated_at": now}
        result = await self._conn.execute(insert(clients).values(row).returning(*CLIENT_COLUMNS))
        return client_from_row(result.one())

    async def get(self, account_id: int, client_id: int) -> Client | None:
        row = (
            await self._conn.execute(
                select(*CLIENT_COLUMNS).where(
                    clients.c.account_id == account_id, clients.c.id == client_id
                )
            )
        ).first()
        return client_from_row(row) if row else None

    async def get_for_update(self, account_id: int, client_id: int) -> Client | None:
        row = (
            await self._conn.execute(
                select(*CLIENT_COLUMNS)
                .where(clients.c.account_id == account_id, clients.c.id == client_id)
                .with_for_update()
            )
        ).first()
        return client_from_row(row) if row else None

    async def first_by_code(self, account_id: int, code: str) -> Client | None:
        row = (
            await self._conn.execute(
                select(*CLIENT_COLUMNS)
                .where(clients.c.account_id == account_id, clients.c.code == code)
                .order_by(clients.c.id)
                .limit(1)
            )
        ).first()
        return client_from_row(row) if row else None

    async def update(
        self, account_id: int, client_id: int, values: Mapping[str, object], now: int
    ) -> Client | None:
        row = (
            await self._conn.execute(
                update(clients)
                .where(clients.c.account_id == account_id, clients.c.id == client_id)
                .values({**values, "updated_at": now})
                .returning(*CLIENT_COLUMNS)
            )
        ).first()
        return client_from_row(row) if row else None

    async def list_offset(
        self,
        account_id: int,
        flt: ClientFilter,
        limit: int,
        offset: int,
        catalogs: Collection[CatalogKind] = (),
    ) -> tuple[list[Client], CatalogsById]:
        kinds = [k for k in CatalogKind if k in catalogs]
        shape = filter_shape(flt)
        params = filter_params(account_id, flt, shape)
        params.update(f_limit=limit, f_offset=offset)
        rows = await self._conn.execute(offset_query(tuple(kinds), shape), params)
        return rows_with_catalogs(rows, kinds)

    async def count(self, account_id: int, flt: ClientFilter) -> int:
        shape = filter_shape(flt)
        result = await self._conn.execute(count_query(shape), filter_params(account_id, flt, shape))
        return int(result.scalar_one())

    async def list_keyset(
        self,
        account_id: int,
        flt: ClientFilter,
        sort: ClientSortField,
        descending: bool,
        after: tuple[object, int] | None,
        limit: int,
        catalogs: Collection[CatalogKind] = (),
    ) -> tuple[list[Client], CatalogsById]:
        kinds = [k for k in CatalogKind if k in catalogs]
        shape, params = keyset_params(account_id, flt, after, limit)
        query = keyset_query(tuple(kinds), shape, sort, descending, after is not None)
        rows = await self._conn.execute(query, params)
        return rows_with_catalogs(rows, kinds)

    async def related(
        self, account_id: int, items: Sequence[Client], relations: Collection[str]
    ) -> ClientRelated:
        return await load_related(self._conn, account_id, items, relations)
