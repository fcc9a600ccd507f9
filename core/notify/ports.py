"""The notification bus as ports: the transactional side lives on the unit of work
(:class:`Notifier`), the listening side is :class:`NotificationBus`.

Channels are fixed names (:mod:`core.notify.channels`); a payload is a short key (a job's
public id, an account id) that followers filter on. Notifications are wake-ups, not data: a
follower re-reads what it follows after each one, so a lost or coalesced notification costs
latency, never correctness, and a bus that reconnected wakes every follower.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import Protocol


class Notifier(Protocol):
    async def notify(self, channel: str, payload: str) -> None:
        """Announce ``payload`` on ``channel`` when the current transaction commits (never
        if it rolls back)."""
        ...


class Subscription(Protocol):
    async def wait(self, within: float | None = None) -> bool:
        """Until a matching notification arrived since the last wait (or the bus reconnected
        and may have missed some): True; False when ``within`` seconds passed first."""
        ...


class NotificationBus(Protocol):
    def subscribe(
        self, channel: str, key: str | None = None
    ) -> AbstractAsyncContextManager[Subscription]:
        """Listen on ``channel`` (only payloads equal to ``key``, unless None). Once entered,
        every notification committed afterwards is seen: read the state after entering."""
        ...

    async def close(self) -> None: ...
