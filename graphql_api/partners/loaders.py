"""Per-request loading of what partners show: the account's catalogs (once per request) and
one DataLoader per relation, so a page of partners costs one query per relation selected,
never one per partner. Loaders live in the request's context under typed keys."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from typing import TypeVar

from strawberry.dataloader import DataLoader
from strawberry.types import Info

from core.accounts.model import Principal
from core.partners import model as m
from core.partners.service import PartnerService
from graphql_api.context import Context, LoaderKey, OnceKey

GqlInfo = Info[Context, None]
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

CATALOGS: OnceKey[m.Catalogs] = OnceKey("bp_catalogs")
METHODS: LoaderKey[int, list[m.ContactMethod] | None] = LoaderKey("bp_methods")
COMPANIES: LoaderKey[int, m.Company | None] = LoaderKey("bp_company")
LOCATIONS: LoaderKey[int, list[m.Location] | None] = LoaderKey("bp_locations")
CONTACTS: LoaderKey[int, list[m.PartnerContact] | None] = LoaderKey("bp_contacts")
PARTNERS: LoaderKey[int, m.Partner | None] = LoaderKey("bp_partner")
CLIENTS: LoaderKey[int, list[m.Partner] | None] = LoaderKey("bp_clients")


def partners(info: GqlInfo) -> PartnerService:
    return info.context.services.partners


def _loader(
    info: GqlInfo,
    key: LoaderKey[K, V | None],
    load: Callable[[Principal, list[K]], Awaitable[dict[K, V]]],
) -> DataLoader[K, V | None]:
    """This request's loader for ``key``; ``load(caller, keys)`` answers a dict keyed like
    ``keys`` (missing keys load as None)."""

    async def batch(keys: list[K]) -> list[V | None]:
        found = await load(await info.context.principal(), keys)
        return [found.get(k) for k in keys]

    return info.context.loader(key, batch)


async def catalogs(info: GqlInfo) -> m.Catalogs:
    async def fetch() -> m.Catalogs:
        return await partners(info).catalogs.get(await info.context.principal())

    return await info.context.once(CATALOGS, fetch)


def companies(info: GqlInfo) -> DataLoader[int, m.Company | None]:
    return _loader(info, COMPANIES, partners(info).companies.by_ids)


def locations(info: GqlInfo) -> DataLoader[int, list[m.Location] | None]:
    return _loader(info, LOCATIONS, partners(info).reads.locations_of)


def contacts(info: GqlInfo) -> DataLoader[int, list[m.PartnerContact] | None]:
    return _loader(info, CONTACTS, partners(info).reads.contacts_of)


def methods(info: GqlInfo) -> DataLoader[int, list[m.ContactMethod] | None]:
    return _loader(info, METHODS, partners(info).reads.methods_of)


def clients(info: GqlInfo) -> DataLoader[int, list[m.Partner] | None]:
    return _loader(info, CLIENTS, partners(info).reads.clients_of)


def partners_by_id(info: GqlInfo) -> DataLoader[int, m.Partner | None]:
    async def load(caller: Principal, ids: list[int]) -> dict[int, m.Partner]:
        return {p.id: p for p in await partners(info).reads.by_ids(caller, ids)}

    return _loader(info, PARTNERS, load)
