"""Hot reads on the driver's connection.

A statement is defined once with SQLAlchemy Core (the repositories' own builders) and compiled
once per dialect to its SQL, the order of its parameters and the processing of its values;
each execution then binds a tuple and runs on the DBAPI (sqlite3) or asyncpg connection. Core
spends more on one execution (compiled-cache lookup, parameter processing, result metadata,
events) than SQLite spends on a short indexed read, and on PostgreSQL every statement through
SQLAlchemy's asyncpg adapter is a greenlet hand-off.

Only read-only units of work take this path (``rows``): SQLite's inline read connections, in
the unit of work's deferred transaction, and PostgreSQL's autocommit read connections. Any
other connection (a write's, a test double's) runs the same statement through Core, so the
answer never depends on the path. What the path keeps: the engine's ``before_cursor_execute``
listeners see every statement (the tests count statements with them; ``echo``, which the app
never sets, does not log them), driver errors come back
as SQLAlchemy's ``DBAPIError`` (so timeouts still become ``ServiceUnavailable``), and values
go through the column types' bind and result processors (SQLite's booleans).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

from sqlalchemy import Connection, Select
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.compiler import SQLCompiler

Processor = Callable[[Any], Any]
Row = Sequence[Any]


class Compiled:
    """One statement's SQL for one dialect, its parameters' order and processing."""

    __slots__ = ("_columns", "binds", "fixed", "results", "sql")

    def __init__(self, compiled: SQLCompiler, dialect: Dialect) -> None:
        self.sql = compiled.string
        names = compiled.positiontup or ()
        processors = cast(Mapping[str, Processor], compiled._bind_processors)
        self.binds = tuple((name, processors.get(name)) for name in names)
        # Values the statement carries itself (``literal()``, a comparison with a constant).
        self.fixed = {
            name: bind.effective_value
            for name in names
            if not (bind := compiled.binds[name]).required
        }
        self._columns = [column[3] for column in compiled._result_columns]
        # SQLite's description carries no types: its processors are known now. asyncpg's
        # are chosen by the type oids the server reports, at the first execution.
        self.results: tuple[tuple[int, Processor], ...] | None = (
            self.processors(dialect, [None] * len(self._columns))
            if dialect.name == "sqlite"
            else None
        )

    def processors(
        self, dialect: Dialect, coltypes: Sequence[Any]
    ) -> tuple[tuple[int, Processor], ...]:
        found = []
        for at, (type_, coltype) in enumerate(zip(self._columns, coltypes, strict=True)):
            processor = type_._cached_result_processor(dialect, coltype)
            if processor is not None:
                found.append((at, processor))
        return tuple(found)

    def args(self, params: Mapping[str, Any]) -> list[Any]:
        if self.fixed:
            params = {**self.fixed, **params}
        return [params[name] if bind is None else bind(params[name]) for name, bind in self.binds]

    def processed(self, rows: Sequence[Row]) -> Sequence[Row]:
        if not self.results:
            return rows
        out = []
        for row in rows:
            values = list(row)
            for at, processor in self.results:
                values[at] = processor(values[at])
            out.append(values)
        return out


class DriverQuery:
    """A read statement run on the driver where ``rows`` can, compiled once per dialect."""

    __slots__ = ("_compiled", "statement")

    def __init__(self, statement: Select[Any]) -> None:
        if not isinstance(statement, Select):
            raise TypeError("driver queries read: a SELECT")
        self.statement = statement
        self._compiled: dict[tuple[str, str], Compiled | None] = {}

    def compiled(self, dialect: Dialect) -> Compiled | None:
        """The statement for ``dialect``, or None when its SQL is rendered per execution (an
        expanding ``IN``): such a statement runs through Core."""
        key = (dialect.name, dialect.driver)
        try:
            return self._compiled[key]
        except KeyError:
            pass
        compiled = self.statement.compile(dialect=dialect)
        fixed = not (compiled.literal_execute_params or compiled.post_compile_params)
        found = self._compiled[key] = Compiled(compiled, dialect) if fixed else None
        return found


async def rows(conn: Any, query: DriverQuery, params: Mapping[str, Any]) -> Sequence[Row]:
    """The rows of ``query`` on ``conn`` (a repository's connection): on the driver for a
    read-only unit of work's connection, through Core on any other. Rows are sequences in
    the statement's column order."""
    compiled = query.compiled(conn.dialect)
    if compiled is not None:
        driver_rows = getattr(conn, "driver_rows", None)
        if driver_rows is not None:
            return await driver_rows(compiled, params)  # type: ignore[no-any-return]
        if isinstance(conn, AsyncConnection) and _autocommit_postgresql(conn):
            return await _asyncpg_rows(conn, compiled, params)
    return (await conn.execute(query.statement, params)).all()  # type: ignore[no-any-return]


async def first(conn: Any, query: DriverQuery, params: Mapping[str, Any]) -> Row | None:
    found = await rows(conn, query, params)
    return found[0] if found else None


def _autocommit_postgresql(conn: AsyncConnection) -> bool:
    """A PostgreSQL read-only unit of work's connection: autocommit, so a statement on the
    driver is exactly what Core would send (no transaction for Core to open first)."""
    if conn.dialect.name != "postgresql":
        return False
    options = conn.sync_connection.get_execution_options()  # type: ignore[union-attr]
    return bool(options.get("read_only")) and options.get("isolation_level") == "AUTOCOMMIT"


def cursor_events(sync: Connection, sql: str, args: Sequence[Any]) -> None:
    """The engine's ``before_cursor_execute`` listeners, as Core would call them."""
    listeners = sync.dispatch.before_cursor_execute
    if listeners:
        listeners(sync, None, sql, args, None, False)


def sqlite_rows(
    sync: Connection, dbapi: Any, compiled: Compiled, params: Mapping[str, Any]
) -> Sequence[Row]:
    """``compiled`` on ``dbapi``, the sqlite3 connection under ``sync``, in its current
    transaction."""
    args = compiled.args(params)
    cursor_events(sync, compiled.sql, args)
    try:
        found = dbapi.execute(compiled.sql, args).fetchall()
    except sync.dialect.loaded_dbapi.Error as exc:
        raise DBAPIError.instance(
            compiled.sql, args, exc, sync.dialect.loaded_dbapi.Error, dialect=sync.dialect
        ) from exc
    return compiled.processed(found)


async def _asyncpg_rows(
    conn: AsyncConnection, compiled: Compiled, params: Mapping[str, Any]
) -> Sequence[Row]:
    sync = conn.sync_connection
    assert sync is not None
    args = compiled.args(params)
    cursor_events(sync, compiled.sql, args)
    driver: Any = sync.connection.driver_connection
    try:
        if compiled.results is None:
            prepared = await driver.prepare(compiled.sql)
            oids = [attribute.type.oid for attribute in prepared.get_attributes()]
            compiled.results = compiled.processors(sync.dialect, oids)
        found = await driver.fetch(compiled.sql, *args)
    except Exception as exc:
        if getattr(exc, "sqlstate", None) is None:
            # Not the server's answer to the statement (the connection broke): the pool must
            # not hand this connection out again.
            await conn.invalidate()
        raise DBAPIError(compiled.sql, args, exc) from exc
    return compiled.processed(found)
