"""Partner contacts and their contact methods."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence

from sqlalchemy import delete, func, insert, select

from core.partners.model import ContactMethod, PartnerContact
from core.partners.ports import Row
from core.storage.repositories.partners._sql import SqlBase, cols, make
from core.storage.tables.partners import bp_contact_methods, bp_contacts

_CONTACT = cols(bp_contacts, PartnerContact)
_METHOD = cols(bp_contact_methods, ContactMethod)


class SqlPartnerContactRepository(SqlBase):
    async def of_partners(
        self, account_id: int, partner_ids: Sequence[int]
    ) -> dict[int, list[PartnerContact]]:
        if not partner_ids:
            return {}
        rows = await self._conn.execute(
            select(*_CONTACT)
            .where(
                self._tenant(bp_contacts.c.account_id, account_id),
                bp_contacts.c.partner_id.in_(list(partner_ids)),
            )
            .order_by(bp_contacts.c.id)
        )
        contacts: dict[int, list[PartnerContact]] = defaultdict(list)
        for r in rows:
            contacts[r.partner_id].append(make(PartnerContact, r))
        return dict(contacts)

    async def methods_of(
        self, account_id: int, contact_ids: Sequence[int]
    ) -> dict[int, list[ContactMethod]]:
        if not contact_ids:
            return {}
        rows = await self._conn.execute(
            select(*_METHOD)
            .where(
                self._tenant(bp_contact_methods.c.account_id, account_id),
                bp_contact_methods.c.contact_id.in_(list(contact_ids)),
            )
            .order_by(bp_contact_methods.c.id)
        )
        methods: dict[int, list[ContactMethod]] = defaultdict(list)
        for r in rows:
            methods[r.contact_id].append(make(ContactMethod, r))
        return dict(methods)

    async def page(
        self, account_id: int, limit: int, offset: int
    ) -> tuple[list[PartnerContact], int]:
        mine = bp_contacts.c.account_id == account_id
        total = int(
            (
                await self._conn.execute(select(func.count()).select_from(bp_contacts).where(mine))
            ).scalar_one()
        )
        if offset >= total:
            return [], total
        rows = await self._conn.execute(
            select(*_CONTACT).where(mine).order_by(bp_contacts.c.id).limit(limit).offset(offset)
        )
        return [make(PartnerContact, r) for r in rows], total

    async def delete_of(self, account_id: int, partner_ids: Collection[int]) -> None:
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

    async def insert(self, account_id: int, rows: Sequence[Row]) -> list[int]:
        if not rows:
            return []
        values = [{**r, "account_id": account_id} for r in rows]
        if self._pg:
            result = await self._conn.execute(
                insert(bp_contacts).returning(bp_contacts.c.id, sort_by_parameter_order=True),
                values,
            )
            return [int(r.id) for r in result]
        # SQLite: see SqlPartnerRepository.insert. The caller removed these partners' contacts
        # first and SQLite has one writer, so the partners' contacts now are exactly these
        # rows, and rowids grow in insertion order.
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

    async def insert_methods(self, account_id: int, rows: Sequence[Row]) -> None:
        if rows:
            await self._conn.execute(
                insert(bp_contact_methods), [{**r, "account_id": account_id} for r in rows]
            )
