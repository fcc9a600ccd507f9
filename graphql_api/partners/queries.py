"""Root query fields of the partners context, and the ``node`` fetcher of BusinessPartner."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Annotated

import strawberry

from core.partners import geo, rules
from core.partners import model as m
from core.partners.errors import PartnerNotFound
from core.partners.search import partner_relevance
from core.shared.errors import InvalidInput
from core.shared.search import has_search, parse_search
from graphql_api.connections import Connection, connection, in_memory, slice_of
from graphql_api.partners import loaders
from graphql_api.partners.inputs import BusinessPartnerFilter, partner_filter
from graphql_api.partners.types import (
    PARTNER_TYPE,
    BusinessPartner,
    BusinessPartnerConnection,
    BusinessPartnerEdge,
    Company,
    Country,
    DeletedBusinessPartner,
    GqlInfo,
    PartnerContactType,
    PartnerJob,
    PartnerRole,
    PartnerStatus,
    base_url,
)
from graphql_api.relay import (
    Window,
    decode_search_cursor,
    encode_search_cursor,
    local_id,
    page_info,
    register_node,
    window,
)

CURSOR_KIND = "bp"
_AGENTS = m.PartnerFilter(role_kind=m.RoleKind.AGENT)


def _deprecated(replacement: str) -> str:
    return f"use {replacement} (a Relay connection with totalCount); kept for one release"


async def _companies(info: GqlInfo) -> list[m.Company]:
    caller = await info.context.principal()
    return list(await loaders.partners(info).companies.all(caller))


def partner_cursors(flt: m.PartnerFilter) -> Callable[[m.Partner], str]:
    """The cursor of a partner of a page: its id, or while searching (tier, id) in relevance
    order (``core/partners/search.py``)."""
    query = parse_search(flt.search)
    if query is None:
        return lambda p: encode_search_cursor(CURSOR_KIND, p.id, None)
    return lambda p: encode_search_cursor(CURSOR_KIND, p.id, partner_relevance(p, query))


async def partner_connection(
    info: GqlInfo, flt: m.PartnerFilter, want: Window
) -> BusinessPartnerConnection:
    caller = await info.context.principal()
    rules.check_first(want.size, field="last" if want.backward else "first")
    tier, bound = (0, None)
    if want.cursor is not None:
        searching = has_search(flt.search)
        tier, bound = decode_search_cursor(want.cursor, CURSOR_KIND, searching, want.field)
    page = await loaders.partners(info).reads.keyset(
        caller, flt, first=want.size, after_id=bound, backward=want.backward, after_tier=tier
    )
    cursor = partner_cursors(flt)
    edges = [
        BusinessPartnerEdge(cursor=cursor(p), node=BusinessPartner.from_entity(p))
        for p in page.items
    ]
    return BusinessPartnerConnection(
        edges=edges,
        page_info=page_info(
            [e.cursor for e in edges], has_next=page.has_next, has_previous=page.has_previous
        ),
        filter=flt,
    )


@strawberry.type
class PartnerQuery:
    @strawberry.field(
        description="Business partners, in id order, or by relevance when searching (Relay "
        "cursor pagination): `first`/`after` forward, or `last`/`before` backward (not both)."
    )
    async def business_partners(
        self,
        info: GqlInfo,
        first: int = 20,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: BusinessPartnerFilter | None = None,
        search: Annotated[
            str | None,
            strawberry.argument(
                description="Words a person would type, in any order: contact or commercial "
                "name, tin (separators optional), idRemote. Case- and accent-insensitive; "
                "each word matches the start of a word. At most 200 characters and 8 words. "
                "Same as `filter.search`. Results come by relevance: exact tin, idRemote, "
                "contact or commercial name; then names starting with the search; then the "
                "rest (ties by id). A cursor taken with a search pages only with a search."
            ),
        ] = None,
    ) -> BusinessPartnerConnection:
        flt = partner_filter(filter)
        if search is not None:
            if flt.search is not None and flt.search != search:
                raise InvalidInput.single("search", "give either search or filter.search")
            flt = replace(flt, search=search)
        return await partner_connection(info, flt, window(info, first, after, last, before))

    @strawberry.field(
        description="One partner by global id, or by idRemote (unique per "
        "company; an idRemote used in several companies is an error)."
    )
    async def business_partner(
        self, info: GqlInfo, id: strawberry.ID | None = None, id_remote: str | None = None
    ) -> BusinessPartner | None:
        caller = await info.context.principal()
        if (id is None) == (id_remote is None):
            raise InvalidInput.single("id", "give exactly one of id and idRemote")
        reads = loaders.partners(info).reads
        if id is not None:
            found = await reads.by_ids(caller, [local_id(str(id), PARTNER_TYPE)])
            return BusinessPartner.from_entity(found[0]) if found else None
        partner = await reads.by_remote_id(caller, str(id_remote))
        return BusinessPartner.from_entity(partner) if partner else None

    @strawberry.field(deprecation_reason=_deprecated("companiesConnection"))
    async def companies(self, info: GqlInfo) -> list[Company]:
        return [Company.from_entity(c) for c in await _companies(info)]

    @strawberry.field(description="The account's companies, in id order.")
    async def companies_connection(
        self, info: GqlInfo, first: int = 20, after: str | None = None
    ) -> Connection[Company]:
        where = slice_of("co", first, after, maximum=rules.MAX_PAGE_SIZE)
        return in_memory(where, await _companies(info), Company.from_entity)

    @strawberry.field(deprecation_reason=_deprecated("partnerRolesConnection"))
    async def partner_roles(self, info: GqlInfo) -> list[PartnerRole]:
        return [PartnerRole.from_entity(r) for r in (await loaders.catalogs(info)).roles]

    @strawberry.field(description="Partner roles (client, agent ...).")
    async def partner_roles_connection(
        self, info: GqlInfo, first: int = 20, after: str | None = None
    ) -> Connection[PartnerRole]:
        where = slice_of("pr", first, after, maximum=rules.MAX_PAGE_SIZE)
        return in_memory(where, (await loaders.catalogs(info)).roles, PartnerRole.from_entity)

    @strawberry.field(deprecation_reason=_deprecated("partnerStatusesConnection"))
    async def partner_statuses(self, info: GqlInfo) -> list[PartnerStatus]:
        return [PartnerStatus.from_entity(s) for s in (await loaders.catalogs(info)).statuses]

    @strawberry.field(description="Partner statuses of the account.")
    async def partner_statuses_connection(
        self, info: GqlInfo, first: int = 20, after: str | None = None
    ) -> Connection[PartnerStatus]:
        where = slice_of("ps", first, after, maximum=rules.MAX_PAGE_SIZE)
        statuses = (await loaders.catalogs(info)).statuses
        return in_memory(where, statuses, PartnerStatus.from_entity)

    @strawberry.field(deprecation_reason=_deprecated("contactTypesConnection"))
    async def contact_types(self, info: GqlInfo) -> list[PartnerContactType]:
        catalogs = await loaders.catalogs(info)
        return [PartnerContactType.from_entity(t) for t in catalogs.contact_types]

    @strawberry.field(description="Contact types (phone, email ...) of the account.")
    async def contact_types_connection(
        self, info: GqlInfo, first: int = 20, after: str | None = None
    ) -> Connection[PartnerContactType]:
        where = slice_of("ct", first, after, maximum=rules.MAX_PAGE_SIZE)
        types = (await loaders.catalogs(info)).contact_types
        return in_memory(where, types, PartnerContactType.from_entity)

    @strawberry.field(
        description="Countries (ISO 3166-1): a fixed list, the same for every account."
    )
    def countries(self) -> list[Country]:
        return [Country.from_entity(c) for c in geo.COUNTRIES]

    @strawberry.field(
        description="The first partners whose role is an agent, in id order, with their "
        "`clients`. Page through all of them with businessPartners(filter: {roleKind: AGENT}).",
        deprecation_reason=_deprecated("agentsConnection"),
    )
    async def agents(self, info: GqlInfo, first: int = 20) -> list[BusinessPartner]:
        caller = await info.context.principal()
        page = await loaders.partners(info).reads.keyset(caller, _AGENTS, first=first)
        return [BusinessPartner.from_entity(p) for p in page.items]

    @strawberry.field(
        description="Partners whose role is an agent, in id order, with their `clients`: "
        "`first`/`after` forward, or `last`/`before` backward (not both)."
    )
    async def agents_connection(
        self,
        info: GqlInfo,
        first: int = 20,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> BusinessPartnerConnection:
        return await partner_connection(info, _AGENTS, window(info, first, after, last, before))

    @strawberry.field(
        description="Deleted partners, most recent first.",
        deprecation_reason=_deprecated("deletedBusinessPartnersConnection"),
    )
    async def deleted_business_partners(
        self, info: GqlInfo, page: int = 1, page_size: int = 20
    ) -> list[DeletedBusinessPartner]:
        caller = await info.context.principal()
        result = await loaders.partners(info).reads.deletions(caller, page, page_size)
        return [DeletedBusinessPartner.from_entity(d) for d in result.items]

    @strawberry.field(description="Deleted partners, most recent first.")
    async def deleted_business_partners_connection(
        self, info: GqlInfo, first: int = 20, after: str | None = None
    ) -> Connection[DeletedBusinessPartner]:
        caller = await info.context.principal()
        where = slice_of("dp", first, after, maximum=rules.MAX_PAGE_SIZE)
        found = await loaders.partners(info).reads.deletions_from(caller, where.offset, where.limit)
        return connection(where, found.items, found.total, DeletedBusinessPartner.from_entity)

    @strawberry.field(description="A queued creation job (another tenant's reads as null).")
    async def partner_job(self, info: GqlInfo, id: strawberry.ID) -> PartnerJob | None:
        caller = await info.context.principal()
        msg = await loaders.partners(info).queue.find_message(caller, str(id))
        return PartnerJob.from_entity(msg, base_url(info)) if msg else None


async def _fetch_partner(info: GqlInfo, global_id: str) -> BusinessPartner:
    caller = await info.context.principal()
    found = await loaders.partners(info).reads.by_ids(caller, [local_id(global_id, PARTNER_TYPE)])
    if not found:
        raise PartnerNotFound(global_id)
    return BusinessPartner.from_entity(found[0])


register_node(PARTNER_TYPE, _fetch_partner)
