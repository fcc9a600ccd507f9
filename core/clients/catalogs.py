"""The account's catalogs: payment types, price lists and sale conditions."""

from __future__ import annotations

from core.accounts.model import Principal
from core.clients import rules
from core.clients.model import CatalogItem, CatalogKind
from core.clients.usecase import UseCase
from core.shared.errors import NotFound
from core.shared.pagination import OffsetPage, check_limit_offset


class Catalogs(UseCase):
    async def get_catalog_item(
        self, caller: Principal, kind: CatalogKind, item_id: int
    ) -> CatalogItem:
        async with self._uow(read_only=True) as uow:
            item = await uow.catalogs.get(caller.account_id, kind, item_id)
        if item is None:
            raise NotFound(kind.value.replace("_", " "), item_id)
        return item

    async def list_catalog(
        self, caller: Principal, kind: CatalogKind, limit: int, offset: int
    ) -> OffsetPage[CatalogItem]:
        check_limit_offset(limit, offset, max_limit=rules.MAX_LIMIT)
        async with self._uow(read_only=True) as uow:
            items = await uow.catalogs.list(caller.account_id, kind, limit, offset)
            total = await uow.catalogs.count(caller.account_id, kind)
        return OffsetPage(items=items, total=total, limit=limit, offset=offset)

    async def add_catalog_item(
        self, caller: Principal, kind: CatalogKind, name: str
    ) -> CatalogItem:
        name = rules.checked_name(name)
        async with self._uow() as uow:
            item = await uow.catalogs.add(caller.account_id, kind, name)
            await uow.commit()
        return item
