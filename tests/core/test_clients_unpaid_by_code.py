"""Unpaid documents by ``code`` when several clients share it (issue 12 §6), on the fakes: the
one active client among them answers; none or more than one active is Bsale's 400 wording."""

from __future__ import annotations

import pytest

from core.accounts.model import Account
from core.clients.errors import AmbiguousClientCode, ClientNotFound
from core.clients.model import ClientChanges
from core.clients.service import ClientService
from core.shared.clock import FixedClock
from tests.support.callers import caller
from tests.support.clients_fakes import FakeUowFactory

CHILE = Account(2, "Chile SpA", "CL")
ME = caller(CHILE)


async def _sharing(service: ClientService, states: list[int]) -> list[int]:
    ids = []
    for n, state in enumerate(states):
        client = await service.create(ME, ClientChanges({"first_name": f"N{n}", "code": "2-7"}))
        if state:
            await service.deactivate(ME, client.id)
        ids.append(client.id)
    return ids


@pytest.fixture
def service() -> ClientService:
    return ClientService(FakeUowFactory(), FixedClock(1_700_000_000))


@pytest.mark.parametrize(("states", "answered"), [([0], 0), ([1], 0), ([1, 0], 1), ([0, 1, 1], 0)])
async def test_the_single_active_client_answers(
    service: ClientService, states: list[int], answered: int
) -> None:
    ids = await _sharing(service, states)
    summary = await service.unpaid_summary(ME, code="2-7")
    assert summary.client.id == ids[answered]


@pytest.mark.parametrize("states", [[0, 0], [1, 1], [0, 0, 1]])
async def test_no_single_active_client_is_ambiguous(
    service: ClientService, states: list[int]
) -> None:
    await _sharing(service, states)
    with pytest.raises(AmbiguousClientCode) as refused:
        await service.unpaid_summary(ME, code="2-7")
    assert refused.value.message == "There are more than a client with the code 2-7"


async def test_no_client_with_the_code_is_not_found(service: ClientService) -> None:
    await _sharing(service, [0])
    with pytest.raises(ClientNotFound):
        await service.unpaid_summary(ME, code="1-9")
