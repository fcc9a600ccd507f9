"""What a partner's deletion depends on and leaves: documents referencing it, and the
deletion history."""

from __future__ import annotations

from sqlalchemy import func, insert, select

from core.partners.model import DeletedPartner, DocumentKind, Partner
from core.storage.repositories.partners._sql import SqlBase, cols, make
from core.storage.tables.partners import bp_deleted_partners, bp_documents

_DELETED = cols(bp_deleted_partners, DeletedPartner)


class SqlPartnerDocumentRepository(SqlBase):
    async def add(
        self, account_id: int, partner_id: int, kind: DocumentKind, number: str, now: int
    ) -> int:
        result = await self._conn.execute(
            insert(bp_documents)
            .values(
                account_id=account_id,
                partner_id=partner_id,
                kind=kind.value,
                number=number,
                created_at=now,
            )
            .returning(bp_documents.c.id)
        )
        return int(result.scalar_one())

    async def kinds(self, account_id: int, partner_id: int) -> list[DocumentKind]:
        rows = await self._conn.execute(
            select(bp_documents.c.kind)
            .where(bp_documents.c.account_id == account_id, bp_documents.c.partner_id == partner_id)
            .distinct()
        )
        return sorted(DocumentKind(r.kind) for r in rows)


class SqlPartnerDeletionRepository(SqlBase):
    async def add(
        self, account_id: int, partner: Partner, snapshot: str, now: int
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
        return make(DeletedPartner, row)

    async def page(
        self, account_id: int, limit: int, offset: int
    ) -> tuple[list[DeletedPartner], int]:
        mine = bp_deleted_partners.c.account_id == account_id
        total = int(
            (
                await self._conn.execute(
                    select(func.count()).select_from(bp_deleted_partners).where(mine)
                )
            ).scalar_one()
        )
        rows = await self._conn.execute(
            select(*_DELETED)
            .where(mine)
            .order_by(bp_deleted_partners.c.id.desc())
            .limit(limit)
            .offset(offset)
        )
        return [make(DeletedPartner, r) for r in rows], total
