"""Onboarded accounts and their e-invoicing settings. Every method is scoped by the reseller's
account id (or, for ``secret_of``, the onboarded account's own id)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Select, bindparam, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import ColumnElement

from core.resellers.errors import RucTaken
from core.resellers.model import (
    IntegrationType,
    OnboardedAccount,
    OnboardedFilter,
    SettingsRow,
    ValidatorEntity,
)
from core.resellers.search import KEY_SOURCES, onboarded_keys
from core.shared.search import parse_search
from core.storage.repositories.search_sql import Tier, id_keyset, ranked_rows
from core.storage.tables.accounts import accounts
from core.storage.tables.resellers import einvoice_settings as s

_PUBLIC = [
    s.c.account_id,
    s.c.reseller_account_id,
    s.c.ruc,
    s.c.company_name,
    s.c.email,
    s.c.phone_number,
    s.c.mobile_number,
    s.c.validator_entity,
    s.c.external_ose_username,
    s.c.external_ose_password_enc.is_not(None).label("has_external_ose_password"),
    s.c.is_ose_validation_only,
    s.c.integration_type,
    s.c.created_at,
    s.c.updated_at,
]
_ROW_FIELDS = list(SettingsRow.__dataclass_fields__)
_VALUES_CHUNK = 1000

# PostgreSQL array type of each settings column overwritten by a batch.
_ARRAY_TYPES = {
    "company_name": "varchar[]",
    "email": "varchar[]",
    "phone_number": "varchar[]",
    "mobile_number": "varchar[]",
    "validator_entity": "smallint[]",
    "external_ose_username": "varchar[]",
    "external_ose_password_enc": "text[]",
    "is_ose_validation_only": "boolean[]",
    "integration_type": "smallint[]",
}
_ARRAY_FIELDS = list(_ARRAY_TYPES)
if set(_ARRAY_FIELDS) != set(_ROW_FIELDS) - {"ruc"}:  # a new settings field must be listed here
    raise RuntimeError("einvoice_settings: _ARRAY_TYPES is out of date with SettingsRow")
# The search document and keys (core/resellers/search.py) are written with the fields they
# come from.
_KEY_TYPES = {
    "search_text": "text[]",
    "name_key": "text[]",
    "email_key": "text[]",
    "phone_key": "varchar[]",
    "mobile_key": "varchar[]",
}
_WRITTEN_TYPES = {**_ARRAY_TYPES, **_KEY_TYPES}
_UNNEST = (
    "unnest(CAST(:account_id AS bigint[]), "
    + ", ".join(f"CAST(:{f} AS {t})" for f, t in _WRITTEN_TYPES.items())
    + ") AS b(account_id, "
    + ", ".join(_WRITTEN_TYPES)
    + ")"
)
_PG_UPDATE_SETTINGS = text(
    "UPDATE einvoice_settings AS s SET "  # noqa: S608 - constant column names only
    + ", ".join(f"{f} = b.{f}" for f in _WRITTEN_TYPES)
    + ", updated_at = :now FROM "
    + _UNNEST
    + " WHERE s.reseller_account_id = :reseller AND s.account_id = b.account_id"
)
_PG_UPDATE_NAMES = text(
    "UPDATE accounts AS a SET name = b.company_name, updated_at = :now FROM "  # noqa: S608
    + _UNNEST
    + " WHERE a.reseller_account_id = :reseller AND a.id = b.account_id"
)


def _onboarded(row: Any) -> OnboardedAccount:
    data = dict(row._mapping)
    data["validator_entity"] = ValidatorEntity(data["validator_entity"])
    data["integration_type"] = IntegrationType(data["integration_type"])
    data["has_external_ose_password"] = bool(data["has_external_ose_password"])
    data["is_ose_validation_only"] = bool(data["is_ose_validation_only"])
    return OnboardedAccount(**data)


def _where(reseller_account_id: int, filters: OnboardedFilter) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = [s.c.reseller_account_id == reseller_account_id]
    if filters.ruc is not None:
        clauses.append(s.c.ruc == filters.ruc)
    if filters.validator_entity is not None:
        clauses.append(s.c.validator_entity == int(filters.validator_entity))
    if filters.created_since is not None:
        clauses.append(s.c.created_at >= filters.created_since)
    if filters.updated_since is not None:
        clauses.append(s.c.updated_at >= filters.updated_since)
    query = parse_search(filters.search)
    if query is not None:
        # Each word a word prefix of the document (trigram GIN on PostgreSQL).
        clauses += [s.c.search_text.like(f"% {term}%") for term in (*query.terms, *query.checks)]
    return clauses


# The key columns a search's relevance compares (``core/resellers/search.py``): the RUC,
# digits only, is its own tax id key.
_RANKED = {
    "name_key": s.c.name_key,
    "tax_id_key": s.c.ruc,
    "email_key": s.c.email_key,
    "phone_key": s.c.phone_key,
    "mobile_key": s.c.mobile_key,
}

PUBLIC_COLUMNS = {c.name: c for c in _PUBLIC}
"""The columns an onboarded account is read from, by ``OnboardedAccount`` field name."""


def onboarded_keyset(
    columns: Sequence[Any],
    reseller_account_id: int,
    filters: OnboardedFilter,
    after_id: int | None,
    limit: int,
    backward: bool,
    tier: Tier | None = None,
) -> Select[Any]:
    """``columns`` of up to ``limit`` of the reseller's accounts matching ``filters`` with id
    after ``after_id`` in id order (``backward``: before it, descending); ``tier``: only that
    relevance tier's matches. The entity page and the planner's projection both build on it."""
    conds = _where(reseller_account_id, filters)
    after = (after_id, limit, backward)
    return id_keyset(select(*columns), conds, s.c.account_id, after, tier, _RANKED)


def _keys(row: SettingsRow) -> dict[str, str | None]:
    return onboarded_keys({f: getattr(row, f) for f in KEY_SOURCES})


class SqlResellerRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def own_by_ruc(
        self, reseller_account_id: int, rucs: Sequence[str]
    ) -> dict[str, OnboardedAccount]:
        if not rucs:
            return {}
        rows = await self._conn.execute(
            select(*_PUBLIC).where(
                s.c.reseller_account_id == reseller_account_id, s.c.ruc.in_(list(rucs))
            )
        )
        return {row.ruc: _onboarded(row) for row in rows}

    async def rucs_held_elsewhere(self, reseller_account_id: int, rucs: Sequence[str]) -> set[str]:
        if not rucs:
            return set()
        rows = await self._conn.execute(
            select(s.c.ruc).where(
                s.c.reseller_account_id != reseller_account_id, s.c.ruc.in_(list(rucs))
            )
        )
        return {row.ruc for row in rows}

    async def add_accounts(
        self, reseller_account_id: int, names: Sequence[str], strict_tax_ids: bool, now: int
    ) -> list[int]:
        if not names:
            return []
        rows = [
            {
                "name": name,
                "country": "PE",
                "is_reseller": False,
                "strict_tax_ids": strict_tax_ids,
                "reseller_account_id": reseller_account_id,
                "created_at": now,
                "updated_at": now,
            }
            for name in names
        ]
        if self._conn.dialect.name == "sqlite":
            # SQLAlchemy cannot keep RETURNING rows in parameter order on SQLite other than one
            # INSERT per row. Writers hold the database lock (BEGIN IMMEDIATE) for the whole
            # transaction, so ids after the current maximum are ours to hand out: one SELECT
            # and one executemany.
            top = (await self._conn.execute(select(func.max(accounts.c.id)))).scalar_one()
            first = int(top or 0) + 1
            ids = list(range(first, first + len(rows)))
            await self._conn.execute(
                insert(accounts), [{"id": i, **row} for i, row in zip(ids, rows, strict=True)]
            )
            return ids
        # PostgreSQL: multi-row INSERT ... RETURNING ("insertmanyvalues"), in parameter order.
        result = await self._conn.execute(
            insert(accounts).returning(accounts.c.id, sort_by_parameter_order=True), rows
        )
        return [int(row.id) for row in result]

    async def add_settings(
        self, reseller_account_id: int, rows: Sequence[tuple[int, SettingsRow]], now: int
    ) -> None:
        if not rows:
            return
        values = [
            {
                "account_id": account_id,
                "reseller_account_id": reseller_account_id,
                **{f: getattr(row, f) for f in _ROW_FIELDS},
                **_keys(row),
                "created_at": now,
                "updated_at": now,
            }
            for account_id, row in rows
        ]
        try:
            await self._conn.execute(insert(s), values)
        except IntegrityError:
            # The only unique key a fresh account id can hit is the RUC: a concurrent batch
            # onboarded it after we looked. The caller rolls back and replays.
            raise RucTaken from None

    async def replace_settings(
        self, reseller_account_id: int, rows: Sequence[tuple[int, SettingsRow]], now: int
    ) -> None:
        if not rows:
            return
        if self._conn.dialect.name == "postgresql":
            for start in range(0, len(rows), _VALUES_CHUNK):
                await self._replace_from_arrays(
                    reseller_account_id, rows[start : start + _VALUES_CHUNK], now
                )
            return
        # SQLite: executemany runs in C inside one call, faster than any single statement.
        params = [
            {
                "b_account_id": account_id,
                **{f"b_{f}": getattr(row, f) for f in _ROW_FIELDS},
                **{f"b_{k}": v for k, v in _keys(row).items()},
            }
            for account_id, row in rows
        ]
        await self._conn.execute(
            update(s)
            .where(
                s.c.reseller_account_id == reseller_account_id,
                s.c.account_id == bindparam("b_account_id"),
            )
            .values(
                {
                    **{f: bindparam(f"b_{f}") for f in _ROW_FIELDS if f != "ruc"},
                    **{k: bindparam(f"b_{k}") for k in _KEY_TYPES},
                    "updated_at": now,
                }
            ),
            params,
        )
        await self._conn.execute(
            update(accounts)
            .where(
                accounts.c.reseller_account_id == reseller_account_id,
                accounts.c.id == bindparam("b_account_id"),
            )
            .values(name=bindparam("b_company_name"), updated_at=now),
            [
                {"b_account_id": p["b_account_id"], "b_company_name": p["b_company_name"]}
                for p in params
            ],
        )

    async def _replace_from_arrays(
        self, reseller_account_id: int, rows: Sequence[tuple[int, SettingsRow]], now: int
    ) -> None:
        """PostgreSQL: ``UPDATE ... FROM unnest(arrays)``: one statement per table with one
        array parameter per column, instead of one statement per row (a pipelined executemany
        still costs the server a statement per row). The SQL text never varies, so it stays
        prepared."""
        params: dict[str, object] = {
            "reseller": reseller_account_id,
            "now": now,
            "account_id": [account_id for account_id, _ in rows],
        }
        for f in _ARRAY_FIELDS:
            params[f] = [getattr(row, f) for _, row in rows]
        keys = [_keys(row) for _, row in rows]
        for k in _KEY_TYPES:
            params[k] = [found[k] for found in keys]
        await self._conn.execute(_PG_UPDATE_SETTINGS, params)
        await self._conn.execute(_PG_UPDATE_NAMES, params)

    async def get(self, reseller_account_id: int, account_id: int) -> OnboardedAccount | None:
        row = (
            await self._conn.execute(
                select(*_PUBLIC).where(
                    s.c.reseller_account_id == reseller_account_id, s.c.account_id == account_id
                )
            )
        ).first()
        return _onboarded(row) if row else None

    async def page(
        self,
        reseller_account_id: int,
        filters: OnboardedFilter,
        after_id: int | None,
        limit: int,
        *,
        backward: bool = False,
        after_tier: int = 0,
    ) -> list[OnboardedAccount]:
        def statement(tier: Tier | None, bound: int | None, n: int) -> Select[Any]:
            return onboarded_keyset(_PUBLIC, reseller_account_id, filters, bound, n, backward, tier)

        search = parse_search(filters.search)
        after = None if after_id is None else (after_tier, after_id)
        rows = await ranked_rows(self._conn, statement, search, after, limit, backward)
        return [_onboarded(r) for _, r in rows]

    async def count(self, reseller_account_id: int, filters: OnboardedFilter) -> int:
        stmt = select(func.count()).select_from(s).where(*_where(reseller_account_id, filters))
        return int((await self._conn.execute(stmt)).scalar_one())

    async def update(
        self, reseller_account_id: int, account_id: int, values: Mapping[str, object], now: int
    ) -> OnboardedAccount | None:
        result = await self._conn.execute(
            update(s)
            .where(s.c.reseller_account_id == reseller_account_id, s.c.account_id == account_id)
            .values({**values, "updated_at": now})
            .returning(*_PUBLIC)
        )
        row = result.first()
        if row is None:
            return None
        if any(name in values for name in KEY_SOURCES):
            # The document needs every source field, and only the row written has them all.
            await self._conn.execute(
                update(s)
                .where(s.c.account_id == account_id)
                .values(onboarded_keys(dict(row._mapping)))
            )
        if "company_name" in values:
            await self._conn.execute(
                update(accounts)
                .where(
                    accounts.c.reseller_account_id == reseller_account_id,
                    accounts.c.id == account_id,
                )
                .values(name=values["company_name"], updated_at=now)
            )
        return _onboarded(row)

    async def secret_of(self, account_id: int) -> tuple[str | None, str | None] | None:
        row = (
            await self._conn.execute(
                select(s.c.external_ose_username, s.c.external_ose_password_enc).where(
                    s.c.account_id == account_id
                )
            )
        ).first()
        return (row[0], row[1]) if row else None
