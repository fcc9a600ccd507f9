"""What the partners repositories share: column lists of the dataclasses, row mapping, the
tenant filter of id-list lookups, the dialect's INSERT ... ON CONFLICT."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection

T = TypeVar("T")


def cols(table: Table, cls: Any) -> list[Any]:
    """The table's columns named like the dataclass's fields, in their order."""
    return [table.c[name] for name in cls.__dataclass_fields__]


def make(cls: type[T], row: Any) -> T:
    return cls(**row._mapping)


class SqlBase:
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

    def _insert_ignoring_conflicts(self, table: Table) -> Any:
        return (pg_insert if self._pg else sqlite_insert)(table).on_conflict_do_nothing()
