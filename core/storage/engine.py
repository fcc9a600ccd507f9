"""Engines for SQLite (aiosqlite) and PostgreSQL (asyncpg)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy import create_engine as create_sync_engine
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


@dataclass(frozen=True)
class Timeouts:
    """How long a request may wait on the database before it is answered 503."""

    pool_seconds: float = 10.0
    """For a free connection (PostgreSQL pool)."""
    statement_ms: int = 30_000
    """For one statement (PostgreSQL ``statement_timeout``)."""
    lock_ms: int = 10_000
    """For a lock: PostgreSQL ``lock_timeout``; SQLite's write lock (``busy_timeout``)."""


def create_engine(
    url: str, *, pool_size: int = 10, echo: bool = False, timeouts: Timeouts | None = None
) -> AsyncEngine:
    timeouts = timeouts or Timeouts()
    if is_sqlite(url):
        return _sqlite_engine(url, echo, timeouts)
    engine = create_async_engine(
        url,
        echo=echo,
        # Up to twice ``pool_size`` connections, each kept once opened. With ``pool_size`` kept
        # and as many again of overflow, an overflow connection was closed whenever it came
        # back to a full pool and opened again a moment later: at c=16, 60 new backends in 3 s
        # of GET one, each a PostgreSQL start-up and asyncpg's set-up inside some request (the
        # p99, docs/performance.md "Tails").
        pool_size=2 * pool_size,
        max_overflow=0,
        pool_timeout=timeouts.pool_seconds,
        pool_pre_ping=False,
        connect_args={
            "server_settings": {
                "application_name": "clientgate",
                "statement_timeout": str(timeouts.statement_ms),
                "lock_timeout": str(timeouts.lock_ms),
            }
        },
    )

    @event.listens_for(engine.sync_engine, "before_execute")
    def _refuse_writes_when_read_only(conn: Any, clause: Any, *_: Any) -> None:
        # Read-only units of work run in autocommit: a stray write would commit at once.
        if getattr(clause, "is_dml", False) and conn.get_execution_options().get("read_only"):
            raise RuntimeError("a read-only unit of work cannot write")

    return engine


WAL_AUTOCHECKPOINT_PAGES = 10_000
"""Writers' ``wal_autocheckpoint``: ~40 MB of log before a commit checkpoints it itself."""
WAL_SIZE_LIMIT_BYTES = 1024 * 1024
"""Writers' ``journal_size_limit``: what the log file is cut back to when it restarts."""


def _sqlite_engine(url: str, echo: bool, timeouts: Timeouts) -> AsyncEngine:
    parsed = make_url(url)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(
        url,
        echo=echo,
        # One connection per checkout: SQLite connections are cheap, and WAL lets readers run
        # beside the single writer.
        poolclass=NullPool if parsed.database in (None, "", ":memory:") else None,
        connect_args={"timeout": timeouts.lock_ms / 1000},
    )

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take over transaction control from the sqlite3 module so BEGIN is ours to emit.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        for pragma in (
            "PRAGMA journal_mode=WAL",
            "PRAGMA synchronous=NORMAL",
            "PRAGMA foreign_keys=ON",
            f"PRAGMA busy_timeout={int(timeouts.lock_ms)}",
            "PRAGMA cache_size=-65536",
            # A safety net: ``clientgate serve`` checkpoints the log beside the writers long
            # before this (clientgate/checkpoint.py), so no commit waits for a checkpoint.
            f"PRAGMA wal_autocheckpoint={WAL_AUTOCHECKPOINT_PAGES}",
            # The log file is cut back to this when it restarts after a checkpoint, so its
            # size tells the checkpointer how much was written since.
            f"PRAGMA journal_size_limit={WAL_SIZE_LIMIT_BYTES}",
        ):
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Writers take the write lock up front: a deferred transaction that later upgrades
        # can fail with SQLITE_BUSY instead of waiting.
        mode = "BEGIN" if conn.get_execution_options().get("read_only") else "BEGIN IMMEDIATE"
        conn.exec_driver_sql(mode)

    return engine


def create_sqlite_read_engine(url: str) -> Engine:
    """A synchronous pysqlite engine for read-only units of work, run inline on the event loop.

    Why: through aiosqlite every statement costs several hand-offs to its thread (cursor,
    execute, fetch, close), which dominate short indexed reads. WAL readers never wait on
    locks, so a read runs in microseconds without blocking anything; ``query_only`` makes the
    connection refuse writes, which must go through the async engine (they can wait on locks).
    """
    parsed = make_url(url).set(drivername="sqlite+pysqlite")
    engine = create_sync_engine(parsed, connect_args={"timeout": 5, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        for pragma in (
            "PRAGMA query_only=ON",
            "PRAGMA busy_timeout=5000",
            "PRAGMA cache_size=-65536",
            "PRAGMA foreign_keys=ON",
        ):
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Deferred: the snapshot starts at the first read, and no lock is taken. Sent on the
        # driver's connection: a statement through Core costs more than the read it wraps.
        # Driver statements of a unit of work run in autocommit (``InlineConnection``); one
        # already inside a transaction (a Core statement began it) is not begun again.
        dbapi = conn.connection.dbapi_connection
        if not dbapi.in_transaction:
            dbapi.execute("BEGIN")

    return engine
