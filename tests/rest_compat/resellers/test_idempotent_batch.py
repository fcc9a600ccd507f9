"""A reseller batch retried with its ``Idempotency-Key`` re-shows the same generated credentials
to the same caller, while they never sit in clear text in the database or in the logs."""

from __future__ import annotations

import glob
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import select

from clientgate.container import Services
from core.storage.tables.idempotency import idempotency_keys
from httpkit.logging import configure_logging
from tests.rest_compat.resellers.test_batch import URL
from tests.storage.test_resellers_service import item, new_ruc


async def kept_rows(services: Services, account_id: int) -> bytes:
    """Every column of the account's idempotency entries, and on SQLite the database files."""
    async with services.engine.connect() as conn:
        rows = await conn.execute(
            select(idempotency_keys).where(idempotency_keys.c.account_id == account_id)
        )
        dump = b"\n".join(repr(tuple(r)).encode() for r in rows)
    url = services.engine.url
    if url.get_backend_name() == "sqlite":
        for path in glob.glob(f"{url.database}*"):
            dump += Path(path).read_bytes()  # noqa: ASYNC240 - a test reading a file
    return dump


async def test_a_retried_batch_shows_the_same_credentials_and_keeps_them_sealed(
    http: httpx.AsyncClient,
    services: Services,
    make_account: Callable[..., Any],
    capsys: pytest.CaptureFixture[str],
) -> None:
    configure_logging("DEBUG", json=False)
    try:
        reseller = await make_account("PE", is_reseller=True)
        headers = {
            "access_token": reseller.token,
            "Idempotency-Key": "onboard-1",
            "content-type": "application/json",
        }
        batch = orjson.dumps([item(new_ruc()), item(new_ruc())])
        first = await http.post(URL, content=batch, headers=headers)
        again = await http.post(URL, content=batch, headers=headers)
        captured = capsys.readouterr()
    finally:
        configure_logging(services.settings.log_level, services.settings.log_json)
    assert first.status_code == 200, first.text
    assert again.content == first.content
    assert again.headers["idempotent-replayed"] == "true"
    created = first.json()["created_clients"]
    assert len(created) == 2
    passwords = [c[access]["password"] for c in created for access in ("access_api", "access_web")]
    for access in (c["access_web"] for c in created):
        login = await http.post("/auth/login", json=access)
        assert login.status_code == 200, login.text

    kept = await kept_rows(services, reseller.account.id)
    assert b"onboard-1" in kept  # the entry is there, so the check below means something
    logs = captured.out + captured.err
    assert URL in logs
    for password in passwords:
        assert password.encode() not in kept
        assert password not in logs


async def test_a_refused_batch_keeps_nothing(
    http: httpx.AsyncClient, services: Services, make_account: Callable[..., Any]
) -> None:
    not_a_reseller = await make_account("PE")
    headers = {"access_token": not_a_reseller.token, "Idempotency-Key": "nope"}
    r = await http.post(URL, json=[item(new_ruc())], headers=headers)
    assert r.status_code == 403
    reseller = await make_account("PE", is_reseller=True)
    headers = {"access_token": reseller.token, "Idempotency-Key": "invalid"}
    r = await http.post(URL, json=[item("123")], headers=headers)
    assert r.status_code == 422
    for account in (not_a_reseller, reseller):
        async with services.engine.connect() as conn:
            rows = await conn.execute(
                select(idempotency_keys.c.key).where(
                    idempotency_keys.c.account_id == account.account.id
                )
            )
            assert rows.all() == []
