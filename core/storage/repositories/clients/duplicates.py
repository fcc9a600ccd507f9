"""SQL repository of duplicate candidates: the keys of ``core.clients.duplicate_keys``
computed in SQL the same way on SQLite and PostgreSQL, over live (not merged) clients.

The keys are expressions, not indexed columns yet: they scan the account's clients.
(Normalised, indexed key columns are the search work's; these expressions move onto them
when it lands.)
"""

from __future__ import annotations

import builtins
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import ColumnElement, String, and_, case, func, literal, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from core.clients.duplicate_keys import MIN_PHONE_DIGITS, PHONE_PUNCTUATION, TAX_ID_SEPARATORS
from core.clients.model import Client, DuplicateKeys, DuplicateReason
from core.shared.taxid import FOREIGNER_RUT
from core.storage.repositories.clients.rows import CLIENT_COLUMNS, client_from_row
from core.storage.tables.clients import clients


def _spaces_collapsed(expr: Any) -> Any:
    # Runs of up to 8 spaces become one (names rarely hold more), then trimmed.
    for _ in range(3):
        expr = func.replace(expr, "  ", " ")
    return func.trim(expr)


def _tax_id() -> Any:
    expr: Any = func.trim(clients.c.code)
    for ch in TAX_ID_SEPARATORS:
        expr = func.replace(expr, ch, "")
    return func.upper(expr)


def _phone_digits() -> Any:
    expr: Any = func.coalesce(clients.c.phone, "")
    for ch in PHONE_PUNCTUATION:
        expr = func.replace(expr, ch, "")
    return expr


def _without_digits(expr: Any) -> Any:
    for digit in "0123456789":
        expr = func.replace(expr, digit, "")
    return expr


def _name() -> Any:
    person = func.coalesce(clients.c.first_name, "") + " " + func.coalesce(clients.c.last_name, "")
    has_person = or_(
        func.coalesce(clients.c.first_name, "") != "", func.coalesce(clients.c.last_name, "") != ""
    )
    raw = case((has_person, person), else_=func.coalesce(clients.c.company, ""))
    return func.lower(_spaces_collapsed(raw))


_TAX = _tax_id()
_EMAIL = func.lower(func.trim(func.coalesce(clients.c.email, "")))
_PHONE = _phone_digits()
_NAME = _name()
_CITY = func.lower(_spaces_collapsed(func.coalesce(clients.c.city, "")))

_KEY: dict[DuplicateReason, Any] = {
    DuplicateReason.TAX_ID: _TAX,
    DuplicateReason.EMAIL: _EMAIL,
    DuplicateReason.PHONE: _PHONE,
    DuplicateReason.NAME_AND_CITY: _NAME + literal("|", String) + _CITY,
}
# When a client has a key at all (the Python side's None).
_HAS_KEY: dict[DuplicateReason, ColumnElement[bool]] = {
    DuplicateReason.TAX_ID: and_(_TAX != "", func.trim(clients.c.code) != FOREIGNER_RUT),
    DuplicateReason.EMAIL: _EMAIL != "",
    DuplicateReason.PHONE: and_(
        func.length(_PHONE) >= MIN_PHONE_DIGITS, _without_digits(_PHONE) == ""
    ),
    DuplicateReason.NAME_AND_CITY: and_(_NAME != "", _CITY != ""),
}


def _live(account_id: int) -> list[ColumnElement[bool]]:
    return [clients.c.account_id == account_id, clients.c.merged_into_id.is_(None)]


class SqlDuplicateRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def matching(
        self, account_id: int, keys: Sequence[DuplicateKeys], limit: int
    ) -> builtins.list[Client]:
        wanted: list[ColumnElement[bool]] = []
        taxes = sorted({k.tax_id for k in keys if k.tax_id})
        emails = sorted({k.email for k in keys if k.email})
        phones = sorted({k.phone for k in keys if k.phone})
        names = sorted({k.name_and_city for k in keys if k.name_and_city})
        if taxes:
            wanted.append(_TAX.in_(taxes))
        if emails:
            wanted.append(_EMAIL.in_(emails))
        if phones:
            wanted.append(_PHONE.in_(phones))
        if names:
            wanted.append(tuple_(_NAME, _CITY).in_(names))
        if not wanted:
            return []
        rows = await self._conn.execute(
            select(*CLIENT_COLUMNS)
            .where(*_live(account_id), or_(*wanted))
            .order_by(clients.c.id)
            .limit(limit)
        )
        return [client_from_row(r) for r in rows]

    async def groups(
        self, account_id: int, reason: DuplicateReason, after: str | None, limit: int
    ) -> builtins.list[tuple[str, int]]:
        key = _KEY[reason].label("k")
        conds = [*_live(account_id), _HAS_KEY[reason]]
        inner = select(key).where(*conds).subquery("keyed")
        query = (
            select(inner.c.k, func.count().label("n"))
            .group_by(inner.c.k)
            .having(func.count() > 1)
            .order_by(inner.c.k)
            .limit(limit)
        )
        if after is not None:
            query = query.where(inner.c.k > after)
        rows = await self._conn.execute(query)
        return [(str(k), int(n)) for k, n in rows]

    async def members(
        self, account_id: int, reason: DuplicateReason, keys: Collection[str], per_key: int
    ) -> dict[str, builtins.list[Client]]:
        if not keys:
            return {}
        key = _KEY[reason]
        ranked = (
            select(
                *CLIENT_COLUMNS,
                key.label("k"),
                func.row_number().over(partition_by=key, order_by=clients.c.id).label("rank"),
            )
            .where(*_live(account_id), _HAS_KEY[reason], key.in_(list(keys)))
            .subquery("ranked")
        )
        columns = [ranked.c[c.name] for c in CLIENT_COLUMNS]
        rows = await self._conn.execute(
            select(*columns, ranked.c.k)
            .where(ranked.c.rank <= per_key)
            .order_by(ranked.c.k, ranked.c.id)
        )
        out: dict[str, list[Client]] = {}
        for row in rows:
            out.setdefault(str(row.k), []).append(client_from_row(row))
        return out
