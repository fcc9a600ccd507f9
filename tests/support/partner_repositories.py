"""In-memory fakes of the partners context's repositories (the message log and queue port:
``partner_queue_fakes.py``).

Each subclasses its Protocol, so mypy checks it against the port. They share one
:class:`PartnerTables`; uniqueness mirrors the tables' constraints (idRemote per account for
catalogs, companies and locations; per company for partners).
"""

from __future__ import annotations

import copy
import itertools
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

from core.partners import ports
from core.partners.errors import DuplicateEntry
from core.partners.model import (
    CatalogItem,
    CatalogKind,
    Catalogs,
    Company,
    ContactMethod,
    ContactType,
    DeletedPartner,
    DocumentKind,
    Location,
    Partner,
    PartnerContact,
    PartnerFilter,
    PartnerProjection,
    PartnerStatus,
    QueueMessage,
    Role,
    RoleKind,
)
from core.partners.ports import Row
from core.partners.search import partner_relevance, partner_search_text
from core.shared.search import matches, parse_search

# -- the tables --------------------------------------------------------------------------------


@dataclass
class PartnerTables:
    """Every partners row of every tenant, in memory."""

    catalogs: dict[CatalogKind, list[CatalogItem]] = field(
        default_factory=lambda: {kind: [] for kind in CatalogKind}
    )
    companies: dict[int, Company] = field(default_factory=dict)
    partners: dict[int, Partner] = field(default_factory=dict)
    locations: dict[int, Location] = field(default_factory=dict)
    links: list[tuple[int, int, int, int]] = field(default_factory=list)
    """(account, partner, location, position)"""
    contacts: dict[int, PartnerContact] = field(default_factory=dict)
    methods: dict[int, ContactMethod] = field(default_factory=dict)
    documents: dict[int, tuple[int, int, DocumentKind, str]] = field(default_factory=dict)
    deletions: dict[int, DeletedPartner] = field(default_factory=dict)
    messages: dict[int, QueueMessage] = field(default_factory=dict)
    ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def next_id(self) -> int:
        return next(self.ids)

    def __deepcopy__(self, memo: dict[int, Any]) -> PartnerTables:
        copied = PartnerTables(
            **{
                f.name: copy.deepcopy(getattr(self, f.name), memo)
                for f in fields(self)
                if f.name != "ids"
            }
        )
        copied.ids = self.ids  # ids are never reused, even after a rollback
        return copied


def _new(cls: type[Any], tables: PartnerTables, values: Row, **extra: Any) -> Any:
    names = {f.name for f in fields(cls)}
    return cls(id=tables.next_id(), **{k: v for k, v in {**values, **extra}.items() if k in names})


class _Fake:
    def __init__(self, tables: PartnerTables) -> None:
        self.t = tables


# -- repositories ------------------------------------------------------------------------------


