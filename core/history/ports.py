"""Ports of the history context: recording inside a unit of work, and reading the history."""

from __future__ import annotations

from collections.abc import Collection
from typing import Protocol

from core.history.model import AuditFilter, Author, Change, ChangeEvent, EntityType


class ChangeRecorder(Protocol):
    """Held by every writing unit of work as ``uow.history``. Recorded changes are written
    when the unit of work commits, in the same transaction, and get their feed positions
    then; a unit of work that rolls back writes none."""

    def record(self, account_id: int, author: Author, change: Change, at: int) -> None: ...


class HistoryRepository(Protocol):
    """Reads of an account's committed changes. Every method takes the tenant's account id."""

    async def changes_after(
        self,
        account_id: int,
        after_position: int,
        limit: int,
        types: Collection[EntityType] | None = None,
    ) -> list[ChangeEvent]:
        """Up to ``limit`` changes with position > ``after_position``, in position (commit)
        order; ``types`` keeps those whose subject is of one of the types."""
        ...

    async def for_subjects(
        self,
        account_id: int,
        subject_type: EntityType,
        subject_ids: Collection[int],
        after_position: int | None,
        limit: int,
    ) -> dict[int, list[ChangeEvent]]:
        """The latest ``limit`` changes of each subject (its parts' too), newest first, with
        positions < ``after_position`` when given; in one statement."""
        ...

    async def search(
        self, account_id: int, flt: AuditFilter, after_position: int | None, limit: int
    ) -> list[ChangeEvent]:
        """Changes matching ``flt``, newest first, positions < ``after_position`` when given."""
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
