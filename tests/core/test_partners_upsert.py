"""Creating and updating partners (upsert planning and writing) on in-memory fakes of the
ports: references resolved per tenant, upserts on company + idRemote, tax ids, agents, and
nothing written when an item fails."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from core.accounts.model import Principal
from core.partners.errors import DuplicateEntry, PartnerNotFound, UnknownReference
from core.partners.inputs import CompanyInput, LocationInput, PartnerField, PartnerInput
from core.partners.model import MessageStatus, Partner, QueueMessage
from core.partners.service import PartnerService
from tests.support.partners import FakePartnerWorld, location_input, partner_input


@pytest.fixture
def world() -> FakePartnerWorld:
    return FakePartnerWorld()


@pytest.fixture
def service(world: FakePartnerWorld) -> PartnerService:
    return world.service()


async def _tenant(world: FakePartnerWorld, service: PartnerService, **kw: Any) -> Principal:
    caller = await world.tenant(**kw)
    await service.companies.create(caller, CompanyInput(id_remote="ACME", company_name="Acme"))
    return caller


async def _create(
    service: PartnerService, caller: Principal, items: list[PartnerInput]
) -> QueueMessage:
    """Enqueue, claim and process: the message as it ends."""
    message = await service.queue.enqueue_create(caller, items)
    claimed = await service.queue.claim_next(lease_seconds=30, max_attempts=5)
    assert claimed is not None and claimed.id == message.id
    await service.queue.process(claimed, max_attempts=5)
    return await service.queue.message(caller, message.public_id)


async def _partners(service: PartnerService, caller: Principal) -> list[Partner]:
    page, _ = await service.reads.page(caller, _all(), 1, 100)
    return list(page.items)


def _all() -> Any:
    from core.partners.model import PartnerFilter

    return PartnerFilter()


async def test_create_upserts_on_company_and_id_remote(
    world: FakePartnerWorld, service: PartnerService
) -> None:
    caller = await _tenant(world, service)
    done = await _create(service, caller, [partner_input("P1"), partner_input("P2")])
    assert (done.status, done.error_message) == (MessageStatus.COMPLETED, None)
    again = [partner_input("P1", contact_name="Renamed")]
    assert (await _create(service, caller, again)).status is MessageStatus.COMPLETED
    partners = await _partners(service, caller)
    assert [(p.id_remote, p.contact_name) for p in partners] == [
        ("P1", "Renamed"),
        ("P2", "Contact P2"),
    ]
    [p1, _] = partners
    contacts = await service.reads.contacts_of(caller, [p1.id])
    assert len(contacts[p1.id]) == 1  # replaced, not appended
    locations = await service.reads.locations_of(caller, [p1.id])
    assert [loc.id_remote for loc in locations[p1.id]] == ["L-P1"]


async def test_locations_are_shared_by_reference(
    world: FakePartnerWorld, service: PartnerService
) -> None:
    caller = await _tenant(world, service)
    await _create(service, caller, [partner_input("R1")])
    [r1] = await _partners(service, caller)
    [location] = (await service.reads.locations_of(caller, [r1.id]))[r1.id]
    items = [
        partner_input("R2", locations=[LocationInput(location_ref=str(location.id))]),
        partner_input("R3", locations=[LocationInput(location_ref="L-R1")]),
    ]
    assert (await _create(service, caller, items)).status is MessageStatus.COMPLETED
    partners = await _partners(service, caller)
    found = await service.reads.locations_of(caller, [p.id for p in partners])
    assert {found[p.id][0].id for p in partners} == {location.id}


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"role_id": "boss"}, "unknown roleId 'boss'"),
        ({"status_id": "gone"}, "unknown statusId 'gone'"),
        ({"company_id": "NOPE"}, "unknown companyId 'NOPE'"),
        ({"company_id": "\u00b2"}, "unknown companyId '\u00b2'"),
        ({"locations": [LocationInput(location_ref="999999")]}, "unknown locationId '999999'"),
        ({"locations": [location_input("L", country_id="ZZ")]}, "unknown countryId 'ZZ'"),
        (
            {"locations": [location_input("L", state_id="MX-JAL")]},
            "unknown stateId 'MX-JAL' for country PE",
        ),
        ({"id_remote": "OK"}, "duplicate idRemote within the message"),
        ({"role_id": "agent", "agent_id": "OK"}, "only a partner with role client"),
        ({"agent_id": "nobody"}, "unknown agentId 'nobody' in the company"),
        ({"agent_id": "OK"}, "unknown agentId 'OK' in the company"),  # not created yet
    ],
)
async def test_a_bad_item_fails_the_message_and_writes_nothing(
    world: FakePartnerWorld, service: PartnerService, change: dict[str, Any], reason: str
) -> None:
    caller = await _tenant(world, service)
    items = [partner_input("OK"), replace(partner_input("BAD"), **change).with_given_fields()]
    done = await _create(service, caller, items)
    assert done.status is MessageStatus.FAILED
    bad = change.get("id_remote", "BAD")
    assert done.error_message is not None
    assert done.error_message.startswith(f"item 1 (idRemote '{bad}'): {reason}")
    assert await _partners(service, caller) == []


async def test_references_are_the_tenants_own(
    world: FakePartnerWorld, service: PartnerService
) -> None:
    owner = await _tenant(world, service)
    await _create(service, owner, [partner_input("A1", role_id="agent")])
    [agent] = await _partners(service, owner)
    other = await _tenant(world, service)
    items = [partner_input("C1", agent_id=str(agent.id))]
    done = await _create(service, other, items)
    assert (
        done.error_message == f"item 0 (idRemote 'C1'): unknown agentId '{agent.id}' in the company"
    )


async def test_tax_ids_are_flagged_or_refused_by_the_locations_country(
    world: FakePartnerWorld, service: PartnerService
) -> None:
    lenient = await _tenant(world, service)
    await _create(service, lenient, [partner_input("T1", tin="20100070971")])
    [p] = await _partners(service, lenient)
    assert (p.tin, p.tin_valid) == ("20100070971", False)
    strict = await _tenant(world, service, strict=True)
    done = await _create(service, strict, [partner_input("T1", tin="20100070971")])
    assert done.error_message is not None
    assert done.error_message.startswith("item 0 (idRemote 'T1'): tin: not a valid")
    chile = partner_input(
        "T2", tin="12.345.678-5", locations=[location_input("L", country_id="CL", state_id="CL-RM")]
    )
    assert (await _create(service, strict, [chile])).status is MessageStatus.COMPLETED


async def test_agents_are_given_at_creation_within_the_company(
    world: FakePartnerWorld, service: PartnerService
) -> None:
    caller = await _tenant(world, service)
    await _create(service, caller, [partner_input("AG", role_id="agent"), partner_input("CL")])
    [agent, _] = await _partners(service, caller)
    done = await _create(service, caller, [partner_input("C0", agent_id="CL")])
    assert done.error_message == "item 0 (idRemote 'C0'): agentId 'CL' is not an agent"
    by_local_id = partner_input("C1", agent_id=str(agent.id))
    by_remote = partner_input("C2", agent_id="AG")
    assert (
        await _create(service, caller, [by_local_id, by_remote])
    ).status is MessageStatus.COMPLETED
    clients = await service.reads.clients_of(caller, [agent.id])
    assert [c.id_remote for c in clients[agent.id]] == ["C1", "C2"]
    # Another company's agent is not found from this company.
    await service.companies.create(caller, CompanyInput(id_remote="B", company_name="B"))
    done = await _create(service, caller, [partner_input("C3", company_id="B", agent_id="AG")])
    assert done.error_message == "item 0 (idRemote 'C3'): unknown agentId 'AG' in the company"


async def test_update_changes_only_the_given_fields(
    world: FakePartnerWorld, service: PartnerService
) -> None:
    caller = await _tenant(world, service)
    await _create(service, caller, [partner_input("U1"), partner_input("U2")])
    changes = PartnerInput(comercial_name=" New name ").with_given_fields()
    view = await service.writes.update(caller, "U1", changes)
    assert (view.partner.comercial_name, view.partner.contact_name) == ("New name", "Contact U1")
    assert len(view.related.contacts[view.partner.id]) == 1  # untouched
    cleared = PartnerInput(contacts=[]).with_given_fields()
    view = await service.writes.update(caller, str(view.partner.id), cleared)
    assert view.related.contacts.get(view.partner.id, []) == []


async def test_update_refusals_leave_the_partner_as_it_was(
    world: FakePartnerWorld, service: PartnerService
) -> None:
    caller = await _tenant(world, service)
    await _create(service, caller, [partner_input("U1"), partner_input("U2")])
    with pytest.raises(DuplicateEntry, match="idRemote U2 already exists"):
        await service.writes.update(caller, "U1", PartnerInput(id_remote="U2").with_given_fields())
    half = PartnerInput(comercial_name="Half", role_id="nope").with_given_fields()
    with pytest.raises(UnknownReference, match="unknown roleId 'nope'"):
        await service.writes.update(caller, "U1", half)
    with pytest.raises(PartnerNotFound):
        await service.writes.update(caller, "\u0661", half)  # not the local id 1
    other = await _tenant(world, service)
    with pytest.raises(PartnerNotFound):
        await service.writes.update(caller=other, ref="U1", item=half)
    assert "Half" not in {p.comercial_name for p in await _partners(service, caller)}


async def test_a_client_that_stops_being_one_loses_its_agent(
    world: FakePartnerWorld, service: PartnerService
) -> None:
    caller = await _tenant(world, service)
    await _create(service, caller, [partner_input("AG", role_id="agent")])
    await _create(service, caller, [partner_input("C1", agent_id="AG")])
    view = await service.writes.update(
        caller, "C1", PartnerInput(role_id="supplier").with_given_fields()
    )
    assert view.partner.agent_id is None
    item = replace(PartnerInput(), present=frozenset({PartnerField.AGENT_ID}))
    assert (await service.writes.update(caller, "AG", item)).partner.agent_id is None
