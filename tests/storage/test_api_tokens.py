"""API tokens and account administration on SQLite and PostgreSQL: expiry and revocation in
the authentication query itself, the once-a-minute write of a token's last use."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from clientgate.container import Services
from core.accounts.last_use import LAST_USED_RESOLUTION
from core.accounts.model import AccountChanges, TokenState
from core.accounts.service import AccountService
from core.accounts.tokens import TokenService
from core.shared.clock import FixedClock
from core.shared.errors import AuthenticationFailed, NotFound
from tests.conftest import counting_statements


class Clocked:
    """The accounts and tokens services over the test database, on a clock the test moves."""

    def __init__(self, services: Services) -> None:
        self.clock = FixedClock(int(time.time()))
        self.accounts = AccountService(services.uow, services.hasher, self.clock)
        self.tokens = TokenService(services.uow, services.hasher, self.clock)


@pytest.fixture
def clocked(services: Services) -> Clocked:
    return Clocked(services)


def updates(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith("UPDATE")]


async def test_expiry_and_revocation_are_checked_by_the_lookup(
    services: Services, clocked: Clocked, make_account: Any
) -> None:
    created = await make_account("PE")
    caller = await clocked.accounts.authenticate_token(created.token)
    short = await clocked.tokens.create(caller, "short", expires_at=clocked.clock.now() + 10)
    kept = await clocked.tokens.create(caller, "kept")
    clocked.clock.advance(9)
    assert (await clocked.accounts.authenticate_token(short.secret)).credential_id == (
        short.token.id
    )
    clocked.clock.advance(1)
    with pytest.raises(AuthenticationFailed):
        await clocked.accounts.authenticate_token(short.secret)
    await clocked.tokens.revoke(caller, kept.token.id)
    with pytest.raises(AuthenticationFailed):
        await clocked.accounts.authenticate_token(kept.secret)
    states = {
        t.label: clocked.tokens.state(t) for t in await clocked.tokens.list_for(caller.account_id)
    }
    assert states == {
        "default": TokenState.ACTIVE,
        "short": TokenState.EXPIRED,
        "kept": TokenState.REVOKED,
    }
    async with services.uow(read_only=True) as uow:
        rows = (await uow.connection.exec_driver_sql("SELECT * FROM api_tokens")).all()
    assert not any(secret in str(row) for row in rows for secret in (short.secret, kept.secret))


async def test_another_accounts_token_is_not_found(clocked: Clocked, make_account: Any) -> None:
    mine = await clocked.accounts.authenticate_token((await make_account("PE")).token)
    theirs_secret = (await make_account("CL")).token
    theirs = await clocked.accounts.authenticate_token(theirs_secret)
    with pytest.raises(NotFound):
        await clocked.tokens.get(mine, theirs.credential_id)
    with pytest.raises(NotFound):
        await clocked.tokens.revoke(mine, theirs.credential_id)
    assert (await clocked.accounts.authenticate_token(theirs_secret)).account_id == (
        theirs.account_id
    )
    page = await clocked.tokens.page(mine)
    assert [t.account_id for t in page.items] == [mine.account_id] and page.total == 1


async def test_last_use_is_written_at_most_once_a_minute(
    services: Services, clocked: Clocked, make_account: Any
) -> None:
    secret = (await make_account("PE")).token
    writes = []
    for step in (0, 30, 29, 1, 10):
        clocked.clock.advance(step)
        with counting_statements(services) as counter:
            caller = await clocked.accounts.authenticate_token(secret)
        writes.append(len(updates(counter.statements)))
    # first use; +30 s; +59 s; +60 s (written again); +70 s
    assert writes == [1, 0, 0, 1, 0]
    token = await clocked.tokens.get(caller, caller.credential_id)
    assert token.last_used_at == clocked.clock.now() - 10
    assert LAST_USED_RESOLUTION == 60


async def test_a_burst_of_first_uses_writes_once(
    services: Services, clocked: Clocked, make_account: Any
) -> None:
    secret = (await make_account("PE")).token
    with counting_statements(services) as counter:
        principals = await asyncio.gather(
            *(clocked.accounts.authenticate_token(secret) for _ in range(8))
        )
    assert len({p.credential_id for p in principals}) == 1
    # One request of the burst claims the write; the others stay reads (no queue on the lock).
    assert len(updates(counter.statements)) == 1
    token = await clocked.tokens.get(principals[0], principals[0].credential_id)
    assert token.last_used_at == clocked.clock.now()


async def test_the_operator_lists_and_updates_accounts(clocked: Clocked, make_account: Any) -> None:
    a = (await make_account("PE", name="Before")).account
    b = (await make_account("CL")).account
    page = await clocked.accounts.page_accounts(after_id=a.id - 1, limit=1)
    assert [x.id for x in page.items] == [a.id] and page.has_next
    page = await clocked.accounts.page_accounts(after_id=a.id, limit=1000)
    assert b.id in [x.id for x in page.items]
    clocked.clock.advance(1)
    updated = await clocked.accounts.update_account(
        a.id, AccountChanges(name="After", strict_tax_ids=True, is_reseller=True)
    )
    assert (updated.name, updated.strict_tax_ids, updated.is_reseller) == ("After", True, True)
    assert updated.updated_at == clocked.clock.now() and updated.created_at == a.created_at
    stored = await clocked.accounts.get(a.id)
    assert stored == updated
    with pytest.raises(NotFound):
        await clocked.accounts.update_account(2**62, AccountChanges(name="x"))
    with pytest.raises(NotFound):
        await clocked.tokens.issue(2**62, "nobody")
