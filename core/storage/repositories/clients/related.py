"""Children of a page of clients, loaded in bulk: one statement per relation, each built once
per number of ids and bound per call."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.clients.model import (
    Address,
    AttributeValue,
    CatalogItem,
    CatalogKind,
    Client,
    ClientRelated,
    Contact,
    DynamicAttribute,
)
from core.storage import driver
from core.storage.driver import DriverQuery
from core.storage.repositories.clients.rows import ADDRESS_COLUMNS, CATALOGS, CONTACT_COLUMNS
from core.storage.tables.clients import addresses, attribute_values, contacts, dynamic_attributes

_ID_SLOTS = 100
"""Up to this many ids (a page: REST 50, GraphQL 100) bind one parameter each, in a statement
built once per count: an expanding IN re-renders its SQL at every execution."""


def _ids_in(column: Any, count: int) -> Any:
    if count > _ID_SLOTS:
        return column.in_(bindparam("ids", expanding=True))
    return column.in_([bindparam(f"id{n}") for n in range(count)])


def _bind(account_id: int, ids: Sequence[int]) -> dict[str, Any]:
    if len(ids) > _ID_SLOTS:
        return {"account_id": account_id, "ids": list(ids)}
    params: dict[str, Any] = {f"id{n}": value for n, value in enumerate(ids)}
    params["account_id"] = account_id
    return params


@functools.cache
def _contacts_of(count: int) -> DriverQuery:
    return DriverQuery(
        select(*CONTACT_COLUMNS)
        .where(
            contacts.c.account_id == bindparam("account_id"),
            _ids_in(contacts.c.client_id, count),
        )
        .order_by(contacts.c.client_id, contacts.c.id)
    )


@functools.cache
def _addresses_of(count: int) -> DriverQuery:
    return DriverQuery(
        select(*ADDRESS_COLUMNS)
        .where(
            addresses.c.account_id == bindparam("account_id"),
            _ids_in(addresses.c.client_id, count),
        )
        .order_by(addresses.c.client_id, addresses.c.id)
    )


@functools.cache
def _attributes_of(count: int) -> DriverQuery:
    return DriverQuery(
        select(
            attribute_values.c.client_id,
            attribute_values.c.value,
            dynamic_attributes.c.id,
            dynamic_attributes.c.name,
            dynamic_attributes.c.state,
        )
        .join(
            dynamic_attributes, dynamic_attributes.c.id == attribute_values.c.dynamic_attribute_id
        )
        .where(
            attribute_values.c.account_id == bindparam("account_id"),
            _ids_in(attribute_values.c.client_id, count),
        )
        .order_by(attribute_values.c.client_id, dynamic_attributes.c.id)
    )


async def attribute_values_of(
    conn: AsyncConnection, account_id: int, client_ids: Sequence[int]
) -> dict[int, list[AttributeValue]]:
    query = _attributes_of(min(len(client_ids), _ID_SLOTS + 1))
    rows = await driver.rows(conn, query, _bind(account_id, client_ids))
    out: dict[int, list[AttributeValue]] = defaultdict(list)
    definitions: dict[int, DynamicAttribute] = {}
    for client_id, value, attr_id, name, state in rows:
        definition = definitions.get(attr_id)
        if definition is None:
            definition = definitions[attr_id] = DynamicAttribute(attr_id, account_id, name, state)
        out[client_id].append(AttributeValue(client_id, definition, value))
    return out


_CATALOG_RELATIONS = (
    ("payment_type", CatalogKind.PAYMENT_TYPE, "payment_types", "payment_type_id"),
    ("price_list", CatalogKind.PRICE_LIST, "price_lists", "price_list_id"),
    ("sale_condition", CatalogKind.SALE_CONDITION, "sale_conditions", "sale_condition_id"),
)


async def load_related(
    conn: AsyncConnection, account_id: int, items: Sequence[Client], relations: Collection[str]
) -> ClientRelated:
    """The requested relations of ``items``: one statement each (catalogs included, for
    callers that did not join them into the page)."""
    ids = [c.id for c in items]
    result = ClientRelated()
    params = _bind(account_id, ids)
    count = min(len(ids), _ID_SLOTS + 1)
    if "contacts" in relations:
        rows = await driver.rows(conn, _contacts_of(count), params)
        for r in rows:  # columns in field order; client_id is the third
            result.contacts.setdefault(r[2], []).append(Contact(*r))
    if "addresses" in relations:
        rows = await driver.rows(conn, _addresses_of(count), params)
        for r in rows:
            result.addresses.setdefault(r[2], []).append(Address(*r))
    if "attributes" in relations:
        result.attributes.update(await attribute_values_of(conn, account_id, ids))
    for relation, kind, target, attr in _CATALOG_RELATIONS:
        if relation not in relations:
            continue
        wanted = {getattr(c, attr) for c in items} - {None}
        if wanted:
            table = CATALOGS[kind]
            found = await conn.execute(
                select(table).where(table.c.account_id == account_id, table.c.id.in_(wanted))
            )
            getattr(result, target).update({r.id: CatalogItem(*r) for r in found})
    return result
