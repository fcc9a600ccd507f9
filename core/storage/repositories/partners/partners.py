"""Partners: lookups, bulk writes, filtered pages, agents and their clients."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

from core.partners.model import Partner, PartnerFilter
from core.partners.ports import Row
from core.partners.search import KEY_SOURCES, partner_keys
from core.shared.search import EXACT, parse_search
from core.storage.repositories.partners._sql import SqlBase, cols, make
from core.storage.repositories.search_sql import Tier, id_keyset, ranked_rows
from core.storage.tables.partners import bp_partners, bp_roles

_PARTNER = cols(bp_partners, Partner)
_CHUNK = 500


def _equal(pairs: Sequence[tuple[Any, object]]) -> list[ColumnElement[bool]]:
    return [column == value for column, value in pairs if value is not None]


def partner_conditions(account_id: int, flt: PartnerFilter) -> list[ColumnElement[bool]]:
    p = bp_partners.c
    conds: list[ColumnElement[bool]] = [p.account_id == account_id]
    conds += _equal([(p.company_id, flt.company_id), (p.role_id, flt.role_id)])
    if flt.role_kind is not None:
        conds.append(
            p.role_id.in_(
                select(bp_roles.c.id).where(
                    bp_roles.c.account_id == account_id, bp_roles.c.kind == flt.role_kind.value
                )
            )
        )
    conds += _equal(
        [(p.status_id, flt.status_id), (p.active, flt.active), (p.agent_id, flt.agent_id)]
    )
    if flt.updated_since is not None:
        conds.append(p.updated_at > flt.updated_since)
    query = parse_search(flt.search)
    if query is not None:
        # Every word a word prefix of the search document, or the exact idRemote.
        words = and_(*(p.search_text.like(f"% {term}%") for term in (*query.terms, *query.checks)))
        conds.append(or_(words, p.id_remote == flt.search.strip()) if flt.search else words)
    return conds


# The key columns a search's relevance compares (``core/partners/search.py``).
_RANKED = {
    "name_key": bp_partners.c.name_key,
    "comercial_name_key": bp_partners.c.comercial_name_key,
    "tax_id_key": bp_partners.c.tax_id_key,
    "id_remote": bp_partners.c.id_remote,
}


def partner_keyset(
    query: Select[Any],
    account_id: int,
    flt: PartnerFilter,
    after_id: int | None,
    limit: int,
    backward: bool,
    tier: Tier | None = None,
) -> Select[Any]:
    """``query`` (over ``bp_partners``) filtered, in id order after (``backward``: before)
    ``after_id``, ``limit`` rows: the entity pages and the planner's projected pages.
    ``tier``: only that relevance tier's matches."""
    conds = partner_conditions(account_id, flt)
    after = (after_id, limit, backward)
    return id_keyset(query, conds, bp_partners.c.id, after, tier, _RANKED)


async def partner_rows(
    conn: AsyncConnection,
    query: Select[Any],
    account_id: int,
    flt: PartnerFilter,
    after: tuple[int, int] | None,
    limit: int,
    backward: bool,
) -> list[tuple[int, Any]]:
    """Up to ``limit`` rows of ``query`` (``partner_keyset``) after the key ``after`` (tier,
    id), each with its relevance tier: in id order without a search, by relevance with one
    (``search_sql.ranked_rows``). ``backward``: the reverse order."""

    def statement(tier: Tier | None, after_id: int | None, n: int) -> Select[Any]:
        return partner_keyset(query, account_id, flt, after_id, n, backward, tier)

    search = parse_search(flt.search)
    return await ranked_rows(conn, statement, search, after, limit, backward)


def _documented(row: Row) -> Row:
    """The row with its search document and keys; the repository's callers write whole
    rows."""
    missing = [name for name in KEY_SOURCES if name not in row]
    if missing:
        raise ValueError(f"a partner row needs {missing} to be searchable")
    return {**row, **partner_keys(row)}