class FakeCatalogRepository(_Fake, ports.CatalogRepository):
    _TYPES: dict[CatalogKind, type[Any]] = {
        CatalogKind.ROLE: Role,
        CatalogKind.STATUS: PartnerStatus,
        CatalogKind.CONTACT_TYPE: ContactType,
    }

    def _of(self, account_id: int, kind: CatalogKind) -> list[CatalogItem]:
        return [i for i in self.t.catalogs[kind] if i.account_id == account_id]

    async def catalogs(self, account_id: int) -> Catalogs:
        return Catalogs(
            roles=[i for i in self._of(account_id, CatalogKind.ROLE) if isinstance(i, Role)],
            statuses=[
                i for i in self._of(account_id, CatalogKind.STATUS) if isinstance(i, PartnerStatus)
            ],
            contact_types=[
                i
                for i in self._of(account_id, CatalogKind.CONTACT_TYPE)
                if isinstance(i, ContactType)
            ],
        )

    async def seed(self, account_id: int, kind: CatalogKind, rows: Sequence[Row]) -> None:
        taken = {i.id_remote for i in self._of(account_id, kind)}
        for row in rows:
            if row["id_remote"] not in taken:
                await self.add(account_id, kind, row)

    async def add(self, account_id: int, kind: CatalogKind, values: Row) -> CatalogItem:
        if any(i.id_remote == values.get("id_remote") for i in self._of(account_id, kind)):
            raise DuplicateEntry(f"idRemote {values.get('id_remote')!r} already exists")
        extra = {"kind": RoleKind(str(values["kind"]))} if kind is CatalogKind.ROLE else {}
        item: CatalogItem = _new(self._TYPES[kind], self.t, values, account_id=account_id, **extra)
        self.t.catalogs[kind].append(item)
        return item

    async def update(
        self, account_id: int, kind: CatalogKind, item_id: int, values: Row
    ) -> CatalogItem | None:
        assert values, "an empty UPDATE is a syntax error in SQL"
        items = self.t.catalogs[kind]
        for n, item in enumerate(items):
            if item.account_id == account_id and item.id == item_id:
                clash = values.get("id_remote")
                if any(o.id_remote == clash and o is not item for o in self._of(account_id, kind)):
                    raise DuplicateEntry(f"idRemote {clash!r} already exists")
                items[n] = replace(item, **values)  # type: ignore[arg-type]
                return items[n]
        return None


class FakeCompanyRepository(_Fake, ports.CompanyRepository):
    def _check_unique(self, account_id: int, values: Row, company_id: int = 0) -> None:
        remote = values.get("id_remote")
        if any(
            c.account_id == account_id and c.id_remote == remote and c.id != company_id
            for c in self.t.companies.values()
        ):
            raise DuplicateEntry(f"a company with idRemote {remote!r} already exists")

    async def add(self, account_id: int, values: Row, now: int) -> Company:
        self._check_unique(account_id, values)
        company: Company = _new(
            Company, self.t, values, account_id=account_id, created_at=now, updated_at=now
        )
        self.t.companies[company.id] = company
        return company

    async def update(
        self, account_id: int, company_id: int, values: Row, now: int
    ) -> Company | None:
        found = self.t.companies.get(company_id)
        if found is None or found.account_id != account_id:
            return None
        self._check_unique(account_id, values, company_id)
        updated = replace(found, **values, updated_at=now)  # type: ignore[arg-type]
        self.t.companies[company_id] = updated
        return updated

    async def all(self, account_id: int) -> list[Company]:
        return [c for c in self.t.companies.values() if c.account_id == account_id]

    async def by_refs(
        self, account_id: int, remote_ids: Collection[str], ids: Collection[int]
    ) -> list[Company]:
        return [c for c in await self.all(account_id) if c.id_remote in remote_ids or c.id in ids]

    async def by_ids(self, account_id: int, ids: Collection[int]) -> dict[int, Company]:
        return {c.id: c for c in await self.all(account_id) if c.id in ids}


def _key(partner: Partner, flt: PartnerFilter) -> tuple[int, int]:
    """A partner's place in a page: (relevance tier, id) with a search, (0, id) without."""
    query = parse_search(flt.search)
    return (partner_relevance(partner, query) if query else 0, partner.id)


