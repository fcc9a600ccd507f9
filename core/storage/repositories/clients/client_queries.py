"""Prebuilt client list statements: one per *shape* (which filters are set, sort, catalogs
joined), bound per call. Building and cache-keying a statement costs more than running a
short indexed query."""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import BindParameter, ColumnElement, Select, and_, bindparam, func, select, tuple_

from core.clients.model import (
    CatalogItem,
    CatalogKind,
    CatalogsById,
    Client,
    ClientFilter,
    ClientSortField,
)
from core.storage.repositories.clients.rows import (
    CATALOG_FK,
    CATALOGS,
    CLIENT_COLUMNS,
    CLIENT_WIDTH,
)
from core.storage.tables.clients import clients

SORT_COLUMNS = {
    ClientSortField.ID: clients.c.id,
    ClientSortField.CREATED_AT: clients.c.created_at,
    ClientSortField.UPDATED_AT: clients.c.updated_at,
    ClientSortField.CODE: clients.c.code,
}


@functools.cache
def page_select_for(kinds: tuple[CatalogKind, ...]) -> Select[Any]:
    """Clients with the linked rows of ``kinds`` LEFT JOINed in, one round trip."""
    columns: list[Any] = list(CLIENT_COLUMNS)
    source: Any = clients
    for kind in kinds:
        table = CATALOGS[kind].alias(f"cat_{kind.value}")
        columns += [
            table.c.name.label(f"{kind.value}__name"),
            table.c.state.label(f"{kind.value}__state"),
        ]
        source = source.outerjoin(
            table, and_(table.c.id == CATALOG_FK[kind], table.c.account_id == clients.c.account_id)
        )
    return select(*columns).select_from(source)


def rows_with_catalogs(result: Any, kinds: list[CatalogKind]) -> tuple[list[Client], CatalogsById]:
    rows = result.all()
    if not kinds:
        return [Client(*row) for row in rows], {}
    found: CatalogsById = {kind: {} for kind in kinds}
    out: list[Client] = []
    # The joined catalog columns follow the client's: (name, state) per kind, in order.
    offsets = [(kind, CATALOG_FK[kind].name, CLIENT_WIDTH + 2 * n) for n, kind in enumerate(kinds)]
    for row in rows:
        client = Client(*row[:CLIENT_WIDTH])
        out.append(client)
        for kind, fk, at in offsets:
            item_id = getattr(client, fk)
            if item_id is not None and row[at] is not None:
                found[kind][item_id] = CatalogItem(item_id, client.account_id, row[at], row[at + 1])
    return out, found


_TEXT_FILTERS = ("first_name", "last_name", "email")
_EQUAL_FILTERS = ("code", "payment_type_id", "sale_condition_id", "state")


def _like_pattern(value: str) -> str:
    """A case-insensitive substring pattern; ``/`` escapes the LIKE wildcards."""
    escaped = value.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return f"%{escaped}%"


def filter_shape(flt: ClientFilter) -> tuple[str, ...]:
    shape = [name for name in _EQUAL_FILTERS if getattr(flt, name) is not None]
    shape += [name for name in _TEXT_FILTERS if getattr(flt, name)]
    if flt.ids is not None:
        shape.append("ids")
    return tuple(shape)


def filter_params(account_id: int, flt: ClientFilter, shape: tuple[str, ...]) -> dict[str, Any]:
    params: dict[str, Any] = {"f_account_id": account_id}
    for name in shape:
        value = getattr(flt, name)
        if name in _TEXT_FILTERS:
            value = _like_pattern(value)
        elif name == "ids":
            value = list(value)
        params[f"f_{name}"] = value
    return params


def keyset_params(
    account_id: int, flt: ClientFilter, after: tuple[object, int] | None, limit: int
) -> tuple[tuple[str, ...], dict[str, Any]]:
    """The filter's shape and every parameter a ``keyset`` statement binds."""
    shape = filter_shape(flt)
    params = filter_params(account_id, flt, shape)
    params["f_limit"] = limit
    if after is not None:
        params["k_value"], params["k_id"] = after
    return shape, params


@functools.cache
def _conditions(shape: tuple[str, ...]) -> tuple[ColumnElement[bool], ...]:
    conds: list[ColumnElement[bool]] = [clients.c.account_id == bindparam("f_account_id")]
    for name in shape:
        if name in _TEXT_FILTERS:
            conds.append(clients.c[name].ilike(bindparam(f"f_{name}"), escape="/"))
        elif name == "ids":
            conds.append(clients.c.id.in_(bindparam("f_ids", expanding=True)))
        else:
            conds.append(clients.c[name] == bindparam(f"f_{name}"))
    return tuple(conds)


@functools.cache
def offset_query(kinds: tuple[CatalogKind, ...], shape: tuple[str, ...]) -> Select[Any]:
    return (
        page_select_for(kinds)
        .where(*_conditions(shape))
        .order_by(clients.c.id)
        .limit(bindparam("f_limit"))
        .offset(bindparam("f_offset"))
    )


@functools.cache
def count_query(shape: tuple[str, ...]) -> Select[Any]:
    return select(func.count()).select_from(clients).where(*_conditions(shape))


@functools.cache
def keyset_query(
    kinds: tuple[CatalogKind, ...],
    shape: tuple[str, ...],
    sort: ClientSortField,
    descending: bool,
    after: bool,
) -> Select[Any]:
    return keyset(page_select_for(kinds), shape, sort, descending, after)


def keyset(
    base: Select[Any], shape: tuple[str, ...], sort: ClientSortField, descending: bool, after: bool
) -> Select[Any]:
    """``base`` (a select from ``clients``) filtered by ``shape``, after the key bound as
    ``k_value``/``k_id``, in the sort's order, limited to ``f_limit``: the one keyset builder
    of entity pages and GraphQL's projected pages."""
    col = SORT_COLUMNS[sort]
    conds = list(_conditions(shape))
    if after:
        last_id: BindParameter[int] = bindparam("k_id")
        if sort is ClientSortField.ID:
            conds.append(clients.c.id < last_id if descending else clients.c.id > last_id)
        else:
            key = tuple_(col, clients.c.id)
            bound = tuple_(bindparam("k_value"), last_id)
            conds.append(key < bound if descending else key > bound)
    order = [col.desc(), clients.c.id.desc()] if descending else [col, clients.c.id]
    if sort is ClientSortField.ID:
        order = order[:1]
    return base.where(*conds).order_by(*order).limit(bindparam("f_limit"))
