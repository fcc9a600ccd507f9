"""Ports of the history context: recording inside a unit of work, and reading the history."""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol

from core.history.model import (
    AuditFilter,
    Author,
    Change,
    ChangeEvent,
    EntityType,
    FeedPosition,
)


class ChangeRecorder(Protocol):
    """Held by every writing unit of work as ``uow.history``. Recorded changes are written
    when the unit of work commits, in the same transaction; a unit of work that rolls back
    writes none."""

    def record(self, account_id: int, author: Author, change: Change, at: int) -> None: ...


class HistoryRepository(Protocol):
    """Reads of an account's committed changes. Every method takes the tenant's account id."""

    async def changes_after(
        self,
        account_id: int,
        after: FeedPosition,
        limit: int,
        types: Collection[EntityType] | None = None,
    ) -> list[ChangeEvent]:
        """Up to ``limit`` changes after the feed position ``after``, in feed order, among
        those no change can anymore be committed behind; ``types`` keeps those whose subject
        is of one of the types."""
        ...

    async def for_subjects(
        self,
        account_id: int,
        subject_type: EntityType,
        subject_ids: Collection[int],
        before_id: int | None,
        limit: int,
    ) -> dict[int, list[ChangeEvent]]:
        """The latest ``limit`` changes of each subject (its parts' too), newest first, with
        ids < ``before_id`` when given; in one statement."""
        ...

    async def search(
        self, account_id: int, flt: AuditFilter, before_id: int | None, limit: int
    ) -> list[ChangeEvent]:
        """Changes matching ``flt``, newest first, ids < ``before_id`` when given."""
        ...


class HistoryRetention(Protocol):
    """The operator's prune, across every tenant (``clientgate audit prune``)."""

    async def prune(self, before: int, limit: int) -> int:
        """Delete up to ``limit`` changes recorded before ``before``; how many were."""
        ...


class HistoryUnitOfWork(Protocol):
    @property
    def history(self) -> ChangeRecorder: ...

    @property
    def history_reads(self) -> HistoryRepository: ...

    @property
    def history_retention(self) -> HistoryRetention: ...

    async def commit(self) -> None: ...