class FakePartnerRepository(_Fake, ports.PartnerRepository):
    def _mine(self, account_id: int) -> list[Partner]:
        return sorted(
            (p for p in self.t.partners.values() if p.account_id == account_id),
            key=lambda p: p.id,
        )

    async def with_remote_id(self, account_id: int, remote_id: str) -> list[Partner]:
        return [p for p in self._mine(account_id) if p.id_remote == remote_id]

    async def by_ids(self, account_id: int, ids: Collection[int]) -> list[Partner]:
        return [p for p in self._mine(account_id) if p.id in ids]

    async def by_remote(
        self, account_id: int, company_id: int, remote_ids: Collection[str]
    ) -> dict[str, Partner]:
        return {
            p.id_remote: p
            for p in self._mine(account_id)
            if p.company_id == company_id and p.id_remote in remote_ids
        }

    async def insert(self, account_id: int, rows: Sequence[Row]) -> list[int]:
        ids = []
        for row in rows:
            clash = await self.by_remote(
                account_id, int(str(row["company_id"])), [str(row["id_remote"])]
            )
            if clash:
                raise DuplicateEntry("a partner with this idRemote exists in the company")
            partner: Partner = _new(Partner, self.t, row, account_id=account_id)
            self.t.partners[partner.id] = partner
            ids.append(partner.id)
        return ids

    async def update(self, account_id: int, rows: Sequence[Row]) -> None:
        for row in rows:
            found = self.t.partners.get(int(str(row["id"])))
            if found is not None and found.account_id == account_id:
                changes = {k: v for k, v in row.items() if k != "id"}
                self.t.partners[found.id] = replace(found, **changes)  # type: ignore[arg-type]

    async def set_agent(
        self, account_id: int, client_ids: Collection[int], agent_id: int | None, now: int
    ) -> None:
        for p in await self.by_ids(account_id, client_ids):
            self.t.partners[p.id] = replace(p, agent_id=agent_id, updated_at=now)

    async def clear_agent(self, account_id: int, agent_id: int) -> None:
        for p in self._mine(account_id):
            if p.agent_id == agent_id:
                self.t.partners[p.id] = replace(p, agent_id=None)

    async def delete(self, account_id: int, partner_id: int) -> None:
        found = self.t.partners.get(partner_id)
        if found is not None and found.account_id == account_id:
            del self.t.partners[partner_id]

    def _matches(self, p: Partner, flt: PartnerFilter) -> bool:
        role = next((r for r in self.t.catalogs[CatalogKind.ROLE] if r.id == p.role_id), None)
        checks = [
            flt.company_id in (None, p.company_id),
            flt.role_id in (None, p.role_id),
            flt.role_kind is None or (isinstance(role, Role) and role.kind is flt.role_kind),
            flt.status_id in (None, p.status_id),
            flt.active in (None, p.active),
            flt.agent_id in (None, p.agent_id),
            flt.updated_since is None or p.updated_at > flt.updated_since,
        ]
        query = parse_search(flt.search)
        if query is not None and flt.search is not None:
            found = matches(partner_search_text(vars(p)), query)
            checks.append(found or p.id_remote == flt.search.strip())
        return all(checks)

    def _filtered(self, account_id: int, flt: PartnerFilter) -> list[Partner]:
        return [p for p in self._mine(account_id) if self._matches(p, flt)]

    async def page(
        self, account_id: int, flt: PartnerFilter, limit: int, offset: int
    ) -> tuple[list[Partner], int]:
        found = self._filtered(account_id, flt)
        return found[offset : offset + limit], len(found)

    async def keyset(
        self,
        account_id: int,
        flt: PartnerFilter,
        after_id: int | None,
        limit: int,
        *,
        backward: bool = False,
        after_tier: int = 0,
    ) -> list[Partner]:
        found = sorted(
            self._filtered(account_id, flt), key=lambda p: _key(p, flt), reverse=backward
        )
        if after_id is not None:
            bound = (after_tier if parse_search(flt.search) else 0, after_id)
            found = [
                p for p in found if (_key(p, flt) < bound if backward else _key(p, flt) > bound)
            ]
        return found[:limit]

    async def count(self, account_id: int, flt: PartnerFilter) -> int:
        return len(self._filtered(account_id, flt))

    async def agents_with_clients(
        self, account_id: int, limit: int, offset: int
    ) -> tuple[list[Partner], dict[int, list[int]], int]:
        mine = self._mine(account_id)
        clients: dict[int, list[int]] = {}
        for p in mine:
            if p.agent_id is not None:
                clients.setdefault(p.agent_id, []).append(p.id)
        agents = [p for p in mine if p.id in clients]
        page = agents[offset : offset + limit]
        return page, {a.id: clients[a.id] for a in page}, len(agents)

    async def clients_of(
        self, account_id: int, agent_ids: Sequence[int]
    ) -> dict[int, list[Partner]]:
        out: dict[int, list[Partner]] = {}
        for p in self._mine(account_id):
            if p.agent_id is not None and p.agent_id in agent_ids:
                out.setdefault(p.agent_id, []).append(p)
        return out


