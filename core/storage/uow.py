"""The unit of work: one connection, one transaction, every repository bound to both."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from functools import cached_property
from types import TracebackType
from typing import Any, TypeVar, cast

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from core.history.recorder import ChangeBuffer
from core.notify import channels
from core.shared.errors import ServiceUnavailable
from core.storage.driver import Compiled, Row, sqlite_rows
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
    SqlDuplicateRepository,
    SqlMergeRepository,
    SqlPointsRepository,
)
from core.storage.repositories.feed import SqlFeedHead
from core.storage.repositories.history import (
    SqlHistoryRepository,
    SqlHistoryRetention,
    write_pending,
)
from core.storage.repositories.idempotency import SqlIdempotencyRepository
from core.storage.repositories.partners import SqlPartnerStorage
from core.storage.repositories.reseller_projections import SqlOnboardedReadModel
from core.storage.repositories.resellers import SqlResellerRepository
from core.storage.repositories.webhooks import SqlWebhookStorage

T = TypeVar("T")

Deliver = Callable[[str, str], None]
"""Hands a committed notification to the in-process bus (SQLite)."""


class InlineConnection:
    """The part of ``AsyncConnection`` repositories use, over a synchronous connection whose
    statements run inline (SQLite reads, see ``create_sqlite_read_engine``). Statements on the
    driver run in autocommit, each reading what was committed when it started, as read-only
    units of work do on PostgreSQL; a statement through Core begins a deferred transaction
    (the engine's ``begin`` listener), which later driver statements join and the unit of work
    rolls back when it ends."""

    def __init__(self, conn: Connection, dbapi: Any, reads: InlineReads) -> None:
        self._sync = conn
        self._dbapi = dbapi
        self._reads = reads
        self._keep = True

    @property
    def dialect(self) -> Dialect:
        return self._sync.dialect

    async def execute(self, statement: Any, parameters: Any = None) -> Any:
        return self._sync.execute(statement, parameters)

    async def exec_driver_sql(self, statement: str, parameters: Any = None) -> Any:
        return self._sync.exec_driver_sql(statement, parameters)

    async def driver_rows(self, compiled: Compiled, params: Mapping[str, Any]) -> Sequence[Row]:
        return sqlite_rows(self._sync, self._dbapi, compiled, params)

    async def run_sync(self, fn: Callable[..., T], *args: Any) -> T:
        return fn(self._sync, *args)

    @asynccontextmanager
    async def begin_nested(self) -> AsyncIterator[None]:
        with self._sync.begin_nested():
            yield

    def in_transaction(self) -> bool:
        sync = self._sync
        if sync.in_transaction():
            return True
        return not (sync.closed or sync.invalidated) and bool(self._dbapi.in_transaction)

    async def commit(self) -> None:
        self._sync.commit()

    async def rollback(self) -> None:
        InlineReads.end(self._sync, self._dbapi)

    def spoil(self) -> None:
        """Close it when given back instead of keeping it: the unit of work failed, perhaps
        in the middle of reading a result, and a statement left unfinished keeps its snapshot
        through the rollback (the next unit of work would read stale rows)."""
        self._keep = False

    async def close(self) -> None:
        if self._keep:
            self._reads.give_back(self._sync, self._dbapi)
        else:  # closed for good: the engine's pool would hand the same driver connection out
            self._sync.invalidate()
            self._sync.close()


class InlineReads:
    """SQLite's read connections (``create_sqlite_read_engine``), kept open between units of
    work: checking one out of the pool, wrapping it in a ``Connection`` and handing it back
    cost more than the short indexed reads most units of work make. A connection is given back
    with any transaction rolled back (its snapshot released); one that failed or was
    invalidated is closed."""

    def __init__(self, engine: Engine, keep: int = 16) -> None:
        self.engine = engine
        self._keep = keep
        self._idle: list[tuple[Connection, Any]] = []

    def take(self) -> InlineConnection:
        if self._idle:
            sync, dbapi = self._idle.pop()
        else:
            sync = self.engine.connect()
            dbapi = sync.connection.dbapi_connection
        return InlineConnection(sync, dbapi, self)

    @staticmethod
    def end(sync: Connection, dbapi: Any) -> None:
        """Roll back the unit of work's transaction: through Core if a statement through Core
        joined it, on the driver otherwise."""
        if sync.in_transaction():
            sync.rollback()
        elif dbapi.in_transaction:
            dbapi.rollback()

    def give_back(self, sync: Connection, dbapi: Any) -> None:
        if sync.closed or sync.invalidated:
            sync.close()
            return
        try:
            self.end(sync, dbapi)
        except BaseException:
            sync.close()
            raise
        if len(self._idle) >= self._keep:
            sync.close()
        else:
            self._idle.append((sync, dbapi))

    @property
    def idle(self) -> int:
        return len(self._idle)

    def dispose(self) -> None:
        while self._idle:
            self._idle.pop()[0].close()
        self.engine.dispose()


class WriteTurns:
    """SQLite: the writers of this process take their turn in arrival order before
    ``BEGIN IMMEDIATE``. SQLite has one writer at a time anyway; without turns, every pooled
    connection waits in SQLite's busy handler, which sleeps and polls (up to 100 ms a try), so
    a writer that keeps losing the race waited seconds (the p99 of concurrent creates). Waiting
    longer than the lock timeout is ``ServiceUnavailable``, like SQLite's own busy timeout.
    Other processes (``clientgate worker``) still meet at SQLite's lock."""

    def __init__(self, timeout_seconds: float) -> None:
        self._timeout = timeout_seconds
        self._locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )

    async def take(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        lock = self._locks.get(loop)
        if lock is None:
            lock = self._locks[loop] = asyncio.Lock()
        try:
            await asyncio.wait_for(lock.acquire(), self._timeout)
        except TimeoutError:
            raise ServiceUnavailable("the database is busy (write lock)") from None
        return lock


class SqlUnitOfWork:
    """Opened with ``async with``; rolls back unless ``commit()`` was called.

    Read-only units of work skip the transaction round trips: they run in autocommit on both
    databases (no BEGIN/ROLLBACK; what they read together is not one snapshot), on SQLite on
    an inline synchronous connection (``read_engine``).
    """

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        read_only: bool = False,
        reads: InlineReads | None = None,
        autocommit: AsyncEngine | None = None,
        deliver: Deliver | None = None,
        turns: WriteTurns | None = None,
    ) -> None:
        self._engine = engine
        self._read_only = read_only
        self._reads = reads
        self._autocommit = autocommit
        self._deliver = deliver
        self._turns = turns
        self._turn: asyncio.Lock | None = None
        self._conn: AsyncConnection | None = None
        self._pending: list[tuple[str, str]] = []

    async def _open(self) -> AsyncConnection:
        if self._read_only and self._reads is not None:
            # Same surface as AsyncConnection for everything repositories call.
            return cast(AsyncConnection, self._reads.take())
        if self._read_only:
            # The engine's autocommit view: its connections check out in AUTOCOMMIT with
            # read_only set, in one hand-off to the driver instead of two.
            view = self._autocommit or self._engine.execution_options(
                isolation_level="AUTOCOMMIT", read_only=True
            )
            return await view.connect()
        if self._turns is not None:
            self._turn = await self._turns.take()
        try:
            conn = await self._engine.connect()
            try:
                await conn.begin()
            except BaseException:
                await conn.close()  # e.g. SQLite's write lock not had in time
                raise
        except BaseException:
            self._end_turn()
            raise
        return conn

    def _end_turn(self) -> None:
        turn, self._turn = self._turn, None
        if turn is not None:
            turn.release()

    async def __aenter__(self) -> SqlUnitOfWork:
        try:
            conn = await self._open()
        except (SQLAlchemyTimeoutError, DBAPIError) as exc:
            reason = timed_out(exc)
            if reason is None:
                raise
            raise ServiceUnavailable(reason) from exc
        self._conn = conn
        return self

    # Repositories are built on first use: a request touches one or two of them.
    @cached_property
    def accounts(self) -> SqlAccountRepository:
        return SqlAccountRepository(self.connection)

    @cached_property
    def directory(self) -> SqlAccountDirectory:
        return SqlAccountDirectory(self.connection)

    @cached_property
    def clients(self) -> SqlClientRepository:
        return SqlClientRepository(self.connection)

    @cached_property
    def client_rows(self) -> SqlClientReadModel:
        return SqlClientReadModel(self.connection)

    @cached_property
    def contacts(self) -> SqlContactRepository:
        return SqlContactRepository(self.connection)

    @cached_property
    def addresses(self) -> SqlAddressRepository:
        return SqlAddressRepository(self.connection)

    @cached_property
    def attributes(self) -> SqlAttributeRepository:
        return SqlAttributeRepository(self.connection)

    @cached_property
    def catalogs(self) -> SqlCatalogRepository:
        return SqlCatalogRepository(self.connection)

    @cached_property
    def points(self) -> SqlPointsRepository:
        return SqlPointsRepository(self.connection)

    @cached_property
    def documents(self) -> SqlDocumentRepository:
        return SqlDocumentRepository(self.connection)

    @cached_property
    def merges(self) -> SqlMergeRepository:
        return SqlMergeRepository(self.connection)

    @cached_property
    def duplicates(self) -> SqlDuplicateRepository:
        return SqlDuplicateRepository(self.connection)

    @cached_property
    def resellers(self) -> SqlResellerRepository:
        return SqlResellerRepository(self.connection)

    @cached_property
    def onboarded_rows(self) -> SqlOnboardedReadModel:
        return SqlOnboardedReadModel(self.connection)

    @cached_property
    def partners(self) -> SqlPartnerStorage:
        return SqlPartnerStorage(self.connection)

    @cached_property
    def idempotency(self) -> SqlIdempotencyRepository:
        return SqlIdempotencyRepository(self.connection)

    @cached_property
    def webhooks(self) -> SqlWebhookStorage:
        return SqlWebhookStorage(self.connection)

    @cached_property
    def history(self) -> ChangeBuffer:
        """The changes this unit of work records, written by ``commit``."""
        return ChangeBuffer()

    @cached_property
    def history_reads(self) -> SqlHistoryRepository:
        return SqlHistoryRepository(self.connection)

    @cached_property
    def history_retention(self) -> SqlHistoryRetention:
        return SqlHistoryRetention(self.connection)

    @cached_property
    def feed(self) -> SqlFeedHead:
        return SqlFeedHead(self.connection)

    @property
    def connection(self) -> AsyncConnection:
        if self._conn is None:
            raise RuntimeError("unit of work is not open")
        return self._conn

    async def notify(self, channel: str, payload: str) -> None:
        """The ``Notifier`` port: PostgreSQL sends it with the transaction (``pg_notify``
        is delivered on commit, to every instance); SQLite hands it to the in-process bus
        after the commit."""
        if self._read_only:
            raise RuntimeError("read-only unit of work cannot notify")
        if self.connection.dialect.name == "postgresql":
            await self.connection.execute(select(func.pg_notify(channel, payload)))
        elif (channel, payload) not in self._pending:
            self._pending.append((channel, payload))

    async def commit(self) -> None:
        if self._read_only:
            raise RuntimeError("read-only unit of work cannot commit")
        # The changes recorded by this unit of work, numbered in commit order, in the same
        # transaction as the write (core/storage/repositories/history.py).
        # Followers of the change feed (the ``changes`` subscription, webhook workers) wake:
        # on PostgreSQL notified by the commit itself.
        changes = self.history.take()
        for account_id in await write_pending(self.connection, changes, channels.CHANGES):
            await self.notify(channels.CHANGES, str(account_id))
        await self.connection.commit()
        pending, self._pending = self._pending, []
        if self._deliver is not None:
            for channel, payload in pending:
                self._deliver(channel, payload)

    async def rollback(self) -> None:
        self._pending = []
        self.history.discard()
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
        if isinstance(conn, InlineConnection):
            if exc is not None:
                conn.spoil()
            await conn.close()  # given back rolled back, or closed (spoiled, invalidated)
        else:
            await self._close(conn)
        reason = timed_out(exc)
        if reason is not None:
            raise ServiceUnavailable(reason) from exc

    async def _close(self, conn: AsyncConnection) -> None:
        try:
            if conn.in_transaction():
                await conn.rollback()
        finally:
            try:
                await conn.close()
            finally:
                self._end_turn()


