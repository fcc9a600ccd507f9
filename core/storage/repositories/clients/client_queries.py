"""Prebuilt client list statements: one per *shape* (which filters are set, sort, catalogs
joined), bound per call. Building and cache-keying a statement costs more than running a
short indexed query."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    and_,
    bindparam,
    func,
    literal,
    select,
    tuple_,
)

from core.clients.model import (
    CatalogItem,
    CatalogKind,
    CatalogsById,
    Client,
    ClientFilter,
    ClientSortField,
)
from core.shared import normalise
from core.shared.search import OTHER, parse_search
from core.storage.driver import DriverQuery, Row
from core.storage.repositories.clients.rows import (
    CATALOG_FK,
    CATALOGS,
    CLIENT_COLUMNS,
    CLIENT_WIDTH,
)
from core.storage.repositories.search_sql import (
    like_escape,
    like_variant,
    search_condition,
    search_params,
    search_shape,
    starts_with,
    tier_conditions,
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


def rows_with_catalogs(
    rows: Sequence[Row], kinds: list[CatalogKind]
) -> tuple[list[Client], CatalogsById]:
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


# Text filters compare the folded key columns: case- and accent-insensitive on both databases.
_TEXT_FILTERS = {
    "first_name": (clients.c.first_name_key, normalise.text_key),
    "last_name": (clients.c.last_name_key, normalise.text_key),
    "email": (clients.c.email_key, normalise.email_key),
}
_EQUAL_FILTERS = ("code", "payment_type_id", "sale_condition_id", "state")
_EXACT_KEYS = {
    "s_tax": clients.c.tax_id_key,
    "s_email": clients.c.email_key,
    "s_phone": clients.c.phone_key,
}


def _like_pattern(value: str) -> str:
    """A substring pattern; ``/`` escapes the LIKE wildcards."""
    return f"%{like_escape(value)}%"


def filter_shape(flt: ClientFilter, dialect: str) -> tuple[str, ...]:
    """Which filters are set (the statement cache key). ``dialect`` picks the search SQL."""
    shape = [name for name in _EQUAL_FILTERS if getattr(flt, name) is not None]
    shape += [name for name in _TEXT_FILTERS if getattr(flt, name)]
    if flt.ids is not None:
        # One id (GET one): a plain equality, no expanding IN to render per execution.
        shape.append("id" if len(flt.ids) == 1 else "ids")
    query = parse_search(flt.search)
    if query is not None:
        shape.append(search_shape(dialect, query))
    return tuple(shape)


def filter_params(account_id: int, flt: ClientFilter, shape: tuple[str, ...]) -> dict[str, Any]:
    params: dict[str, Any] = {"f_account_id": account_id}
    for name in shape:
        if name.startswith("search/"):
            query = parse_search(flt.search)
            assert query is not None
            params.update(search_params(name, query))
            continue
        if name == "id":
            params["f_id"] = flt.ids[0]  # type: ignore[index]
            continue
        value = getattr(flt, name)
        if name in _TEXT_FILTERS:
            value = _like_pattern(_TEXT_FILTERS[name][1](value) or "")
        elif name == "ids":
            value = list(value)
        params[f"f_{name}"] = value
    return params


def keyset_params(
    account_id: int,
    flt: ClientFilter,
    after: tuple[object, int] | None,
    limit: int,
    dialect: str,
) -> tuple[tuple[str, ...], dict[str, Any]]:
    """The filter's shape and every parameter a ``keyset`` statement binds."""
    shape = filter_shape(flt, dialect)
    params = filter_params(account_id, flt, shape)
    params["f_limit"] = limit
    if after is not None:
        params["k_value"], params["k_id"] = after
    return shape, params


@functools.cache
def _conditions(shape: tuple[str, ...]) -> tuple[ColumnElement[bool], ...]:
    """The WHERE of a client list of this shape: the one filter builder of clients (pages,
    counts, and whoever plans queries over clients)."""
    # Merged clients leave every list and count.
    conds: list[ColumnElement[bool]] = [
        clients.c.account_id == bindparam("f_account_id"),
        clients.c.merged_into_id.is_(None),
    ]
    for name in shape:
        if name in _TEXT_FILTERS:
            conds.append(_TEXT_FILTERS[name][0].like(bindparam(f"f_{name}"), escape="/"))
        elif name.startswith("search/"):
            conds.append(search_condition(name, "clients_fts", clients.c.id, clients.c.search_text))
        elif name == "ids":
            conds.append(clients.c.id.in_(bindparam("f_ids", expanding=True)))
        elif name == "id":
            conds.append(clients.c.id == bindparam("f_id"))
        else:
            conds.append(clients.c[name] == bindparam(f"f_{name}"))
    return tuple(conds)


def _sort_column(sort: ClientSortField) -> ColumnElement[Any]:
    # Relevance without a search: every client ties (a search pages by tier_query).
    return literal(0) if sort is ClientSortField.RELEVANCE else SORT_COLUMNS[sort]


def is_search(shape: tuple[str, ...]) -> bool:
    return any(name.startswith("search/") for name in shape)


