"""Per-request DataLoaders: clients by id and their relations (for single clients: ``node``,
``client``, ``clientByCode``, mutation payloads), and the argument-taking Client fields.

Loaders live in the request's context under typed keys and are created on first use, so
nothing is shared between requests. Aliased root fields (``a: client(id: ..) b: client(id: ..)``)
run concurrently and their loads are batched into one service call per relation; the
argument-taking fields of a page of clients (documents, pointsHistory, unpaidSummary) load
with one bulk service call for the whole page.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from datetime import datetime
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader
from strawberry.types import Info

from core.clients import model as m
from core.clients import rules
from core.clients.errors import ClientNotFound
from core.shared.pagination import check_first
from graphql_api.clients import convert
from graphql_api.clients import types as t
from graphql_api.context import Context, LoaderKey

G = TypeVar("G", bound=Hashable)
V = TypeVar("V")
GqlInfo = Info[Context, None]


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
DOCUMENTS: LoaderKey[tuple[int, None], Any] = LoaderKey("documents")
UNPAID_SUMMARY: LoaderKey[tuple[int, int | None], Any] = LoaderKey("unpaid_summary")
POSSIBLE_DUPLICATES: LoaderKey[int, list[m.DuplicateCandidate]] = LoaderKey("possible_duplicates")


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


async def _by_group(
    keys: list[tuple[int, G]],
    fetch: Callable[[list[int], G], Awaitable[dict[int, V]]],
    missing: Callable[[int], V | BaseException],
) -> list[V | BaseException]:
    """Keys ``(client id, argument)``: one bulk call per distinct argument (a page selects
    the field with one argument, so one call in all). A failed call fails its own keys."""
    groups: dict[G, list[int]] = {}
    for client_id, arg in keys:
        groups.setdefault(arg, []).append(client_id)
    found: dict[G, dict[int, V] | BaseException] = {}
    for arg, ids in groups.items():
        try:
            found[arg] = await fetch(ids, arg)
        except Exception as exc:  # handed to each key of the group, as DataLoader expects
            found[arg] = exc
    out: list[V | BaseException] = []
    for client_id, arg in keys:
        values = found[arg]
        if isinstance(values, BaseException):
            out.append(values)
        else:
            out.append(values[client_id] if client_id in values else missing(client_id))
    return out


def points_history(info: GqlInfo, client_id: int, first: int) -> Awaitable[list[t.PointsEntry]]:
    check_first(first, maximum=rules.MAX_HISTORY)

    async def fetch(ids: list[int], first: int) -> dict[int, list[t.PointsEntry]]:
        caller = await info.context.principal()
        found = await info.context.services.clients.points_histories(caller, ids, first)
        return {cid: [convert.points_entry(e) for e in entries] for cid, entries in found.items()}

    async def load(keys: list[tuple[int, int]]) -> list[Any]:
        return await _by_group(keys, fetch, lambda _: [])

    return info.context.loader(POINTS_HISTORY, load).load((client_id, first))


def documents(info: GqlInfo, client_id: int) -> Awaitable[list[t.Document]]:
    async def fetch(ids: list[int], _: None) -> dict[int, list[t.Document]]:
        caller = await info.context.principal()
        found = await info.context.services.clients.documents_of(caller, ids)
        return {cid: [convert.document(d) for d in docs] for cid, docs in found.items()}

    async def load(keys: list[tuple[int, None]]) -> list[Any]:
        return await _by_group(keys, fetch, lambda _: [])

    return info.context.loader(DOCUMENTS, load).load((client_id, None))


def unpaid_summary(
    info: GqlInfo, client_id: int, comparison_date: datetime | None
) -> Awaitable[t.UnpaidSummary]:
    when = comparison_seconds(comparison_date)

    async def fetch(ids: list[int], when: int | None) -> dict[int, t.UnpaidSummary]:
        caller = await info.context.principal()
        found = await info.context.services.clients.unpaid_summaries(caller, ids, when)
        return {cid: convert.unpaid_summary(s) for cid, s in found.items()}

    async def load(keys: list[tuple[int, int | None]]) -> list[Any]:
        return await _by_group(keys, fetch, ClientNotFound)

    return info.context.loader(UNPAID_SUMMARY, load).load((client_id, when))


def comparison_seconds(comparison_date: datetime | None) -> int | None:
    """``unpaidSummary``'s ``comparisonDate`` as the core takes it (None: now)."""
    return None if comparison_date is None else int(comparison_date.timestamp())


def possible_duplicates(info: GqlInfo, client_id: int) -> Awaitable[list[m.DuplicateCandidate]]:
    """Duplicate candidates of a page of clients: one service call (two statements)."""

    async def load(ids: list[int]) -> list[list[m.DuplicateCandidate]]:
        caller = await info.context.principal()
        found = await info.context.services.clients.possible_duplicates(caller, ids)
        return [found.get(i, []) for i in ids]

    return info.context.loader(POSSIBLE_DUPLICATES, load).load(client_id)
