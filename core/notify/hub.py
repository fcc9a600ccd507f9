"""In-process fan-out of notifications to subscriptions: the part both adapters share (the
SQLite bus feeds it after a commit, the PostgreSQL bus from its LISTEN connection)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class HubSubscription:
    """A coalescing wake-up: many notifications before a wait make one wake-up."""

    def __init__(self, channel: str, key: str | None) -> None:
        self.channel = channel
        self.key = key
        self._event = asyncio.Event()

    def wake(self) -> None:
        self._event.set()

    async def wait(self, within: float | None = None) -> bool:
        try:
            await asyncio.wait_for(self._event.wait(), within)
        except TimeoutError:
            return False
        self._event.clear()
        return True


class Hub:
    def __init__(self) -> None:
        self._subs: dict[str, set[HubSubscription]] = {}

    @property
    def channels(self) -> list[str]:
        return [channel for channel, subs in self._subs.items() if subs]

    def dispatch(self, channel: str, payload: str) -> None:
        for sub in list(self._subs.get(channel, ())):
            if sub.key is None or sub.key == payload:
                sub.wake()

    def wake_all(self) -> None:
        """After a gap in listening: every follower re-reads."""
        for subs in self._subs.values():
            for sub in list(subs):
                sub.wake()

    @asynccontextmanager
    async def subscription(self, channel: str, key: str | None) -> AsyncIterator[HubSubscription]:
        sub = HubSubscription(channel, key)
        self._subs.setdefault(channel, set()).add(sub)
        try:
            yield sub
        finally:
            self._subs[channel].discard(sub)
