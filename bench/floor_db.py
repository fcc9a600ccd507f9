"""What both floors (REST and GraphQL) share: a tiny connection pool over asyncpg or SQLite,
the column lists they read, and the token check every request makes."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
import sqlite3
import time
from collections.abc import Awaitable, Callable
from typing import Any

from core.accounts.model import Account

APPLICATION_NAME = "clientgate-floor"
# The account columns clientgate's token lookup reads (every field of Account).
ACCOUNT_SQL_COLS = ", ".join(f"a.{name}" for name in Account.__dataclass_fields__)
ACCOUNT_KEYS = tuple(Account.__dataclass_fields__)


CLIENT_SQL_COLS = (
    "id, first_name, last_name, email, code, phone, company, note, facebook, twitter, "
    "has_credit, max_credit, state, activity, city, district, address, company_or_person, "
    "accumulate_points, points, points_updated, send_dte, is_foreigner, prestashop_client_id, "
    "payment_type_id, price_list_id, sale_condition_id, created_at, updated_at"
)
_PLACEHOLDER = re.compile(r"\$\d+")
CLIENT_KEYS = tuple(c.strip() for c in CLIENT_SQL_COLS.split(","))


class Db:
    """Tiny pools over asyncpg or SQLite: ``fetch(conn, sql, *args) -> list[tuple]``.

    SQLite reads run inline on a synchronous ``sqlite3`` connection (WAL readers take no
    lock), as clientgate's read-only units of work do; SQLite writes go through aiosqlite
    with ``BEGIN IMMEDIATE``, like clientgate's. PostgreSQL runs everything on asyncpg, reads
    without a transaction (clientgate reads in autocommit too).
    """

    def __init__(self, url: str) -> None:
        self.url = url
        self.sqlite = url.startswith("sqlite")
        self._pool: Any = None
        self._read: sqlite3.Connection | None = None
        self._writers: asyncio.Queue[Any] = asyncio.Queue()

    async def open(self, size: int = 10) -> None:
        if self.sqlite:
            import aiosqlite

            path = self.url.split(":///", 1)[1]
            self._read = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            for pragma in ("query_only=ON", "busy_timeout=5000", "cache_size=-65536"):
                self._read.execute(f"PRAGMA {pragma}")
            for _ in range(2):
                conn = await aiosqlite.connect(path, isolation_level=None)
                for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=30000"):
                    await conn.execute(f"PRAGMA {pragma}")
                self._writers.put_nowait(conn)
        else:
            import asyncpg

            dsn = self.url.replace("postgresql+asyncpg://", "postgresql://")
            # Named, so the bench can find this pool's backends in pg_stat_activity and count
            # their CPU (clientgate's engine names its connections "clientgate").
            self._pool = await asyncpg.create_pool(
                dsn,
                min_size=size,
                max_size=size,
                server_settings={"application_name": APPLICATION_NAME},
            )

    def sql(self, text: str) -> str:
        """Queries are written with ``$n`` placeholders; SQLite's equivalent is ``?n``."""
        return _PLACEHOLDER.sub(lambda m: "?" + m.group()[1:], text) if self.sqlite else text

    async def run(self, fn: Callable[[Any], Awaitable[Any]], *, write: bool = False) -> Any:
        if self.sqlite and not write:
            return await fn(self._read)
        if self.sqlite:
            conn = await self._writers.get()
            try:
                return await fn(conn)
            finally:
                self._writers.put_nowait(conn)
        async with self._pool.acquire() as conn:
            return await fn(conn)

    async def fetch(self, conn: Any, text: str, *args: Any) -> list[Any]:
        if isinstance(conn, sqlite3.Connection):
            return conn.execute(self.sql(text), args).fetchall()
        if self.sqlite:
            async with conn.execute(self.sql(text), args) as cur:
                return list(await cur.fetchall())
        return list(await conn.fetch(text, *args))

    async def write_one(self, conn: Any, text: str, *args: Any) -> Any:
        """One statement returning one row, in its own write transaction (``BEGIN
        IMMEDIATE`` on SQLite's writer connection, a transaction on asyncpg)."""
        if self.sqlite:
            await conn.execute("BEGIN IMMEDIATE")
            try:
                async with conn.execute(self.sql(text), args) as cur:
                    row = await cur.fetchone()
            except BaseException:
                await conn.execute("ROLLBACK")
                raise
            await conn.execute("COMMIT")
            return row
        async with conn.transaction():
            return await conn.fetchrow(text, *args)

    async def close(self) -> None:
        if self.sqlite:
            while not self._writers.empty():
                await self._writers.get_nowait().close()
            if self._read is not None:
                self._read.close()
        elif self._pool is not None:
            await self._pool.close()


def token_key(secret_key: str) -> bytes:
    """The HMAC key clientgate derives from its secret key for token hashes."""
    return hashlib.sha256(f"clientgate:secret-hash:{secret_key}".encode()).digest()


async def authenticate(db: Db, conn: Any, key: bytes, token: str) -> dict[str, Any] | None:
    """The account of an API token, as clientgate finds it: HMAC-SHA256 of the token, one
    indexed lookup joined to the account (every account column), neither revoked nor expired.
    (clientgate also writes the token's last use, at most once a minute: not per request.)"""
    if not token or len(token) > 256:
        return None
    digest = hmac.new(key, token.encode(), hashlib.sha256).hexdigest()
    found = await db.fetch(
        conn,
        f"SELECT {ACCOUNT_SQL_COLS}, t.id, t.last_used_at FROM accounts a JOIN api_tokens t "
        "ON t.account_id = a.id WHERE t.token_hash = $1 AND t.revoked_at IS NULL "
        "AND (t.expires_at IS NULL OR t.expires_at > $2)",
        digest,
        int(time.time()),
    )
    return dict(zip(ACCOUNT_KEYS, found[0], strict=False)) if found else None
