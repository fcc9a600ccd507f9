"""Projected reads of partners for GraphQL's planner: only the selected columns, as rows.

The page goes through the partners repository's own filter, keyset builder and relevance walk
(``partners.partner_rows``), with the company and the agent joined in (tenant-scoped); each
child relation is one statement over the page's ids, ordered as the entity reads order them.
Columns are labelled by position, so the same column asked twice comes back twice.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, and_, bindparam, select

from core.partners.model import PartnerFilter, PartnerProjection
from core.shared.search import EXACT
from core.storage.repositories.partners._sql import SqlBase
from core.storage.repositories.partners.partners import partner_rows
from core.storage.tables.partners import (
    bp_companies,
    bp_contact_methods,
    bp_contacts,
    bp_locations,
    bp_partner_locations,
    bp_partners,
)


@functools.cache
def _projected_select(projection: PartnerProjection) -> Select[Any]:
    p = bp_partners
    columns: list[Any] = [p.c[name] for name in projection.columns]
    source: Any = p
    if projection.company is not None:
        company = bp_companies.alias("company")
        columns += [company.c[name] for name in projection.company]
        source = source.outerjoin(
            company, and_(company.c.id == p.c.company_id, company.c.account_id == p.c.account_id)
        )
    if projection.agent is not None:
        agent = bp_partners.alias("agent")
        columns += [agent.c[name] for name in projection.agent]
        source = source.outerjoin(
            agent, and_(agent.c.id == p.c.agent_id, agent.c.account_id == p.c.account_id)
        )
    return select(*(c.label(f"p{i}") for i, c in enumerate(columns))).select_from(source)


def _child_source(relation: str) -> tuple[Any, Any, list[Any], Any]:
    """(source, the table its columns come from, the owner column and order, tenant columns)."""
    if relation == "locations":
        links = bp_partner_locations.c
        source = bp_partner_locations.join(bp_locations, bp_locations.c.id == links.location_id)
        tenant = [links.account_id, bp_locations.c.account_id]
        return source, bp_locations, [links.partner_id, links.position], tenant
    table = {"contacts": bp_contacts, "methods": bp_contact_methods}[relation]
    owner = table.c.partner_id if relation == "contacts" else table.c.contact_id
    return table, table, [owner, table.c.id], [table.c.account_id]


@functools.cache
def _children_query(relation: str, columns: tuple[str, ...], pg: bool) -> Select[Any]:
    """On SQLite the tenant filter stays out of index selection (``SqlBase._tenant``): the
    owners' index is the selective one."""
    source, table, order, tenant = _child_source(relation)
    owner = order[0]
    selected = [owner.label("p0"), *(table.c[c].label(f"p{i + 1}") for i, c in enumerate(columns))]
    account: Any = bindparam("account_id")
    return (
        select(*selected)
        .select_from(source)
        .where(
            *((column if pg else column + 0) == account for column in tenant),
            owner.in_(bindparam("ids", expanding=True)),
        )
        .order_by(*order)
    )


class SqlPartnerReadModel(SqlBase):
    async def page(
        self,
        account_id: int,
        flt: PartnerFilter,
        after_id: int | None,
        limit: int,
        projection: PartnerProjection,
        *,
        backward: bool = False,
        after_tier: int = EXACT,
    ) -> list[tuple[int, tuple[Any, ...]]]:
        after = None if after_id is None else (after_tier, after_id)
        query = _projected_select(projection)
        return await partner_rows(self._conn, query, account_id, flt, after, limit, backward)

    async def children(
        self, account_id: int, relation: str, owner_ids: Sequence[int], columns: tuple[str, ...]
    ) -> list[tuple[Any, ...]]:
        if not owner_ids:
            return []
        result = await self._conn.execute(
            _children_query(relation, columns, self._pg),
            {"account_id": account_id, "ids": list(owner_ids)},
        )
        rows: list[tuple[Any, ...]] = list(result.all())  # one fetchall, not one per row
        return rows
