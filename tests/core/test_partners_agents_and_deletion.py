"""Assigning clients to agents, documents that block a deletion, and what a deletion leaves,
on in-memory fakes of the ports."""

from __future__ import annotations

import json

import pytest

from core.accounts.model import Principal
from core.partners.errors import DeletionBlocked, PartnerNotFound, RuleViolation
from core.partners.inputs import Assignment, CompanyInput, LocationInput, PartnerInput
from core.partners.model import DocumentKind, MessageStatus, Partner, PartnerFilter
from core.partners.service import PartnerService
from core.shared.errors import InvalidInput
from tests.support.partners import FakePartnerWorld, partner_input


@pytest.fixture
def world() -> FakePartnerWorld:
    return FakePartnerWorld()


@pytest.fixture
def service(world: FakePartnerWorld) -> PartnerService:
    return world.service()


async def _tenant_with(
    world: FakePartnerWorld, service: PartnerService, *messages: list[PartnerInput]
) -> Principal:
    """A tenant with a company and the partners of ``messages``, created in turn."""
    caller = await world.tenant()
    await service.companies.create(caller, CompanyInput(id_remote="ACME", company_name="Acme"))
    for items in messages:
        await service.queue.enqueue_create(caller, items)
        claimed = await service.queue.claim_next(lease_seconds=30, max_attempts=5)
        assert claimed is not None
        assert await service.queue.process(claimed, max_attempts=5) is MessageStatus.COMPLETED
    return caller


async def _by_remote(service: PartnerService, caller: Principal) -> dict[str, Partner]:
    page, _ = await service.reads.page(caller, PartnerFilter(), 1, 100)
    return {p.id_remote: p for p in page.items}


async def test_clients_are_assigned_to_an_agent_of_their_company(
    world: FakePartnerWorld, service: PartnerService
) -> None:
    items = [partner_input("AG", role_id="agent"), partner_input("C1"), partner_input("C2")]
    caller = await _tenant_with(world, service, items)
    count = await service.writes.assign_clients(caller, [Assignment("AG", ["C1", "C2", "C1"])])
    assert count == 2  # distinct clients
    partners = await _by_remote(service, caller)
    assert partners["C1"].agent_id == partners["C2"].agent_id == partners["AG"].id
    agents = await service.reads.agents_with_clients(caller, 1, 10)
    assert [(a.agent.id_remote, a.client_ids) for a in agents.items] == [
        ("AG", [partners["C1"].id, partners["C2"].id])
    ]


@pytest.mark.parametrize(
    ("assignment", "error", "message"),
    [
        (Assignment("C1", ["C2"]), RuleViolation, "Business Partner C1 is not an agent"),
        (Assignment("AG", ["AG"]), RuleViolation, "Business Partner AG is not a client"),
        (Assignment("AG", ["C1", "ZZ"]), PartnerNotFound, "Business Partner ZZ not found"),
        (Assignment("ZZ", ["C1"]), PartnerNotFound, "Business Partner ZZ not found"),
        (Assignment("\u00b2", ["C1"]), PartnerNotFound, "Business Partner \u00b2 not found"),
    ],
)
async def test_assignments_are_all_or_nothing(
    world: FakePartnerWorld,
    service: PartnerService,
    assignment: Assignment,
    error: type[Exception],
    message: str,
) -> None:
    items = [partner_input("AG", role_id="agent"), partner_input("C1"), partner_input("C2")]
    caller = await _tenant_with(world, service, items)
    good = Assignment("AG", ["C2"])
    with pytest.raises(error, match=message):
        await service.writes.assign_clients(caller, [good, assignment])
    assert all(p.agent_id is None for p in (await _by_remote(service, caller)).values())


async def test_documents_block_a_deletion(world: FakePartnerWorld, service: PartnerService) -> None:
    caller = await _tenant_with(world, service, [partner_input("D1")])
    await service.writes.record_document(caller, "D1", DocumentKind.ORDER, "PO-1")
    await service.writes.record_document(caller, "D1", DocumentKind.INVOICE, "F001-1")
    with pytest.raises(DeletionBlocked) as info:
        await service.writes.delete(caller, "D1")
    assert (
        info.value.message == "Business Partner D1 cannot be deleted: referenced by invoice, order"
    )
    assert set(await _by_remote(service, caller)) == {"D1"}
    with pytest.raises(InvalidInput):
        await service.writes.record_document(caller, "D1", DocumentKind.ORDER, " ")


async def test_a_deletion_keeps_the_last_state_and_frees_what_no_one_else_uses(
    world: FakePartnerWorld, service: PartnerService
) -> None:
    first = [partner_input("AG", role_id="agent"), partner_input("D2")]
    then = [partner_input("D3", locations=[LocationInput(location_ref="L-AG")])]
    caller = await _tenant_with(world, service, first, then)
    await service.writes.assign_clients(caller, [Assignment("AG", ["D2"])])
    deleted = await service.writes.delete(caller, "AG")
    assert deleted.id_remote == "AG"
    snapshot = json.loads(deleted.snapshot)
    assert snapshot["partner"]["id_remote"] == "AG"
    assert [loc["id_remote"] for loc in snapshot["locations"]] == ["L-AG"]
    assert [m["value"] for m in snapshot["contacts"][0]["methods"]] == ["a@b.pe"]
    left = await _by_remote(service, caller)
    assert set(left) == {"D2", "D3"} and left["D2"].agent_id is None
    # The location AG shared with D3 stays; D2's own is untouched; AG's contacts are gone.
    locations = await service.reads.locations_of(caller, [left["D3"].id])
    assert [loc.id_remote for loc in locations[left["D3"].id]] == ["L-AG"]
    assert world.tables.contacts and all(
        c.partner_id != deleted.partner_id for c in world.tables.contacts.values()
    )
    history = await service.reads.deletions(caller, 1, 10)
    assert [d.id_remote for d in history.items] == ["AG"]
    with pytest.raises(PartnerNotFound):
        await service.writes.delete(caller, "AG")


async def test_an_orphaned_location_goes_with_its_partner(
    world: FakePartnerWorld, service: PartnerService
) -> None:
    caller = await _tenant_with(world, service, [partner_input("D1"), partner_input("D2")])
    await service.writes.delete(caller, "D1")
    assert {loc.id_remote for loc in world.tables.locations.values()} == {"L-D2"}
