"""API tokens' lifecycle and account administration against fakes of the accounts ports."""

from __future__ import annotations

import pytest

from core.accounts.last_use import LAST_USED_RESOLUTION, MAX_TRACKED, LastUseClaims
from core.accounts.model import AccountChanges, Principal, TokenState
from core.accounts.service import AccountService
from core.accounts.tokens import MAX_ACTIVE_TOKENS, TokenService
from core.shared.clock import FixedClock
from core.shared.errors import AuthenticationFailed, Conflict, InvalidInput, NotFound
from core.shared.secrets import SecretHasher
from tests.support.fakes import FakeAccountRepository, FakeUnitOfWork

NOW = 1_700_000_000


class World:
    def __init__(self) -> None:
        self.uow = FakeUnitOfWork(FakeAccountRepository())
        self.clock = FixedClock(NOW)
        hasher = SecretHasher(b"k" * 32)
        self.accounts = AccountService(self.uow, hasher, self.clock)
        self.tokens = TokenService(self.uow, hasher, self.clock)

    async def caller(self, country: str = "PE") -> tuple[Principal, str]:
        created = await self.accounts.create_account(name="Acme", country=country)
        return await self.accounts.authenticate_token(created.token), created.token


@pytest.fixture
def world() -> World:
    return World()


async def test_a_created_token_authenticates_and_only_its_hash_is_kept(world: World) -> None:
    caller, _ = await world.caller()
    created = await world.tokens.create(caller, "  ERP sync  ")
    assert created.token.label == "ERP sync"
    assert created.secret not in world.uow.accounts.tokens
    assert created.secret not in repr(created)
    principal = await world.accounts.authenticate_token(created.secret)
    assert principal.account_id == caller.account_id
    assert principal.credential_id == created.token.id


@pytest.mark.parametrize(
    ("label", "code"),
    [("", "REQUIRED"), ("   ", "REQUIRED"), ("x" * 101, "TOO_LONG"), ("a\x00b", "INVALID")],
)
async def test_labels_are_1_to_100_characters_without_nul(
    world: World, label: str, code: str
) -> None:
    caller, _ = await world.caller()
    with pytest.raises(InvalidInput) as caught:
        await world.tokens.create(caller, label)
    assert [(e.field, e.code) for e in caught.value.errors] == [("label", code)]
    assert (await world.tokens.create(caller, "y" * 100)).token.label == "y" * 100


async def test_a_revoked_token_fails_at_once(world: World) -> None:
    caller, _ = await world.caller()
    created = await world.tokens.create(caller, "old")
    await world.accounts.authenticate_token(created.secret)
    revoked = await world.tokens.revoke(caller, created.token.id)
    assert world.tokens.state(revoked) is TokenState.REVOKED
    with pytest.raises(AuthenticationFailed):
        await world.accounts.authenticate_token(created.secret)
    again = await world.tokens.revoke(caller, created.token.id)  # idempotent
    assert again.revoked_at == revoked.revoked_at


async def test_a_token_may_revoke_itself(world: World) -> None:
    caller, secret = await world.caller()
    await world.tokens.revoke(caller, caller.credential_id)
    with pytest.raises(AuthenticationFailed):
        await world.accounts.authenticate_token(secret)


async def test_a_token_fails_from_its_expiry_on(world: World) -> None:
    caller, _ = await world.caller()
    created = await world.tokens.create(caller, "short", expires_at=NOW + 30)
    assert (await world.accounts.authenticate_token(created.secret)).account_id
    world.clock.advance(29)
    await world.accounts.authenticate_token(created.secret)
    world.clock.advance(1)
    with pytest.raises(AuthenticationFailed):
        await world.accounts.authenticate_token(created.secret)
    assert world.tokens.state(await world.tokens.get(caller, created.token.id)) is (
        TokenState.EXPIRED
    )


@pytest.mark.parametrize("expires_at", [NOW, NOW - 1, 253_402_300_800])
async def test_an_expiry_lies_in_the_future_before_year_10000(
    world: World, expires_at: int
) -> None:
    caller, _ = await world.caller()
    with pytest.raises(InvalidInput) as caught:
        await world.tokens.create(caller, "x", expires_at=expires_at)
    assert caught.value.errors[0].field == "expires_at"


async def test_another_accounts_token_is_not_found(world: World) -> None:
    mine, _ = await world.caller()
    theirs, their_secret = await world.caller("CL")
    for attempt in (world.tokens.get, world.tokens.revoke):
        with pytest.raises(NotFound):
            await attempt(mine, theirs.credential_id)
    assert (await world.accounts.authenticate_token(their_secret)).account_id == theirs.account_id


async def test_last_use_is_written_at_most_once_a_minute(world: World) -> None:
    caller, secret = await world.caller()  # authenticating made the first write
    repo = world.uow.accounts
    assert repo.touches == 1
    for _ in range(5):
        world.clock.advance(10)
        await world.accounts.authenticate_token(secret)
    assert repo.touches == 1  # 50 s later: still the first write
    world.clock.advance(LAST_USED_RESOLUTION - 50)
    await world.accounts.authenticate_token(secret)
    assert repo.touches == 2
    token = await world.tokens.get(caller, caller.credential_id)
    assert token.last_used_at == NOW + LAST_USED_RESOLUTION


