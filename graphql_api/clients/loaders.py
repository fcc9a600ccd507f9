"""Per-request DataLoaders: clients by id and their relations (for single clients: ``node``,
``client``, ``clientByCode``, mutation payloads), and the argument-taking Client fields.

Loaders live in the request's context under typed keys and are created on first use, so
nothing is shared between requests. Aliased root fields (``a: client(id: ..) b: client(id: ..)``)
run concurrently and their loads are batched into one service call per relation.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from datetime import datetime
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader
from strawberry.types import Info

from core.clients import model as m
from core.shared.errors import InvalidInput
from graphql_api.clients import convert
from graphql_api.clients import types as t
from graphql_api.context import Context, LoaderKey

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
GqlInfo = Info[Context, None]
MAX_HISTORY = 100


CLIENTS_BY_ID: LoaderKey[int, m.Client | None] = LoaderKey("clients_by_id")
RELATIONS: dict[str, LoaderKey[m.Client, Any]] = {
    name: LoaderKey(f"relation:{name}")
    for name in (
        "contacts",
        "addresses",
        "attributes",
        "payment_type",
        "price_list",
        "sale_condition",
    )
}
POINTS_HISTORY: LoaderKey[tuple[int, int], Any] = LoaderKey("points_history")
DOCUMENTS: LoaderKey[int, Any] = LoaderKey("documents")
UNPAID_SUMMARY: LoaderKey[tuple[int, int | None], Any] = LoaderKey("unpaid_summary")


def clients_by_id(info: GqlInfo) -> DataLoader[int, m.Client | None]:
    async def load(ids: list[int]) -> list[m.Client | None]:
        caller = await info.context.principal()
        found = await info.context.services.clients.get_many(caller, ids)
        return [found.get(i) for i in ids]

    return info.context.loader(CLIENTS_BY_ID, load)


def _relation_value(relation: str, client: m.Client, related: m.ClientRelated) -> object:
    if relation == "contacts":
        return related.contacts.get(client.id, [])
    if relation == "addresses":
        return related.addresses.get(client.id, [])
    if relation == "attributes":
        return related.attributes.get(client.id, [])
    if relation == "payment_type":
        return related.payment_types.get(client.payment_type_id or 0)
    if relation == "price_list":
        return related.price_lists.get(client.price_list_id or 0)
    return related.sale_conditions.get(client.sale_condition_id or 0)


def relation(info: GqlInfo, name: str) -> DataLoader[m.Client, Any]:
    """Children of one relation for a batch of clients: one service call (one statement)."""

    async def load(clients: list[m.Client]) -> list[object]:
        caller = await info.context.principal()
        related = await info.context.services.clients.related(caller, clients, {name})
        return [_relation_value(name, c, related) for c in clients]

    return info.context.loader(RELATIONS[name], load, cache_key=lambda c: c.id)


async def _each(keys: list[K], fetch: Callable[[K], Awaitable[V]]) -> list[V | BaseException]:
    # The service has no bulk call for these (rarely listed) fields: one call per key,
    # run concurrently; a failure fails only its own key.
    return list(await asyncio.gather(*(fetch(k) for k in keys), return_exceptions=True))


def points_history(info: GqlInfo, client_id: int, first: int) -> Awaitable[list[t.PointsEntry]]:
    if first < 0 or first > MAX_HISTORY:
        raise InvalidInput.single("first", f"must be between 0 and {MAX_HISTORY}", "OUT_OF_RANGE")

    async def fetch(key: tuple[int, int]) -> list[t.PointsEntry]:
        caller = await info.context.principal()
        if key[1] == 0:
            return []
        entries = await info.context.services.clients.points_history(caller, key[0], key[1])
        return [convert.points_entry(e) for e in entries]

    async def load(keys: list[tuple[int, int]]) -> list[Any]:
        return await _each(keys, fetch)

    return info.context.loader(POINTS_HISTORY, load).load((client_id, first))


def documents(info: GqlInfo, client_id: int) -> Awaitable[list[t.Document]]:
    async def fetch(key: int) -> list[t.Document]:
        caller = await info.context.principal()
        docs = await info.context.services.clients.client_documents(caller, key)
        return [convert.document(d) for d in docs]

    async def load(keys: list[int]) -> list[Any]:
        return await _each(keys, fetch)

    return info.context.loader(DOCUMENTS, load).load(client_id)


def unpaid_summary(
    info: GqlInfo, client_id: int, comparison_date: datetime | None
) -> Awaitable[t.UnpaidSummary]:
    when = None if comparison_date is None else int(comparison_date.timestamp())

    async def fetch(key: tuple[int, int | None]) -> t.UnpaidSummary:
        caller = await info.context.principal()
        summary = await info.context.services.clients.unpaid_summary(
            caller, client_id=key[0], comparison_date=key[1]
        )
        return convert.unpaid_summary(summary)

    async def load(keys: list[tuple[int, int | None]]) -> list[Any]:
        return await _each(keys, fetch)

    return info.context.loader(UNPAID_SUMMARY, load).load((client_id, when))