class SqlPartnerRepository(SqlBase):
    async def with_remote_id(self, account_id: int, remote_id: str) -> list[Partner]:
        rows = await self._conn.execute(
            select(*_PARTNER)
            .where(bp_partners.c.account_id == account_id, bp_partners.c.id_remote == remote_id)
            .order_by(bp_partners.c.id)
        )
        return [make(Partner, r) for r in rows]

    async def by_ids(self, account_id: int, ids: Collection[int]) -> list[Partner]:
        if not ids:
            return []
        rows = await self._conn.execute(
            select(*_PARTNER)
            .where(
                self._tenant(bp_partners.c.account_id, account_id), bp_partners.c.id.in_(list(ids))
            )
            .order_by(bp_partners.c.id)
        )
        return [make(Partner, r) for r in rows]

    async def by_remote(
        self, account_id: int, company_id: int, remote_ids: Collection[str]
    ) -> dict[str, Partner]:
        out: dict[str, Partner] = {}
        keys = list(remote_ids)
        # Chunked: a message may carry up to a thousand ids.
        for start in range(0, len(keys), _CHUNK):
            rows = await self._conn.execute(
                select(*_PARTNER).where(
                    bp_partners.c.account_id == account_id,
                    bp_partners.c.company_id == company_id,
                    bp_partners.c.id_remote.in_(keys[start : start + _CHUNK]),
                )
            )
            out.update({r.id_remote: make(Partner, r) for r in rows})
        return out

    async def insert(self, account_id: int, rows: Sequence[Row]) -> list[int]:
        if not rows:
            return []
        values = [{**_documented(r), "account_id": account_id} for r in rows]
        if self._pg:
            result = await self._conn.execute(
                insert(bp_partners).returning(bp_partners.c.id, sort_by_parameter_order=True),
                values,
            )
            return [int(r.id) for r in result]
        # SQLite: RETURNING in parameter order runs one statement per row; one executemany
        # and one read back by the unique (company, idRemote) is ~20x faster.
        await self._conn.execute(insert(bp_partners), values)
        by_company: dict[int, list[str]] = defaultdict(list)
        for r in rows:
            by_company[int(str(r["company_id"]))].append(str(r["id_remote"]))
        ids: dict[tuple[int, str], int] = {}
        for company_id, remotes in by_company.items():
            found = await self._conn.execute(
                select(bp_partners.c.id, bp_partners.c.id_remote).where(
                    bp_partners.c.account_id == account_id,
                    bp_partners.c.company_id == company_id,
                    bp_partners.c.id_remote.in_(remotes),
                )
            )
            ids.update({(company_id, f.id_remote): int(f.id) for f in found})
        return [ids[(int(str(r["company_id"])), str(r["id_remote"]))] for r in rows]

    async def update(self, account_id: int, rows: Sequence[Row]) -> None:
        if not rows:
            return
        rows = [_documented(r) for r in rows]
        keys = [k for k in rows[0] if k != "id"]
        stmt = (
            update(bp_partners)
            .where(
                bp_partners.c.account_id == bindparam("_account"),
                bp_partners.c.id == bindparam("_id"),
            )
            .values({k: bindparam(f"v_{k}") for k in keys})
        )
        params = [
            {"_account": account_id, "_id": r["id"], **{f"v_{k}": r[k] for k in keys}} for r in rows
        ]
        await self._conn.execute(stmt, params)

    async def set_agent(
        self, account_id: int, client_ids: Collection[int], agent_id: int | None, now: int
    ) -> None:
        await self._conn.execute(
            update(bp_partners)
            .where(bp_partners.c.account_id == account_id, bp_partners.c.id.in_(list(client_ids)))
            .values(agent_id=agent_id, updated_at=now)
        )

    async def clear_agent(self, account_id: int, agent_id: int) -> None:
        await self._conn.execute(
            update(bp_partners)
            .where(bp_partners.c.account_id == account_id, bp_partners.c.agent_id == agent_id)
            .values(agent_id=None)
        )

    async def delete(self, account_id: int, partner_id: int) -> None:
        await self._conn.execute(
            delete(bp_partners).where(
                bp_partners.c.account_id == account_id, bp_partners.c.id == partner_id
            )
        )

    async def page(
        self, account_id: int, flt: PartnerFilter, limit: int, offset: int
    ) -> tuple[list[Partner], int]:
        conds = partner_conditions(account_id, flt)
        total = await self._count(conds)
        if offset >= total:
            return [], total
        rows = await self._conn.execute(
            select(*_PARTNER).where(*conds).order_by(bp_partners.c.id).limit(limit).offset(offset)
        )
        return [make(Partner, r) for r in rows], total

    async def keyset(
        self,
        account_id: int,
        flt: PartnerFilter,
        after_id: int | None,
        limit: int,
        *,
        backward: bool = False,
        after_tier: int = EXACT,
    ) -> list[Partner]:
        after = None if after_id is None else (after_tier, after_id)
        rows = await partner_rows(
            self._conn, select(*_PARTNER), account_id, flt, after, limit, backward
        )
        return [make(Partner, r) for _, r in rows]

    async def count(self, account_id: int, flt: PartnerFilter) -> int:
        return await self._count(partner_conditions(account_id, flt))

    async def _count(self, conds: list[ColumnElement[bool]]) -> int:
        result = await self._conn.execute(
            select(func.count()).select_from(bp_partners).where(*conds)
        )
        return int(result.scalar_one())

    async def agents_with_clients(
        self, account_id: int, limit: int, offset: int
    ) -> tuple[list[Partner], dict[int, list[int]], int]:
        has_clients = (
            select(bp_partners.c.agent_id)
            .where(bp_partners.c.account_id == account_id, bp_partners.c.agent_id.is_not(None))
            .distinct()
        )
        conds = [bp_partners.c.account_id == account_id, bp_partners.c.id.in_(has_clients)]
        total = await self._count(conds)
        if offset >= total:
            return [], {}, total
        agents = [
            make(Partner, r)
            for r in await self._conn.execute(
                select(*_PARTNER)
                .where(*conds)
                .order_by(bp_partners.c.id)
                .limit(limit)
                .offset(offset)
            )
        ]
        rows = await self._conn.execute(
            select(bp_partners.c.agent_id, bp_partners.c.id)
            .where(
                bp_partners.c.account_id == account_id,
                bp_partners.c.agent_id.in_([a.id for a in agents]),
            )
            .order_by(bp_partners.c.id)
        )
        clients: dict[int, list[int]] = defaultdict(list)
        for agent_id, client_id in rows:
            clients[agent_id].append(client_id)
        return agents, dict(clients), total

    async def clients_of(
        self, account_id: int, agent_ids: Sequence[int]
    ) -> dict[int, list[Partner]]:
        if not agent_ids:
            return {}
        rows = await self._conn.execute(
            select(*_PARTNER)
            .where(
                self._tenant(bp_partners.c.account_id, account_id),
                bp_partners.c.agent_id.in_(list(agent_ids)),
            )
            .order_by(bp_partners.c.id)
        )
        out: dict[int, list[Partner]] = defaultdict(list)
        for r in rows:
            out[int(r.agent_id)].append(make(Partner, r))
        return dict(out)
