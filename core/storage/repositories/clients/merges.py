"""SQL repository of client merges: the clients' merge state, moving children, the records."""

from __future__ import annotations

import builtins
import json
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Table, and_, bindparam, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.clients.model import Client, MergeCounts, MergeRecord
from core.storage.repositories.clients.rows import CLIENT_COLUMNS, client_from_row
from core.storage.tables.clients import (
    addresses,
    attribute_values,
    client_merges,
    clients,
    contacts,
    documents,
    points_entries,
)

# The children a merge moves, by the name MergeCounts gives them (attribute values apart).
_MOVED: tuple[tuple[str, Table], ...] = (
    ("contacts", contacts),
    ("addresses", addresses),
    ("documents", documents),
    ("points_entries", points_entries),
)
_COUNTED = (*_MOVED, ("attribute_values", attribute_values))


def _of(table: Table, account_id: int, client_ids: Collection[int]) -> list[ColumnElement[bool]]:
    return [table.c.account_id == account_id, table.c.client_id.in_(list(client_ids))]


def _record(row: Any) -> MergeRecord:
    data = dict(row._mapping)
    data["field_choices"] = json.loads(data["field_choices"])
    return MergeRecord(**data)


class SqlMergeRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def clients_with_merge_state(
        self, account_id: int, client_ids: Collection[int], lock: bool
    ) -> dict[int, tuple[Client, int | None]]:
        query = (
            select(*CLIENT_COLUMNS, clients.c.merged_into_id)
            .where(clients.c.account_id == account_id, clients.c.id.in_(list(client_ids)))
            .order_by(clients.c.id)
        )
        if lock:
            # One statement, rows locked in id order: two merges never wait on each other
            # crosswise. PostgreSQL re-reads a row it waited for, so the loser sees the
            # winner's merged_into_id.
            query = query.with_for_update()
        rows = (await self._conn.execute(query)).all()
        return {row.id: (client_from_row(row), row.merged_into_id) for row in rows}

    async def survivor_of(self, account_id: int, client_id: int) -> int | None:
        found = await self._conn.execute(
            select(clients.c.merged_into_id).where(
                clients.c.account_id == account_id, clients.c.id == client_id
            )
        )
        value = found.scalar_one_or_none()
        return None if value is None else int(value)

    async def counts(self, account_id: int, client_ids: Collection[int]) -> MergeCounts:
        counted = [
            select(func.count())
            .select_from(table)
            .where(*_of(table, account_id, client_ids))
            .scalar_subquery()
            .label(name)
            for name, table in _COUNTED
        ]
        row = (await self._conn.execute(select(*counted))).one()
        return MergeCounts(**row._mapping)

    async def move_children(
        self, account_id: int, merged_ids: Sequence[int], survivor_id: int
    ) -> MergeCounts:
        moved: dict[str, int] = {}
        for name, table in _MOVED:
            result = await self._conn.execute(
                update(table)
                .where(*_of(table, account_id, merged_ids))
                .values(client_id=survivor_id)
            )
            moved[name] = int(result.rowcount)
        moved["attribute_values"] = await self._move_attribute_values(
            account_id, merged_ids, survivor_id
        )
        return MergeCounts(**moved)

    async def _move_attribute_values(
        self, account_id: int, merged_ids: Sequence[int], survivor_id: int
    ) -> int:
        """One merged client after the other: its values of attributes the survivor holds
        already are dropped, the others become the survivor's."""
        total = 0
        held = (
            select(attribute_values.c.dynamic_attribute_id)
            .where(
                attribute_values.c.account_id == account_id,
                attribute_values.c.client_id == survivor_id,
            )
            .scalar_subquery()
        )
        for merged_id in merged_ids:
            await self._conn.execute(
                delete(attribute_values).where(
                    *_of(attribute_values, account_id, [merged_id]),
                    attribute_values.c.dynamic_attribute_id.in_(held),
                )
            )
            result = await self._conn.execute(
                update(attribute_values)
                .where(*_of(attribute_values, account_id, [merged_id]))
                .values(client_id=survivor_id)
            )
            total += int(result.rowcount)
        return total

    async def mark_merged(
        self, account_id: int, merged_ids: Collection[int], survivor_id: int
    ) -> None:
        ids = list(merged_ids)
        await self._conn.execute(
            update(clients)
            .where(
                clients.c.account_id == account_id,
                (clients.c.id.in_(ids)) | (clients.c.merged_into_id.in_(ids)),
            )
            .values(merged_into_id=survivor_id)
        )

    async def add_records(
        self,
        account_id: int,
        survivor_id: int,
        merged_ids: Sequence[int],
        principal: tuple[str, int],
        field_choices: Mapping[str, int],
        now: int,
    ) -> builtins.list[MergeRecord]:
        choices = json.dumps(dict(field_choices), sort_keys=True)
        rows = (
            await self._conn.execute(
                insert(client_merges).returning(*client_merges.c, sort_by_parameter_order=True),
                [
                    {
                        "account_id": account_id,
                        "survivor_id": survivor_id,
                        "merged_id": merged_id,
                        "principal_kind": principal[0],
                        "principal_id": principal[1],
                        "merged_at": now,
                        "field_choices": choices,
                    }
                    for merged_id in merged_ids
                ],
            )
        ).all()
        return [_record(r) for r in rows]

    async def record_of(self, account_id: int, merged_id: int) -> MergeRecord | None:
        row = (
            await self._conn.execute(
                select(client_merges).where(
                    client_merges.c.account_id == account_id,
                    client_merges.c.merged_id == merged_id,
                )
            )
        ).first()
        return _record(row) if row else None

    async def records_into(
        self, account_id: int, survivor_ids: Collection[int], limit: int
    ) -> dict[int, builtins.list[MergeRecord]]:
        rows = await self._conn.execute(
            _LATEST_INTO, {"account_id": account_id, "ids": list(survivor_ids), "limit": limit}
        )
        out: dict[int, list[MergeRecord]] = {}
        for row in rows:
            out.setdefault(row.survivor_id, []).append(_record(row))
        return out


_RANKED = (
    select(
        *client_merges.c,
        func.row_number()
        .over(partition_by=client_merges.c.survivor_id, order_by=client_merges.c.id.desc())
        .label("rank"),
    )
    .where(
        and_(
            client_merges.c.account_id == bindparam("account_id"),
            client_merges.c.survivor_id.in_(bindparam("ids", expanding=True)),
        )
    )
    .subquery("ranked")
)
_LATEST_INTO = (
    select(*(_RANKED.c[c.name] for c in client_merges.c))
    .where(_RANKED.c.rank <= bindparam("limit"))
    .order_by(_RANKED.c.survivor_id, _RANKED.c.id.desc())
)
