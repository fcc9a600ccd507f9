"""SQL repository of the partners context. Every statement filters on ``account_id``, except
the queue's claim, which serves every tenant by design (the claimed message carries its
account id and everything after the claim is scoped to it)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Table,
    and_,
    bindparam,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from core.partners.errors import DuplicateEntry
from core.partners.model import (
    Catalogs,
    Company,
    ContactMethod,
    ContactType,
    DeletedPartner,
    Location,
    MessageStatus,
    Partner,
    PartnerContact,
    PartnerFilter,
    PartnerRelated,
    PartnerStatus,
    QueueMessage,
    Role,
)
from core.storage.tables.partners import (
    bp_companies,
    bp_contact_methods,
    bp_contact_types,
    bp_contacts,
    bp_deleted_partners,
    bp_documents,
    bp_locations,
    bp_messages,
    bp_partner_locations,
    bp_partners,
    bp_roles,
    bp_statuses,
)

T = TypeVar("T")


def _cols(table: Table, cls: Any) -> list[Any]:
    return [table.c[name] for name in cls.__dataclass_fields__]


_PARTNER = _cols(bp_partners, Partner)
_COMPANY = _cols(bp_companies, Company)
_LOCATION = _cols(bp_locations, Location)
_CONTACT = _cols(bp_contacts, PartnerContact)
_METHOD = _cols(bp_contact_methods, ContactMethod)
_MESSAGE = _cols(bp_messages, QueueMessage)
_DELETED = _cols(bp_deleted_partners, DeletedPartner)
_CATALOG_TABLES: dict[str, tuple[Table, Any]] = {
    "role": (bp_roles, Role),
    "status": (bp_statuses, PartnerStatus),
    "contact_type": (bp_contact_types, ContactType),
}


def _make(cls: type[T], row: Any) -> T:
    return cls(**row._mapping)


def partner_conditions(account_id: int, flt: PartnerFilter) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = [bp_partners.c.account_id == account_id]
    if flt.company_id is not None:
        conds.append(bp_partners.c.company_id == flt.company_id)
    if flt.role_id is not None:
        conds.append(bp_partners.c.role_id == flt.role_id)
    if flt.role_kind is not None:
        conds.append(
            bp_partners.c.role_id.in_(
                select(bp_roles.c.id).where(
                    bp_roles.c.account_id == account_id, bp_roles.c.kind == flt.role_kind
                )
            )
        )
    if flt.status_id is not None:
        conds.append(bp_partners.c.status_id == flt.status_id)
    if flt.active is not None:
        conds.append(bp_partners.c.active == flt.active)
    if flt.agent_id is not None:
        conds.append(bp_partners.c.agent_id == flt.agent_id)
    if flt.updated_since is not None:
        conds.append(bp_partners.c.updated_at > flt.updated_since)
    if flt.search:
        term = flt.search
        conds.append(
            or_(
                bp_partners.c.contact_name.icontains(term, autoescape=True),
                bp_partners.c.comercial_name.icontains(term, autoescape=True),
                bp_partners.c.tin.icontains(term, autoescape=True),
                bp_partners.c.id_remote == term,
            )
        )
    return conds


class SqlPartnerRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    @property
    def _pg(self) -> bool:
        return self._conn.dialect.name == "postgresql"

    def _tenant(self, column: Any, account_id: int) -> ColumnElement[bool]:
        """The tenant filter of a lookup by a list of ids. SQLite has no statistics until
        ANALYZE and then prefers the equality on ``account_id`` (scanning the whole tenant)
        over an IN list on a selective index; ``+ 0`` keeps the filter but out of index
        selection. PostgreSQL plans from its statistics and gets the plain comparison."""
        if self._pg:
            return column == account_id  # type: ignore[no-any-return]
        return (column + 0) == account_id  # type: ignore[no-any-return]

    # --- catalogs ---------------------------------------------------------------------------

    async def catalogs(self, account_id: int) -> Catalogs:
        out = Catalogs()
        for kind, target in (
            ("role", out.roles),
            ("status", out.statuses),
            ("contact_type", out.contact_types),
        ):
            table, cls = _CATALOG_TABLES[kind]
            rows = await self._conn.execute(
                select(*_cols(table, cls))
                .where(table.c.account_id == account_id)
                .order_by(table.c.id)
            )
            target.extend(_make(cls, r) for r in rows)
        return out

    async def seed_catalog(
        self, kind: str, account_id: int, rows: Sequence[Mapping[str, object]]
    ) -> None:
        """Insert default rows; ones another transaction added meanwhile are left alone."""
        table, _ = _CATALOG_TABLES[kind]
        values = [{**r, "account_id": account_id} for r in rows]
        stmt = (pg_insert if self._pg else sqlite_insert)(table).on_conflict_do_nothing()
        await self._conn.execute(stmt, values)

    async def add_catalog(self, kind: str, account_id: int, values: Mapping[str, object]) -> Any:
        table, cls = _CATALOG_TABLES[kind]
        try:
            async with self._conn.begin_nested():
                row = (
                    await self._conn.execute(
                        insert(table)
                        .values({**values, "account_id": account_id})
                        .returning(*_cols(table, cls))
                    )
                ).one()
        except IntegrityError:
            raise DuplicateEntry(f"idRemote {values.get('id_remote')!r} already exists") from None
        return _make(cls, row)

    async def update_catalog(
        self, kind: str, account_id: int, item_id: int, values: Mapping[str, object]
    ) -> Any:
        table, cls = _CATALOG_TABLES[kind]
        try:
            async with self._conn.begin_nested():
                row = (
                    await self._conn.execute(
                        update(table)
                        .where(table.c.account_id == account_id, table.c.id == item_id)
                        .values(dict(values))
                        .returning(*_cols(table, cls))
                    )
                ).first()
        except IntegrityError:
            raise DuplicateEntry(f"idRemote {values.get('id_remote')!r} already exists") from None
        return _make(cls, row) if row else None

    # --- companies --------------------------------------------------------------------------

    async def add_company(self, account_id: int, values: Mapping[str, object], now: int) -> Company:
        row = {**values, "account_id": account_id, "created_at": now, "updated_at": now}
        try:
            async with self._conn.begin_nested():
                result = (
                    await self._conn.execute(insert(bp_companies).values(row).returning(*_COMPANY))
                ).one()
        except IntegrityError:
            raise DuplicateEntry(
                f"a company with idRemote {values.get('id_remote')!r} already exists"
            ) from None
        return _make(Company, result)

    async def update_company(
        self, account_id: int, company_id: int, values: Mapping[str, object], now: int
    ) -> Company | None:
        try:
            async with self._conn.begin_nested():
                row = (
                    await self._conn.execute(
                        update(bp_companies)
                        .where(
                            bp_companies.c.account_id == account_id,
                            bp_companies.c.id == company_id,
                        )
                        .values({**values, "updated_at": now})
                        .returning(*_COMPANY)
                    )
                ).first()
        except IntegrityError:
            raise DuplicateEntry(
                f"a company with idRemote {values.get('id_remote')!r} already exists"
            ) from None
        return _make(Company, row) if row else None

    async def companies(
        self, account_id: int, refs: Collection[str] | None = None
    ) -> list[Company]:
        """All companies, or those whose id or idRemote is in ``refs``."""
        stmt = select(*_COMPANY).where(bp_companies.c.account_id == account_id)
        if refs is not None:
            ids = [int(r) for r in refs if r.isdigit() and len(r) < 19]
            stmt = stmt.where(
                or_(bp_companies.c.id_remote.in_(list(refs)), bp_companies.c.id.in_(ids))
            )
        rows = await self._conn.execute(stmt.order_by(bp_companies.c.id))
        return [_make(Company, r) for r in rows]

    async def companies_by_id(self, account_id: int, ids: Collection[int]) -> dict[int, Company]:
        if not ids:
            return {}
        rows = await self._conn.execute(
            select(*_COMPANY).where(
                self._tenant(bp_companies.c.account_id, account_id),
                bp_companies.c.id.in_(list(ids)),
            )
        )
        return {r.id: _make(Company, r) for r in rows}

    # --- partners ---------------------------------------------------------------------------

    async def find_partners(self, account_id: int, ref: str) -> list[Partner]:
        """Partners whose idRemote is ``ref`` (one per company at most), else the one whose
        local id is ``ref``."""
        rows = (
            await self._conn.execute(
                select(*_PARTNER)
                .where(bp_partners.c.account_id == account_id, bp_partners.c.id_remote == ref)
                .order_by(bp_partners.c.id)
            )
        ).all()
        if rows:
            return [_make(Partner, r) for r in rows]
        if not ref.isdigit() or len(ref) > 18:
            return []
        return await self.partners_by_ids(account_id, [int(ref)])

    async def partners_by_ids(self, account_id: int, ids: Collection[int]) -> list[Partner]:
        if not ids:
            return []
        rows = await self._conn.execute(
            select(*_PARTNER)
            .where(
                self._tenant(bp_partners.c.account_id, account_id), bp_partners.c.id.in_(list(ids))
            )
            .order_by(bp_partners.c.id)
        )
        return [_make(Partner, r) for r in rows]

    async def partners_by_remote(
        self, account_id: int, company_id: int, remote_ids: Collection[str]
    ) -> dict[str, Partner]:
        if not remote_ids:
            return {}
        out: dict[str, Partner] = {}
        # Chunked: a message may carry up to a thousand ids.
        keys = list(remote_ids)
        for start in range(0, len(keys), 500):
            rows = await self._conn.execute(
                select(*_PARTNER).where(
                    bp_partners.c.account_id == account_id,
                    bp_partners.c.company_id == company_id,
                    bp_partners.c.id_remote.in_(keys[start : start + 500]),
                )
            )
            for r in rows:
                out[r.id_remote] = _make(Partner, r)
        return out

    async def insert_partners(
        self, account_id: int, rows: Sequence[Mapping[str, object]]
    ) -> list[int]:
        """Bulk insert; the new ids in the order of ``rows``."""
        if not rows:
            return []
        values = [{**r, "account_id": account_id} for r in rows]
        if self._pg:
            result = await self._conn.execute(
                insert(bp_partners).returning(bp_partners.c.id, sort_by_parameter_order=True),
                values,
            )
            return [int(r.id) for r in result]
        # SQLite: RETURNING in parameter order runs one statement per row; one executemany
        # and one read back by the unique (company, idRemote) is ~20x faster.
        await self._conn.execute(insert(bp_partners), values)
        ids: dict[tuple[int, str], int] = {}
        by_company: dict[int, list[str]] = defaultdict(list)
        for r in rows:
            by_company[int(str(r["company_id"]))].append(str(r["id_remote"]))
        for company_id, remotes in by_company.items():
            found = await self._conn.execute(
                select(bp_partners.c.id, bp_partners.c.id_remote).where(
                    bp_partners.c.account_id == account_id,
                    bp_partners.c.company_id == company_id,
                    bp_partners.c.id_remote.in_(remotes),
                )
            )
            ids.update({(company_id, f.id_remote): int(f.id) for f in found})
        return [ids[(int(str(r["company_id"])), str(r["id_remote"]))] for r in rows]

    async def update_partners(self, account_id: int, rows: Sequence[Mapping[str, object]]) -> None:
        """Bulk update of whole rows; each row carries its ``id``."""
        if not rows:
            return
        keys = [k for k in rows[0] if k != "id"]
        stmt = (
            update(bp_partners)
            .where(
                bp_partners.c.account_id == bindparam("_account"),
                bp_partners.c.id == bindparam("_id"),
            )
            .values({k: bindparam(f"v_{k}") for k in keys})
        )
        params = [
            {"_account": account_id, "_id": r["id"], **{f"v_{k}": r[k] for k in keys}} for r in rows
        ]
        await self._conn.execute(stmt, params)

    async def update_partner(
        self, account_id: int, partner_id: int, values: Mapping[str, object]
    ) -> Partner | None:
        try:
            async with self._conn.begin_nested():
                row = (
                    await self._conn.execute(
                        update(bp_partners)
                        .where(
                            bp_partners.c.account_id == account_id,
                            bp_partners.c.id == partner_id,
                        )
                        .values(dict(values))
                        .returning(*_PARTNER)
                    )
                ).first()
        except IntegrityError:
            raise DuplicateEntry(
                "Duplicate entry => a partner with this idRemote exists in the company"
            ) from None
        return _make(Partner, row) if row else None

    async def set_agent(
        self, account_id: int, client_ids: Collection[int], agent_id: int | None, now: int
    ) -> None:
        await self._conn.execute(
            update(bp_partners)
            .where(bp_partners.c.account_id == account_id, bp_partners.c.id.in_(list(client_ids)))
            .values(agent_id=agent_id, updated_at=now)
        )

    async def page(
        self, account_id: int, flt: PartnerFilter, limit: int, offset: int
    ) -> tuple[list[Partner], int]:
        conds = partner_conditions(account_id, flt)
        total = int(
            (
                await self._conn.execute(
                    select(func.count()).select_from(bp_partners).where(*conds)
                )
            ).scalar_one()
        )
        if offset >= total:
            return [], total
        rows = await self._conn.execute(
            select(*_PARTNER).where(*conds).order_by(bp_partners.c.id).limit(limit).offset(offset)
        )
        return [_make(Partner, r) for r in rows], total

    async def keyset(
        self,
        account_id: int,
        flt: PartnerFilter,
        after_id: int | None,
        before_id: int | None,
        limit: int,
        backwards: bool,
    ) -> list[Partner]:
        """Up to ``limit`` partners in id order after/before a cursor (``limit`` includes the
        one extra row the caller asks for to know whether more exist)."""
        conds = partner_conditions(account_id, flt)
        if after_id is not None:
            conds.append(bp_partners.c.id > after_id)
        if before_id is not None:
            conds.append(bp_partners.c.id < before_id)
        order = bp_partners.c.id.desc() if backwards else bp_partners.c.id
        rows = await self._conn.execute(
            select(*_PARTNER).where(*conds).order_by(order).limit(limit)
        )
        return [_make(Partner, r) for r in rows]

    async def count(self, account_id: int, flt: PartnerFilter) -> int:
        conds = partner_conditions(account_id, flt)
        return int(
            (
                await self._conn.execute(
                    select(func.count()).select_from(bp_partners).where(*conds)
                )
            ).scalar_one()
        )

    async def related(
        self, account_id: int, partners: Sequence[Partner], catalogs: Catalogs
    ) -> PartnerRelated:
        """Companies, locations, contacts and contact methods of ``partners``: four queries
        whatever their number."""
        out = PartnerRelated(catalogs=catalogs)
        if not partners:
            return out
        ids = [p.id for p in partners]
        out.companies = await self.companies_by_id(account_id, {p.company_id for p in partners})
        out.locations = await self.locations_of(account_id, ids)
        out.contacts = await self.contacts_of(account_id, ids)
        out.methods = await self.methods_of(
            account_id, [c.id for cs in out.contacts.values() for c in cs]
        )
        return out

    async def locations_of(
        self, account_id: int, partner_ids: Sequence[int]
    ) -> dict[int, list[Location]]:
        if not partner_ids:
            return {}
        rows = await self._conn.execute(
            select(bp_partner_locations.c.partner_id, *_LOCATION)
            .join(bp_locations, bp_locations.c.id == bp_partner_locations.c.location_id)
            .where(
                self._tenant(bp_partner_locations.c.account_id, account_id),
                self._tenant(bp_locations.c.account_id, account_id),
                bp_partner_locations.c.partner_id.in_(list(partner_ids)),
            )
            .order_by(bp_partner_locations.c.partner_id, bp_partner_locations.c.position)
        )
        locations: dict[int, list[Location]] = defaultdict(list)
        names = list(Location.__dataclass_fields__)
        for r in rows:
            m = r._mapping
            locations[m["partner_id"]].append(Location(**{n: m[n] for n in names}))
        return dict(locations)

    async def contacts_of(
        self, account_id: int, partner_ids: Sequence[int]
    ) -> dict[int, list[PartnerContact]]:
        if not partner_ids:
            return {}
        contacts: dict[int, list[PartnerContact]] = defaultdict(list)
        rows = await self._conn.execute(
            select(*_CONTACT)
            .where(
                self._tenant(bp_contacts.c.account_id, account_id),
                bp_contacts.c.partner_id.in_(list(partner_ids)),
            )
            .order_by(bp_contacts.c.id)
        )
        for r in rows:
            contacts[r.partner_id].append(_make(PartnerContact, r))
        return dict(contacts)

    async def methods_of(
        self, account_id: int, contact_ids: Sequence[int]
    ) -> dict[int, list[ContactMethod]]:
        if not contact_ids:
            return {}
        methods: dict[int, list[ContactMethod]] = defaultdict(list)
        rows = await self._conn.execute(
            select(*_METHOD)
            .where(
                self._tenant(bp_contact_methods.c.account_id, account_id),
                bp_contact_methods.c.contact_id.in_(list(contact_ids)),
            )
            .order_by(bp_contact_methods.c.id)
        )
        for r in rows:
            methods[r.contact_id].append(_make(ContactMethod, r))
        return dict(methods)

    # --- locations and contacts ------------------------------------------------------------

    async def locations_by_refs(
        self, account_id: int, remote_ids: Collection[str], ids: Collection[int]
    ) -> list[Location]:
        if not remote_ids and not ids:
            return []
        rows = await self._conn.execute(
            select(*_LOCATION).where(
                bp_locations.c.account_id == account_id,
                or_(
                    bp_locations.c.id_remote.in_(list(remote_ids)), bp_locations.c.id.in_(list(ids))
                ),
            )
        )
        return [_make(Location, r) for r in rows]

    async def insert_locations(
        self, account_id: int, rows: Sequence[Mapping[str, object]]
    ) -> list[int]:
        if not rows:
            return []
        values = [{**r, "account_id": account_id} for r in rows]
        if self._pg:
            result = await self._conn.execute(
                insert(bp_locations).returning(bp_locations.c.id, sort_by_parameter_order=True),
                values,
            )
            return [int(r.id) for r in result]
        # SQLite: see insert_partners; locations are unique on (account, idRemote).
        await self._conn.execute(insert(bp_locations), values)
        remotes = [str(r["id_remote"]) for r in rows]
        found = await self._conn.execute(
            select(bp_locations.c.id, bp_locations.c.id_remote).where(
                bp_locations.c.account_id == account_id, bp_locations.c.id_remote.in_(remotes)
            )
        )
        ids = {f.id_remote: int(f.id) for f in found}
        return [ids[r] for r in remotes]

    async def update_locations(self, account_id: int, rows: Sequence[Mapping[str, object]]) -> None:
        if not rows:
            return
        keys = [k for k in rows[0] if k not in ("id", "created_at")]
        stmt = (
            update(bp_locations)
            .where(
                bp_locations.c.account_id == bindparam("_account"),
                bp_locations.c.id == bindparam("_id"),
            )
            .values({k: bindparam(f"v_{k}") for k in keys})
        )
        params = [
            {"_account": account_id, "_id": r["id"], **{f"v_{k}": r[k] for k in keys}} for r in rows
        ]
        await self._conn.execute(stmt, params)

    async def replace_location_links(
        self,
        account_id: int,
        partner_ids: Collection[int],
        links: Sequence[tuple[int, int, int]],
    ) -> None:
        """Remove the links of ``partner_ids``, then add ``links`` (partner, location, pos)."""
        if partner_ids:
            await self._conn.execute(
                delete(bp_partner_locations).where(
                    bp_partner_locations.c.account_id == account_id,
                    bp_partner_locations.c.partner_id.in_(list(partner_ids)),
                )
            )
        if links:
            await self._conn.execute(
                insert(bp_partner_locations),
                [
                    {"account_id": account_id, "partner_id": p, "location_id": loc, "position": i}
                    for p, loc, i in links
                ],
            )

    async def delete_contacts_of(self, account_id: int, partner_ids: Collection[int]) -> None:
        if not partner_ids:
            return
        contact_ids = select(bp_contacts.c.id).where(
            bp_contacts.c.account_id == account_id,
            bp_contacts.c.partner_id.in_(list(partner_ids)),
        )
        await self._conn.execute(
            delete(bp_contact_methods).where(
                bp_contact_methods.c.account_id == account_id,
                bp_contact_methods.c.contact_id.in_(contact_ids),
            )
        )
        await self._conn.execute(
            delete(bp_contacts).where(
                bp_contacts.c.account_id == account_id,
                bp_contacts.c.partner_id.in_(list(partner_ids)),
            )
        )

    async def insert_contacts(
        self, account_id: int, rows: Sequence[Mapping[str, object]]
    ) -> list[int]:
        if not rows:
            return []
        values = [{**r, "account_id": account_id} for r in rows]
        if self._pg:
            result = await self._conn.execute(
                insert(bp_contacts).returning(bp_contacts.c.id, sort_by_parameter_order=True),
                values,
            )
            return [int(r.id) for r in result]
        # SQLite: see insert_partners. The caller removed these partners' contacts first and
        # SQLite has one writer, so the partners' contacts now are exactly these rows, and
        # rowids grow in insertion order.
        await self._conn.execute(insert(bp_contacts), values)
        partner_ids = list({int(str(r["partner_id"])) for r in rows})
        found = [
            int(f.id)
            for f in await self._conn.execute(
                select(bp_contacts.c.id)
                .where(
                    bp_contacts.c.account_id == account_id,
                    bp_contacts.c.partner_id.in_(partner_ids),
                )
                .order_by(bp_contacts.c.id)
            )
        ]
        if len(found) != len(rows):
            raise RuntimeError("contacts read back do not match the rows inserted")
        return found

    async def insert_methods(self, account_id: int, rows: Sequence[Mapping[str, object]]) -> None:
        if rows:
            await self._conn.execute(
                insert(bp_contact_methods), [{**r, "account_id": account_id} for r in rows]
            )

    async def contacts_page(
        self, account_id: int, limit: int, offset: int
    ) -> tuple[list[PartnerContact], int, dict[int, Partner], dict[int, list[ContactMethod]]]:
        total = int(
            (
                await self._conn.execute(
                    select(func.count())
                    .select_from(bp_contacts)
                    .where(bp_contacts.c.account_id == account_id)
                )
            ).scalar_one()
        )
        if offset >= total:
            return [], total, {}, {}
        rows = await self._conn.execute(
            select(*_CONTACT)
            .where(bp_contacts.c.account_id == account_id)
            .order_by(bp_contacts.c.id)
            .limit(limit)
            .offset(offset)
        )
        contacts = [_make(PartnerContact, r) for r in rows]
        partners = await self.partners_by_ids(account_id, {c.partner_id for c in contacts})
        methods = await self.methods_of(account_id, [c.id for c in contacts])
        return contacts, total, {p.id: p for p in partners}, methods

    # --- agents -----------------------------------------------------------------------------

    async def agents_with_clients(
        self, account_id: int, limit: int, offset: int, agent_ids: Collection[int] | None = None
    ) -> tuple[list[Partner], dict[int, list[int]], int]:
        """Agents that have at least one client, their clients' ids, and how many such agents."""
        has_clients = (
            select(bp_partners.c.agent_id)
            .where(bp_partners.c.account_id == account_id, bp_partners.c.agent_id.is_not(None))
            .distinct()
        )
        conds = [bp_partners.c.account_id == account_id, bp_partners.c.id.in_(has_clients)]
        if agent_ids is not None:
            conds.append(bp_partners.c.id.in_(list(agent_ids)))
        total = int(
            (
                await self._conn.execute(
                    select(func.count()).select_from(bp_partners).where(*conds)
                )
            ).scalar_one()
        )
        if offset >= total:
            return [], {}, total
        agents = [
            _make(Partner, r)
            for r in await self._conn.execute(
                select(*_PARTNER)
                .where(*conds)
                .order_by(bp_partners.c.id)
                .limit(limit)
                .offset(offset)
            )
        ]
        clients: dict[int, list[int]] = defaultdict(list)
        rows = await self._conn.execute(
            select(bp_partners.c.agent_id, bp_partners.c.id)
            .where(
                bp_partners.c.account_id == account_id,
                bp_partners.c.agent_id.in_([a.id for a in agents]),
            )
            .order_by(bp_partners.c.id)
        )
        for agent_id, client_id in rows:
            clients[agent_id].append(client_id)
        return agents, dict(clients), total

    async def clients_of(
        self, account_id: int, agent_ids: Sequence[int]
    ) -> dict[int, list[Partner]]:
        """The clients assigned to each of ``agent_ids`` (one query)."""
        if not agent_ids:
            return {}
        out: dict[int, list[Partner]] = defaultdict(list)
        rows = await self._conn.execute(
            select(*_PARTNER)
            .where(
                self._tenant(bp_partners.c.account_id, account_id),
                bp_partners.c.agent_id.in_(list(agent_ids)),
            )
            .order_by(bp_partners.c.id)
        )
        for r in rows:
            partner = _make(Partner, r)
            out[int(r.agent_id)].append(partner)
        return dict(out)

    # --- documents and deletion -------------------------------------------------------------

    async def add_document(
        self, account_id: int, partner_id: int, kind: str, number: str, now: int
    ) -> int:
        result = await self._conn.execute(
            insert(bp_documents)
            .values(
                account_id=account_id,
                partner_id=partner_id,
                kind=kind,
                number=number,
                created_at=now,
            )
            .returning(bp_documents.c.id)
        )
        return int(result.scalar_one())

    async def document_kinds(self, account_id: int, partner_id: int) -> list[str]:
        rows = await self._conn.execute(
            select(bp_documents.c.kind)
            .where(bp_documents.c.account_id == account_id, bp_documents.c.partner_id == partner_id)
            .distinct()
        )
        return sorted(r.kind for r in rows)

    async def delete_partner(self, account_id: int, partner_id: int) -> None:
        """The partner, its contacts, and the locations no other partner uses."""
        await self.delete_contacts_of(account_id, [partner_id])
        own_locations = select(bp_partner_locations.c.location_id).where(
            bp_partner_locations.c.account_id == account_id,
            bp_partner_locations.c.partner_id == partner_id,
        )
        shared = exists().where(
            bp_partner_locations.c.location_id == bp_locations.c.id,
            bp_partner_locations.c.partner_id != partner_id,
        )
        orphan_ids = [
            r.id
            for r in await self._conn.execute(
                select(bp_locations.c.id).where(
                    bp_locations.c.account_id == account_id,
                    bp_locations.c.id.in_(own_locations),
                    ~shared,
                )
            )
        ]
        await self.replace_location_links(account_id, [partner_id], [])
        if orphan_ids:
            await self._conn.execute(
                delete(bp_locations).where(
                    bp_locations.c.account_id == account_id, bp_locations.c.id.in_(orphan_ids)
                )
            )
        await self._conn.execute(
            update(bp_partners)
            .where(bp_partners.c.account_id == account_id, bp_partners.c.agent_id == partner_id)
            .values(agent_id=None)
        )
        await self._conn.execute(
            delete(bp_partners).where(
                bp_partners.c.account_id == account_id, bp_partners.c.id == partner_id
            )
        )

    async def add_deletion(
        self,
        account_id: int,
        partner: Partner,
        snapshot: str,
        now: int,
    ) -> DeletedPartner:
        row = (
            await self._conn.execute(
                insert(bp_deleted_partners)
                .values(
                    account_id=account_id,
                    partner_id=partner.id,
                    company_id=partner.company_id,
                    id_remote=partner.id_remote,
                    snapshot=snapshot,
                    deleted_at=now,
                )
                .returning(*_DELETED)
            )
        ).one()
        return _make(DeletedPartner, row)

    async def deletions(
        self, account_id: int, limit: int, offset: int
    ) -> tuple[list[DeletedPartner], int]:
        total = int(
            (
                await self._conn.execute(
                    select(func.count())
                    .select_from(bp_deleted_partners)
                    .where(bp_deleted_partners.c.account_id == account_id)
                )
            ).scalar_one()
        )
        rows = await self._conn.execute(
            select(*_DELETED)
            .where(bp_deleted_partners.c.account_id == account_id)
            .order_by(bp_deleted_partners.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return [_make(DeletedPartner, r) for r in rows], total

    # --- queue ------------------------------------------------------------------------------

    async def enqueue(
        self, account_id: int, public_id: str, kind: str, payload: str, now: int
    ) -> QueueMessage:
        row = (
            await self._conn.execute(
                insert(bp_messages)
                .values(
                    public_id=public_id,
                    account_id=account_id,
                    kind=kind,
                    payload=payload,
                    status=MessageStatus.PENDING.value,
                    attempts=0,
                    available_at=now,
                    created_at=now,
                    updated_at=now,
                )
                .returning(*_MESSAGE)
            )
        ).one()
        return _make(QueueMessage, row)

    async def message(self, account_id: int, public_id: str) -> QueueMessage | None:
        row = (
            await self._conn.execute(
                select(*_MESSAGE).where(
                    bp_messages.c.account_id == account_id, bp_messages.c.public_id == public_id
                )
            )
        ).first()
        return _make(QueueMessage, row) if row else None

    async def claim(
        self, now: int, lease_seconds: int, token: str, max_attempts: int
    ) -> QueueMessage | None:
        """Take the oldest claimable message: pending and due, or processing with an expired
        lease. PostgreSQL: FOR UPDATE SKIP LOCKED lets many workers claim side by side.
        SQLite: the writer lock (BEGIN IMMEDIATE) serialises claims; the UPDATE re-checks
        the status (compare-and-set)."""
        claimable = or_(
            and_(
                bp_messages.c.status == MessageStatus.PENDING.value,
                bp_messages.c.available_at <= now,
            ),
            and_(
                bp_messages.c.status == MessageStatus.PROCESSING.value,
                bp_messages.c.claimed_until < now,
            ),
        )
        pick = (
            select(bp_messages.c.id)
            .where(claimable, bp_messages.c.attempts < max_attempts)
            .order_by(bp_messages.c.id)
            .limit(1)
        )
        if self._pg:
            pick = pick.with_for_update(skip_locked=True)
        row = (
            await self._conn.execute(
                update(bp_messages)
                .where(bp_messages.c.id == pick.scalar_subquery(), claimable)
                .values(
                    status=MessageStatus.PROCESSING.value,
                    claim_token=token,
                    claimed_until=now + lease_seconds,
                    attempts=bp_messages.c.attempts + 1,
                    updated_at=now,
                )
                .returning(*_MESSAGE)
            )
        ).first()
        return _make(QueueMessage, row) if row else None

    async def give_up_exhausted(self, now: int, max_attempts: int) -> int:
        """Messages whose last allowed attempt died with its worker (lease expired) fail."""
        result = await self._conn.execute(
            update(bp_messages)
            .where(
                bp_messages.c.status == MessageStatus.PROCESSING.value,
                bp_messages.c.claimed_until < now,
                bp_messages.c.attempts >= max_attempts,
            )
            .values(
                status=MessageStatus.FAILED.value,
                error_message=f"gave up after {max_attempts} attempts",
                claim_token=None,
                updated_at=now,
            )
        )
        return int(result.rowcount or 0)

    async def lock_claimed(self, message_id: int, token: str) -> QueueMessage | None:
        """The message if this claim still holds it; locked until the transaction ends."""
        stmt = select(*_MESSAGE).where(
            bp_messages.c.id == message_id,
            bp_messages.c.claim_token == token,
            bp_messages.c.status == MessageStatus.PROCESSING.value,
        )
        if self._pg:
            stmt = stmt.with_for_update()
        row = (await self._conn.execute(stmt)).first()
        return _make(QueueMessage, row) if row else None

    async def finish(
        self,
        message_id: int,
        token: str,
        status: MessageStatus,
        error_message: str | None,
        now: int,
        available_at: int | None = None,
    ) -> bool:
        """Move a claimed message on; False when the claim was lost (lease expired)."""
        values: dict[str, object] = {
            "status": status.value,
            "error_message": error_message,
            "updated_at": now,
            "claim_token": None,
            "claimed_until": None,
        }
        if available_at is not None:
            values["available_at"] = available_at
        result = await self._conn.execute(
            update(bp_messages)
            .where(bp_messages.c.id == message_id, bp_messages.c.claim_token == token)
            .values(values)
        )
        return bool(result.rowcount)
