"""SQL repository of sale documents and their payments."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.clients.model import Document, Payment
from core.storage.repositories.clients.rows import DOCUMENT_COLUMNS, document, payment
from core.storage.tables.clients import documents, payments


class SqlDocumentRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(
        self,
        account_id: int,
        client_id: int,
        name: str,
        number: int,
        emission_date: int,
        expiration_date: int,
        total_amount: Decimal,
    ) -> Document:
        row = (
            await self._conn.execute(
                insert(documents)
                .values(
                    account_id=account_id,
                    client_id=client_id,
                    name=name,
                    number=number,
                    emission_date=emission_date,
                    expiration_date=expiration_date,
                    total_amount=total_amount,
                    paid_amount=Decimal(0),
                )
                .returning(*DOCUMENT_COLUMNS)
            )
        ).one()
        return document(row)

    async def get(self, account_id: int, document_id: int) -> Document | None:
        row = (
            await self._conn.execute(
                select(*DOCUMENT_COLUMNS).where(
                    documents.c.account_id == account_id, documents.c.id == document_id
                )
            )
        ).first()
        return document(row) if row else None

    async def get_for_update(self, account_id: int, document_id: int) -> Document | None:
        # SELECT ... FOR UPDATE on PostgreSQL; SQLite's write units already hold the
        # database's write lock (BEGIN IMMEDIATE), and SQLAlchemy omits the clause there.
        row = (
            await self._conn.execute(
                select(*DOCUMENT_COLUMNS)
                .where(documents.c.account_id == account_id, documents.c.id == document_id)
                .with_for_update()
            )
        ).first()
        return document(row) if row else None

    async def list_for_client(self, account_id: int, client_id: int) -> list[Document]:
        rows = await self._conn.execute(
            select(*DOCUMENT_COLUMNS)
            .where(documents.c.account_id == account_id, documents.c.client_id == client_id)
            .order_by(documents.c.id)
        )
        return [document(r) for r in rows]

    async def list_for_clients(
        self, account_id: int, client_ids: Collection[int]
    ) -> dict[int, list[Document]]:
        rows = await self._conn.execute(
            _OF_CLIENTS, {"account_id": account_id, "ids": list(client_ids)}
        )
        return _by_client(rows)

    async def unpaid_for_clients(
        self, account_id: int, client_ids: Collection[int]
    ) -> dict[int, list[Document]]:
        rows = await self._conn.execute(
            _UNPAID_OF_CLIENTS, {"account_id": account_id, "ids": list(client_ids)}
        )
        return _by_client(rows)

    async def unpaid_for_client(self, account_id: int, client_id: int) -> list[Document]:
        rows = await self._conn.execute(
            select(*DOCUMENT_COLUMNS)
            .where(
                documents.c.account_id == account_id,
                documents.c.client_id == client_id,
                documents.c.paid_amount < documents.c.total_amount,
            )
            .order_by(documents.c.expiration_date, documents.c.id)
        )
        return [document(r) for r in rows]

    async def add_payment(
        self, account_id: int, document_id: int, amount: Decimal, paid_at: int
    ) -> Payment:
        row = (
            await self._conn.execute(
                insert(payments)
                .values(
                    account_id=account_id, document_id=document_id, amount=amount, paid_at=paid_at
                )
                .returning(*payments.c)
            )
        ).one()
        await self._conn.execute(
            update(documents)
            .where(documents.c.account_id == account_id, documents.c.id == document_id)
            .values(paid_amount=documents.c.paid_amount + amount)
        )
        return payment(row)


def _by_client(rows: Any) -> dict[int, list[Document]]:
    out: dict[int, list[Document]] = {}
    for row in rows:
        out.setdefault(row.client_id, []).append(document(row))
    return out


def of_clients(columns: Sequence[Any], *, unpaid: bool = False) -> Select[Any]:
    """``columns`` of the documents of a set of clients (bound: ``account_id``, ``ids``), in
    client order and, per client, by id; ``unpaid``: those with something owed, by expiration
    date and id. The entity reads and the planner's projections both build on it."""
    query = select(*columns).where(
        documents.c.account_id == bindparam("account_id"),
        documents.c.client_id.in_(bindparam("ids", expanding=True)),
    )
    if unpaid:
        return query.where(documents.c.paid_amount < documents.c.total_amount).order_by(
            documents.c.client_id, documents.c.expiration_date, documents.c.id
        )
    return query.order_by(documents.c.client_id, documents.c.id)


# Built once and bound per call.
_OF_CLIENTS = of_clients(DOCUMENT_COLUMNS)
_UNPAID_OF_CLIENTS = of_clients(DOCUMENT_COLUMNS, unpaid=True)
