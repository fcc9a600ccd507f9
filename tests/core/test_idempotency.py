"""The idempotency context with no database: its rules, and the service's use cases against
fakes of its ports (tests/support/fake_idempotency.py), with a clock moved by hand."""

from __future__ import annotations

import pytest

from core.accounts.model import Account, Principal, PrincipalKind
from core.idempotency.errors import InvalidIdempotencyKey, KeyReused, RequestInFlight
from core.idempotency.model import Answer, Claim, EntryState
from core.idempotency.rules import MAX_ANSWER_BYTES, check_key, fingerprint
from core.idempotency.sealing import FernetSealer
from core.idempotency.service import IdempotencyService
from core.shared.clock import FixedClock
from tests.support.fake_idempotency import FakeIdempotencyUnitOfWork, ReversingSealer

SECRET = b"k" * 32
TTL = 24 * 3600
LEASE = 60
CREATED = Answer(201, "application/json", b'{"id":1,"code":"20100070970"}')


def caller(account_id: int = 1) -> Principal:
    account = Account(id=account_id, name=f"Account {account_id}", country="PE")
    return Principal(account=account, kind=PrincipalKind.API_TOKEN, credential_id=account_id)


def make_service() -> tuple[IdempotencyService, FakeIdempotencyUnitOfWork, FixedClock]:
    uow = FakeIdempotencyUnitOfWork()
    clock = FixedClock(1_800_000_000)
    service = IdempotencyService(
        uow, clock, ReversingSealer(), SECRET, ttl_seconds=TTL, lease_seconds=LEASE
    )
    return service, uow, clock


def fp(body: bytes = b'{"code":"20100070970"}', path: str = "/v1/clients.json") -> str:
    return fingerprint(SECRET, "POST", path, body)


@pytest.mark.parametrize("key", ["a", "8e03978e-40d5-43e8-bc93-6894a57f9324", "x" * 255, "a b~"])
def test_keys_are_printable_ascii_up_to_255(key: str) -> None:
    assert check_key(key) == key


@pytest.mark.parametrize("key", ["", "x" * 256, "clé", "tab\tkey", "nul\x00", "line\nbreak"])
def test_other_keys_are_refused(key: str) -> None:
    with pytest.raises(InvalidIdempotencyKey, match="1 to 255 printable ASCII"):
        check_key(key)


def test_the_fingerprint_covers_method_target_and_body_and_is_keyed() -> None:
    base = fingerprint(SECRET, "POST", "/v1/clients.json", b"{}")
    assert base == fingerprint(SECRET, "post", "/v1/clients.json", b"{}")
    assert base != fingerprint(SECRET, "PUT", "/v1/clients.json", b"{}")
    assert base != fingerprint(SECRET, "POST", "/v1/clients.json?x=1", b"{}")
    assert base != fingerprint(SECRET, "POST", "/v1/clients.json", b"{ }")
    assert base != fingerprint(b"o" * 32, "POST", "/v1/clients.json", b"{}")


async def test_first_request_holds_the_key_then_its_answer_is_replayed() -> None:
    service, uow, _ = make_service()
    claim = await service.begin(caller(), "k1", fp())
    assert isinstance(claim, Claim)
    assert await service.finish(caller(), claim, CREATED)
    assert await service.begin(caller(), "k1", fp()) == CREATED
    [entry] = uow.idempotency.entries.values()
    assert entry.state is EntryState.DONE
    assert entry.sealed_body == ReversingSealer().seal(CREATED.body)  # never stored in clear


async def test_another_request_with_the_key_is_refused_while_held_and_after() -> None:
    service, _, _ = make_service()
    claim = await service.begin(caller(), "k1", fp())
    assert isinstance(claim, Claim)
    with pytest.raises(KeyReused):
        await service.begin(caller(), "k1", fp(b'{"code":"other"}'))
    with pytest.raises(KeyReused):
        await service.begin(caller(), "k1", fp(path="/v1/clients/1/contacts.json"))
    await service.finish(caller(), claim, CREATED)
    with pytest.raises(KeyReused):
        await service.begin(caller(), "k1", fp(b'{"code":"other"}'))


