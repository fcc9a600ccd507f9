"""AccountService against fakes of its own ports: rules that need no database."""

from __future__ import annotations

import pytest

from core.accounts.model import PrincipalKind, UserKind
from core.accounts.service import AccountService
from core.shared.clock import FixedClock
from core.shared.errors import AuthenticationFailed, InvalidInput
from core.shared.secrets import SecretHasher
from tests.support.fakes import FakeAccountRepository, FakeUnitOfWork


def make_service(ttl: int = 60) -> tuple[AccountService, FakeUnitOfWork, FixedClock]:
    uow = FakeUnitOfWork(FakeAccountRepository())
    clock = FixedClock(1_700_000_000)
    return AccountService(uow, SecretHasher(b"k" * 32), clock, session_ttl=ttl), uow, clock


async def test_create_account_validates_name_and_country() -> None:
    service, uow, _ = make_service()
    with pytest.raises(InvalidInput) as info:
        await service.create_account(name="  ", country="US")
    assert {e.field for e in info.value.errors} == {"name", "country"}
    assert uow.commits == 0


async def test_created_token_is_stored_only_as_its_hash() -> None:
    service, uow, _ = make_service()
    created = await service.create_account(name="Acme", country="pe")
    assert created.account.country == "PE"
    assert created.token not in uow.accounts.tokens
    assert uow.commits == 1
    principal = await service.authenticate_token(created.token)
    assert principal.kind is PrincipalKind.API_TOKEN
    assert uow.commits == 2 and uow.accounts.touches == 1  # its first use is recorded


async def test_sessions_expire_with_the_clock() -> None:
    service, uow, clock = make_service(ttl=60)
    account = (await service.create_account(name="Acme", country="CL")).account
    web = await service.create_user(uow, account.id, "webuser", UserKind.WEB)
    session = await service.login("webuser", web.password)
    assert (await service.authenticate_token(session.token)).user_id == web.user.id
    clock.advance(61)
    with pytest.raises(AuthenticationFailed):
        await service.authenticate_token(session.token)


async def test_usernames_are_checked() -> None:
    service, uow, _ = make_service()
    account = (await service.create_account(name="Acme", country="CL")).account
    with pytest.raises(InvalidInput):
        await service.create_user(uow, account.id, "a b", UserKind.API)
    with pytest.raises(AuthenticationFailed):
        await service.login("nobody", "whatever-password")


async def test_the_current_user_is_the_one_the_caller_signed_in_as() -> None:
    service, uow, _ = make_service()
    created = await service.create_account(name="Acme", country="CL")
    by_token = await service.authenticate_token(created.token)
    assert await service.current_user(by_token) is None  # a token is no user's
    web = await service.create_user(uow, created.account.id, "webuser", UserKind.WEB)
    api = await service.create_user(uow, created.account.id, "apiuser", UserKind.API)
    session = await service.login("webuser", web.password)
    by_session = await service.authenticate_token(session.token)
    assert (await service.current_user(by_session)) == web.user
    by_basic = await service.authenticate_basic("apiuser", api.password)
    assert (await service.current_user(by_basic)) == api.user


async def test_only_a_signed_in_web_user_changes_its_credentials() -> None:
    service, uow, _ = make_service()
    account = (await service.create_account(name="Acme", country="CL")).account
    api = await service.create_user(uow, account.id, "apiuser", UserKind.API)
    web = await service.create_user(uow, account.id, "webuser", UserKind.WEB)
    by_basic = await service.authenticate_basic("apiuser", api.password)
    with pytest.raises(InvalidInput) as caught:
        await service.change_credentials(by_basic, api.password, new_password="a-long-password")
    assert caught.value.errors[0].code == "NOT_WEB_USER"
    session = await service.login("webuser", web.password)
    caller = await service.authenticate_token(session.token)
    with pytest.raises(InvalidInput) as caught:
        await service.change_credentials(caller, "wrong", new_password="a-long-password")
    assert caught.value.errors[0].code == "WRONG_PASSWORD"
    renamed = await service.change_credentials(caller, web.password, new_username="renamed")
    assert renamed.username == "renamed"
    with pytest.raises(AuthenticationFailed):  # every session of the user is closed
        await service.authenticate_token(session.token)
