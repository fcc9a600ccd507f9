"""Writing and reading single clients: create, change, deactivate, get (by id, ids, code)."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from core.accounts.model import Principal
from core.clients import rules
from core.clients.errors import ClientNotFound, DuplicateTaxId
from core.clients.model import INACTIVE, Client, ClientChanges, ClientFilter
from core.clients.ports import ClientsUnitOfWork
from core.clients.usecase import UseCase, missing_client
from core.history import fields as history
from core.history.model import Action, EntityType, FieldChange
from core.shared.errors import FieldError, InvalidInput


class Clients(UseCase):
    async def create(self, caller: Principal, changes: ClientChanges) -> Client:
        async with self._uow() as uow:
            values = await self._validated(uow, caller, changes, None)
            client = await uow.clients.add(caller.account_id, values, self._clock.now())
            fields = history.created(values) + await self._set_attributes(
                uow, caller, client.id, changes
            )
            self._record(uow, caller, (EntityType.CLIENT, client.id), Action.CREATE, fields)
            await uow.commit()
        return client

    async def update(self, caller: Principal, client_id: int, changes: ClientChanges) -> Client:
        async with self._uow() as uow:
            current = await uow.clients.get_for_update(caller.account_id, client_id)
            if current is None:
                raise await missing_client(uow, caller.account_id, client_id)
            values = await self._validated(uow, caller, changes, current)
            client = await uow.clients.update(
                caller.account_id, client_id, values, self._clock.now()
            )
            assert client is not None
            fields = history.changed(
                history.as_mapping(current), history.as_mapping(client), values
            ) + await self._set_attributes(uow, caller, client_id, changes)
            self._record(uow, caller, (EntityType.CLIENT, client_id), Action.UPDATE, fields)
            await uow.commit()
        return client

    async def deactivate(self, caller: Principal, client_id: int) -> Client:
        """Soft delete: the client goes to state 1 and keeps its documents."""
        async with self._uow() as uow:
            current = await uow.clients.get_for_update(caller.account_id, client_id)
            if current is None:
                raise await missing_client(uow, caller.account_id, client_id)
            client = await uow.clients.update(
                caller.account_id, client_id, {"state": INACTIVE}, self._clock.now()
            )
            assert client is not None
            fields = history.changed({"state": current.state}, {"state": client.state})
            self._record(uow, caller, (EntityType.CLIENT, client_id), Action.DELETE, fields)
            await uow.commit()
        return client

    async def get(self, caller: Principal, client_id: int) -> Client:
        """The client; ``ClientMerged`` (a ``ClientNotFound`` naming the survivor) when it was
        merged into another."""
        async with self._uow(read_only=True) as uow:
            return await self._require_client(uow, caller.account_id, client_id)

    async def not_found(self, caller: Principal, client_id: int) -> ClientNotFound:
        """The error to answer for a client id a read did not find (``ClientMerged`` when it
        was merged into another): for faces that read clients through a list."""
        async with self._uow(read_only=True) as uow:
            return await missing_client(uow, caller.account_id, client_id)

    async def get_many(self, caller: Principal, ids: Collection[int]) -> dict[int, Client]:
        if not ids:
            return {}
        async with self._uow(read_only=True) as uow:
            found, _ = await uow.clients.list_offset(
                caller.account_id, ClientFilter(ids=tuple(ids)), len(ids), 0
            )
        return {c.id: c for c in found}

    async def get_by_code(self, caller: Principal, code: str) -> Client:
        stored = rules.lookup_code(caller.account, code)
        async with self._uow(read_only=True) as uow:
            client = await uow.clients.first_by_code(caller.account_id, stored)
        if client is None:
            raise ClientNotFound(code)
        return client

    # -- the steps of a write ---------------------------------------------------------------

    async def _validated(
        self,
        uow: ClientsUnitOfWork,
        caller: Principal,
        changes: ClientChanges,
        current: Client | None,
    ) -> dict[str, object]:
        """The values to write: every field checked, the tax id applied, the catalogs and
        attribute definitions named looked up; every problem reported at once."""
        errors: list[FieldError] = []
        found = await self._catalogs_found(uow, caller, changes)
        values = rules.client_values(changes.values, found, errors)
        rules.apply_tax_id(caller.account, values, current, errors)
        if current is None:
            rules.require_name(values, errors)
        if changes.attributes is not None:
            ids = [a.dynamic_attribute_id for a in changes.attributes]
            known = await uow.attributes.definitions(caller.account_id, ids)
            rules.check_attributes(changes.attributes, known, errors)
        if errors:
            raise InvalidInput(errors)
        await check_unique_tax_id(uow, caller, values, current)
        return values

    @staticmethod
    async def _catalogs_found(
        uow: ClientsUnitOfWork, caller: Principal, changes: ClientChanges
    ) -> dict[str, bool]:
        found: dict[str, bool] = {}
        for key, (kind, item_id) in rules.catalog_references(changes.values).items():
            found[key] = await uow.catalogs.get(caller.account_id, kind, item_id) is not None
        return found

    @staticmethod
    async def _set_attributes(
        uow: ClientsUnitOfWork, caller: Principal, client_id: int, changes: ClientChanges
    ) -> tuple[FieldChange, ...]:
        """Write the attribute values given; their changes (``attribute:<definition id>``)."""
        if not changes.attributes:
            return ()
        new = {a.dynamic_attribute_id: a.value for a in changes.attributes}
        old = {
            v.attribute.id: v.value
            for v in await uow.attributes.values(caller.account_id, client_id)
            if v.attribute.id in new
        }
        await uow.attributes.set_values(caller.account_id, client_id, new)
        return history.changed(
            {f"attribute:{k}": v for k, v in old.items()},
            {f"attribute:{k}": v for k, v in new.items()},
        )


async def check_unique_tax_id(
    uow: ClientsUnitOfWork,
    caller: Principal,
    values: Mapping[str, object],
    current: Client | None,
    ignore: Collection[int] = (),
) -> None:
    """The account's ``unique_tax_ids``: a client may not take a valid tax id another live
    client of the account holds (``ignore``: clients a merge is about to hide). The one place
    of the rule, for every face and for merges."""
    code = values.get("code")
    if not caller.account.unique_tax_ids or values.get("code_valid") is not True:
        return
    if not isinstance(code, str) or (current is not None and current.code == code):
        return
    await uow.clients.lock_code(caller.account_id, code)  # concurrent writers queue here
    skip = {*ignore, *([current.id] if current is not None else [])}
    found, _ = await uow.clients.list_offset(
        caller.account_id, ClientFilter(code=code), len(skip) + 1, 0
    )
    other = next((c for c in found if c.code_valid and c.id not in skip), None)
    if other is not None:
        raise DuplicateTaxId(code, other.id)
