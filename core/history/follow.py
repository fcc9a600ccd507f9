"""Following the change feed: the ``changes`` subscription's use case.

A follower listens on the account's channel of the notification bus (a commit that recorded
changes announces its account: ``core/storage/uow.py``), then re-reads the feed after the last
position it pushed, on each notification and every ``resync_seconds`` regardless. Because
positions are given in commit order, "after the last position pushed" never skips a change
and never repeats one, however notifications are coalesced or lost.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable, Collection
from contextlib import AbstractAsyncContextManager
from typing import Protocol

from core.accounts.model import Principal
from core.history.model import SUBJECT_TYPES, ChangeEvent, EntityType
from core.history.ports import HistoryRepository
from core.notify import channels
from core.notify.ports import NotificationBus
from core.shared.errors import FieldError, InvalidInput

BATCH = 100
"""Changes read per query while catching up."""


class FeedHead(Protocol):
    async def head(self, account_id: int) -> int:
        """The account's last committed feed position (0 before its first change)."""
        ...


class FollowUnitOfWork(Protocol):
    @property
    def history_reads(self) -> HistoryRepository: ...

    @property
    def feed(self) -> FeedHead: ...


UowFactory = Callable[..., AbstractAsyncContextManager[FollowUnitOfWork]]


class ChangeFollower:
    def __init__(self, uow: UowFactory, bus: NotificationBus, resync_seconds: float) -> None:
        self._uow = uow
        self._bus = bus
        self._resync = resync_seconds

    async def follow(
        self,
        caller: Principal,
        *,
        after_position: int | None = None,
        types: Collection[EntityType] | None = None,
    ) -> AsyncGenerator[ChangeEvent, None]:
        """The account's changes (of ``types``' subjects) committed after ``after_position``
        (None: from now on), in commit order, as they commit; never ends."""
        _check(after_position, types)
        account = caller.account_id
        async with self._bus.subscribe(channels.CHANGES, str(account)) as changed:
            position = after_position
            if position is None:
                async with self._uow(read_only=True) as uow:
                    position = await uow.feed.head(account)
            while True:
                async with self._uow(read_only=True) as uow:
                    events = await uow.history_reads.changes_after(account, position, BATCH, types)
                for event in events:
                    position = event.position
                    yield event
                if len(events) < BATCH:
                    await changed.wait(self._resync)


def _check(after_position: int | None, types: Collection[EntityType] | None) -> None:
    errors: list[FieldError] = []
    if types is not None and not set(types) <= SUBJECT_TYPES:
        names = ", ".join(sorted(t.value for t in SUBJECT_TYPES))
        errors.append(FieldError("types", f"must be among {names}", "INVALID"))
    if after_position is not None and after_position < 0:
        errors.append(FieldError("after", "must not be negative", "OUT_OF_RANGE"))
    if errors:
        raise InvalidInput(errors)
