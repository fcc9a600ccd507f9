"""Idempotency entries on SQLite and PostgreSQL: racing requests meet on the unique (account,
key) in the database, take-overs are compare-and-swaps, bodies are sealed at rest."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import select

from clientgate.container import Services
from core.accounts.model import Principal, PrincipalKind
from core.idempotency.errors import RequestInFlight
from core.idempotency.model import Answer, Claim
from core.idempotency.sealing import FernetSealer
from core.idempotency.service import IdempotencyService
from core.shared.clock import FixedClock
from core.storage.tables.idempotency import idempotency_keys

SECRET = b"s" * 32
TTL = 3600
LEASE = 30
SECRET_BODY = b'{"created_clients":[{"access_api":{"password":"Gen3rated!Secret"}}]}'


def service_at(services: Services, clock: FixedClock) -> IdempotencyService:
    return IdempotencyService(
        services.uow, clock, FernetSealer(SECRET), SECRET, ttl_seconds=TTL, lease_seconds=LEASE
    )


async def principal(make_account: Any) -> Principal:
    created = await make_account("PE")
    return Principal(created.account, PrincipalKind.API_TOKEN, 1)


async def race(service: IdempotencyService, caller: Principal, key: str) -> list[object]:
    async def one() -> object:
        try:
            return await service.begin(caller, key, "f" * 64)
        except RequestInFlight as exc:
            return exc

    return list(await asyncio.gather(*(one() for _ in range(20))))


async def test_twenty_racing_requests_one_holds_the_key(
    services: Services, make_account: Any
) -> None:
    caller = await principal(make_account)
    outcomes = await race(service_at(services, FixedClock(1_000_000)), caller, "race")
    claims = [o for o in outcomes if isinstance(o, Claim)]
    assert len(claims) == 1
    assert all(isinstance(o, RequestInFlight) for o in outcomes if not isinstance(o, Claim))


async def test_twenty_racing_take_overs_of_a_dead_holder_one_wins(
    services: Services, make_account: Any
) -> None:
    caller = await principal(make_account)
    clock = FixedClock(1_000_000)
    service = service_at(services, clock)
    dead = await service.begin(caller, "abandoned", "f" * 64)
    assert isinstance(dead, Claim)
    clock.advance(LEASE)
    outcomes = await race(service, caller, "abandoned")
    claims = [o for o in outcomes if isinstance(o, Claim)]
    assert len(claims) == 1 and claims[0].owner != dead.owner
    assert not await service.finish(caller, dead, Answer(200, "application/json", b"{}"))


async def test_stored_bodies_are_sealed_and_replayed_byte_for_byte(
    services: Services, make_account: Any
) -> None:
    caller = await principal(make_account)
    service = service_at(services, FixedClock(1_000_000))
    claim = await service.begin(caller, "sealed", "f" * 64)
    assert isinstance(claim, Claim)
    answer = Answer(200, "application/json", SECRET_BODY)
    assert await service.finish(caller, claim, answer)
    async with services.engine.connect() as conn:
        stored = (
            await conn.execute(
                select(idempotency_keys.c.body).where(
                    idempotency_keys.c.account_id == caller.account_id
                )
            )
        ).scalar_one()
    assert b"Gen3rated" not in stored
    assert await service.begin(caller, "sealed", "f" * 64) == answer


async def test_a_new_key_prunes_only_the_accounts_expired_entries(
    services: Services, make_account: Any
) -> None:
    mine, theirs = await principal(make_account), await principal(make_account)
    clock = FixedClock(1_000_000)
    service = service_at(services, clock)
    for caller in (mine, theirs):
        claim = await service.begin(caller, "old", "f" * 64)
        assert isinstance(claim, Claim)
        await service.finish(caller, claim, Answer(200, "application/json", b"{}"))
    clock.advance(TTL)
    assert isinstance(await service.begin(mine, "new", "f" * 64), Claim)
    async with services.engine.connect() as conn:
        rows = await conn.execute(
            select(idempotency_keys.c.account_id, idempotency_keys.c.key).where(
                idempotency_keys.c.account_id.in_([mine.account_id, theirs.account_id])
            )
        )
        left = {tuple(r) for r in rows}
    assert left == {(mine.account_id, "new"), (theirs.account_id, "old")}