async def test_the_same_request_while_the_first_runs_is_in_flight() -> None:
    service, _, clock = make_service()
    await service.begin(caller(), "k1", fp())
    clock.advance(LEASE - 1)
    with pytest.raises(RequestInFlight):
        await service.begin(caller(), "k1", fp())


async def test_a_request_whose_holder_died_is_taken_over_after_the_lease() -> None:
    service, _, clock = make_service()
    dead = await service.begin(caller(), "k1", fp())
    assert isinstance(dead, Claim)
    clock.advance(LEASE)
    retry = await service.begin(caller(), "k1", fp())
    assert isinstance(retry, Claim) and retry.owner != dead.owner
    # The first holder comes back late: it can neither store nor release the key any more.
    assert not await service.finish(caller(), dead, CREATED)
    await service.release(caller(), dead)
    assert await service.finish(caller(), retry, CREATED)
    assert await service.begin(caller(), "k1", fp()) == CREATED


async def test_a_released_key_runs_anew_even_with_another_body() -> None:
    service, uow, _ = make_service()
    claim = await service.begin(caller(), "k1", fp(b'{"code":"bad"}'))
    assert isinstance(claim, Claim)
    await service.release(caller(), claim)  # e.g. the request failed validation
    assert uow.idempotency.entries == {}
    assert isinstance(await service.begin(caller(), "k1", fp()), Claim)


async def test_answers_expire_after_the_ttl_and_the_key_is_free_again() -> None:
    service, _, clock = make_service()
    claim = await service.begin(caller(), "k1", fp())
    assert isinstance(claim, Claim)
    await service.finish(caller(), claim, CREATED)
    clock.advance(TTL - 1)
    assert await service.begin(caller(), "k1", fp()) == CREATED
    clock.advance(1)
    # Forgotten: even another body may use the key now.
    assert isinstance(await service.begin(caller(), "k1", fp(b'{"code":"other"}')), Claim)


async def test_a_new_key_prunes_the_accounts_expired_entries_only() -> None:
    service, uow, clock = make_service()
    for account_id, key in ((1, "old"), (2, "old")):
        claim = await service.begin(caller(account_id), key, fp())
        assert isinstance(claim, Claim)
        await service.finish(caller(account_id), claim, CREATED)
    clock.advance(TTL)
    await service.begin(caller(1), "new", fp())
    assert set(uow.idempotency.entries) == {(1, "new"), (2, "old")}


async def test_accounts_have_their_own_keys() -> None:
    service, _, _ = make_service()
    mine = await service.begin(caller(1), "shared", fp())
    assert isinstance(mine, Claim)
    await service.finish(caller(1), mine, CREATED)
    theirs = await service.begin(caller(2), "shared", fp(b'{"code":"other"}'))
    assert isinstance(theirs, Claim)


async def test_answers_too_large_to_keep_release_the_key() -> None:
    service, uow, _ = make_service()
    claim = await service.begin(caller(), "k1", fp())
    assert isinstance(claim, Claim)
    huge = Answer(200, "application/json", b"x" * (MAX_ANSWER_BYTES + 1))
    assert not await service.finish(caller(), claim, huge)
    assert uow.idempotency.entries == {}


async def test_a_malformed_key_is_refused_before_anything_is_stored() -> None:
    service, uow, _ = make_service()
    with pytest.raises(InvalidIdempotencyKey):
        await service.begin(caller(), "", fp())
    assert uow.commits == 0


def test_the_fernet_sealer_round_trips_and_refuses_another_key() -> None:
    sealer = FernetSealer(SECRET)
    sealed = sealer.seal(CREATED.body)
    assert CREATED.body not in sealed
    assert sealer.unseal(sealed) == CREATED.body
    with pytest.raises(ValueError, match="wrong key"):
        FernetSealer(b"o" * 32).unseal(sealed)
