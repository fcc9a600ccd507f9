"""Keyset pages read backwards (Relay's ``last``/``before``) on the core's use cases, with
in-memory fakes: the page just before a cursor, in the list's own order, with
``has_previous``/``has_next`` as the Relay spec defines them for backward paging."""

from __future__ import annotations

import pytest

from core.accounts.model import Account
from core.clients.model import ClientChanges, ClientFilter, ClientSortField
from core.clients.service import ClientService
from core.partners.model import PartnerFilter
from core.shared.clock import FixedClock
from core.shared.errors import InvalidInput
from core.shared.pagination import keyset_page
from tests.core.test_partners_agents_and_deletion import _tenant_with
from tests.support.callers import caller
from tests.support.clients_fakes import FakeUowFactory
from tests.support.partners import FakePartnerWorld, partner_input

PERU = Account(1, "Peru SAC", "PE")


def test_keyset_page_flags() -> None:
    forward = keyset_page([1], more=True, bounded=False)
    assert (forward.has_next, forward.has_previous) == (True, False)
    backward = keyset_page([1], more=True, bounded=False, backward=True)
    assert (backward.has_next, backward.has_previous) == (False, True)
    last_page = keyset_page([1], more=False, bounded=True, backward=True)
    assert (last_page.has_next, last_page.has_previous) == (True, False)


async def test_clients_backward_in_both_orders() -> None:
    service = ClientService(FakeUowFactory(), FixedClock(1_700_000_000))
    me = caller(PERU)
    ids = [(await service.create(me, ClientChanges({"first_name": f"C{i}"}))).id for i in range(5)]
    flt, by_id = ClientFilter(), ClientSortField.ID

    tail, _ = await service.page(me, flt, by_id, False, None, 2, backward=True)
    assert [c.id for c in tail.items] == ids[3:]
    assert (tail.has_previous, tail.has_next) == (True, False)
    middle, _ = await service.page(me, flt, by_id, False, (ids[3], ids[3]), 2, backward=True)
    assert [c.id for c in middle.items] == ids[1:3]
    assert (middle.has_previous, middle.has_next) == (True, True)
    head, _ = await service.page(me, flt, by_id, False, (ids[1], ids[1]), 2, backward=True)
    assert [c.id for c in head.items] == ids[:1]
    assert (head.has_previous, head.has_next) == (False, True)

    newest_first, _ = await service.page(me, flt, by_id, True, None, 2, backward=True)
    assert [c.id for c in newest_first.items] == [ids[1], ids[0]]
    assert newest_first.has_previous is True

    with pytest.raises(InvalidInput) as refused:
        await service.page(me, flt, by_id, False, None, 101, backward=True)
    assert refused.value.errors[0].field == "last"


async def test_partners_backward() -> None:
    world = FakePartnerWorld()
    service = world.service()
    me = await _tenant_with(world, service, [partner_input(f"P{i}") for i in range(5)])
    everyone = await service.reads.keyset(me, PartnerFilter(), first=10)
    ids = [p.id for p in everyone.items]
    tail = await service.reads.keyset(me, PartnerFilter(), first=2, backward=True)
    assert [p.id for p in tail.items] == ids[3:]
    assert (tail.has_previous, tail.has_next) == (True, False)
    head = await service.reads.keyset(me, PartnerFilter(), first=3, after_id=ids[3], backward=True)
    assert [p.id for p in head.items] == ids[:3]
    assert (head.has_previous, head.has_next) == (False, True)
    with pytest.raises(InvalidInput) as refused:
        await service.reads.keyset(me, PartnerFilter(), first=0, backward=True)
    assert refused.value.errors[0].field == "last"
