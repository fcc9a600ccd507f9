"""An account's small catalogs: roles, partner statuses, contact types. Every account gets the
defaults on first use."""

from __future__ import annotations

from typing import TypeVar

from core.accounts.model import Principal
from core.partners import rules
from core.partners.errors import EntityNotFound
from core.partners.model import (
    CatalogItem,
    CatalogKind,
    Catalogs,
    ContactType,
    PartnerStatus,
    Role,
    RoleKind,
)
from core.partners.ports import UowFactory

ItemT = TypeVar("ItemT", Role, PartnerStatus, ContactType)

DEFAULT_ROLES = [
    {"id_remote": "client", "name": "cliente", "kind": RoleKind.CLIENT.value},
    {"id_remote": "agent", "name": "representante", "kind": RoleKind.AGENT.value},
    {"id_remote": "supplier", "name": "proveedor", "kind": RoleKind.OTHER.value},
]
DEFAULT_STATUSES = [
    {"id_remote": "active", "description": "Activo"},
    {"id_remote": "inactive", "description": "Inactivo"},
    {"id_remote": "blocked", "description": "Bloqueado"},
]
DEFAULT_CONTACT_TYPES = [
    {"id_remote": "email", "value": "Email"},
    {"id_remote": "phone", "value": "Teléfono"},
    {"id_remote": "mobile", "value": "Móvil"},
    {"id_remote": "whatsapp", "value": "WhatsApp"},
]
_DEFAULTS = {
    CatalogKind.ROLE: DEFAULT_ROLES,
    CatalogKind.STATUS: DEFAULT_STATUSES,
    CatalogKind.CONTACT_TYPE: DEFAULT_CONTACT_TYPES,
}


def _typed(cls: type[ItemT], item: CatalogItem) -> ItemT:
    if not isinstance(item, cls):
        raise TypeError(f"expected a {cls.__name__}, got {type(item).__name__}")
    return item


class CatalogService:
    def __init__(self, uow: UowFactory) -> None:
        self._uow = uow
        self._seeded: set[int] = set()

    async def ensure(self, account_id: int) -> None:
        """Give the account the default roles, statuses and contact types if it has none.

        Idempotent and race-free: the insert skips rows another transaction added."""
        if account_id in self._seeded:
            return
        async with self._uow() as uow:
            current = await uow.partners.catalogs.catalogs(account_id)
            have = {
                CatalogKind.ROLE: current.roles,
                CatalogKind.STATUS: current.statuses,
                CatalogKind.CONTACT_TYPE: current.contact_types,
            }
            missing = [kind for kind, rows in have.items() if not rows]
            for kind in missing:
                await uow.partners.catalogs.seed(account_id, kind, _DEFAULTS[kind])
            if missing:
                await uow.commit()
        self._seeded.add(account_id)

    async def get(self, caller: Principal) -> Catalogs:
        await self.ensure(caller.account_id)
        async with self._uow(read_only=True) as uow:
            return await uow.partners.catalogs.catalogs(caller.account_id)

    async def add_status(
        self, caller: Principal, id_remote: str, description: str
    ) -> PartnerStatus:
        values = {"id_remote": id_remote, "description": description}
        return _typed(PartnerStatus, await self._add(caller, CatalogKind.STATUS, values))

    async def add_contact_type(self, caller: Principal, id_remote: str, value: str) -> ContactType:
        values = {"id_remote": id_remote, "value": value}
        return _typed(ContactType, await self._add(caller, CatalogKind.CONTACT_TYPE, values))

    async def add_role(self, caller: Principal, id_remote: str, name: str, kind: RoleKind) -> Role:
        values = {"id_remote": id_remote, "name": name}
        item = await self._add(caller, CatalogKind.ROLE, values, {"kind": kind.value})
        return _typed(Role, item)

    async def update_status(
        self,
        caller: Principal,
        status_id: int,
        *,
        id_remote: str | None = None,
        description: str | None = None,
    ) -> PartnerStatus:
        values = {"id_remote": id_remote, "description": description}
        return _typed(
            PartnerStatus, await self._update(caller, CatalogKind.STATUS, status_id, values)
        )

    async def update_contact_type(
        self,
        caller: Principal,
        type_id: int,
        *,
        id_remote: str | None = None,
        value: str | None = None,
    ) -> ContactType:
        values = {"id_remote": id_remote, "value": value}
        item = await self._update(caller, CatalogKind.CONTACT_TYPE, type_id, values)
        return _typed(ContactType, item)

    async def _add(
        self,
        caller: Principal,
        kind: CatalogKind,
        values: dict[str, str],
        extra: dict[str, str] | None = None,
    ) -> CatalogItem:
        rules.check_catalog_values(values, required=True)
        await self.ensure(caller.account_id)
        async with self._uow() as uow:
            item = await uow.partners.catalogs.add(
                caller.account_id, kind, {**values, **(extra or {})}
            )
            await uow.commit()
        return item

    async def _update(
        self, caller: Principal, kind: CatalogKind, item_id: int, given: dict[str, str | None]
    ) -> CatalogItem:
        values = {k: v for k, v in given.items() if v is not None}
        rules.check_catalog_changes(values)
        async with self._uow() as uow:
            item = await uow.partners.catalogs.update(caller.account_id, kind, item_id, values)
            if item is None:
                raise EntityNotFound(kind.value.replace("_", " "), item_id)
            await uow.commit()
        return item
