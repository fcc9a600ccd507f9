"""Root query fields of the clients context."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from enum import Enum
from typing import Annotated, TypeVar

import strawberry
from strawberry.types import Info
from strawberry.types.nodes import SelectedField

from core.clients import model as m
from core.clients import rules
from core.shared.errors import FieldError, InvalidInput, NotFound
from core.shared.pagination import OffsetPage
from core.shared.search import SearchQuery, parse_search
from graphql_api.clients import build, convert, selection
from graphql_api.clients import types as t
from graphql_api.clients.client import Client, ClientConnection, ClientEdge
from graphql_api.clients.cursors import decode_cursor, encode_cursor
from graphql_api.connections import Connection, Slice, connection, slice_of
from graphql_api.context import Context
from graphql_api.relay import (
    Node,
    NodeFetcher,
    PageInfo,
    Window,
    fetch_node,
    local_id,
    register_node,
    window,
)
from graphql_api.scalars import RecordState

GqlInfo = Info[Context, None]
T = TypeVar("T")


@strawberry.enum(description="Orders a client list can be sorted by (ties broken by id).")
class ClientSortField(Enum):
    ID = "id"
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"
    CODE = "code"
    RELEVANCE = strawberry.enum_value(
        "relevance",
        description="Best `search` matches first: exact tax id, e-mail, phone or full name; "
        "then names starting with the search; then the rest (ties by id). The default "
        "when `search` is given.",
    )


@strawberry.enum
class SortDirection(Enum):
    ASC = "asc"
    DESC = "desc"


@strawberry.input(description="Order of a client list. Cursors only work with the same order.")
class ClientSortInput:
    field: ClientSortField = ClientSortField.ID
    direction: SortDirection = SortDirection.ASC


@strawberry.input(
    description="Filters, combined with AND. Text filters are case- and accent-insensitive "
    "substrings; "
    "`code` matches the normalised tax id exactly."
)
class ClientFilterInput:
    code: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    payment_type_id: strawberry.ID | None = None
    sale_condition_id: strawberry.ID | None = None
    state: RecordState | None = None


def to_filter(flt: ClientFilterInput | None) -> m.ClientFilter:
    if flt is None:
        return m.ClientFilter()
    return m.ClientFilter(
        code=flt.code,
        first_name=flt.first_name,
        last_name=flt.last_name,
        email=flt.email,
        payment_type_id=(
            local_id(flt.payment_type_id, "PaymentType", "filter.payment_type_id")
            if flt.payment_type_id is not None
            else None
        ),
        sale_condition_id=(
            local_id(flt.sale_condition_id, "SaleCondition", "filter.sale_condition_id")
            if flt.sale_condition_id is not None
            else None
        ),
        state=None if flt.state is None else flt.state.value,
    )


def _sort_of(sort: ClientSortInput | None, search: SearchQuery | None) -> ClientSortInput:
    if sort is not None:
        return sort
    return ClientSortInput(field=ClientSortField.RELEVANCE if search else ClientSortField.ID)


async def _clients_page(
    info: GqlInfo,
    want: Window,
    flt: ClientFilterInput | None,
    sort: ClientSortInput | None,
    search: str | None,
) -> ClientConnection:
    caller = await info.context.principal()
    domain_filter = replace(to_filter(flt), search=search)
    query = parse_search(search)
    sort = _sort_of(sort, query)
    sort_field = m.ClientSortField(sort.field.value)
    descending = sort.direction is SortDirection.DESC
    key = (
        None
        if want.cursor is None
        else decode_cursor(want.cursor, sort_field, descending, want.field)
    )
    field = info.selected_fields[0]
    assert isinstance(field, SelectedField)  # the field being resolved
    page, related = await info.context.services.clients.page(
        caller,
        domain_filter,
        sort_field,
        descending,
        key,
        want.size,
        selection.connection_relations(field),
        backward=want.backward,
    )
    nodes = build.build_clients(page.items, related)
    with_cursors = selection.selects(field, "edges")
    edges = [
        ClientEdge(
            cursor=encode_cursor(c, sort_field, descending, query) if with_cursors else "",
            node=node,
        )
        for c, node in zip(page.items, nodes, strict=True)
    ]
    items = page.items
    return ClientConnection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next,
            has_previous_page=page.has_previous,
            start_cursor=encode_cursor(items[0], sort_field, descending, query) if items else None,
            end_cursor=encode_cursor(items[-1], sort_field, descending, query) if items else None,
        ),
        filter=domain_filter,
    )


async def _catalog(
    info: GqlInfo, kind: m.CatalogKind, first: int, offset: int
) -> list[m.CatalogItem]:
    caller = await info.context.principal()
    page = await _renaming_limit(
        info.context.services.clients.list_catalog(caller, kind, first, offset)
    )
    return list(page.items)


async def _catalog_page(
    info: GqlInfo, kind: m.CatalogKind, where: Slice
) -> OffsetPage[m.CatalogItem]:
    caller = await info.context.principal()
    return await info.context.services.clients.list_catalog(caller, kind, where.limit, where.offset)


def _deprecated(replacement: str) -> str:
    return f"use {replacement} (a Relay connection with totalCount); kept for one release"


async def _renaming_limit(call: Awaitable[T]) -> T:
    """The service names the page size ``limit``; this API calls it ``first``."""
    try:
        return await call
    except InvalidInput as exc:
        raise InvalidInput(
            [
                FieldError("first" if e.field == "limit" else e.field, e.message, e.code)
                for e in exc.errors
            ]
        ) from None


@strawberry.type
class ClientQuery:
    @strawberry.field(
        description="Clients of the calling account, as a Relay connection: `first`/`after` "
        "forward, or `last`/`before` backward (not both)."
    )
    async def clients(
        self,
        info: GqlInfo,
        first: int = 25,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: ClientFilterInput | None = None,
        sort: ClientSortInput | None = None,
        search: Annotated[
            str | None,
            strawberry.argument(
                description="Words a person would type, in any order: names, company, "
                "e-mail, phone digits, tax id (separators optional). Case- and "
                "accent-insensitive; each word matches the start of a word. At most 200 "
                "characters and 8 words. Results come by relevance unless `sort` is given."
            ),
        ] = None,
    ) -> ClientConnection:
        return await _clients_page(
            info, window(info, first, after, last, before), filter, sort, search
        )

    @strawberry.field(description="Any object by global id; null when it does not exist.")
    async def node(self, info: GqlInfo, id: strawberry.ID) -> Node | None:
        try:
            return await fetch_node(info, id)
        except NotFound:
            return None

    @strawberry.field(description="A client by global id; null when it does not exist.")
    async def client(self, info: GqlInfo, id: strawberry.ID) -> Client | None:
        await info.context.principal()
        client_id = local_id(id, "Client")
        try:
            return await build.client_by_id(info, client_id, info.selected_fields[0].selections)
        except NotFound:
            return None

    @strawberry.field(description="The first client with this tax id; null when none.")
    async def client_by_code(self, info: GqlInfo, code: str) -> Client | None:
        caller = await info.context.principal()
        try:
            entity = await info.context.services.clients.get_by_code(caller, code)
        except NotFound:
            return None
        return await build.build_one(info, entity, info.selected_fields[0].selections)

    @strawberry.field(
        description="Payment types of the account (at most 50 per call).",
        deprecation_reason=_deprecated("paymentTypesConnection"),
    )
    async def payment_types(
        self, info: GqlInfo, first: int = rules.MAX_LIMIT, offset: int = 0
    ) -> list[t.PaymentType]:
        items = await _catalog(info, m.CatalogKind.PAYMENT_TYPE, first, offset)
        return [convert.payment_type(i) for i in items]

    @strawberry.field(description="Payment types of the account (at most 50 per page).")
    async def payment_types_connection(
        self, info: GqlInfo, first: int = rules.MAX_LIMIT, after: str | None = None
    ) -> Connection[t.PaymentType]:
        where = slice_of("pt", first, after, maximum=rules.MAX_LIMIT)
        page = await _catalog_page(info, m.CatalogKind.PAYMENT_TYPE, where)
        return connection(where, page.items, page.total, convert.payment_type)

    @strawberry.field(
        description="Price lists of the account (at most 50 per call).",
        deprecation_reason=_deprecated("priceListsConnection"),
    )
    async def price_lists(
        self, info: GqlInfo, first: int = rules.MAX_LIMIT, offset: int = 0
    ) -> list[t.PriceList]:
        items = await _catalog(info, m.CatalogKind.PRICE_LIST, first, offset)
        return [convert.price_list(i) for i in items]

    @strawberry.field(description="Price lists of the account (at most 50 per page).")
    async def price_lists_connection(
        self, info: GqlInfo, first: int = rules.MAX_LIMIT, after: str | None = None
    ) -> Connection[t.PriceList]:
        where = slice_of("pl", first, after, maximum=rules.MAX_LIMIT)
        page = await _catalog_page(info, m.CatalogKind.PRICE_LIST, where)
        return connection(where, page.items, page.total, convert.price_list)

    @strawberry.field(
        description="Sale conditions of the account (at most 50 per call).",
        deprecation_reason=_deprecated("saleConditionsConnection"),
    )
    async def sale_conditions(
        self, info: GqlInfo, first: int = rules.MAX_LIMIT, offset: int = 0
    ) -> list[t.SaleCondition]:
        items = await _catalog(info, m.CatalogKind.SALE_CONDITION, first, offset)
        return [convert.sale_condition(i) for i in items]

    @strawberry.field(description="Sale conditions of the account (at most 50 per page).")
    async def sale_conditions_connection(
        self, info: GqlInfo, first: int = rules.MAX_LIMIT, after: str | None = None
    ) -> Connection[t.SaleCondition]:
        where = slice_of("sc", first, after, maximum=rules.MAX_LIMIT)
        page = await _catalog_page(info, m.CatalogKind.SALE_CONDITION, where)
        return connection(where, page.items, page.total, convert.sale_condition)

    @strawberry.field(
        description="Definitions of additional client attributes (at most 50).",
        deprecation_reason=_deprecated("dynamicAttributesConnection"),
    )
    async def dynamic_attributes(
        self, info: GqlInfo, first: int = rules.MAX_LIMIT, offset: int = 0
    ) -> list[t.DynamicAttribute]:
        caller = await info.context.principal()
        page = await _renaming_limit(
            info.context.services.clients.list_attribute_definitions(caller, first, offset)
        )
        return [convert.dynamic_attribute(i) for i in page.items]

    @strawberry.field(
        description="Definitions of additional client attributes (at most 50 per page)."
    )
    async def dynamic_attributes_connection(
        self, info: GqlInfo, first: int = rules.MAX_LIMIT, after: str | None = None
    ) -> Connection[t.DynamicAttribute]:
        caller = await info.context.principal()
        where = slice_of("da", first, after, maximum=rules.MAX_LIMIT)
        page = await info.context.services.clients.list_attribute_definitions(
            caller, where.limit, where.offset
        )
        return connection(where, page.items, page.total, convert.dynamic_attribute)


# -- node(id:) fetchers ---------------------------------------------------------------------------


async def _client_node(info: GqlInfo, global_id: str) -> Client:
    await info.context.principal()
    return await build.client_by_id(
        info, local_id(global_id, "Client"), info.selected_fields[0].selections
    )


def _catalog_node(
    kind: m.CatalogKind, type_name: str, build: Callable[[m.CatalogItem], Node]
) -> NodeFetcher:
    async def fetch(info: GqlInfo, global_id: str) -> Node:
        caller = await info.context.principal()
        item = await info.context.services.clients.get_catalog_item(
            caller, kind, local_id(global_id, type_name)
        )
        return build(item)

    return fetch


async def _attribute_node(info: GqlInfo, global_id: str) -> t.DynamicAttribute:
    caller = await info.context.principal()
    item = await info.context.services.clients.get_attribute_definition(
        caller, local_id(global_id, "DynamicAttribute")
    )
    return convert.dynamic_attribute(item)


async def _document_node(info: GqlInfo, global_id: str) -> t.Document:
    caller = await info.context.principal()
    doc = await info.context.services.clients.get_document(caller, local_id(global_id, "Document"))
    return convert.document(doc)


register_node("Client", _client_node)
register_node(
    "PaymentType", _catalog_node(m.CatalogKind.PAYMENT_TYPE, "PaymentType", convert.payment_type)
)
register_node("PriceList", _catalog_node(m.CatalogKind.PRICE_LIST, "PriceList", convert.price_list))
register_node(
    "SaleCondition",
    _catalog_node(m.CatalogKind.SALE_CONDITION, "SaleCondition", convert.sale_condition),
)
register_node("DynamicAttribute", _attribute_node)
register_node("Document", _document_node)