def search_keys(flt: ClientFilter) -> tuple[str, ...]:
    """The exact-match params a search has (a phone key needs 7 digits): part of the shape of
    a tier's statement, so that a missing key is left out rather than compared with NULL."""
    query = parse_search(flt.search)
    if query is None:
        return ()
    present = {"s_tax": query.tax_id, "s_email": query.email, "s_phone": query.phone}
    return tuple(param for param, value in present.items() if value is not None)


def _tier_conditions(tier: int, shape: tuple[str, ...], keys: tuple[str, ...]) -> list[Any]:
    """What puts a match in ``tier`` (``search_sql.tier_conditions``), bound as parameters."""
    sqlite = any(name.startswith("search/fts/") for name in shape)
    bounds: dict[str, BindParameter[Any]] = {
        name: bindparam(name) for name in ("s_name", "s_name_high", "s_name_prefix")
    }
    return tier_conditions(
        tier,
        [clients.c.name_key],
        [(_EXACT_KEYS[param], bindparam(param)) for param in keys],
        bounds["s_name"],
        lambda name: starts_with(name, sqlite, bounds),
    )


@functools.cache
def tier_query(
    kinds: tuple[CatalogKind, ...],
    shape: tuple[str, ...],
    keys: tuple[str, ...],
    tier: int,
    descending: bool,
    after: bool,
    window: bool = False,
) -> Select[Any]:
    """One relevance tier of a search, in id order (a page walks the tiers in turn).

    ``window``: only up to the id bound as ``w_end`` (from ``window_end_query``), walked in id
    order — PostgreSQL's first look at the other matches (see ``_other_matches``).

    Exact matches and name prefixes are found through the key indexes, then checked against
    the document with LIKE; the other matches stream from the search index in id order, so
    a page never ranks every match of a common word."""
    conds = _tier_conditions(tier, shape, keys)
    if tier != OTHER:
        shape = tuple(like_variant(n) if n.startswith("search/") else n for n in shape)
    conds += _conditions(shape)
    if after:
        last_id: BindParameter[int] = bindparam("k_id")
        conds.append(clients.c.id < last_id if descending else clients.c.id > last_id)
    # ``id + 0`` keeps the planners from walking the account in id order for the LIMIT: tiers
    # 0 and 1 are few rows found by key, and on PostgreSQL a walk for tier 2 is cheap for a
    # common word but reads all 1,000,000 clients when its matches sit in tiers 0 and 1 or
    # the estimate was wrong (3 s measured), so PostgreSQL reads the index's matches and
    # sorts them: cost bounded by the matches. SQLite's FTS5 hands rowids over in order.
    if window:
        end: BindParameter[int] = bindparam("w_end")
        conds.append(clients.c.id >= end if descending else clients.c.id <= end)
    streams = window or (tier == OTHER and any(n.startswith("search/fts/") for n in shape))
    key = clients.c.id if streams else clients.c.id + 0
    order = key.desc() if descending else key
    return page_select_for(kinds).where(*conds).order_by(order).limit(bindparam("f_limit"))


@functools.cache
def window_end_query(descending: bool, after: bool) -> Select[Any]:
    """The id ``f_window`` rows of the account further on from ``k_id`` (any client, in id
    order; an index-only walk of the primary key's account range): the end of a window."""
    conds = [clients.c.account_id == bindparam("f_account_id")]
    if after:
        last_id: BindParameter[int] = bindparam("k_id")
        conds.append(clients.c.id < last_id if descending else clients.c.id > last_id)
    order = clients.c.id.desc() if descending else clients.c.id
    return select(clients.c.id).where(*conds).order_by(order).offset(bindparam("f_window")).limit(1)


@functools.cache
def offset_query(kinds: tuple[CatalogKind, ...], shape: tuple[str, ...]) -> DriverQuery:
    return DriverQuery(
        page_select_for(kinds)
        .where(*_conditions(shape))
        .order_by(clients.c.id)
        .limit(bindparam("f_limit"))
        .offset(bindparam("f_offset"))
    )


@functools.cache
def count_query(shape: tuple[str, ...]) -> DriverQuery:
    """The count of a list of this shape; a search counts at most ``f_count_bound`` rows."""
    if not is_search(shape):
        return DriverQuery(select(func.count()).select_from(clients).where(*_conditions(shape)))
    bounded = select(clients.c.id).where(*_conditions(shape)).limit(bindparam("f_count_bound"))
    return DriverQuery(select(func.count()).select_from(bounded.subquery()))


@functools.cache
def keyset_query(
    kinds: tuple[CatalogKind, ...],
    shape: tuple[str, ...],
    sort: ClientSortField,
    descending: bool,
    after: bool,
) -> DriverQuery:
    return DriverQuery(keyset(page_select_for(kinds), shape, sort, descending, after))


def keyset(
    base: Select[Any], shape: tuple[str, ...], sort: ClientSortField, descending: bool, after: bool
) -> Select[Any]:
    """``base`` (a select from ``clients``) filtered by ``shape``, after the key bound as
    ``k_value``/``k_id``, in the sort's order, limited to ``f_limit``: the one keyset builder
    of entity pages and GraphQL's projected pages."""
    col = _sort_column(sort)
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
