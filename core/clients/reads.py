"""Projected reads: the rows and columns a GraphQL query selects, for its planner.

The same rules as the entity reads (``lists``, ``clients``): the page size is checked, the
filter normalised, the code looked up in its stored form, and the list is the same keyset
page. Rows and their children come from one read-only transaction, one statement per level.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from core.accounts.model import Principal
from core.clients import rules
from core.clients.model import ClientFilter, ClientSortField, ProjectedRows, Projection
from core.clients.ports import ClientsUnitOfWork
from core.clients.usecase import UseCase
from core.shared.pagination import check_first, keyset_page


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
    ) -> ProjectedRows:
        """``ClientLists.page`` as rows: forward the ``first`` rows after ``after``;
        ``backward``, the ``first`` rows just before it, in the list's order."""
        check_first(first, maximum=rules.MAX_PAGE, field="last" if backward else "first")
        flt = rules.normalised_filter(caller.account, flt)
        async with self._uow(read_only=True) as uow:
            rows = await uow.client_rows.page(
                caller.account_id, flt, sort, descending != backward, after, first + 1, projection
            )
            items = rows[:first]
            if backward:
                items.reverse()
            children = await _children(uow, caller.account_id, items, projection)
        page = keyset_page(
            items, more=len(rows) > first, bounded=after is not None, backward=backward
        )
        return ProjectedRows(list(page.items), children, page.has_next, page.has_previous)

    async def projected_by_ids(
        self, caller: Principal, ids: Sequence[int], projection: Projection
    ) -> ProjectedRows:
        """The rows of these clients (those that exist), in id order."""
        flt = ClientFilter(ids=tuple(ids))
        return await self._rows(caller, flt, max(1, len(ids)), projection)

    async def projected_by_code(
        self, caller: Principal, code: str, projection: Projection
    ) -> ProjectedRows:
        """The first client (by id) with this tax id, as ``get_by_code`` finds it."""
        flt = ClientFilter(code=rules.lookup_code(caller.account, code))
        return await self._rows(caller, flt, 1, projection)

    async def _rows(
        self, caller: Principal, flt: ClientFilter, limit: int, projection: Projection
    ) -> ProjectedRows:
        async with self._uow(read_only=True) as uow:
            rows = await uow.client_rows.page(
                caller.account_id, flt, ClientSortField.ID, False, None, limit, projection
            )
            children = await _children(uow, caller.account_id, rows, projection)
        return ProjectedRows(rows, children)


async def _children(
    uow: ClientsUnitOfWork,
    account_id: int,
    rows: Sequence[tuple[Any, ...]],
    projection: Projection,
) -> dict[str, list[tuple[Any, ...]]]:
    """Each child relation of ``rows`` (their first column is the client id): one statement."""
    if not rows or not projection.children:
        return {}
    ids = [row[0] for row in rows]
    return {
        relation: await uow.client_rows.children(account_id, relation, ids, columns)
        for relation, columns in projection.children
    }
