"""Each kind of write records its change in the same transaction, on SQLite and PostgreSQL:
client parts (addresses, attribute values, points, documents, payments), business partners
through the queue worker (face worker) and directly, their locations and contacts, companies,
API tokens issued by the operator (face cli); a refused write records nothing; the prune."""

from __future__ import annotations

from decimal import Decimal

import pytest

from clientgate.container import Services
from core.accounts.model import FaceName, Origin, Principal, PrincipalKind
from core.clients.model import AttributeInput, ClientChanges, PointsOperation
from core.history.model import ChangeEvent
from core.history.service import HistoryService
from core.partners.inputs import Assignment, CompanyInput, PartnerInput
from core.shared.clock import FixedClock
from core.shared.errors import InvalidInput
from tests.conftest import counting_statements
from tests.support.partners import partner_input


async def caller_of(services: Services, face: FaceName = FaceName.GRAPHQL) -> Principal:
    account = await services.accounts.create_account(name="History", country="PE")
    caller = await services.accounts.authenticate_token(account.token)
    return Principal(
        caller.account,
        caller.kind,
        caller.credential_id,
        label=caller.label,
        origin=Origin(face, "req"),
    )


async def feed(services: Services, caller: Principal) -> list[ChangeEvent]:
    async with services.uow(read_only=True) as uow:
        return await uow.history_reads.changes_after(caller.account_id, 0, 100)


def summary(events: list[ChangeEvent]) -> list[tuple[str, str, str]]:
    return [(e.entity_type.value, e.action.value, e.subject_type.value) for e in events]


def values(event: ChangeEvent) -> dict[str, tuple[object, object]]:
    return {f.field: (f.old, f.new) for f in event.fields}


async def test_client_parts_record_under_their_client(services: Services) -> None:
    caller = await caller_of(services)
    svc = services.clients
    definition = await svc.add_attribute_definition(caller, "Birthday")
    client = await svc.create(caller, ClientChanges({"first_name": "Ana"}))
    address = await svc.add_address(caller, client.id, {"address": "Av. Larco 1"})
    await svc.update_address(caller, client.id, address.id, {"address": "Av. Larco 2"})
    await svc.deactivate_address(caller, client.id, address.id)
    await svc.update(
        caller, client.id, ClientChanges(attributes=[AttributeInput(definition.id, "01-02")])
    )
    await svc.change_points(caller, client.id, PointsOperation.ADD, 10, "welcome")
    doc = await svc.add_document(
        caller,
        client.id,
        name="Factura",
        number=1,
        emission_date=1_700_000_000,
        expiration_date=1_700_100_000,
        total_amount="100.50",
    )
    await svc.add_payment(caller, doc.id, Decimal("40"))

    events = await feed(services, caller)
    assert summary(events) == [
        ("client", "create", "client"),
        ("client_address", "create", "client"),
        ("client_address", "update", "client"),
        ("client_address", "delete", "client"),
        ("client", "update", "client"),
        ("points", "create", "client"),
        ("document", "create", "client"),
        ("payment", "create", "client"),
    ]
    assert {e.subject_id for e in events} == {client.id}
    assert values(events[2]) == {"address": ("Av. Larco 1", "Av. Larco 2")}
    assert values(events[3]) == {"state": (0, 1)}
    assert values(events[4]) == {f"attribute:{definition.id}": (None, "01-02")}
    assert values(events[5])["balance"] == (0.0, 10.0)
    assert values(events[6])["total_amount"] == (None, "100.50")
    assert values(events[7])["amount"] == (None, "40.00")
    assert all(e.face is FaceName.GRAPHQL and e.request_id == "req" for e in events)


async def test_a_refused_write_records_nothing(services: Services) -> None:
    caller = await caller_of(services)
    client = await services.clients.create(caller, ClientChanges({"first_name": "Ana"}))
    with pytest.raises(InvalidInput):
        await services.clients.update(caller, client.id, ClientChanges({"email": "x" * 5000}))
    assert summary(await feed(services, caller)) == [("client", "create", "client")]


async def partner_tenant(services: Services) -> Principal:
    caller = await caller_of(services, FaceName.BUSINESS_PARTNER)
    await services.partners.companies.create(
        caller, CompanyInput(id_remote="ACME", company_name="Acme")
    )
    return caller


async def test_the_queue_worker_records_partners_locations_and_contacts_as_worker(
    own_services: Services,
) -> None:
    services = own_services  # the queue is claimed across tenants: no other test's messages
    caller = await partner_tenant(services)
    queue = services.partners.queue
    message = await queue.enqueue_create(caller, [partner_input("P-1")])
    while (claimed := await queue.claim_next(lease_seconds=30, max_attempts=5)) is not None:
        await queue.process(claimed, max_attempts=5)

    events = await feed(services, caller)
    assert summary(events) == [
        ("company", "create", "company"),
        ("business_partner", "create", "business_partner"),
        ("location", "create", "location"),
        ("partner_contact", "create", "business_partner"),
    ]
    company, partner, location, contact = events
    assert company.face is FaceName.BUSINESS_PARTNER
    for event in (partner, location, contact):
        assert (event.face, event.actor.kind) == (FaceName.WORKER, PrincipalKind.WORKER)
        assert event.request_id == message.public_id
        assert message.public_id in event.actor.label
    assert contact.subject_id == partner.entity_id
    assert values(partner)["id_remote"] == (None, "P-1")
    assert values(partner)["locations"] == (None, "L-P-1")
    assert values(location)["city"] == (None, "Lima")