async def test_a_busy_database_does_not_refuse_a_valid_token(world: World) -> None:
    _, secret = await world.caller()
    world.uow.accounts.unavailable_for_touches = True
    world.clock.advance(LAST_USED_RESOLUTION)
    assert (await world.accounts.authenticate_token(secret)).account_id


async def test_pages_of_tokens(world: World) -> None:
    caller, _ = await world.caller()
    for i in range(4):
        await world.tokens.create(caller, f"t{i}")
    first = await world.tokens.page(caller, first=2)
    assert [t.label for t in first.items] == ["default", "t0"]
    assert first.has_next and first.total == 5
    rest = await world.tokens.page(caller, first=10, after_id=first.items[-1].id)
    assert [t.label for t in rest.items] == ["t1", "t2", "t3"] and not rest.has_next
    for bad in (0, 101):
        with pytest.raises(InvalidInput):
            await world.tokens.page(caller, first=bad)


async def test_an_account_holds_a_bounded_number_of_active_tokens(world: World) -> None:
    caller, _ = await world.caller()
    made = [await world.tokens.create(caller, f"t{i}") for i in range(MAX_ACTIVE_TOKENS - 1)]
    with pytest.raises(Conflict):
        await world.tokens.create(caller, "one too many")
    await world.tokens.revoke(caller, made[0].token.id)
    assert (await world.tokens.create(caller, "room again")).token.label == "room again"


async def test_the_operator_issues_lists_and_revokes_by_account(world: World) -> None:
    caller, _ = await world.caller()
    issued = await world.tokens.issue(caller.account_id, "cli", expires_at=NOW + 3600)
    listed = await world.tokens.list_for(caller.account_id)
    assert [t.label for t in listed] == ["default", "cli"]
    assert listed[1].expires_at == NOW + 3600
    with pytest.raises(NotFound):
        await world.tokens.issue(999, "nobody")
    with pytest.raises(NotFound):
        await world.tokens.list_for(999)
    with pytest.raises(NotFound):
        await world.tokens.revoke_for(999, issued.token.id)
    await world.tokens.revoke_for(caller.account_id, issued.token.id)
    with pytest.raises(AuthenticationFailed):
        await world.accounts.authenticate_token(issued.secret)


async def test_the_operator_updates_and_lists_accounts(world: World) -> None:
    caller, _ = await world.caller()
    other, _ = await world.caller("CL")
    world.clock.advance(5)
    updated = await world.accounts.update_account(
        caller.account_id,
        AccountChanges(name="  Renamed  ", strict_tax_ids=True, is_reseller=True),
    )
    assert (updated.name, updated.strict_tax_ids, updated.is_reseller) == ("Renamed", True, True)
    assert updated.updated_at == NOW + 5
    off = await world.accounts.update_account(caller.account_id, AccountChanges(is_reseller=False))
    assert (off.name, off.strict_tax_ids, off.is_reseller) == ("Renamed", True, False)
    for bad in (AccountChanges(), AccountChanges(name=" "), AccountChanges(name="a\x00")):
        with pytest.raises(InvalidInput):
            await world.accounts.update_account(caller.account_id, bad)
    with pytest.raises(NotFound):
        await world.accounts.update_account(999, AccountChanges(name="x"))
    page = await world.accounts.page_accounts(limit=1)
    assert [a.id for a in page.items] == [caller.account_id] and page.has_next
    rest = await world.accounts.page_accounts(after_id=caller.account_id)
    assert [a.id for a in rest.items] == [other.account_id] and not rest.has_next
    with pytest.raises(InvalidInput):
        await world.accounts.page_accounts(limit=0)


async def test_account_names_refuse_nul() -> None:
    world = World()
    with pytest.raises(InvalidInput) as caught:
        await world.accounts.create_account(name="a\x00b", country="PE")
    assert caught.value.errors[0].field == "name"


def test_one_request_of_a_process_claims_the_write_of_a_last_use() -> None:
    claims = LastUseClaims()
    assert claims.claim(1, None, NOW)  # never used: this request writes
    assert not claims.claim(1, None, NOW)  # the same burst: already claimed here
    assert claims.claim(2, None, NOW)  # another token
    assert not claims.claim(1, None, NOW + LAST_USED_RESOLUTION - 1)
    assert claims.claim(1, NOW, NOW + LAST_USED_RESOLUTION)  # a minute on
    assert not claims.claim(3, NOW + 10, NOW + 20)  # written recently (another instance)


def test_claims_stay_bounded() -> None:
    claims = LastUseClaims()
    for token_id in range(MAX_TRACKED):
        assert claims.claim(token_id, None, NOW)
    assert claims.claim(MAX_TRACKED, None, NOW + LAST_USED_RESOLUTION)  # old ones dropped
    assert len(claims._claimed) == 1
    for token_id in range(MAX_TRACKED + 5):
        claims.claim(10**6 + token_id, None, NOW + LAST_USED_RESOLUTION)
    assert len(claims._claimed) <= MAX_TRACKED
