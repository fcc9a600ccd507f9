"""SQL repository of duplicate candidates, over live (not merged) clients, on the normalised
key columns every write stores (``core.clients.search.client_keys``): ``tax_id_key``,
``email_key`` and ``phone_key`` are indexed per account; names compare ``name_key`` (close
names through the pg_trgm index on PostgreSQL, the exact folded name on SQLite) in the same
folded city (``city_key``, not indexed: the name narrows first)."""

from __future__ import annotations

import builtins
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import ColumnElement, String, and_, func, literal, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from core.clients.duplicate_keys import FOREIGNER_TAX_KEY, NAME_SIMILARITY
from core.clients.model import Client, DuplicateKeys, DuplicateReason
from core.storage.repositories.clients.rows import CLIENT_COLUMNS, client_from_row
from core.storage.tables.clients import clients

_CITY: Any = clients.c.city_key
_KEY: dict[DuplicateReason, Any] = {
    DuplicateReason.TAX_ID: clients.c.tax_id_key,
    DuplicateReason.EMAIL: clients.c.email_key,
    DuplicateReason.PHONE: clients.c.phone_key,
    DuplicateReason.NAME_AND_CITY: clients.c.name_key + literal("|", String) + _CITY,
}
# When a client has a key at all (the Python side's None).
_HAS_KEY: dict[DuplicateReason, ColumnElement[bool]] = {
    DuplicateReason.TAX_ID: and_(
        clients.c.tax_id_key.is_not(None), clients.c.tax_id_key != FOREIGNER_TAX_KEY
    ),
    DuplicateReason.EMAIL: clients.c.email_key.is_not(None),
    DuplicateReason.PHONE: clients.c.phone_key.is_not(None),
    DuplicateReason.NAME_AND_CITY: and_(clients.c.name_key.is_not(None), _CITY.is_not(None)),
}


def _live(account_id: int) -> list[ColumnElement[bool]]:
    return [clients.c.account_id == account_id, clients.c.merged_into_id.is_(None)]


class SqlDuplicateRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    def _names(self, names: list[tuple[str, str]]) -> ColumnElement[bool]:
        if self._conn.dialect.name != "postgresql":
            return tuple_(clients.c.name_key, _CITY).in_(names)
        # ``%`` finds close names through the trigram index (at pg_trgm's default 0.3), then
        # the similarity is held to NAME_SIMILARITY.
        return or_(
            *(
                and_(
                    clients.c.name_key.op("%")(name),
                    func.similarity(clients.c.name_key, name) >= NAME_SIMILARITY,
                    city == _CITY,
                )
                for name, city in names
            )
        )

    async def matching(
        self, account_id: int, keys: Sequence[DuplicateKeys], limit: int
    ) -> builtins.list[Client]:
        wanted: list[ColumnElement[bool]] = []
        for reason in (DuplicateReason.TAX_ID, DuplicateReason.EMAIL, DuplicateReason.PHONE):
            values = sorted({v for k in keys if isinstance(v := k.of(reason), str)})
            if values:
                wanted.append(_KEY[reason].in_(values))
        names = sorted({k.name_and_city for k in keys if k.name_and_city})
        if names:
            wanted.append(self._names(names))
        if not wanted:
            return []
        rows = await self._conn.execute(
            select(*CLIENT_COLUMNS)
            .where(*_live(account_id), or_(*wanted))
            .order_by(clients.c.id)
            .limit(limit)
        )
        return [client_from_row(r) for r in rows]

    async def groups(
        self, account_id: int, reason: DuplicateReason, after: str | None, limit: int
    ) -> builtins.list[tuple[str, int]]:
        key = _KEY[reason].label("k")
        inner = select(key).where(*_live(account_id), _HAS_KEY[reason]).subquery("keyed")
        query = select(inner.c.k, func.count().label("n")).group_by(inner.c.k)
        if after is not None:
            query = query.where(inner.c.k > after)
        query = query.having(func.count() > 1).order_by(inner.c.k).limit(limit)
        rows = await self._conn.execute(query)
        return [(str(k), int(n)) for k, n in rows]

    async def members(
        self, account_id: int, reason: DuplicateReason, keys: Collection[str], per_key: int
    ) -> dict[str, builtins.list[Client]]:
        if not keys:
            return {}
        key = _KEY[reason]
        ranked = (
            select(
                *CLIENT_COLUMNS,
                key.label("k"),
                func.row_number().over(partition_by=key, order_by=clients.c.id).label("rank"),
            )
            .where(*_live(account_id), _HAS_KEY[reason], key.in_(list(keys)))
            .subquery("ranked")
        )
        columns = [ranked.c[c.name] for c in CLIENT_COLUMNS]
        rows = await self._conn.execute(
            select(*columns, ranked.c.k)
            .where(ranked.c.rank <= per_key)
            .order_by(ranked.c.k, ranked.c.id)
        )
        out: dict[str, list[Client]] = {}
        for row in rows:
            out.setdefault(str(row.k), []).append(client_from_row(row))
        return out