class FakeLocationRepository(_Fake, ports.LocationRepository):
    def _mine(self, account_id: int) -> list[Location]:
        return [loc for loc in self.t.locations.values() if loc.account_id == account_id]

    async def of_partners(
        self, account_id: int, partner_ids: Sequence[int]
    ) -> dict[int, list[Location]]:
        out: dict[int, list[Location]] = {}
        for acc, partner_id, location_id, _ in sorted(self.t.links, key=lambda x: (x[1], x[3])):
            if acc == account_id and partner_id in partner_ids:
                out.setdefault(partner_id, []).append(self.t.locations[location_id])
        return out

    async def by_refs(
        self, account_id: int, remote_ids: Collection[str], ids: Collection[int]
    ) -> list[Location]:
        return [
            loc for loc in self._mine(account_id) if loc.id_remote in remote_ids or loc.id in ids
        ]

    async def insert(self, account_id: int, rows: Sequence[Row]) -> list[int]:
        ids = []
        for row in rows:
            if await self.by_refs(account_id, [str(row["id_remote"])], []):
                raise DuplicateEntry("a location with this idRemote exists")
            loc: Location = _new(Location, self.t, row, account_id=account_id)
            self.t.locations[loc.id] = loc
            ids.append(loc.id)
        return ids

    async def update(self, account_id: int, rows: Sequence[Row]) -> None:
        for row in rows:
            found = self.t.locations.get(int(str(row["id"])))
            if found is not None and found.account_id == account_id:
                changes = {k: v for k, v in row.items() if k not in ("id", "created_at")}
                self.t.locations[found.id] = replace(found, **changes)  # type: ignore[arg-type]

    async def replace_links(
        self, account_id: int, partner_ids: Collection[int], links: Sequence[tuple[int, int, int]]
    ) -> None:
        self.t.links = [
            x for x in self.t.links if not (x[0] == account_id and x[1] in partner_ids)
        ] + [(account_id, p, loc, pos) for p, loc, pos in links]

    async def release(self, account_id: int, partner_id: int) -> None:
        own = {x[2] for x in self.t.links if x[0] == account_id and x[1] == partner_id}
        await self.replace_links(account_id, [partner_id], [])
        used = {x[2] for x in self.t.links}
        for location_id in own - used:
            del self.t.locations[location_id]


class FakeContactRepository(_Fake, ports.ContactRepository):
    def _mine(self, account_id: int) -> list[PartnerContact]:
        return sorted(
            (c for c in self.t.contacts.values() if c.account_id == account_id),
            key=lambda c: c.id,
        )

    async def of_partners(
        self, account_id: int, partner_ids: Sequence[int]
    ) -> dict[int, list[PartnerContact]]:
        out: dict[int, list[PartnerContact]] = {}
        for c in self._mine(account_id):
            if c.partner_id in partner_ids:
                out.setdefault(c.partner_id, []).append(c)
        return out

    async def methods_of(
        self, account_id: int, contact_ids: Sequence[int]
    ) -> dict[int, list[ContactMethod]]:
        out: dict[int, list[ContactMethod]] = {}
        for m in sorted(self.t.methods.values(), key=lambda m: m.id):
            if m.account_id == account_id and m.contact_id in contact_ids:
                out.setdefault(m.contact_id, []).append(m)
        return out

    async def page(
        self, account_id: int, limit: int, offset: int
    ) -> tuple[list[PartnerContact], int]:
        mine = self._mine(account_id)
        return mine[offset : offset + limit], len(mine)

    async def delete_of(self, account_id: int, partner_ids: Collection[int]) -> None:
        gone = {c.id for c in self._mine(account_id) if c.partner_id in partner_ids}
        self.t.contacts = {k: c for k, c in self.t.contacts.items() if k not in gone}
        self.t.methods = {k: m for k, m in self.t.methods.items() if m.contact_id not in gone}

    async def insert(self, account_id: int, rows: Sequence[Row]) -> list[int]:
        ids = []
        for row in rows:
            contact: PartnerContact = _new(PartnerContact, self.t, row, account_id=account_id)
            self.t.contacts[contact.id] = contact
            ids.append(contact.id)
        return ids

    async def insert_methods(self, account_id: int, rows: Sequence[Row]) -> None:
        for row in rows:
            method: ContactMethod = _new(ContactMethod, self.t, row, account_id=account_id)
            self.t.methods[method.id] = method


