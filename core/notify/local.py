"""The in-process adapter of the ``NotificationBus`` port (SQLite, and the tests' fakes): the
unit of work hands its notifications to :meth:`LocalNotificationBus.deliver` after its commit;
followers in this process wake. Other processes on the same SQLite file are not told (they see
the change at their next read: followers re-read at least every few seconds).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from core.notify.hub import Hub, HubSubscription


class LocalNotificationBus:
    def __init__(self) -> None:
        self._hub = Hub()

    def deliver(self, channel: str, payload: str) -> None:
        """Called by a unit of work after its commit."""
        self._hub.dispatch(channel, payload)

    @asynccontextmanager
    async def subscribe(
        self, channel: str, key: str | None = None
    ) -> AsyncIterator[HubSubscription]:
        async with self._hub.subscription(channel, key) as sub:
            yield sub

    async def close(self) -> None:
        return None
