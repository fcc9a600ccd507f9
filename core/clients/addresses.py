"""A client's additional addresses (head office, branches ...)."""

from __future__ import annotations

from collections.abc import Mapping

from core.accounts.model import Principal
from core.clients import rules
from core.clients.model import INACTIVE, Address, AddressFilter
from core.clients.usecase import UseCase
from core.history import fields as history
from core.history.model import Action, EntityType
from core.shared.errors import NotFound
from core.shared.pagination import OffsetPage, check_limit_offset


class Addresses(UseCase):
    async def list_addresses(
        self, caller: Principal, client_id: int, flt: AddressFilter, limit: int, offset: int
    ) -> OffsetPage[Address]:
        check_limit_offset(limit, offset, max_limit=rules.MAX_LIMIT)
        rules.check_address_filter(flt)
        account_id = caller.account_id
        async with self._uow(read_only=True) as uow:
            await self._require_client(uow, account_id, client_id)
            items = await uow.addresses.list(account_id, client_id, flt, limit, offset)
            total = await uow.addresses.count(account_id, client_id, flt)
        return OffsetPage(items=items, total=total, limit=limit, offset=offset)

    async def get_address(self, caller: Principal, client_id: int, address_id: int) -> Address:
        async with self._uow(read_only=True) as uow:
            address = await uow.addresses.get(caller.account_id, client_id, address_id)
        if address is None:
            raise NotFound("address", address_id)
        return address

    async def add_address(
        self, caller: Principal, client_id: int, values: Mapping[str, object]
    ) -> Address:
        rules.check_new_address(values)
        async with self._uow() as uow:
            await self._require_client(uow, caller.account_id, client_id)
            address = await uow.addresses.add(caller.account_id, client_id, values)
            self._record(
                uow,
                caller,
                (EntityType.CLIENT_ADDRESS, address.id),
                Action.CREATE,
                history.created(values),
                client_id,
            )
            await uow.commit()
        return address

    async def update_address(
        self, caller: Principal, client_id: int, address_id: int, values: Mapping[str, object]
    ) -> Address:
        rules.check_address_change(values)
        return await self._change_address(caller, client_id, address_id, values, Action.UPDATE)

    async def deactivate_address(
        self, caller: Principal, client_id: int, address_id: int
    ) -> Address:
        return await self._change_address(
            caller, client_id, address_id, {"state": INACTIVE}, Action.DELETE
        )

    async def _change_address(
        self,
        caller: Principal,
        client_id: int,
        address_id: int,
        values: Mapping[str, object],
        action: Action,
    ) -> Address:
        async with self._uow() as uow:
            current = await uow.addresses.get(caller.account_id, client_id, address_id)
            address = await uow.addresses.update(caller.account_id, client_id, address_id, values)
            if current is None or address is None:
                raise NotFound("address", address_id)
            fields = history.changed(
                history.as_mapping(current), history.as_mapping(address), values
            )
            entity = (EntityType.CLIENT_ADDRESS, address_id)
            self._record(uow, caller, entity, action, fields, client_id)
            await uow.commit()
        return address
