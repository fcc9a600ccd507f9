"""Projected reads of clients for GraphQL's planner: only the selected columns, as rows.

Pages go through the same filter, sort and keyset builder as entity pages
(``client_queries.keyset``), so a filter added there applies to both. Each statement is built
once per shape (columns, catalogs joined, filters set, sort) and bound per call; columns are
labelled by position, so the same column asked twice still comes back twice.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.clients.model import ClientFilter, ClientSortField, Projection
from core.storage.repositories.clients.client_queries import keyset, keyset_params
from core.storage.repositories.clients.ledger_projections import LEDGER, ledger_query
from core.storage.repositories.clients.rows import CATALOG_FK, CATALOGS
from core.storage.tables.clients import addresses, attribute_values, clients, contacts
from core.storage.tables.clients import dynamic_attributes as definitions


@functools.cache
def _projected_select(projection: Projection) -> Select[Any]:
    columns: list[Any] = [clients.c[name] for name in projection.columns]
    source: Any = clients
    for kind, names in projection.catalogs:
        table = CATALOGS[kind].alias(f"cat_{kind.value}")
        columns += [table.c[name] for name in names]
        source = source.outerjoin(
            table, and_(table.c.id == CATALOG_FK[kind], table.c.account_id == clients.c.account_id)
        )
    labelled = [c.label(f"p{i}") for i, c in enumerate(columns)]
    return select(*labelled).select_from(source)


@functools.cache
def _page_query(
    projection: Projection,
    shape: tuple[str, ...],
    sort: ClientSortField,
    descending: bool,
    after: bool,
) -> Select[Any]:
    return keyset(_projected_select(projection), shape, sort, descending, after)


def _child_columns(relation: str) -> tuple[Any, dict[str, ColumnElement[Any]], list[Any]]:
    """(source, selectable columns by name, order) of a child relation."""
    if relation == "attributes":
        source = attribute_values.join(
            definitions, definitions.c.id == attribute_values.c.dynamic_attribute_id
        )
        named: dict[str, ColumnElement[Any]] = {
            "definition_id": definitions.c.id,
            "name": definitions.c.name,
            "value": attribute_values.c.value,
        }
        return source, named, [attribute_values.c.client_id, definitions.c.id]
    table = {"contacts": contacts, "addresses": addresses}[relation]
    columns: dict[str, ColumnElement[Any]] = {c.name: c for c in table.c}
    return table, columns, [table.c.client_id, table.c.id]


@functools.cache
def _children_query(relation: str, columns: tuple[str, ...]) -> Select[Any]:
    if relation in LEDGER:
        return ledger_query(relation, columns)
    source, named, order = _child_columns(relation)
    owner = order[0]
    owner_table = owner.table
    selected = [owner.label("p0"), *(named[c].label(f"p{i + 1}") for i, c in enumerate(columns))]
    return (
        select(*selected)
        .select_from(source)
        .where(
            owner_table.c.account_id == bindparam("account_id"),
            owner.in_(bindparam("ids", expanding=True)),
        )
        .order_by(*order)
    )


class SqlClientReadModel:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def page(
        self,
        account_id: int,
        flt: ClientFilter,
        sort: ClientSortField,
        descending: bool,
        after: tuple[object, int] | None,
        limit: int,
        projection: Projection,
    ) -> list[tuple[Any, ...]]:
        shape, params = keyset_params(account_id, flt, after, limit, self._conn.dialect.name)
        query = _page_query(projection, shape, sort, descending, after is not None)
        result = await self._conn.execute(query, params)
        rows: list[tuple[Any, ...]] = list(result.all())  # one fetchall, not one per row
        return rows

    async def children(
        self,
        account_id: int,
        relation: str,
        client_ids: Sequence[int],
        columns: tuple[str, ...],
        limit: int | None = None,
    ) -> list[tuple[Any, ...]]:
        query = _children_query(relation, columns)
        params: dict[str, Any] = {"account_id": account_id, "ids": list(client_ids)}
        if limit is not None:
            params["limit"] = limit
        result = await self._conn.execute(query, params)
        rows: list[tuple[Any, ...]] = list(result.all())  # one fetchall, not one per row
        return rows
