"""Use cases of the business-partners context. Each public method is one transaction."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import asdict, dataclass, field
from typing import Any

from core.accounts.model import Account
from core.partners import geo
from core.partners.errors import (
    DeletionBlocked,
    DuplicateEntry,
    EntityNotFound,
    ItemFailed,
    PartnerNotFound,
    RuleViolation,
    UnknownReference,
)
from core.partners.model import (
    Assignment,
    Catalogs,
    Company,
    ContactInput,
    ContactType,
    DeletedPartner,
    Location,
    LocationInput,
    MessageStatus,
    Partner,
    PartnerContact,
    PartnerFilter,
    PartnerInput,
    PartnerRelated,
    PartnerStatus,
    QueueMessage,
    Role,
    RoleKind,
)
from core.partners.parsing import parse_partner, partner_to_payload
from core.partners.ports import PartnersUnitOfWork
from core.shared.clock import Clock
from core.shared.errors import DomainError, InvalidInput
from core.shared.pagination import KeysetPage, OffsetPage
from core.shared.taxid import check_tax_id

UowFactory = Callable[..., AbstractAsyncContextManager[PartnersUnitOfWork]]

MAX_PAGE_SIZE = 100
CREATE_KIND = "create"

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


def pick(items: Sequence[Any], ref: str) -> Any:
    """The item whose idRemote is ``ref``, else the one whose local id is ``ref``."""
    for item in items:
        if item.id_remote == ref:
            return item
    for item in items:
        if str(item.id) == ref:
            return item
    return None


@dataclass
class PartnerView:
    """One partner with what the faces show about it."""

    partner: Partner
    related: PartnerRelated


@dataclass
class AgentClients:
    agent: Partner
    client_ids: list[int] = field(default_factory=list)


@dataclass
class _Plan:
    """An item resolved against the tenant's data, ready to be written."""

    index: int
    item: PartnerInput
    existing: Partner | None
    values: dict[str, object]
    locations: list[LocationInput] | None
    contacts: list[tuple[ContactInput, list[int]]] | None
    partner_id: int | None = None
    known_locations: list[Location] = field(default_factory=list)
    """The existing locations the message names (shared by the plans of one message)."""


def _check_page(page: int, page_size: int) -> tuple[int, int]:
    if page < 1:
        raise InvalidInput.single("page", "must be 1 or greater", "OUT_OF_RANGE")
    if page_size < 1 or page_size > MAX_PAGE_SIZE:
        raise InvalidInput.single(
            "pageSize", f"must be between 1 and {MAX_PAGE_SIZE}", "OUT_OF_RANGE"
        )
    return page_size, (page - 1) * page_size


