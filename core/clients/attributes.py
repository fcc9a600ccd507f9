"""Dynamic attributes: the account's definitions and the values one client holds (values are
written with the client, see ``clients.py``)."""

from __future__ import annotations

from core.accounts.model import Principal
from core.clients import rules
from core.clients.model import AttributeValue, DynamicAttribute
from core.clients.usecase import UseCase
from core.shared.errors import NotFound
from core.shared.pagination import OffsetPage, check_limit_offset


class Attributes(UseCase):
    async def client_attributes(self, caller: Principal, client_id: int) -> list[AttributeValue]:
        async with self._uow(read_only=True) as uow:
            await self._require_client(uow, caller.account_id, client_id)
            return await uow.attributes.values(caller.account_id, client_id)

    async def get_attribute_definition(self, caller: Principal, attr_id: int) -> DynamicAttribute:
        async with self._uow(read_only=True) as uow:
            found = await uow.attributes.definitions(caller.account_id, [attr_id])
        if attr_id not in found:
            raise NotFound("dynamic attribute", attr_id)
        return found[attr_id]

    async def list_attribute_definitions(
        self, caller: Principal, limit: int, offset: int
    ) -> OffsetPage[DynamicAttribute]:
        check_limit_offset(limit, offset, max_limit=rules.MAX_LIMIT)
        async with self._uow(read_only=True) as uow:
            items = await uow.attributes.list_definitions(caller.account_id, limit, offset)
            total = await uow.attributes.count_definitions(caller.account_id)
        return OffsetPage(items=items, total=total, limit=limit, offset=offset)

    async def add_attribute_definition(self, caller: Principal, name: str) -> DynamicAttribute:
        name = rules.checked_name(name)
        async with self._uow() as uow:
            attr = await uow.attributes.add_definition(caller.account_id, name)
            await uow.commit()
        return attr
