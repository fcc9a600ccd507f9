"""The unit of work: one connection, one transaction, every repository bound to both."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from types import TracebackType
from typing import Any, TypeVar, cast

from sqlalchemy import Connection, Engine
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from core.shared.errors import ServiceUnavailable
from core.storage.engine import create_sqlite_read_engine, is_sqlite
from core.storage.repositories.accounts import SqlAccountDirectory, SqlAccountRepository
from core.storage.repositories.clients import (
    SqlAddressRepository,
    SqlAttributeRepository,
    SqlCatalogRepository,
    SqlClientReadModel,
    SqlClientRepository,
    SqlContactRepository,
    SqlDocumentRepository,
    SqlPointsRepository,
)
from core.storage.repositories.idempotency import SqlIdempotencyRepository
from core.storage.repositories.partners import SqlPartnerStorage
from core.storage.repositories.resellers import SqlResellerRepository

T = TypeVar("T")


class InlineConnection:
    """The part of ``AsyncConnection`` repositories use, over a synchronous connection whose
    statements run inline (SQLite reads, see ``create_sqlite_read_engine``)."""

    def __init__(self, conn: Connection) -> None:
        self._sync = conn

    @property
    def dialect(self) -> Dialect:
        return self._sync.dialect

    async def execute(self, statement: Any, parameters: Any = None) -> Any:
        return self._sync.execute(statement, parameters)

    async def exec_driver_sql(self, statement: str, parameters: Any = None) -> Any:
        return self._sync.exec_driver_sql(statement, parameters)

    async def run_sync(self, fn: Callable[..., T], *args: Any) -> T:
        return fn(self._sync, *args)

    @asynccontextmanager
    async def begin_nested(self) -> AsyncIterator[None]:
        with self._sync.begin_nested():
            yield

    def in_transaction(self) -> bool:
        return self._sync.in_transaction()

    async def commit(self) -> None:
        self._sync.commit()

    async def rollback(self) -> None:
        self._sync.rollback()

    async def close(self) -> None:
        self._sync.close()


class SqlUnitOfWork:
    """Opened with ``async with``; rolls back unless ``commit()`` was called.

    Read-only units of work skip the transaction round trips where they cost the most:
    on PostgreSQL they run in autocommit (no BEGIN/ROLLBACK), on SQLite on an inline
    synchronous connection (``read_engine``).
    """

    def __init__(
        self, engine: AsyncEngine, *, read_only: bool = False, read_engine: Engine | None = None
    ) -> None:
        self._engine = engine
        self._read_only = read_only
        self._read_engine = read_engine
        self._conn: AsyncConnection | None = None

    async def _open(self) -> AsyncConnection:
        if self._read_only and self._read_engine is not None:
            sync = self._read_engine.connect()
            sync.begin()
            # Same surface as AsyncConnection for everything repositories call.
            return cast(AsyncConnection, InlineConnection(sync))
        conn = await self._engine.connect()
        if self._read_only:
            return await conn.execution_options(isolation_level="AUTOCOMMIT", read_only=True)
        try:
            await conn.begin()
        except BaseException:
            await conn.close()  # e.g. SQLite's write lock not had in time
            raise
        return conn

    async def __aenter__(self) -> SqlUnitOfWork:
        try:
            conn = await self._open()
        except (SQLAlchemyTimeoutError, DBAPIError) as exc:
            reason = timed_out(exc)
            if reason is None:
                raise
            raise ServiceUnavailable(reason) from exc
        self._conn = conn
        self.accounts = SqlAccountRepository(conn)
        self.directory = SqlAccountDirectory(conn)
        self.clients = SqlClientRepository(conn)
        self.client_rows = SqlClientReadModel(conn)
        self.contacts = SqlContactRepository(conn)
        self.addresses = SqlAddressRepository(conn)
        self.attributes = SqlAttributeRepository(conn)
        self.catalogs = SqlCatalogRepository(conn)
        self.points = SqlPointsRepository(conn)
        self.documents = SqlDocumentRepository(conn)
        self.resellers = SqlResellerRepository(conn)
        self.partners = SqlPartnerStorage(conn)
        self.idempotency = SqlIdempotencyRepository(conn)
        return self

    @property
    def connection(self) -> AsyncConnection:
        if self._conn is None:
            raise RuntimeError("unit of work is not open")
        return self._conn

    async def commit(self) -> None:
        if self._read_only:
            raise RuntimeError("read-only unit of work cannot commit")
        await self.connection.commit()

    async def rollback(self) -> None:
        await self.connection.rollback()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            if conn.in_transaction():
                await conn.rollback()
        finally:
            await conn.close()
        reason = timed_out(exc)
        if reason is not None:
            raise ServiceUnavailable(reason) from exc


# PostgreSQL: query_canceled (statement_timeout), lock_not_available (lock_timeout).
_PG_TIMEOUTS = {"57014": "a database statement timed out", "55P03": "a database lock timed out"}


def timed_out(exc: BaseException | None) -> str | None:
    """Why ``exc`` means "the database could not serve in time", or None."""
    if isinstance(exc, SQLAlchemyTimeoutError):
        return "no free database connection"
    if not isinstance(exc, DBAPIError):
        return None
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    if code in _PG_TIMEOUTS:
        return _PG_TIMEOUTS[code]
    if isinstance(exc, OperationalError) and "database is locked" in str(exc.orig):
        return "the database is busy (write lock)"
    return None


class UnitOfWorkFactory:
    """Callable handed to services: ``async with factory(read_only=True) as uow``."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        url = engine.url.render_as_string(hide_password=False)
        self.read_engine = create_sqlite_read_engine(url) if is_sqlite(url) else None

    def __call__(self, *, read_only: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, read_only=read_only, read_engine=self.read_engine)

    async def dispose(self) -> None:
        if self.read_engine is not None:
            self.read_engine.dispose()
