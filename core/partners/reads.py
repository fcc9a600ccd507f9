"""Reading partners: pages for the legacy lists, keyset pages and bulk lookups for GraphQL,
contacts, agents with their clients, the deletion history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from core.accounts.model import Principal
from core.partners import rules
from core.partners.catalogs import CatalogService
from core.partners.errors import DuplicateEntry, PartnerNotFound
from core.partners.model import (
    Catalogs,
    ContactMethod,
    DeletedPartner,
    Location,
    Partner,
    PartnerContact,
    PartnerFilter,
    PartnerProjection,
    PartnerRelated,
    ProjectedPartners,
)
from core.partners.ports import PartnerStorage, UowFactory
from core.shared.errors import InvalidInput
from core.shared.ids import as_id
from core.shared.pagination import KeysetPage, OffsetPage, keyset_page
from core.shared.search import parse_search


@dataclass
class PartnerView:
    """One partner with what the faces show about it."""

    partner: Partner
    related: PartnerRelated


@dataclass
class AgentClients:
    agent: Partner
    client_ids: list[int] = field(default_factory=list)


@dataclass
class ContactsPage:
    """A page of contacts with their partners, methods and the catalogs naming their types."""

    page: OffsetPage[PartnerContact]
    partners: dict[int, Partner]
    methods: dict[int, list[ContactMethod]]
    catalogs: Catalogs


async def find_one(store: PartnerStorage, account_id: int, ref: str) -> Partner:
    """The partner whose idRemote is ``ref``, else the one whose local id ``ref`` spells (ASCII
    digits only). An idRemote used in several companies is a conflict."""
    found = await store.partners.with_remote_id(account_id, ref)
    if not found:
        local = as_id(ref)
        found = await store.partners.by_ids(account_id, [local]) if local is not None else []
    if not found:
        raise PartnerNotFound(ref)
    if len(found) > 1:
        raise DuplicateEntry(
            f"Duplicate entry => several partners have idRemote {ref}; use the local id"
        )
    return found[0]


async def load_related(
    store: PartnerStorage, account_id: int, partners: Sequence[Partner], catalogs: Catalogs
) -> PartnerRelated:
    """Companies, locations, contacts and contact methods of ``partners``: four queries
    whatever their number."""
    out = PartnerRelated(catalogs=catalogs)
    if not partners:
        return out
    ids = [p.id for p in partners]
    out.companies = await store.companies.by_ids(account_id, {p.company_id for p in partners})
    out.locations = await store.locations.of_partners(account_id, ids)
    out.contacts = await store.contacts.of_partners(account_id, ids)
    out.methods = await store.contacts.methods_of(
        account_id, [c.id for cs in out.contacts.values() for c in cs]
    )
    return out


class PartnerReads:
    def __init__(self, uow: UowFactory, catalogs: CatalogService) -> None:
        self._uow = uow
        self._catalogs = catalogs

    async def page(
        self, caller: Principal, flt: PartnerFilter, page: int, page_size: int
    ) -> tuple[OffsetPage[Partner], PartnerRelated]:
        """An offset page with everything the legacy views show, in a fixed number of queries."""
        limit, offset = rules.check_page(page, page_size)
        parse_search(flt.search)  # refuses a search out of bounds
        account_id = caller.account_id
        await self._catalogs.ensure(account_id)
        async with self._uow(read_only=True) as uow:
            store = uow.partners
            items, total = await store.partners.page(account_id, flt, limit, offset)
            catalogs = await store.catalogs.catalogs(account_id)
            related = await load_related(store, account_id, items, catalogs)
        return OffsetPage(items=items, total=total, limit=limit, offset=offset), related

    async def keyset(
        self,
        caller: Principal,
        flt: PartnerFilter,
        *,
        first: int,
        after_id: int | None = None,
        backward: bool = False,
        after_tier: int = 0,
    ) -> KeysetPage[Partner]:
        """The ``first`` partners after ``after_id`` in id order; ``backward`` (Relay's
        ``last``/``before``): the ``first`` partners just before it, still in id order.
        With a search, in relevance order (``core/shared/search.py``) after the cursor's
        ``(after_tier, after_id)``."""
        rules.check_first(first, field="last" if backward else "first")
        parse_search(flt.search)
        async with self._uow(read_only=True) as uow:
            rows = await uow.partners.partners.keyset(
                caller.account_id,
                flt,
                after_id,
                first + 1,
                backward=backward,
                after_tier=after_tier,
            )
        items = rows[:first]
        if backward:
            items.reverse()
        return keyset_page(
            items, more=len(rows) > first, bounded=after_id is not None, backward=backward
        )

    async def projected_keyset(
        self,
        caller: Principal,
        flt: PartnerFilter,
        projection: PartnerProjection,
        *,
        first: int,
        after_id: int | None = None,
        backward: bool = False,
        after_tier: int = 0,
    ) -> ProjectedPartners:
        """``keyset``'s page as rows of the projected columns (GraphQL's planner), with the
        projection's child relations: one statement per relation level, one read transaction."""
        rules.check_first(first, field="last" if backward else "first")
        parse_search(flt.search)
        account_id = caller.account_id
        children = dict(projection.children)
        async with self._uow(read_only=True) as uow:
            reads = uow.partners.projections
            rows = await reads.page(
                account_id,
                flt,
                after_id,
                first + 1,
                projection,
                backward=backward,
                after_tier=after_tier,
            )
            items = rows[:first]
            if backward:
                items.reverse()
            page = keyset_page(
                items, more=len(rows) > first, bounded=after_id is not None, backward=backward
            )
            found = ProjectedPartners(
                [row for _, row in page.items],
                page.has_next,
                page.has_previous,
                tiers=[tier for tier, _ in page.items],
            )
            ids = [row[0] for row in found.rows]
            for relation in ("locations", "contacts"):
                if relation in children:
                    found.children[relation] = await reads.children(
                        account_id, relation, ids, children[relation]
                    )
            if "methods" in children:
                at = 1 + children["contacts"].index("id")  # after the owner's id
                contact_ids = [r[at] for r in found.children["contacts"]]
                found.children["methods"] = await reads.children(
                    account_id, "methods", contact_ids, children["methods"]
                )
        return found

    async def count(self, caller: Principal, flt: PartnerFilter) -> int:
        async with self._uow(read_only=True) as uow:
            return await uow.partners.partners.count(caller.account_id, flt)

    async def get(self, caller: Principal, ref: str) -> Partner:
        """By idRemote, else by local id (see ``find_one``)."""
        async with self._uow(read_only=True) as uow:
            return await find_one(uow.partners, caller.account_id, ref)

    async def by_remote_id(self, caller: Principal, remote_id: str) -> Partner | None:
        """The partner whose idRemote is ``remote_id``, or None; an idRemote used in several
        companies is a conflict."""
        async with self._uow(read_only=True) as uow:
            found = await uow.partners.partners.with_remote_id(caller.account_id, remote_id)
        if len(found) > 1:
            raise DuplicateEntry(
                f"Duplicate entry => several partners have idRemote {remote_id}; use the local id"
            )
        return found[0] if found else None

    async def by_ids(self, caller: Principal, ids: Sequence[int]) -> list[Partner]:
        async with self._uow(read_only=True) as uow:
            return await uow.partners.partners.by_ids(caller.account_id, ids)

    async def locations_of(
        self, caller: Principal, partner_ids: Sequence[int]
    ) -> dict[int, list[Location]]:
        async with self._uow(read_only=True) as uow:
            return await uow.partners.locations.of_partners(caller.account_id, partner_ids)

    async def contacts_of(
        self, caller: Principal, partner_ids: Sequence[int]
    ) -> dict[int, list[PartnerContact]]:
        async with self._uow(read_only=True) as uow:
            return await uow.partners.contacts.of_partners(caller.account_id, partner_ids)

    async def methods_of(
        self, caller: Principal, contact_ids: Sequence[int]
    ) -> dict[int, list[ContactMethod]]:
        async with self._uow(read_only=True) as uow:
            return await uow.partners.contacts.methods_of(caller.account_id, contact_ids)

    async def clients_of(
        self, caller: Principal, agent_ids: Sequence[int]
    ) -> dict[int, list[Partner]]:
        async with self._uow(read_only=True) as uow:
            return await uow.partners.partners.clients_of(caller.account_id, agent_ids)

    async def contacts_page(self, caller: Principal, page: int, page_size: int) -> ContactsPage:
        limit, offset = rules.check_page(page, page_size)
        account_id = caller.account_id
        await self._catalogs.ensure(account_id)
        async with self._uow(read_only=True) as uow:
            store = uow.partners
            contacts, total = await store.contacts.page(account_id, limit, offset)
            partners = await store.partners.by_ids(account_id, {c.partner_id for c in contacts})
            methods = await store.contacts.methods_of(account_id, [c.id for c in contacts])
            catalogs = await store.catalogs.catalogs(account_id)
        return ContactsPage(
            OffsetPage(items=contacts, total=total, limit=limit, offset=offset),
            {p.id: p for p in partners},
            methods,
            catalogs,
        )

    async def agents_with_clients(
        self, caller: Principal, page: int, page_size: int
    ) -> OffsetPage[AgentClients]:
        limit, offset = rules.check_page(page, page_size)
        async with self._uow(read_only=True) as uow:
            agents, clients, total = await uow.partners.partners.agents_with_clients(
                caller.account_id, limit, offset
            )
        items = [AgentClients(a, clients.get(a.id, [])) for a in agents]
        return OffsetPage(items=items, total=total, limit=limit, offset=offset)

    async def deletions(
        self, caller: Principal, page: int, page_size: int
    ) -> OffsetPage[DeletedPartner]:
        limit, offset = rules.check_page(page, page_size)
        return await self.deletions_from(caller, offset, limit)

    async def deletions_from(
        self, caller: Principal, offset: int, limit: int
    ) -> OffsetPage[DeletedPartner]:
        """Up to ``limit`` deleted partners from position ``offset``, most recent first."""
        rules.check_first(limit)
        if offset < 0:
            raise InvalidInput.single(
                "offset", "must be zero or a positive integer", "OUT_OF_RANGE"
            )
        async with self._uow(read_only=True) as uow:
            items, total = await uow.partners.deletions.page(caller.account_id, limit, offset)
        return OffsetPage(items=items, total=total, limit=limit, offset=offset)
