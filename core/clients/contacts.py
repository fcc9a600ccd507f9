"""A client's contact people."""

from __future__ import annotations

from collections.abc import Mapping

from core.accounts.model import Principal
from core.clients import rules
from core.clients.model import Contact
from core.clients.usecase import UseCase
from core.history import fields as history
from core.history.model import Action, EntityType
from core.shared.errors import NotFound
from core.shared.pagination import OffsetPage, check_limit_offset


class Contacts(UseCase):
    async def list_contacts(
        self, caller: Principal, client_id: int, limit: int, offset: int
    ) -> OffsetPage[Contact]:
        check_limit_offset(limit, offset, max_limit=rules.MAX_LIMIT)
        async with self._uow(read_only=True) as uow:
            await self._require_client(uow, caller.account_id, client_id)
            items = await uow.contacts.list(caller.account_id, client_id, limit, offset)
            total = await uow.contacts.count(caller.account_id, client_id)
        return OffsetPage(items=items, total=total, limit=limit, offset=offset)

    async def get_contact(self, caller: Principal, client_id: int, contact_id: int) -> Contact:
        async with self._uow(read_only=True) as uow:
            contact = await uow.contacts.get(caller.account_id, client_id, contact_id)
        if contact is None:
            raise NotFound("contact", contact_id)
        return contact

    async def add_contact(
        self, caller: Principal, client_id: int, values: Mapping[str, object]
    ) -> Contact:
        rules.check_new_contact(values)
        async with self._uow() as uow:
            await self._require_client(uow, caller.account_id, client_id)
            contact = await uow.contacts.add(caller.account_id, client_id, values)
            self._record(
                uow,
                caller,
                (EntityType.CLIENT_CONTACT, contact.id),
                Action.CREATE,
                history.created(values),
                client_id,
            )
            await uow.commit()
        return contact

    async def update_contact(
        self, caller: Principal, client_id: int, contact_id: int, values: Mapping[str, object]
    ) -> Contact:
        rules.check_contact_change(values)
        async with self._uow() as uow:
            current = await uow.contacts.get(caller.account_id, client_id, contact_id)
            contact = await uow.contacts.update(caller.account_id, client_id, contact_id, values)
            if current is None or contact is None:
                raise NotFound("contact", contact_id)
            fields = history.changed(
                history.as_mapping(current), history.as_mapping(contact), values
            )
            entity = (EntityType.CLIENT_CONTACT, contact_id)
            self._record(uow, caller, entity, Action.UPDATE, fields, client_id)
            await uow.commit()
        return contact

    async def delete_contact(self, caller: Principal, client_id: int, contact_id: int) -> None:
        async with self._uow() as uow:
            current = await uow.contacts.get(caller.account_id, client_id, contact_id)
            if current is None or not await uow.contacts.delete(
                caller.account_id, client_id, contact_id
            ):
                raise NotFound("contact", contact_id)
            fields = history.deleted(history.as_mapping(current))
            entity = (EntityType.CLIENT_CONTACT, contact_id)
            self._record(uow, caller, entity, Action.DELETE, fields, client_id)
            await uow.commit()