class FakeDocumentRepository(_Fake, ports.DocumentRepository):
    async def add(
        self, account_id: int, partner_id: int, kind: DocumentKind, number: str, now: int
    ) -> int:
        doc_id = self.t.next_id()
        self.t.documents[doc_id] = (account_id, partner_id, kind, number)
        return doc_id

    async def kinds(self, account_id: int, partner_id: int) -> list[DocumentKind]:
        return sorted(
            {k for a, p, k, _ in self.t.documents.values() if (a, p) == (account_id, partner_id)}
        )


class FakeDeletionRepository(_Fake, ports.DeletionRepository):
    async def add(
        self, account_id: int, partner: Partner, snapshot: str, now: int
    ) -> DeletedPartner:
        deleted = DeletedPartner(
            id=self.t.next_id(),
            account_id=account_id,
            partner_id=partner.id,
            company_id=partner.company_id,
            id_remote=partner.id_remote,
            snapshot=snapshot,
            deleted_at=now,
        )
        self.t.deletions[deleted.id] = deleted
        return deleted

    async def page(
        self, account_id: int, limit: int, offset: int
    ) -> tuple[list[DeletedPartner], int]:
        mine = sorted(
            (d for d in self.t.deletions.values() if d.account_id == account_id),
            key=lambda d: -d.id,
        )
        return mine[offset : offset + limit], len(mine)


class FakePartnerReadModel(_Fake, ports.PartnerReadModel):
    """Projected rows read through the fake repositories (what the SQL read model selects)."""

    async def page(
        self,
        account_id: int,
        flt: PartnerFilter,
        after_id: int | None,
        limit: int,
        projection: PartnerProjection,
        *,
        backward: bool = False,
        after_tier: int = 0,
    ) -> list[tuple[int, tuple[Any, ...]]]:
        partners = FakePartnerRepository(self.t)
        found = await partners.keyset(
            account_id, flt, after_id, limit, backward=backward, after_tier=after_tier
        )
        companies = await FakeCompanyRepository(self.t).by_ids(
            account_id, {p.company_id for p in found}
        )
        agent_ids = {p.agent_id for p in found if p.agent_id is not None}
        agents = {a.id: a for a in await partners.by_ids(account_id, agent_ids)}
        rows = []
        for p in found:
            row = [getattr(p, name) for name in projection.columns]
            for names, joined in (
                (projection.company, companies.get(p.company_id)),
                (projection.agent, agents.get(p.agent_id) if p.agent_id else None),
            ):
                if names is not None:
                    row += [getattr(joined, n) if joined else None for n in names]
            rows.append((_key(p, flt)[0], tuple(row)))
        return rows

    async def children(
        self, account_id: int, relation: str, owner_ids: Sequence[int], columns: tuple[str, ...]
    ) -> list[tuple[Any, ...]]:
        if relation == "locations":
            found: dict[int, list[Any]] = await FakeLocationRepository(self.t).of_partners(
                account_id, owner_ids
            )
        elif relation == "contacts":
            found = await FakeContactRepository(self.t).of_partners(account_id, owner_ids)
        else:
            found = await FakeContactRepository(self.t).methods_of(account_id, owner_ids)
        return [
            (owner, *(getattr(item, name) for name in columns))
            for owner in sorted(found)
            for item in found[owner]
        ]
