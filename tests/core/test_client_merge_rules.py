"""The pure merge plan and the merge use case over the in-memory fakes of the ports."""

from __future__ import annotations

import pytest

from core.accounts.model import Account
from core.clients.errors import AlreadyMerged, ClientMerged
from core.clients.merge_plan import plan
from core.clients.model import (
    Client,
    ClientChanges,
    ClientFilter,
    DuplicateReason,
    MergeCounts,
)
from core.clients.service import ClientService
from core.shared.clock import FixedClock
from tests.support.callers import caller
from tests.support.clients_fakes import FakeUowFactory


def test_plan_keeps_the_survivor_fills_blanks_and_lists_conflicts() -> None:
    survivor = Client(1, 9, first_name="Ana", email=None, phone="1", points=-5.0)
    merged = [
        Client(2, 9, first_name="Anna", email="a@x.pe", phone="2", points=3.0),
        Client(3, 9, first_name="Ana", email="b@x.pe", code="X", code_valid=False),
    ]
    planned = plan(survivor, merged, {"phone": 3}, MergeCounts())
    assert planned.result.first_name == "Ana"
    assert planned.result.email == "a@x.pe"  # blank: the first merged client's
    assert planned.result.phone is None  # chosen from client 3, which has none
    assert (planned.result.code, planned.result.code_valid) == ("X", False)
    assert planned.result.points == 0.0  # never below zero
    conflicts = {c.field: (c.values, c.chosen_client_id) for c in planned.conflicts}
    assert conflicts["first_name"] == (((1, "Ana"), (2, "Anna"), (3, "Ana")), 1)
    assert conflicts["email"][1] == 2
    assert planned.field_sources == {"email": 2, "phone": 3, "code": 3}


async def test_merge_over_the_fakes() -> None:
    factory = FakeUowFactory()
    svc = ClientService(factory, FixedClock(1_700_000_000))
    who = caller(Account(id=1, name="A", country="PE"))
    a = await svc.create(who, ClientChanges({"first_name": "A", "email": "x@y.pe"}))
    b = await svc.create(who, ClientChanges({"first_name": "B", "email": "X@y.pe"}))
    found = await svc.possible_duplicates(who, [a.id])
    assert [c.client.id for c in found[a.id]] == [b.id]
    await svc.add_contact(who, b.id, {"first_name": "K"})
    planned, records = await svc.merge(who, a.id, [b.id])
    assert records[0].merged_id == b.id and planned.counts.contacts == 1
    with pytest.raises(ClientMerged):
        await svc.get(who, b.id)
    with pytest.raises(AlreadyMerged):
        await svc.merge(who, a.id, [b.id])
    assert factory.log[-1] == "rollback"
    assert await svc.count(who, ClientFilter()) == 1
    groups, more = await svc.duplicate_groups(who, DuplicateReason.EMAIL, 10, None)
    assert groups == [] and not more