class PartnerService:
    def __init__(self, uow: UowFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock
        self._seeded: set[int] = set()
        self._enqueue_listeners: list[Callable[[], None]] = []

    def on_enqueue(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call ``listener`` after each committed enqueue (wakes in-process workers at once;
        workers in other processes find the message at their next poll). Returns a function
        that removes it."""
        self._enqueue_listeners.append(listener)
        return lambda: self._enqueue_listeners.remove(listener)

    # --- catalogs ---------------------------------------------------------------------------

    async def ensure_catalogs(self, account_id: int) -> None:
        """New accounts get the default roles, statuses and contact types on first use.

        Idempotent and race-free: the insert skips rows another transaction added."""
        if account_id in self._seeded:
            return
        async with self._uow() as uow:
            current = await uow.partners.catalogs(account_id)
            if not (current.roles and current.statuses and current.contact_types):
                if not current.roles:
                    await uow.partners.seed_catalog("role", account_id, DEFAULT_ROLES)
                if not current.statuses:
                    await uow.partners.seed_catalog("status", account_id, DEFAULT_STATUSES)
                if not current.contact_types:
                    await uow.partners.seed_catalog(
                        "contact_type", account_id, DEFAULT_CONTACT_TYPES
                    )
                await uow.commit()
        self._seeded.add(account_id)

    async def catalogs(self, account_id: int) -> Catalogs:
        await self.ensure_catalogs(account_id)
        async with self._uow(read_only=True) as uow:
            return await uow.partners.catalogs(account_id)

    async def add_status(self, account_id: int, id_remote: str, description: str) -> PartnerStatus:
        item: PartnerStatus = await self._add_catalog(
            "status", account_id, {"id_remote": id_remote, "description": description}
        )
        return item

    async def add_contact_type(self, account_id: int, id_remote: str, value: str) -> ContactType:
        item: ContactType = await self._add_catalog(
            "contact_type", account_id, {"id_remote": id_remote, "value": value}
        )
        return item

    async def add_role(self, account_id: int, id_remote: str, name: str, kind: RoleKind) -> Role:
        item: Role = await self._add_catalog(
            "role", account_id, {"id_remote": id_remote, "name": name, "kind": kind.value}
        )
        return item

    async def update_status(
        self, account_id: int, status_id: int, values: dict[str, object]
    ) -> PartnerStatus:
        item: PartnerStatus = await self._update_catalog("status", account_id, status_id, values)
        return item

    async def update_contact_type(
        self, account_id: int, type_id: int, values: dict[str, object]
    ) -> ContactType:
        item: ContactType = await self._update_catalog("contact_type", account_id, type_id, values)
        return item

    async def _add_catalog(self, kind: str, account_id: int, values: dict[str, object]) -> Any:
        _check_catalog_values(values, required=True)
        await self.ensure_catalogs(account_id)
        async with self._uow() as uow:
            item = await uow.partners.add_catalog(kind, account_id, values)
            await uow.commit()
        return item

    async def _update_catalog(
        self, kind: str, account_id: int, item_id: int, values: dict[str, object]
    ) -> Any:
        _check_catalog_values(values, required=False)
        async with self._uow() as uow:
            item = await uow.partners.update_catalog(kind, account_id, item_id, values)
            if item is None:
                raise EntityNotFound(kind.replace("_", " "), item_id)
            await uow.commit()
        return item

    # --- companies --------------------------------------------------------------------------

    async def create_company(self, account_id: int, values: dict[str, object]) -> Company:
        _check_company_values(values, required=True)
        async with self._uow() as uow:
            company = await uow.partners.add_company(account_id, values, self._clock.now())
            await uow.commit()
        return company

    async def update_company(
        self, account_id: int, company_id: int, values: dict[str, object]
    ) -> Company:
        _check_company_values(values, required=False)
        async with self._uow() as uow:
            company = await uow.partners.update_company(
                account_id, company_id, values, self._clock.now()
            )
            if company is None:
                raise EntityNotFound("Company", company_id)
            await uow.commit()
        return company

    async def companies(self, account_id: int, refs: Sequence[str] | None = None) -> list[Company]:
        async with self._uow(read_only=True) as uow:
            return await uow.partners.companies(account_id, refs)

    async def companies_by_id(self, account_id: int, ids: Sequence[int]) -> dict[int, Company]:
        async with self._uow(read_only=True) as uow:
            return await uow.partners.companies_by_id(account_id, ids)

    # --- reading partners -------------------------------------------------------------------

    async def page(
        self, account_id: int, flt: PartnerFilter, page: int, page_size: int
    ) -> tuple[OffsetPage[Partner], PartnerRelated]:
        """An offset page with everything the legacy views show, in a fixed number of queries."""
        limit, offset = _check_page(page, page_size)
        await self.ensure_catalogs(account_id)
        async with self._uow(read_only=True) as uow:
            items, total = await uow.partners.page(account_id, flt, limit, offset)
            catalogs = await uow.partners.catalogs(account_id)
            related = await uow.partners.related(account_id, items, catalogs)
        return OffsetPage(items=items, total=total, limit=limit, offset=offset), related

    async def keyset(
        self,
        account_id: int,
        flt: PartnerFilter,
        *,
        first: int,
        after_id: int | None = None,
    ) -> KeysetPage[Partner]:
        if first < 1 or first > MAX_PAGE_SIZE:
            raise InvalidInput.single("first", f"must be between 1 and {MAX_PAGE_SIZE}")
        async with self._uow(read_only=True) as uow:
            rows = await uow.partners.keyset(account_id, flt, after_id, None, first + 1, False)
        return KeysetPage(
            items=rows[:first], has_next=len(rows) > first, has_previous=after_id is not None
        )

    async def count(self, account_id: int, flt: PartnerFilter) -> int:
        async with self._uow(read_only=True) as uow:
            return await uow.partners.count(account_id, flt)

    async def get(self, account_id: int, ref: str) -> Partner:
        async with self._uow(read_only=True) as uow:
            return await _find_one(uow, account_id, ref)

    async def view(self, account_id: int, ref: str) -> PartnerView:
        await self.ensure_catalogs(account_id)
        async with self._uow(read_only=True) as uow:
            partner = await _find_one(uow, account_id, ref)
            catalogs = await uow.partners.catalogs(account_id)
            related = await uow.partners.related(account_id, [partner], catalogs)
        return PartnerView(partner, related)

    async def partners_by_ids(self, account_id: int, ids: Sequence[int]) -> list[Partner]:
        async with self._uow(read_only=True) as uow:
            return await uow.partners.partners_by_ids(account_id, ids)

    async def locations_of(self, account_id: int, ids: Sequence[int]) -> dict[int, list[Location]]:
        async with self._uow(read_only=True) as uow:
            return await uow.partners.locations_of(account_id, ids)

    async def contacts_of(
        self, account_id: int, ids: Sequence[int]
    ) -> dict[int, list[PartnerContact]]:
        async with self._uow(read_only=True) as uow:
            return await uow.partners.contacts_of(account_id, ids)

    async def methods_of(self, account_id: int, contact_ids: Sequence[int]) -> dict[int, list[Any]]:
        async with self._uow(read_only=True) as uow:
            return await uow.partners.methods_of(account_id, contact_ids)

    async def clients_of(
        self, account_id: int, agent_ids: Sequence[int]
    ) -> dict[int, list[Partner]]:
        async with self._uow(read_only=True) as uow:
            return await uow.partners.clients_of(account_id, agent_ids)

    async def contacts_page(
        self, account_id: int, page: int, page_size: int
    ) -> tuple[OffsetPage[PartnerContact], dict[int, Partner], dict[int, list[Any]], Catalogs]:
        limit, offset = _check_page(page, page_size)
        await self.ensure_catalogs(account_id)
        async with self._uow(read_only=True) as uow:
            contacts, total, partners, methods = await uow.partners.contacts_page(
                account_id, limit, offset
            )
            catalogs = await uow.partners.catalogs(account_id)
        return (
            OffsetPage(items=contacts, total=total, limit=limit, offset=offset),
            partners,
            methods,
            catalogs,
        )

    async def agents_with_clients(
        self, account_id: int, page: int, page_size: int
    ) -> OffsetPage[AgentClients]:
        limit, offset = _check_page(page, page_size)
        async with self._uow(read_only=True) as uow:
            agents, clients, total = await uow.partners.agents_with_clients(
                account_id, limit, offset
            )
        items = [AgentClients(a, clients.get(a.id, [])) for a in agents]
        return OffsetPage(items=items, total=total, limit=limit, offset=offset)

    async def deletions(
        self, account_id: int, page: int, page_size: int
    ) -> OffsetPage[DeletedPartner]:
        limit, offset = _check_page(page, page_size)
        async with self._uow(read_only=True) as uow:
            items, total = await uow.partners.deletions(account_id, limit, offset)
        return OffsetPage(items=items, total=total, limit=limit, offset=offset)

    # --- writing partners -------------------------------------------------------------------

    async def update(self, account: Account, ref: str, item: PartnerInput) -> PartnerView:
        """Partial update of one partner (local id or idRemote); locations and contacts, when
        given, replace the current ones."""
        await self.ensure_catalogs(account.id)
        now = self._clock.now()
        async with self._uow() as uow:
            partner = await _find_one(uow, account.id, ref)
            catalogs = await uow.partners.catalogs(account.id)
            try:
                plans = await _plan(uow, account, catalogs, [item], [partner])
            except ItemFailed as exc:
                raise UnknownReference(exc.reason) from None
            plan = plans[0]
            company_id = int(str(plan.values["company_id"]))
            id_remote = str(plan.values["id_remote"])
            if (company_id, id_remote) != (partner.company_id, partner.id_remote):
                clash = await uow.partners.partners_by_remote(account.id, company_id, [id_remote])
                if clash:
                    raise DuplicateEntry(
                        f"Duplicate entry => idRemote {id_remote} already exists in the company"
                    )
            await _write(uow, account.id, plans, now)
            updated = (await uow.partners.partners_by_ids(account.id, [partner.id]))[0]
            related = await uow.partners.related(account.id, [updated], catalogs)
            await uow.commit()
        return PartnerView(updated, related)

    async def delete(self, account_id: int, ref: str) -> DeletedPartner:
        """Delete a partner no document references; its last state goes to the history."""
        await self.ensure_catalogs(account_id)
        async with self._uow() as uow:
            partner = await _find_one(uow, account_id, ref)
            kinds = await uow.partners.document_kinds(account_id, partner.id)
            if kinds:
                raise DeletionBlocked(
                    f"Business Partner {ref} cannot be deleted: referenced by "
                    + ", ".join(k.replace("_", " ") for k in kinds)
                )
            catalogs = await uow.partners.catalogs(account_id)
            related = await uow.partners.related(account_id, [partner], catalogs)
            snapshot = json.dumps(snapshot_of(partner, related), ensure_ascii=False)
            await uow.partners.delete_partner(account_id, partner.id)
            deleted = await uow.partners.add_deletion(
                account_id, partner, snapshot, self._clock.now()
            )
            await uow.commit()
        return deleted

    async def add_document(self, account_id: int, ref: str, kind: str, number: str) -> int:
        """Record an invoice, delivery note or order referencing a partner."""
        if kind not in ("invoice", "delivery_note", "order"):
            raise InvalidInput.single("kind", "must be invoice, delivery_note or order")
        if not number.strip() or len(number) > 64:
            raise InvalidInput.single("number", "must be 1 to 64 characters")
        async with self._uow() as uow:
            partner = await _find_one(uow, account_id, ref)
            doc_id = await uow.partners.add_document(
                account_id, partner.id, kind, number, self._clock.now()
            )
            await uow.commit()
        return doc_id

    async def assign_clients(self, account_id: int, assignments: Sequence[Assignment]) -> int:
        """Assign clients (by idRemote, in the agent's company) to agents; all or nothing."""
        await self.ensure_catalogs(account_id)
        now = self._clock.now()
        assigned = 0
        async with self._uow() as uow:
            catalogs = await uow.partners.catalogs(account_id)
            for entry in assignments:
                agent = await _find_one(uow, account_id, entry.agent_ref)
                role = catalogs.role(agent.role_id)
                if role is None or role.kind != RoleKind.AGENT.value:
                    raise RuleViolation(f"Business Partner {entry.agent_ref} is not an agent")
                found = await uow.partners.partners_by_remote(
                    account_id, agent.company_id, entry.client_remote_ids
                )
                for remote in entry.client_remote_ids:
                    client = found.get(remote)
                    if client is None:
                        raise PartnerNotFound(remote)
                    client_role = catalogs.role(client.role_id)
                    if client_role is None or client_role.kind != RoleKind.CLIENT.value:
                        raise RuleViolation(f"Business Partner {remote} is not a client")
                ids = [found[r].id for r in entry.client_remote_ids]
                await uow.partners.set_agent(account_id, ids, agent.id, now)
                assigned += len(set(ids))
            await uow.commit()
        return assigned

    # --- queued creation --------------------------------------------------------------------

    async def enqueue_create(self, account_id: int, items: Sequence[PartnerInput]) -> QueueMessage:
        """Store one message holding every item; the worker applies it later."""
        payload = json.dumps([partner_to_payload(i) for i in items], ensure_ascii=False)
        async with self._uow() as uow:
            message = await uow.partners.enqueue(
                account_id, uuid.uuid4().hex, CREATE_KIND, payload, self._clock.now()
            )
            await uow.commit()
        for listener in list(self._enqueue_listeners):
            listener()
        return message

    async def message(self, account_id: int, public_id: str) -> QueueMessage:
        async with self._uow(read_only=True) as uow:
            found = await uow.partners.message(account_id, public_id)
        if found is None:
            raise EntityNotFound("message", public_id)
        return found

    async def claim_next(self, *, lease_seconds: int, max_attempts: int) -> QueueMessage | None:
        """Claim the next message for this worker (its own short transaction)."""
        now = self._clock.now()
        async with self._uow() as uow:
            message = await uow.partners.claim(now, lease_seconds, uuid.uuid4().hex, max_attempts)
            if message is None:
                # Nothing claimable: fail the messages whose last attempt died with its worker.
                await uow.partners.give_up_exhausted(now, max_attempts)
            await uow.commit()
        return message

    async def process(
        self, message: QueueMessage, *, max_attempts: int, retry_after: int = 1
    ) -> MessageStatus | None:
        """Apply a claimed message in one transaction. Returns its new status, or None when
        the claim was lost (another worker owns it now). Unexpected errors put it back to
        pending until ``max_attempts``, then fail it; they are re-raised for the log."""
        token = message.claim_token or ""
        try:
            await self.ensure_catalogs(message.account_id)
            async with self._uow() as uow:
                if await uow.partners.lock_claimed(message.id, token) is None:
                    return None
                account = await uow.accounts.get(message.account_id)
                if account is None:
                    raise EntityNotFound("account", message.account_id)
                items = [parse_partner(raw, full=True) for raw in json.loads(message.payload)]
                catalogs = await uow.partners.catalogs(account.id)
                plans = await _plan(uow, account, catalogs, items, None)
                await _write(uow, account.id, plans, self._clock.now())
                await uow.partners.finish(
                    message.id, token, MessageStatus.COMPLETED, None, self._clock.now()
                )
                await uow.commit()
            return MessageStatus.COMPLETED
        except DomainError as exc:
            return await self._settle(message, MessageStatus.FAILED, exc.message)
        except Exception as exc:
            if message.attempts >= max_attempts:
                await self._settle(
                    message,
                    MessageStatus.FAILED,
                    f"gave up after {message.attempts} attempts: {type(exc).__name__}",
                )
            else:
                await self._settle(
                    message, MessageStatus.PENDING, None, self._clock.now() + retry_after
                )
            raise

    async def _settle(
        self,
        message: QueueMessage,
        status: MessageStatus,
        error: str | None,
        available_at: int | None = None,
    ) -> MessageStatus | None:
        async with self._uow() as uow:
            ok = await uow.partners.finish(
                message.id,
                message.claim_token or "",
                status,
                error,
                self._clock.now(),
                available_at,
            )
            await uow.commit()
        return status if ok else None


# --- helpers ----------------------------------------------------------------------------------


async def _find_one(uow: PartnersUnitOfWork, account_id: int, ref: str) -> Partner:
    found = await uow.partners.find_partners(account_id, ref)
    if not found:
        raise PartnerNotFound(ref)
    if len(found) > 1:
        raise DuplicateEntry(
            f"Duplicate entry => several partners have idRemote {ref}; use the local id"
        )
    return found[0]


def _check_catalog_values(values: dict[str, object], *, required: bool) -> None:
    for key, value in values.items():
        if not isinstance(value, str) or not value.strip():
            raise InvalidInput.single(key, "must be a non-empty string", "REQUIRED")
        if len(value) > 255:
            raise InvalidInput.single(key, "must be at most 255 characters", "TOO_LONG")
    if required and "id_remote" not in values:
        raise InvalidInput.single("id_remote", "is required", "REQUIRED")


def _check_company_values(values: dict[str, object], *, required: bool) -> None:
    for key in ("id_remote", "company_name"):
        if required and not values.get(key):
            raise InvalidInput.single(key, "is required", "REQUIRED")
    for key, value in values.items():
        if key not in ("id_remote", "company_name", "comercial_name", "tin"):
            raise InvalidInput.single(key, "is not a known field", "UNKNOWN_FIELD")
        if not isinstance(value, str):
            raise InvalidInput.single(key, "must be a string", "WRONG_TYPE")
        limit = 64 if key == "tin" else 255
        if len(value) > limit:
            raise InvalidInput.single(key, f"must be at most {limit} characters", "TOO_LONG")
        if key in ("id_remote", "company_name") and not value.strip():
            raise InvalidInput.single(key, "must not be empty", "REQUIRED")


def _location_values(loc: LocationInput, fail: Callable[[str], ItemFailed]) -> dict[str, object]:
    country = geo.country(loc.country_id or "")
    if country is None:
        raise fail(f"unknown countryId {loc.country_id!r}")
    state_id: str | None = None
    if loc.state_id:
        region = geo.region(loc.state_id)
        if region is None or region.country_iso != country.iso:
            raise fail(f"unknown stateId {loc.state_id!r} for country {country.iso}")
        state_id = region.id
    return {
        "id_remote": loc.id_remote,
        "name": loc.name or "",
        "address": loc.address or "",
        "city": loc.city or "",
        "state_id": state_id,
        "postal_code": loc.postal_code,
        "shipping_address": loc.shipping_address,
        "billing_address": loc.billing_address,
        "country_id": country.iso,
        "is_default": loc.is_default,
        "active": loc.active,
    }


async def _plan(
    uow: PartnersUnitOfWork,
    account: Account,
    catalogs: Catalogs,
    items: Sequence[PartnerInput],
    existing: Sequence[Partner] | None,
) -> list[_Plan]:
    """Resolve every reference of ``items`` in bulk and check the rules; raises ItemFailed
    naming the first bad item. ``existing`` (update) gives the partner each item changes;
    without it (create) items upsert on company + idRemote."""
    repo = uow.partners
    company_refs = {i.company_id for i in items if i.company_id is not None}
    companies = await repo.companies(account.id, sorted(company_refs)) if company_refs else []
    location_refs = {
        loc.location_ref
        for i in items
        for loc in (i.locations or [])
        if loc.location_ref is not None
    }
    new_location_remotes = {
        str(loc.id_remote) for i in items for loc in (i.locations or []) if loc.location_ref is None
    }
    known_locations = await repo.locations_by_refs(
        account.id,
        new_location_remotes | location_refs,
        {int(r) for r in location_refs if r.isdigit() and len(r) < 19},
    )
    by_company: dict[int, set[str]] = {}
    agent_refs: dict[int, set[str]] = {}
    plans: list[_Plan] = []
    seen: set[tuple[int, str]] = set()
    for index, item in enumerate(items):
        current = existing[index] if existing is not None else None

        def fail(reason: str, index: int = index, item: PartnerInput = item) -> ItemFailed:
            return ItemFailed(index, item.id_remote, reason)

        role = (
            pick(catalogs.roles, item.role_id)
            if item.role_id is not None
            else catalogs.role(current.role_id if current else -1)
        )
        if role is None:
            raise fail(f"unknown roleId {item.role_id!r}")
        status = (
            pick(catalogs.statuses, item.status_id)
            if item.status_id is not None
            else catalogs.status(current.status_id if current else -1)
        )
        if status is None:
            raise fail(f"unknown statusId {item.status_id!r}")
        if item.company_id is not None:
            company = pick(companies, item.company_id)
            if company is None:
                raise fail(f"unknown companyId {item.company_id!r}")
            company_id = company.id
        elif current is not None:
            company_id = current.company_id
        else:
            raise fail("companyId is required")
        id_remote = (
            item.id_remote if item.id_remote is not None else (current and current.id_remote)
        )
        if not id_remote:
            raise fail("idRemote is required")
        if (company_id, id_remote) in seen:
            raise fail("duplicate idRemote within the message")
        seen.add((company_id, id_remote))
        by_company.setdefault(company_id, set()).add(id_remote)

        # Locations: references must exist; new ones must name a known country/state.
        locations = item.locations
        if locations is not None:
            for loc in locations:
                if loc.location_ref is not None:
                    if pick(known_locations, loc.location_ref) is None:
                        raise fail(f"unknown locationId {loc.location_ref!r}")
                else:
                    _location_values(loc, fail)
        # Contact methods: every contact type must exist.
        contacts: list[tuple[ContactInput, list[int]]] | None = None
        if item.contacts is not None:
            contacts = []
            for contact in item.contacts:
                type_ids = []
                for method in contact.contact_methods:
                    ctype = pick(catalogs.contact_types, method.contact_type_id)
                    if ctype is None:
                        raise fail(f"unknown contactTypeId {method.contact_type_id!r}")
                    type_ids.append(ctype.id)
                contacts.append((contact, type_ids))

        values: dict[str, object] = {
            "company_id": company_id,
            "id_remote": id_remote,
            "role_id": role.id,
            "status_id": status.id,
        }
        for attr in ("contact_name", "comercial_name", "observation", "origin", "active"):
            if attr in item.present or current is None:
                values[attr] = getattr(item, attr)
            else:
                values[attr] = getattr(current, attr)
        if values["active"] is None:
            values["active"] = True
        for attr in ("contact_name", "comercial_name"):
            values[attr] = values[attr] or ""
        # The tax id is checked against the country of the partner's (default) location.
        if "tin" in item.present or "locations" in item.present or current is None:
            tin = item.tin if "tin" in item.present else (current.tin if current else "")
            country = _tin_country(account, locations, known_locations)
            check = check_tax_id(country, tin)
            if check.valid is False and account.strict_tax_ids:
                raise fail(f"tin: {check.message}")
            values["tin"], values["tin_valid"] = check.value, check.valid
        # Agents: only a client gets one, and it must be an agent of the same company.
        agent_ref = item.agent_id if "agent_id" in item.present else None
        if agent_ref is not None:
            if role.kind != RoleKind.CLIENT.value:
                raise fail("only a partner with role client can be assigned to an agent")
            agent_refs.setdefault(company_id, set()).add(agent_ref)
            values["agent_id"] = agent_ref  # resolved below
        elif "agent_id" in item.present:
            values["agent_id"] = None
        elif current is not None:
            if current.agent_id is not None and role.kind != RoleKind.CLIENT.value:
                values["agent_id"] = None
        else:
            values["agent_id"] = None
        plans.append(_Plan(index, item, current, values, locations, contacts))

    # Agents, per company, in bulk.
    agents: dict[tuple[int, str], Partner] = {}
    for company_id, refs in agent_refs.items():
        found = await repo.partners_by_remote(account.id, company_id, refs)
        numeric = [int(r) for r in refs if r.isdigit() and len(r) < 19 and r not in found]
        for p in await repo.partners_by_ids(account.id, numeric):
            if p.company_id == company_id:
                found.setdefault(str(p.id), p)
        for key, found_agent in found.items():
            agents[(company_id, key)] = found_agent
    for plan in plans:
        agent_key = plan.values.get("agent_id")
        if isinstance(agent_key, str):
            ref = agent_key
            agent = agents.get((int(str(plan.values["company_id"])), ref))
            if agent is None:
                raise ItemFailed(
                    plan.index, plan.item.id_remote, f"unknown agentId {ref!r} in the company"
                )
            agent_role = catalogs.role(agent.role_id)
            if agent_role is None or agent_role.kind != RoleKind.AGENT.value:
                raise ItemFailed(
                    plan.index, plan.item.id_remote, f"agentId {ref!r} is not an agent"
                )
            plan.values["agent_id"] = agent.id

    # Upsert: an item whose company + idRemote exists updates that partner.
    if existing is None:
        for company_id, remotes in by_company.items():
            found = await repo.partners_by_remote(account.id, company_id, remotes)
            for plan in plans:
                if plan.values["company_id"] == company_id:
                    plan.existing = found.get(str(plan.values["id_remote"]))
        for plan in plans:
            plan.locations = plan.locations if plan.locations is not None else []
            plan.contacts = plan.contacts if plan.contacts is not None else []
    for plan in plans:
        plan.partner_id = plan.existing.id if plan.existing is not None else None
        plan.known_locations = known_locations
    return plans


def _failer(plan: _Plan) -> Callable[[str], ItemFailed]:
    def fail(reason: str) -> ItemFailed:
        return ItemFailed(plan.index, plan.item.id_remote, reason)

    return fail


def _tin_country(
    account: Account, locations: list[LocationInput] | None, known: Sequence[Location]
) -> str:
    if locations:
        chosen = next((loc for loc in locations if loc.is_default), locations[0])
        if chosen.location_ref is not None:
            found = pick(known, chosen.location_ref)
            if found is not None:
                return str(found.country_id)
        else:
            country = geo.country(chosen.country_id or "")
            if country is not None:
                return country.iso
    return account.country


async def _write(
    uow: PartnersUnitOfWork, account_id: int, plans: Sequence[_Plan], now: int
) -> None:
    """Write resolved plans with bulk statements: a fixed number whatever their count."""
    repo = uow.partners
    inserts = [p for p in plans if p.existing is None]
    updates = [p for p in plans if p.existing is not None]
    new_ids = await repo.insert_partners(
        account_id, [{**p.values, "created_at": now, "updated_at": now} for p in inserts]
    )
    for plan, new_id in zip(inserts, new_ids, strict=True):
        plan.partner_id = new_id
    if updates:
        full = [_full_row(p, now) for p in updates]
        await repo.update_partners(account_id, full)

    # Locations: new ones upsert on idRemote, references link existing rows.
    with_locations = [p for p in plans if p.locations is not None]
    if with_locations:
        known = with_locations[0].known_locations
        by_remote = {loc.id_remote: loc for loc in known}
        new_rows: dict[str, dict[str, object]] = {}
        changed: dict[int, dict[str, object]] = {}
        for plan in with_locations:
            for loc in plan.locations or []:
                if loc.location_ref is not None:
                    continue
                values = _location_values(loc, _failer(plan))
                current = by_remote.get(str(loc.id_remote))
                if current is None:
                    new_rows[str(loc.id_remote)] = {**values, "created_at": now, "updated_at": now}
                else:
                    changed[current.id] = {"id": current.id, **values, "updated_at": now}
        remotes_order = list(new_rows)
        ids = await repo.insert_locations(account_id, [new_rows[r] for r in remotes_order])
        location_ids = {r: i for r, i in zip(remotes_order, ids, strict=True)}
        location_ids.update({loc.id_remote: loc.id for loc in known})
        await repo.update_locations(account_id, list(changed.values()))
        links: list[tuple[int, int, int]] = []
        for plan in with_locations:
            assert plan.partner_id is not None
            seen: set[int] = set()
            for pos, loc in enumerate(plan.locations or []):
                if loc.location_ref is not None:
                    ref_loc = pick(known, loc.location_ref)
                    loc_id = ref_loc.id if ref_loc else None
                else:
                    loc_id = location_ids.get(str(loc.id_remote))
                if loc_id is not None and loc_id not in seen:
                    seen.add(loc_id)
                    links.append((plan.partner_id, loc_id, pos))
        # New partners have no links yet: only existing ones need theirs removed first.
        await repo.replace_location_links(
            account_id, [p.existing.id for p in with_locations if p.existing is not None], links
        )

    # Contacts: replaced as a whole, then their methods in one insert.
    with_contacts = [p for p in plans if p.contacts is not None]
    if with_contacts:
        await repo.delete_contacts_of(
            account_id, [p.existing.id for p in with_contacts if p.existing is not None]
        )
        contact_rows: list[dict[str, object]] = []
        methods: list[tuple[int, ContactInput, list[int]]] = []
        for plan in with_contacts:
            assert plan.partner_id is not None
            for contact, type_ids in plan.contacts or []:
                methods.append((len(contact_rows), contact, type_ids))
                contact_rows.append(
                    {
                        "partner_id": plan.partner_id,
                        "id_remote": contact.id_remote,
                        "name": contact.name,
                        "position": contact.position,
                        "is_default": contact.is_default,
                        "active": contact.active,
                    }
                )
        contact_ids = await repo.insert_contacts(account_id, contact_rows)
        method_rows: list[dict[str, object]] = []
        for row_index, contact, type_ids in methods:
            for method, type_id in zip(contact.contact_methods, type_ids, strict=True):
                method_rows.append(
                    {
                        "contact_id": contact_ids[row_index],
                        "id_remote": method.id_remote,
                        "contact_type_id": type_id,
                        "value": method.value,
                        "send_by_whatsapp": method.send_by_whatsapp,
                        "send_by_mail": method.send_by_mail,
                        "send_by_telegram": method.send_by_telegram,
                        "send_by_sms": method.send_by_sms,
                    }
                )
        await repo.insert_methods(account_id, method_rows)


_PARTNER_WRITABLE = (
    "company_id",
    "id_remote",
    "role_id",
    "status_id",
    "contact_name",
    "comercial_name",
    "tin",
    "tin_valid",
    "observation",
    "origin",
    "active",
    "agent_id",
)


def _full_row(plan: _Plan, now: int) -> dict[str, object]:
    """Every writable column (bulk UPDATE needs the same keys on each row)."""
    assert plan.existing is not None
    row: dict[str, object] = {"id": plan.existing.id, "updated_at": now}
    for key in _PARTNER_WRITABLE:
        row[key] = plan.values[key] if key in plan.values else getattr(plan.existing, key)
    return row


def snapshot_of(partner: Partner, related: PartnerRelated) -> dict[str, Any]:
    """A partner's whole state, as plain data (kept in the deletion history)."""
    company = related.companies.get(partner.company_id)
    contacts = related.contacts.get(partner.id, [])
    return {
        "partner": asdict(partner),
        "company": asdict(company) if company else None,
        "locations": [asdict(loc) for loc in related.locations.get(partner.id, [])],
        "contacts": [
            {**asdict(c), "methods": [asdict(m) for m in related.methods.get(c.id, [])]}
            for c in contacts
        ],
    }
