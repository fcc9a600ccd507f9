"""The one recording mechanism: a buffer of changes bound to a unit of work.

Use cases call ``record``; the unit of work hands ``take()`` to storage right before it
commits, so the changes are written in the same transaction as the write (and lost with it
on a rollback)."""

from __future__ import annotations

from core.accounts.model import Principal
from core.history.model import Author, Change, PendingChange
from core.history.ports import ChangeRecorder


class ChangeBuffer:
    """A ``ChangeRecorder`` that keeps changes until its unit of work commits."""

    def __init__(self) -> None:
        self._pending: list[PendingChange] = []

    def record(self, account_id: int, author: Author, change: Change, at: int) -> None:
        self._pending.append(PendingChange(account_id, author, change, at))

    def take(self) -> list[PendingChange]:
        """The pending changes, in the order recorded; the buffer is empty afterwards."""
        pending, self._pending = self._pending, []
        return pending

    def discard(self) -> None:
        self._pending.clear()


def record(recorder: ChangeRecorder, caller: Principal, change: Change, at: int) -> None:
    """Record ``change`` made by ``caller`` in the caller's account."""
    recorder.record(caller.account_id, Author.of(caller), change, at)


class ChangeLog:
    """A recorder bound to one account, author and time: handed to code that writes in bulk
    for one caller (the partner upsert) so it records without knowing who called."""

    def __init__(self, recorder: ChangeRecorder, account_id: int, author: Author, at: int) -> None:
        self._recorder = recorder
        self._account_id = account_id
        self._author = author
        self._at = at

    @classmethod
    def of(cls, recorder: ChangeRecorder, caller: Principal, at: int) -> ChangeLog:
        return cls(recorder, caller.account_id, Author.of(caller), at)

    def add(self, change: Change) -> None:
        self._recorder.record(self._account_id, self._author, change, self._at)
