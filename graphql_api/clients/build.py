"""Building ``Client`` objects: the entity's fields plus the children loaded for it.

A page of clients is built from one ``ClientRelated`` (every relation loaded in bulk by the
service); a single client (``client``, ``node``, ``clientByCode``, mutation payloads) loads
the relations its selection asks for through the per-request loaders, so aliased root fields
are batched too.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Sequence
from typing import Any

from strawberry.types import Info
from strawberry.types.nodes import Selection

from core.clients import model as m
from core.clients.errors import ClientNotFound
from graphql_api.clients import convert, loaders, selection
from graphql_api.clients import types as t
from graphql_api.clients.client import Client
from graphql_api.clients.convert import STATES
from graphql_api.context import Context
from graphql_api.relay import to_global_id
from graphql_api.scalars import utc_datetime

GqlInfo = Info[Context, None]
_KINDS = {0: t.CompanyOrPerson.PERSON, 1: t.CompanyOrPerson.COMPANY}


class _Catalogs:
    """Builds each catalog object once per page: many clients share one payment type."""

    def __init__(self, related: m.ClientRelated) -> None:
        self.related = related
        self.payment_types: dict[int, t.PaymentType] = {}
        self.price_lists: dict[int, t.PriceList] = {}
        self.sale_conditions: dict[int, t.SaleCondition] = {}

    def payment_type(self, item_id: int | None) -> t.PaymentType | None:
        if item_id is None:
            return None
        found = self.payment_types.get(item_id)
        if found is None and (item := self.related.payment_types.get(item_id)) is not None:
            found = self.payment_types[item_id] = convert.payment_type(item)
        return found

    def price_list(self, item_id: int | None) -> t.PriceList | None:
        if item_id is None:
            return None
        found = self.price_lists.get(item_id)
        if found is None and (item := self.related.price_lists.get(item_id)) is not None:
            found = self.price_lists[item_id] = convert.price_list(item)
        return found

    def sale_condition(self, item_id: int | None) -> t.SaleCondition | None:
        if item_id is None:
            return None
        found = self.sale_conditions.get(item_id)
        if found is None and (item := self.related.sale_conditions.get(item_id)) is not None:
            found = self.sale_conditions[item_id] = convert.sale_condition(item)
        return found


def _flag(value: int | None) -> bool | None:
    return None if value is None else value == 1


def build_client(
    c: m.Client, related: m.ClientRelated, catalogs: _Catalogs | None = None
) -> Client:
    """A Client with the children present in ``related`` attached (empty when not loaded)."""
    catalogs = catalogs or _Catalogs(related)
    return Client(
        id=to_global_id("Client", c.id),
        database_id=c.id,
        first_name=c.first_name,
        last_name=c.last_name,
        email=c.email,
        code=c.code,
        code_valid=c.code_valid,
        phone=c.phone,
        company=c.company,
        note=c.note,
        facebook=c.facebook,
        twitter=c.twitter,
        has_credit=_flag(c.has_credit),
        max_credit=c.max_credit,
        state=STATES[c.state],
        activity=c.activity,
        city=c.city,
        district=c.district,
        municipality=c.district,
        address=c.address,
        company_or_person=_KINDS[c.company_or_person],
        accumulate_points=c.accumulate_points == 1,
        points=c.points,
        points_updated=utc_datetime(c.points_updated) if c.points_updated else None,
        send_dte=c.send_dte == 1,
        is_foreigner=_flag(c.is_foreigner),
        prestashop_client_id=c.prestashop_client_id,
        created_at=utc_datetime(c.created_at),
        updated_at=utc_datetime(c.updated_at),
        payment_type=catalogs.payment_type(c.payment_type_id),
        price_list=catalogs.price_list(c.price_list_id),
        sale_condition=catalogs.sale_condition(c.sale_condition_id),
        contacts=[convert.contact(x) for x in related.contacts.get(c.id, ())],
        addresses=[convert.address(x) for x in related.addresses.get(c.id, ())],
        attributes=[convert.attribute(x) for x in related.attributes.get(c.id, ())],
    )


def build_clients(items: Sequence[m.Client], related: m.ClientRelated) -> list[Client]:
    catalogs = _Catalogs(related)
    return [build_client(c, related, catalogs) for c in items]


def _merge(related: m.ClientRelated, client: m.Client, name: str, value: Any) -> None:
    if name in ("contacts", "addresses", "attributes"):
        getattr(related, name)[client.id] = value
    elif value is not None:
        {
            "payment_type": related.payment_types,
            "price_list": related.price_lists,
            "sale_condition": related.sale_conditions,
        }[name][value.id] = value


async def build_one(info: GqlInfo, client: m.Client, selections: Iterable[Selection]) -> Client:
    """A single Client with the relations its selection asks for, loaded through loaders."""
    names = sorted(selection.client_relations(selections))
    values = await asyncio.gather(*(loaders.relation(info, n).load(client) for n in names))
    related = m.ClientRelated()
    for name, value in zip(names, values, strict=True):
        _merge(related, client, name, value)
    return build_client(client, related)


async def client_by_id(info: GqlInfo, client_id: int, selections: Iterable[Selection]) -> Client:
    entity = await loaders.clients_by_id(info).load(client_id)
    if entity is None:
        raise ClientNotFound(client_id)
    return await build_one(info, entity, selections)
