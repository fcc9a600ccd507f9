from __future__ import annotations

from typing import Any

import pytest

from clientgate.container import Services
from core.accounts.model import PrincipalKind, UserKind
from core.shared.errors import AuthenticationFailed, Conflict, InvalidInput


async def test_tokens_authenticate_and_are_stored_hashed(
    services: Services, make_account: Any
) -> None:
    created = await make_account("PE")
    principal = await services.accounts.authenticate_token(created.token)
    assert principal.account_id == created.account.id
    assert principal.kind is PrincipalKind.API_TOKEN
    with pytest.raises(AuthenticationFailed):
        await services.accounts.authenticate_token(created.token + "x")
    async with services.uow(read_only=True) as uow:
        rows = (await uow.connection.exec_driver_sql("SELECT token_hash FROM api_tokens")).all()
    assert all(created.token not in r[0] for r in rows)


async def test_users_sessions_and_credential_changes(services: Services, make_account: Any) -> None:
    acc = (await make_account("PE")).account
    async with services.uow() as uow:
        api = await services.accounts.create_user(uow, acc.id, f"api{acc.id}x", UserKind.API)
        web = await services.accounts.create_user(uow, acc.id, f"web{acc.id}x", UserKind.WEB)
        await uow.commit()
    basic = await services.accounts.authenticate_basic(api.user.username, api.password)
    assert basic.account_id == acc.id and basic.kind is PrincipalKind.API_USER
    with pytest.raises(AuthenticationFailed):  # API users don't log in to the web
        await services.accounts.login(api.user.username, api.password)
    with pytest.raises(AuthenticationFailed):
        await services.accounts.authenticate_basic(web.user.username, web.password)

    session = await services.accounts.login(web.user.username, web.password)
    principal = await services.accounts.authenticate_token(session.token)
    assert principal.kind is PrincipalKind.WEB_SESSION and principal.user_id == web.user.id

    with pytest.raises(InvalidInput):
        await services.accounts.change_credentials(
            principal, "wrong", new_password="a-new-password-1"
        )
    with pytest.raises(InvalidInput):
        await services.accounts.change_credentials(principal, web.password, new_password="short")
    await services.accounts.change_credentials(
        principal, web.password, new_username=f"renamed{acc.id}", new_password="a-new-password-1"
    )
    with pytest.raises(AuthenticationFailed):  # old session revoked
        await services.accounts.authenticate_token(session.token)
    with pytest.raises(AuthenticationFailed):  # old username gone
        await services.accounts.login(web.user.username, web.password)
    with pytest.raises(AuthenticationFailed):  # old password gone
        await services.accounts.login(f"renamed{acc.id}", web.password)
    again = await services.accounts.login(f"renamed{acc.id}", "a-new-password-1")
    assert await services.accounts.logout(again.token)
    with pytest.raises(AuthenticationFailed):
        await services.accounts.authenticate_token(again.token)


async def test_usernames_are_unique(services: Services, make_account: Any) -> None:
    a = (await make_account("PE")).account
    b = (await make_account("PE")).account
    async with services.uow() as uow:
        await services.accounts.create_user(uow, a.id, f"dup{a.id}", UserKind.API)
        await uow.commit()
    async with services.uow() as uow:
        with pytest.raises(Conflict):
            await services.accounts.create_user(uow, b.id, f"dup{a.id}", UserKind.API)