async def test_partner_updates_deletes_and_assignments_record_their_fields(
    own_services: Services,
) -> None:
    services = own_services  # the queue is claimed across tenants: no other test's messages
    caller = await partner_tenant(services)
    queue = services.partners.queue
    agent = partner_input("A-1", role_id="agent", locations=None, contacts=None)
    await queue.enqueue_create(caller, [partner_input("P-1"), agent])
    while (claimed := await queue.claim_next(lease_seconds=30, max_attempts=5)) is not None:
        await queue.process(claimed, max_attempts=5)
    writes = services.partners.writes
    change = PartnerInput(contact_name="Rosa").with_given_fields()
    await writes.update(caller, "P-1", change)
    await writes.assign_clients(caller, [Assignment("A-1", ["P-1"])])
    await services.partners.companies.update(
        caller,
        (await services.partners.companies.all(caller))[0].id,
        CompanyInput(company_name="Acme 2"),
    )
    await writes.delete(caller, "A-1")

    events = [e for e in await feed(services, caller) if e.face is FaceName.BUSINESS_PARTNER]
    assert summary(events)[1:] == [
        ("business_partner", "update", "business_partner"),
        ("business_partner", "update", "business_partner"),
        ("company", "update", "company"),
        ("business_partner", "delete", "business_partner"),
    ]
    assert values(events[1]) == {"contact_name": ("Contact P-1", "Rosa")}
    assert values(events[2])["agent_id"][0] is None
    assert values(events[3]) == {"company_name": ("Acme", "Acme 2")}
    assert values(events[4])["id_remote"] == ("A-1", None)


async def test_operator_token_changes_record_face_cli(services: Services) -> None:
    caller = await caller_of(services)
    issued = await services.tokens.issue(caller.account_id, "deploy")
    await services.tokens.revoke_for(caller.account_id, issued.token.id)
    await services.tokens.revoke_for(caller.account_id, issued.token.id)  # changes nothing
    events = await feed(services, caller)
    assert summary(events) == [
        ("api_token", "create", "api_token"),
        ("api_token", "update", "api_token"),
    ]
    assert all(
        (e.face, e.actor.kind, e.request_id) == (FaceName.CLI, PrincipalKind.OPERATOR, None)
        for e in events
    )


async def test_prune_deletes_changes_older_than_the_retention_only(
    own_services: Services,
) -> None:
    services = own_services
    caller = await caller_of(services)
    now = services.clock.now()
    await services.clients.create(caller, ClientChanges({"first_name": "Old"}))
    later = HistoryService(services.uow, FixedClock(now + 10 * 86_400), retention_days=7)
    newer = await services.clients.create(caller, ClientChanges({"first_name": "New"}))
    async with services.uow() as uow:
        # The first change was recorded 10 days before the clock; the second one just now.
        await uow.connection.exec_driver_sql(
            f"UPDATE change_events SET at = at + {10 * 86_400} WHERE entity_id = {newer.id}"
        )
        await uow.commit()
    assert await later.prune() == 1
    assert [e.entity_id for e in await feed(services, caller)] == [newer.id]
    assert await later.prune() == 0
    with pytest.raises(InvalidInput):
        await later.prune(older_than_days=0)


async def test_a_workers_write_records_its_changes_in_a_fixed_number_of_statements(
    own_services: Services,
) -> None:
    services = own_services  # the queue is claimed across tenants: no other test's messages
    caller = await partner_tenant(services)
    queue = services.partners.queue
    warm_up = await queue.enqueue_create(caller, [partner_input("W-1")])  # catalogs made once
    claimed = await queue.claim_next(lease_seconds=30, max_attempts=5)
    assert claimed is not None and claimed.public_id == warm_up.public_id
    await queue.process(claimed, max_attempts=5)
    for size in (2, 20):
        await queue.enqueue_create(caller, [partner_input(f"S{size}-{i}") for i in range(size)])
        claimed = await queue.claim_next(lease_seconds=30, max_attempts=5)
        assert claimed is not None
        with counting_statements(services) as counted:
            await queue.process(claimed, max_attempts=5)
        if size == 2:
            few = counted.count
    assert counted.count == few


async def test_a_merge_records_on_the_survivor_and_on_each_merged_client(
    services: Services,
) -> None:
    caller = await caller_of(services)
    svc = services.clients
    survivor = await svc.create(caller, ClientChanges({"first_name": "Ana", "phone": ""}))
    merged = await svc.create(caller, ClientChanges({"first_name": "Anna", "phone": "987654321"}))
    await svc.merge(caller, survivor.id, [merged.id])

    events = (await feed(services, caller))[2:]
    assert [(e.entity_id, e.action.value) for e in events] == [
        (survivor.id, "merge"),
        (merged.id, "merge"),
    ]
    assert values(events[0])["merged_ids"] == (None, str(merged.id))
    assert values(events[0])["phone"] == ("", "987654321")  # a blank filled from the merged
    assert values(events[1]) == {"merged_into_id": (None, survivor.id)}
    assert {e.face for e in events} == {FaceName.GRAPHQL}
