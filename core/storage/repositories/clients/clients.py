"""SQL repository of clients: rows, pages (offset and keyset) and counts."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import cast

from sqlalchemy import Integer, String, bindparam, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.clients.model import (
    CatalogKind,
    CatalogsById,
    Client,
    ClientFilter,
    ClientRelated,
    ClientSortField,
    client_fields,
)
from core.clients.search import KEY_SOURCES, client_keys
from core.shared.search import OTHER, SEARCH_COUNT_BOUND
from core.storage import driver
from core.storage.driver import DriverQuery
from core.storage.repositories.clients.client_queries import (
    count_query,
    filter_params,
    filter_shape,
    is_search,
    keyset_query,
    offset_query,
    rows_with_catalogs,
    search_keys,
    tier_query,
    window_end_query,
)
from core.storage.repositories.clients.related import load_related
from core.storage.repositories.clients.rows import CLIENT_COLUMNS, client_from_row
from core.storage.repositories.search_sql import walk_tiers, walks_ids
from core.storage.tables.clients import client_counts, clients

_COUNTER = DriverQuery(
    select(client_counts.c.n).where(client_counts.c.account_id == bindparam("f_account_id"))
)

# A merged client is gone: no lookup, change or lock reaches it (``client_queries`` filters
# lists and counts the same way).
_LIVE = clients.c.merged_into_id.is_(None)

SEARCH_WINDOW = 5_000
"""Clients PostgreSQL walks in id order before it asks the trigram index for the rest of a
search's last tier (``_other_matches``)."""

_LAST_ID = 2**62

_LOCK_CODE = select(
    func.pg_advisory_xact_lock(
        bindparam("account_id", type_=Integer), func.hashtext(bindparam("code", type_=String))
    )
)


class SqlClientRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, account_id: int, values: Mapping[str, object], now: int) -> Client:
        row = {**values, **client_keys(values)}
        row.update(account_id=account_id, created_at=now, updated_at=now)
        result = await self._conn.execute(insert(clients).values(row).returning(*CLIENT_COLUMNS))
        return client_from_row(result.one())

    async def get(self, account_id: int, client_id: int) -> Client | None:
        row = (
            await self._conn.execute(
                select(*CLIENT_COLUMNS).where(
                    clients.c.account_id == account_id, clients.c.id == client_id, _LIVE
                )
            )
        ).first()
        return client_from_row(row) if row else None

    async def get_for_update(self, account_id: int, client_id: int) -> Client | None:
        row = (
            await self._conn.execute(
                select(*CLIENT_COLUMNS)
                .where(clients.c.account_id == account_id, clients.c.id == client_id, _LIVE)
                .with_for_update()
            )
        ).first()
        return client_from_row(row) if row else None

    async def lock_code(self, account_id: int, code: str) -> None:
        # A transaction-scoped advisory lock on (account, tax id): two concurrent writers of
        # one tax id queue here, so the second sees the first's client (uniqueTaxIds).
        if self._conn.dialect.name == "postgresql":
            await self._conn.execute(_LOCK_CODE, {"account_id": account_id, "code": code})

    async def first_by_code(self, account_id: int, code: str) -> Client | None:
        row = (
            await self._conn.execute(
                select(*CLIENT_COLUMNS)
                .where(clients.c.account_id == account_id, clients.c.code == code, _LIVE)
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
                .where(clients.c.account_id == account_id, clients.c.id == client_id, _LIVE)
                .values({**values, "updated_at": now})
                .returning(*CLIENT_COLUMNS)
            )
        ).first()
        if row is None:
            return None
        client = client_from_row(row)
        if KEY_SOURCES.intersection(values):
            # The keys need every source field, and only the row written has them all.
            await self._conn.execute(
                update(clients)
                .where(clients.c.account_id == account_id, clients.c.id == client_id)
                .values(client_keys(client_fields(client)))
            )
        return client

    async def list_offset(
        self,
        account_id: int,
        flt: ClientFilter,
        limit: int,
        offset: int,
        catalogs: Collection[CatalogKind] = (),
    ) -> tuple[list[Client], CatalogsById]:
        kinds = [k for k in CatalogKind if k in catalogs]
        shape = filter_shape(flt, self._conn.dialect.name)
        params = filter_params(account_id, flt, shape)
        params.update(f_limit=limit, f_offset=offset)
        rows = await driver.rows(self._conn, offset_query(tuple(kinds), shape), params)
        return rows_with_catalogs(rows, kinds)

    async def count(self, account_id: int, flt: ClientFilter) -> int:
        """How many live clients match ``flt``. Unfiltered: the account's counter, kept exact by
        triggers in every writing transaction (migrations 0005_counts_clients, 0008_counts_merged),
        one indexed read instead of a ``count(*)`` over the account's rows."""
        shape = filter_shape(flt, self._conn.dialect.name)
        if not shape:
            counted = await driver.first(self._conn, _COUNTER, {"f_account_id": account_id})
            return int(counted[0] or 0) if counted else 0
        params = filter_params(account_id, flt, shape)
        params["f_count_bound"] = SEARCH_COUNT_BOUND
        (found,) = await driver.rows(self._conn, count_query(shape), params)
        return int(found[0])

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
        shape = filter_shape(flt, self._conn.dialect.name)
        params = filter_params(account_id, flt, shape)
        if sort is ClientSortField.RELEVANCE and is_search(shape):
            keys = search_keys(flt)
            return await self._by_relevance(
                tuple(kinds), (shape, keys), params, descending, after, limit
            )
        params["f_limit"] = limit
        if after is not None:
            params["k_value"], params["k_id"] = after
        query = keyset_query(tuple(kinds), shape, sort, descending, after is not None)
        rows = await driver.rows(self._conn, query, params)
        return rows_with_catalogs(rows, kinds)

    async def _by_relevance(
        self,
        kinds: tuple[CatalogKind, ...],
        shaped: tuple[tuple[str, ...], tuple[str, ...]],
        params: dict[str, object],
        descending: bool,
        after: tuple[object, int] | None,
        limit: int,
    ) -> tuple[list[Client], CatalogsById]:
        """Tier by tier (``search_sql.walk_tiers``), each in id order, until the page is
        full: at most one statement per tier."""
        found: CatalogsById = {}

        async def tier_rows(tier: int, bound: int | None, need: int) -> list[Client]:
            tier_params = {**params, "f_limit": need}
            if bound is not None:
                tier_params["k_id"] = bound
            if tier == OTHER and walks_ids(shaped[0]):
                rows, catalogs = await self._other_matches(
                    kinds, shaped, tier_params, descending, bound is not None
                )
            else:
                query = tier_query(kinds, *shaped, tier, descending, bound is not None)
                result = await self._conn.execute(query, tier_params)
                rows, catalogs = rows_with_catalogs(result.all(), list(kinds))
            for kind, by_id in catalogs.items():
                found.setdefault(kind, {}).update(by_id)
            return rows

        key = None if after is None else (cast(int, after[0]), after[1])
        walked = await walk_tiers(tier_rows, key, limit, descending)
        return [client for _, client in walked], found

    async def _other_matches(
        self,
        kinds: tuple[CatalogKind, ...],
        shaped: tuple[tuple[str, ...], tuple[str, ...]],
        params: dict[str, object],
        descending: bool,
        after: bool,
    ) -> tuple[list[Client], CatalogsById]:
        """PostgreSQL's last tier of a one-word search (``walks_ids``), in id order. The
        trigram index hands matches over in no order, so a common word (16,000 matches of
        1,000,000) cost reading and sorting every match (110 ms). First the next
        ``SEARCH_WINDOW`` clients of the account are walked in id order (a common word fills
        the page there, in a few ms); only a page still short reads the index's matches beyond
        that window (few, or the window would have filled it). Both parts in id order, so the
        page is the same as one sorted read."""
        window = {**params, "f_window": SEARCH_WINDOW - 1}
        end = (await self._conn.execute(window_end_query(descending, after), window)).scalar()
        # Fewer than a window left: walk to the end of the account.
        bound = end if end is not None else (0 if descending else _LAST_ID)
        walk = tier_query(kinds, *shaped, OTHER, descending, after, window=True)
        result = await self._conn.execute(walk, {**params, "w_end": bound})
        rows, catalogs = rows_with_catalogs(result.all(), list(kinds))
        need = int(params["f_limit"]) - len(rows)  # type: ignore[call-overload]
        if end is None or need <= 0:
            return rows, catalogs
        rest = tier_query(kinds, *shaped, OTHER, descending, True)
        result = await self._conn.execute(rest, {**params, "f_limit": need, "k_id": end})
        more, more_catalogs = rows_with_catalogs(result.all(), list(kinds))
        for kind, by_id in more_catalogs.items():
            catalogs.setdefault(kind, {}).update(by_id)
        return rows + more, catalogs

    async def related(
        self, account_id: int, items: Sequence[Client], relations: Collection[str]
    ) -> ClientRelated:
        return await load_related(self._conn, account_id, items, relations)
