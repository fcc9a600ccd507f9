"""Projected reads: the rows and columns a GraphQL query selects, for its planner.

The same rules as the entity reads (``lists``, ``clients``): the page size is checked, the
filter normalised, the code looked up in its stored form, and the list is the same keyset
page. Rows and their children come from one read-only transaction, one statement per level.
Unpaid summaries are split and summed here, by the same rules as ``Documents``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from core.accounts.model import Principal
from core.clients import rules
from core.clients.model import (
    ClientFilter,
    ClientSortField,
    ProjectedRows,
    ProjectedSummary,
    Projection,
    amount_owed,
    debt,
    is_overdue,
)
from core.clients.ports import ClientsUnitOfWork
from core.clients.usecase import UseCase
from core.shared.pagination import check_first, keyset_page

Limits = Mapping[str, int] | None
LIMITED = frozenset({"points"})
"""Relations read with a limit per client (``points``: the latest movements, newest first)."""


class ClientReads(UseCase):
    async def projected_page(
        self,
        caller: Principal,
        flt: ClientFilter,
        sort: ClientSortField,
        descending: bool,
        after: tuple[object, int] | None,
        first: int,
        projection: Projection,
        *,
        backward: bool = False,
        limits: Limits = None,
    ) -> ProjectedRows:
        """``ClientLists.page`` as rows: forward the ``first`` rows after ``after``;
        ``backward``, the ``first`` rows just before it, in the list's order. ``limits``:
        how many rows a limited relation (``points``) keeps per client."""
        check_first(first, maximum=rules.MAX_PAGE, field="last" if backward else "first")
        flt = rules.normalised_filter(caller.account, flt)
        async with self._uow(read_only=True) as uow:
            rows = await uow.client_rows.page(
                caller.account_id, flt, sort, descending != backward, after, first + 1, projection
            )
            items = rows[:first]
            if backward:
                items.reverse()
            children = await _children(uow, caller.account_id, items, projection, limits)
        page = keyset_page(
            items, more=len(rows) > first, bounded=after is not None, backward=backward
        )
        return ProjectedRows(list(page.items), children, page.has_next, page.has_previous)

    async def projected_by_ids(
        self, caller: Principal, ids: Sequence[int], projection: Projection, limits: Limits = None
    ) -> ProjectedRows:
        """The rows of these clients (those that exist), in id order."""
        flt = ClientFilter(ids=tuple(ids))
        return await self._rows(caller, flt, max(1, len(ids)), projection, limits)

    async def projected_by_code(
        self, caller: Principal, code: str, projection: Projection, limits: Limits = None
    ) -> ProjectedRows:
        """The first client (by id) with this tax id, as ``get_by_code`` finds it."""
        flt = ClientFilter(code=rules.lookup_code(caller.account, code))
        return await self._rows(caller, flt, 1, projection, limits)

    def projected_summaries(
        self,
        client_ids: Sequence[int],
        unpaid: Sequence[tuple[Any, ...]],
        comparison_date: int | None = None,
    ) -> dict[int, ProjectedSummary]:
        """``unpaid_summaries`` of these clients from their ``unpaid`` rows (in the order
        the read gives them), split at ``comparison_date`` (default: now)."""
        when = self._clock.now() if comparison_date is None else comparison_date
        rows: dict[int, list[tuple[Any, ...]]] = {cid: [] for cid in client_ids}
        for row in unpaid:
            rows[row[0]].append(row)
        return {cid: _summary(cid, when, found) for cid, found in rows.items()}

    async def _rows(
        self,
        caller: Principal,
        flt: ClientFilter,
        limit: int,
        projection: Projection,
        limits: Limits,
    ) -> ProjectedRows:
        async with self._uow(read_only=True) as uow:
            rows = await uow.client_rows.page(
                caller.account_id, flt, ClientSortField.ID, False, None, limit, projection
            )
            children = await _children(uow, caller.account_id, rows, projection, limits)
        return ProjectedRows(rows, children)


def _summary(client_id: int, when: int, rows: list[tuple[Any, ...]]) -> ProjectedSummary:
    # an ``unpaid`` row: (client id, *UNPAID_COLUMNS, ...)
    overdue = [r for r in rows if is_overdue(r[1], when)]
    upcoming = [r for r in rows if not is_overdue(r[1], when)]
    overdue_debt = debt(amount_owed(r[2], r[3]) for r in overdue)
    upcoming_debt = debt(amount_owed(r[2], r[3]) for r in upcoming)
    row = (client_id, when, overdue_debt, upcoming_debt, overdue_debt + upcoming_debt)
    return ProjectedSummary(row, overdue, upcoming)


async def _children(
    uow: ClientsUnitOfWork,
    account_id: int,
    rows: Sequence[tuple[Any, ...]],
    projection: Projection,
    limits: Limits,
) -> dict[str, list[tuple[Any, ...]]]:
    """Each child relation of ``rows`` (their first column is the client id): one statement
    (none for a relation limited to 0 rows)."""
    if not rows or not projection.children:
        return {}
    ids = [row[0] for row in rows]
    out: dict[str, list[tuple[Any, ...]]] = {}
    for relation, columns in projection.children:
        limit = None
        if relation in LIMITED:
            limit = (limits or {}).get(relation, rules.MAX_HISTORY)
            check_first(limit, maximum=rules.MAX_HISTORY)
            if limit == 0:
                out[relation] = []
                continue
        out[relation] = await uow.client_rows.children(account_id, relation, ids, columns, limit)
    return out