# PostgreSQL: query_canceled (statement_timeout), lock_not_available (lock_timeout).
# And the transactions PostgreSQL aborts to break a deadlock or a serialization conflict: the
# caller may retry (503 with Retry-After), as after a timeout, rather than see a 500.
_PG_TIMEOUTS = {
    "57014": "a database statement timed out",
    "55P03": "a database lock timed out",
    "40P01": "the database broke a deadlock between writers",
    "40001": "the database refused a conflicting concurrent write",
}


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

    def __init__(
        self,
        engine: AsyncEngine,
        deliver: Deliver | None = None,
        lock_timeout_seconds: float = 10.0,
    ) -> None:
        """``deliver``: on SQLite, where committed notifications go (the in-process bus);
        on PostgreSQL None (they travel with the transaction)."""
        self.engine = engine
        url = engine.url.render_as_string(hide_password=False)
        sqlite = is_sqlite(url)
        self.reads = InlineReads(create_sqlite_read_engine(url)) if sqlite else None
        self.turns = WriteTurns(lock_timeout_seconds) if sqlite else None
        # Read-only units of work on PostgreSQL: the same pool, in autocommit.
        self.autocommit = engine.execution_options(isolation_level="AUTOCOMMIT", read_only=True)
        self.deliver = deliver

    @property
    def read_engine(self) -> Engine | None:
        return self.reads.engine if self.reads is not None else None

    def __call__(self, *, read_only: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(
            self.engine,
            read_only=read_only,
            reads=self.reads,
            autocommit=self.autocommit,
            deliver=self.deliver,
            turns=self.turns,
        )

    async def dispose(self) -> None:
        if self.reads is not None:
            self.reads.dispose()
