"""Reading the history: a subject's history, the account's audit events, the change feed; and
the operator's prune. Recording happens in each context's use cases (``recorder.record``)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass

from core.accounts.model import Principal
from core.history.model import SUBJECT_TYPES, AuditFilter, ChangeEvent, EntityType
from core.history.ports import HistoryUnitOfWork
from core.shared.clock import Clock
from core.shared.errors import FieldError, InvalidInput
from core.shared.pagination import check_first

UowFactory = Callable[..., AbstractAsyncContextManager[HistoryUnitOfWork]]

MAX_PAGE = 100
"""The largest ``first`` of a history, ``auditEvents`` or ``changes`` page."""
MAX_TYPES = len(EntityType)
PRUNE_CHUNK = 5_000
"""Rows deleted per transaction by the prune (short transactions, no long lock)."""
DAY = 86_400


@dataclass(frozen=True)
class EventPage:
    """Changes in the page's order, and whether more follow."""

    items: list[ChangeEvent]
    has_next: bool


def _page(rows: list[ChangeEvent], first: int) -> EventPage:
    return EventPage(items=rows[:first], has_next=len(rows) > first)


class HistoryService:
    def __init__(self, uow: UowFactory, clock: Clock, retention_days: int) -> None:
        self._uow = uow
        self._clock = clock
        self.retention_days = retention_days

    async def histories(
        self,
        caller: Principal,
        subject_type: EntityType,
        subject_ids: Collection[int],
        *,
        first: int,
        before_position: int | None = None,
    ) -> dict[int, EventPage]:
        """The history of many subjects (newest first) in one statement: ``first`` changes
        each, older than ``before_position`` when given. Another tenant's ids have none."""
        check_first(first, maximum=MAX_PAGE)
        if subject_type not in SUBJECT_TYPES:
            raise InvalidInput.single("type", "not a subject of a history", "INVALID")
        if not subject_ids or first == 0:
            return {}
        async with self._uow(read_only=True) as uow:
            found = await uow.history_reads.for_subjects(
                caller.account_id, subject_type, subject_ids, before_position, first + 1
            )
        return {subject_id: _page(rows, first) for subject_id, rows in found.items()}

    async def audit_events(
        self,
        caller: Principal,
        flt: AuditFilter,
        *,
        first: int,
        before_position: int | None = None,
    ) -> EventPage:
        """The account's changes matching ``flt``, newest first."""
        check_first(first, maximum=MAX_PAGE)
        if flt.since is not None and flt.until is not None and flt.since >= flt.until:
            raise InvalidInput.single("until", "must be after since", "OUT_OF_RANGE")
        if flt.entity_types is not None and len(flt.entity_types) > MAX_TYPES:
            raise InvalidInput.single("entityTypes", f"at most {MAX_TYPES}", "OUT_OF_RANGE")
        async with self._uow(read_only=True) as uow:
            rows = await uow.history_reads.search(
                caller.account_id, flt, before_position, first + 1
            )
        return _page(rows, first)

    async def changes(
        self,
        caller: Principal,
        *,
        after_position: int = 0,
        first: int,
        types: Collection[EntityType] | None = None,
    ) -> EventPage:
        """The change feed: the account's changes after ``after_position`` in commit order
        (``types``: of those subjects only). A reader that keeps the last position it saw and
        asks again never misses a change and never gets one twice."""
        errors: list[FieldError] = []
        if not 1 <= first <= MAX_PAGE:
            errors.append(FieldError("first", f"must be between 1 and {MAX_PAGE}", "OUT_OF_RANGE"))
        if types is not None and not set(types) <= SUBJECT_TYPES:
            names = ", ".join(sorted(t.value for t in SUBJECT_TYPES))
            errors.append(FieldError("types", f"must be among {names}", "INVALID"))
        if after_position < 0:
            errors.append(FieldError("after", "must not be negative", "OUT_OF_RANGE"))
        if errors:
            raise InvalidInput(errors)
        async with self._uow(read_only=True) as uow:
            rows = await uow.history_reads.changes_after(
                caller.account_id, after_position, first + 1, types
            )
        return _page(rows, first)

    # -- the operator's (CLI) ---------------------------------------------------------------

    async def prune(self, *, older_than_days: int | None = None) -> int:
        """Delete every change older than the retention (or ``older_than_days``), in short
        transactions; how many were deleted."""
        days = self.retention_days if older_than_days is None else older_than_days
        if days < 1:
            raise InvalidInput.single("older_than_days", "must be at least 1", "OUT_OF_RANGE")
        before = self._clock.now() - days * DAY
        total = 0
        while True:
            async with self._uow() as uow:
                deleted = await uow.history_retention.prune(before, PRUNE_CHUNK)
                await uow.commit()
            total += deleted
            if deleted < PRUNE_CHUNK:
                return total
