"""Lists of clients: offset pages (the REST dialect), keyset pages (GraphQL), counts, and the
children of a page loaded in bulk (one statement per relation, whatever the page size)."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from core.accounts.model import Principal
from core.clients import rules
from core.clients.model import (
    CatalogKind,
    CatalogsById,
    Client,
    ClientFilter,
    ClientRelated,
    ClientSortField,
)
from core.clients.ports import ClientsUnitOfWork
from core.clients.usecase import UseCase
from core.shared.pagination import (
    KeysetPage,
    OffsetPage,
    check_first,
    check_limit_offset,
    keyset_page,
)


class ClientLists(UseCase):
    async def list_clients(
        self,
        caller: Principal,
        flt: ClientFilter,
        limit: int,
        offset: int,
        relations: Collection[str] = (),
    ) -> tuple[OffsetPage[Client], ClientRelated]:
        check_limit_offset(limit, offset, max_limit=rules.MAX_LIMIT)
        flt = rules.normalised_filter(caller.account, flt)
        joined, rest = rules.split_relations(relations)
        account_id = caller.account_id
        async with self._uow(read_only=True) as uow:
            items, catalogs = await uow.clients.list_offset(account_id, flt, limit, offset, joined)
            if len(items) < limit and (items or offset == 0):
                total = offset + len(items)  # the last page tells the total without counting
            else:
                total = await uow.clients.count(account_id, flt)
            related = await _related_in(uow, account_id, items, rest, catalogs)
        return OffsetPage(items=items, total=total, limit=limit, offset=offset), related

    async def count(self, caller: Principal, flt: ClientFilter) -> int:
        flt = rules.normalised_filter(caller.account, flt)
        async with self._uow(read_only=True) as uow:
            return await uow.clients.count(caller.account_id, flt)

    async def page(
        self,
        caller: Principal,
        flt: ClientFilter,
        sort: ClientSortField,
        descending: bool,
        after: tuple[object, int] | None,
        first: int,
        relations: Collection[str] = (),
        *,
        backward: bool = False,
    ) -> tuple[KeysetPage[Client], ClientRelated]:
        """A keyset page: cost does not grow with depth. Related rows come in the same
        transaction, one statement per relation.

        Forward: the ``first`` clients after the ``after`` key. ``backward`` (Relay's
        ``last``/``before``): the ``first`` clients just before that key, still in the
        list's order; read as the reverse order's forward page, then reversed."""
        check_first(first, maximum=rules.MAX_PAGE, field="last" if backward else "first")
        flt = rules.normalised_filter(caller.account, flt)
        joined, rest = rules.split_relations(relations)
        account_id = caller.account_id
        async with self._uow(read_only=True) as uow:
            rows, catalogs = await uow.clients.list_keyset(
                account_id, flt, sort, descending != backward, after, first + 1, joined
            )
            items = rows[:first]
            if backward:
                items.reverse()
            related = await _related_in(uow, account_id, items, rest, catalogs)
        return keyset_page(
            items, more=len(rows) > first, bounded=after is not None, backward=backward
        ), related

    async def related(
        self, caller: Principal, clients: Sequence[Client], relations: Collection[str]
    ) -> ClientRelated:
        if not clients or not relations:
            return ClientRelated()
        async with self._uow(read_only=True) as uow:
            return await uow.clients.related(caller.account_id, clients, relations)


async def _related_in(
    uow: ClientsUnitOfWork,
    account_id: int,
    items: Sequence[Client],
    relations: Collection[str],
    catalogs: CatalogsById,
) -> ClientRelated:
    related = (
        await uow.clients.related(account_id, items, relations)
        if relations and items
        else ClientRelated()
    )
    related.payment_types.update(catalogs.get(CatalogKind.PAYMENT_TYPE, {}))
    related.price_lists.update(catalogs.get(CatalogKind.PRICE_LIST, {}))
    related.sale_conditions.update(catalogs.get(CatalogKind.SALE_CONDITION, {}))
    return related
