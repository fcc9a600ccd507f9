"""Changing one partner: a partial update, deletion (refused while documents reference it;
the last state kept), recording such documents, assigning clients to agents."""

from __future__ import annotations

import json
from collections.abc import Sequence

from core.accounts.model import Principal
from core.history import fields as history
from core.history.model import Action, Change, EntityType
from core.history.recorder import ChangeLog, record
from core.partners import rules
from core.partners.apply import apply
from core.partners.catalogs import CatalogService
from core.partners.errors import (
    DeletionBlocked,
    DuplicateEntry,
    ItemFailed,
    PartnerNotFound,
    RuleViolation,
    UnknownReference,
)
from core.partners.inputs import Assignment, PartnerInput
from core.partners.model import Catalogs, DeletedPartner, DocumentKind, Partner
from core.partners.ports import PartnerStorage, UowFactory
from core.partners.reads import PartnerView, find_one, load_related
from core.partners.snapshots import snapshot_of
from core.partners.upsert import Planned, plan
from core.shared.clock import Clock


class PartnerWrites:
    def __init__(self, uow: UowFactory, clock: Clock, catalogs: CatalogService) -> None:
        self._uow = uow
        self._clock = clock
        self._catalogs = catalogs

    async def update(self, caller: Principal, ref: str, item: PartnerInput) -> PartnerView:
        """Partial update of one partner (idRemote or local id); locations and contacts, when
        given, replace the current ones."""
        changes = rules.checked_partner(item, new=False)
        account_id = caller.account_id
        await self._catalogs.ensure(account_id)
        now = self._clock.now()
        async with self._uow() as uow:
            store = uow.partners
            partner = await find_one(store, account_id, ref)
            catalogs = await store.catalogs.catalogs(account_id)
            planned = await self._plan_update(store, caller, catalogs, changes, partner)
            await apply(store, account_id, planned, now, ChangeLog.of(uow.history, caller, now))
            updated = (await store.partners.by_ids(account_id, [partner.id]))[0]
            related = await load_related(store, account_id, [updated], catalogs)
            await uow.commit()
        return PartnerView(updated, related)

    async def _plan_update(
        self,
        store: PartnerStorage,
        caller: Principal,
        catalogs: Catalogs,
        changes: PartnerInput,
        partner: Partner,
    ) -> Planned:
        try:
            planned = await plan(store, caller.account, catalogs, [changes], [partner])
        except ItemFailed as exc:
            raise UnknownReference(exc.reason) from None
        [p] = planned.plans
        if (p.company_id, p.id_remote) != (partner.company_id, partner.id_remote):
            clash = await store.partners.by_remote(caller.account_id, p.company_id, [p.id_remote])
            if clash:
                raise DuplicateEntry(
                    f"Duplicate entry => idRemote {p.id_remote} already exists in the company"
                )
        return planned

    async def delete(self, caller: Principal, ref: str) -> DeletedPartner:
        """Delete a partner no document references, with its contacts and the locations no
        other partner uses; its last state goes to the history."""
        account_id = caller.account_id
        await self._catalogs.ensure(account_id)
        async with self._uow() as uow:
            store = uow.partners
            partner = await find_one(store, account_id, ref)
            kinds = await store.documents.kinds(account_id, partner.id)
            if kinds:
                raise DeletionBlocked(
                    f"Business Partner {ref} cannot be deleted: referenced by "
                    + ", ".join(k.value.replace("_", " ") for k in kinds)
                )
            catalogs = await store.catalogs.catalogs(account_id)
            related = await load_related(store, account_id, [partner], catalogs)
            snapshot = json.dumps(snapshot_of(partner, related), ensure_ascii=False)
            await store.contacts.delete_of(account_id, [partner.id])
            await store.locations.release(account_id, partner.id)
            await store.partners.clear_agent(account_id, partner.id)
            await store.partners.delete(account_id, partner.id)
            deleted = await store.deletions.add(account_id, partner, snapshot, self._clock.now())
            fields = history.deleted(history.as_mapping(partner))
            change = Change(EntityType.BUSINESS_PARTNER, partner.id, Action.DELETE, fields)
            record(uow.history, caller, change, self._clock.now())
            await uow.commit()
        return deleted

    async def record_document(
        self, caller: Principal, ref: str, kind: DocumentKind, number: str
    ) -> int:
        """Record an invoice, delivery note or order referencing a partner."""
        rules.check_document_number(number)
        async with self._uow() as uow:
            store = uow.partners
            partner = await find_one(store, caller.account_id, ref)
            doc_id = await store.documents.add(
                caller.account_id, partner.id, kind, number, self._clock.now()
            )
            await uow.commit()
        return doc_id

    async def assign_clients(self, caller: Principal, assignments: Sequence[Assignment]) -> int:
        """Assign clients (by idRemote, in the agent's company) to agents; all or nothing.
        Answers how many distinct clients each entry assigned, summed."""
        entries = rules.checked_assignments(assignments)
        account_id = caller.account_id
        await self._catalogs.ensure(account_id)
        now = self._clock.now()
        assigned = 0
        async with self._uow() as uow:
            store = uow.partners
            catalogs = await store.catalogs.catalogs(account_id)
            for entry in entries:
                agent, clients = await _assignment(store, account_id, catalogs, entry)
                await store.partners.set_agent(account_id, [c.id for c in clients], agent.id, now)
                assigned += len({c.id for c in clients})
                for client in {c.id: c for c in clients}.values():
                    fields = history.changed({"agent_id": client.agent_id}, {"agent_id": agent.id})
                    change = Change(EntityType.BUSINESS_PARTNER, client.id, Action.UPDATE, fields)
                    record(uow.history, caller, change, now)
            await uow.commit()
        return assigned


async def _assignment(
    store: PartnerStorage, account_id: int, catalogs: Catalogs, entry: Assignment
) -> tuple[Partner, list[Partner]]:
    """The agent and its clients' ids; the agent must be an agent, each client a client of
    the agent's company."""
    agent = await find_one(store, account_id, entry.agent_ref)
    if not rules.is_agent(catalogs.role(agent.role_id)):
        raise RuleViolation(f"Business Partner {entry.agent_ref} is not an agent")
    found = await store.partners.by_remote(account_id, agent.company_id, entry.client_remote_ids)
    for remote in entry.client_remote_ids:
        client = found.get(remote)
        if client is None:
            raise PartnerNotFound(remote)
        if not rules.is_client(catalogs.role(client.role_id)):
            raise RuleViolation(f"Business Partner {remote} is not a client")
    return agent, [found[r] for r in entry.client_remote_ids]
