"""The head of an account's change feed (``core.history.follow.FeedHead``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.storage.tables.history import account_feeds


class SqlFeedHead:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def head(self, account_id: int) -> int:
        found = await self._conn.execute(
            select(account_feeds.c.position).where(account_feeds.c.account_id == account_id)
        )
        return int(found.scalar_one_or_none() or 0)
