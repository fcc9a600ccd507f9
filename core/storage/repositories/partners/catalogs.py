"""Roles, partner statuses and contact types of each account."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, insert, select, update
from sqlalchemy.exc import IntegrityError

from core.partners.errors import DuplicateEntry
from core.partners.model import (
    CatalogItem,
    CatalogKind,
    Catalogs,
    ContactType,
    PartnerStatus,
    Role,
    RoleKind,
)
from core.partners.ports import Row
from core.storage.repositories.partners._sql import SqlBase, cols
from core.storage.tables.partners import bp_contact_types, bp_roles, bp_statuses

_TABLES: dict[CatalogKind, tuple[Table, type[CatalogItem]]] = {
    CatalogKind.ROLE: (bp_roles, Role),
    CatalogKind.STATUS: (bp_statuses, PartnerStatus),
    CatalogKind.CONTACT_TYPE: (bp_contact_types, ContactType),
}


def _item(kind: CatalogKind, row: Any) -> CatalogItem:
    values = dict(row._mapping)
    if kind is CatalogKind.ROLE:
        return Role(**{**values, "kind": RoleKind(values["kind"])})
    if kind is CatalogKind.STATUS:
        return PartnerStatus(**values)
    return ContactType(**values)


def _duplicate(values: Row) -> DuplicateEntry:
    return DuplicateEntry(f"idRemote {values.get('id_remote')!r} already exists")


class SqlPartnerCatalogRepository(SqlBase):
    async def catalogs(self, account_id: int) -> Catalogs:
        out = Catalogs()
        targets: dict[CatalogKind, list[Any]] = {
            CatalogKind.ROLE: out.roles,
            CatalogKind.STATUS: out.statuses,
            CatalogKind.CONTACT_TYPE: out.contact_types,
        }
        for kind, target in targets.items():
            table, cls = _TABLES[kind]
            rows = await self._conn.execute(
                select(*cols(table, cls))
                .where(table.c.account_id == account_id)
                .order_by(table.c.id)
            )
            target.extend(_item(kind, r) for r in rows)
        return out

    async def seed(self, account_id: int, kind: CatalogKind, rows: Sequence[Row]) -> None:
        table, _ = _TABLES[kind]
        values = [{**r, "account_id": account_id} for r in rows]
        await self._conn.execute(self._insert_ignoring_conflicts(table), values)

    async def add(self, account_id: int, kind: CatalogKind, values: Row) -> CatalogItem:
        table, cls = _TABLES[kind]
        try:
            async with self._conn.begin_nested():
                row = (
                    await self._conn.execute(
                        insert(table)
                        .values({**values, "account_id": account_id})
                        .returning(*cols(table, cls))
                    )
                ).one()
        except IntegrityError:
            raise _duplicate(values) from None
        return _item(kind, row)

    async def update(
        self, account_id: int, kind: CatalogKind, item_id: int, values: Row
    ) -> CatalogItem | None:
        table, cls = _TABLES[kind]
        try:
            async with self._conn.begin_nested():
                row = (
                    await self._conn.execute(
                        update(table)
                        .where(table.c.account_id == account_id, table.c.id == item_id)
                        .values(dict(values))
                        .returning(*cols(table, cls))
                    )
                ).first()
        except IntegrityError:
            raise _duplicate(values) from None
        return _item(kind, row) if row else None
