"""The companies partners belong to."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from core.partners.errors import DuplicateEntry
from core.partners.model import Company
from core.partners.ports import Row
from core.storage.repositories.partners._sql import SqlBase, cols, make
from core.storage.tables.partners import bp_companies

_COMPANY = cols(bp_companies, Company)


def _duplicate(values: Row) -> DuplicateEntry:
    return DuplicateEntry(f"a company with idRemote {values.get('id_remote')!r} already exists")


class SqlPartnerCompanyRepository(SqlBase):
    async def add(self, account_id: int, values: Row, now: int) -> Company:
        row = {**values, "account_id": account_id, "created_at": now, "updated_at": now}
        try:
            async with self._conn.begin_nested():
                result = (
                    await self._conn.execute(insert(bp_companies).values(row).returning(*_COMPANY))
                ).one()
        except IntegrityError:
            raise _duplicate(values) from None
        return make(Company, result)

    async def update(
        self, account_id: int, company_id: int, values: Row, now: int
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
            raise _duplicate(values) from None
        return make(Company, row) if row else None

    async def all(self, account_id: int) -> list[Company]:
        rows = await self._conn.execute(
            select(*_COMPANY)
            .where(bp_companies.c.account_id == account_id)
            .order_by(bp_companies.c.id)
        )
        return [make(Company, r) for r in rows]

    async def by_refs(
        self, account_id: int, remote_ids: Collection[str], ids: Collection[int]
    ) -> list[Company]:
        rows = await self._conn.execute(
            select(*_COMPANY)
            .where(
                bp_companies.c.account_id == account_id,
                or_(
                    bp_companies.c.id_remote.in_(list(remote_ids)),
                    bp_companies.c.id.in_(list(ids)),
                ),
            )
            .order_by(bp_companies.c.id)
        )
        return [make(Company, r) for r in rows]

    async def by_ids(self, account_id: int, ids: Collection[int]) -> dict[int, Company]:
        if not ids:
            return {}
        rows = await self._conn.execute(
            select(*_COMPANY).where(
                self._tenant(bp_companies.c.account_id, account_id),
                bp_companies.c.id.in_(list(ids)),
            )
        )
        return {r.id: make(Company, r) for r in rows}
