"""Generated passwords, session tokens and OSE secrets never sit in clear text in the database
or in the logs. SQLite: the database file bytes (and its WAL). PostgreSQL: every row of the
tables that hold credentials, as text."""

from __future__ import annotations

import glob
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from clientgate.container import Services
from httpkit.logging import configure_logging
from tests.rest_compat.resellers.test_batch import URL
from tests.storage.test_resellers_service import item, new_ruc

TABLES = ("users", "sessions", "api_tokens", "einvoice_settings", "accounts")


async def stored_bytes(services: Services) -> bytes:
    url = services.engine.url
    if url.get_backend_name() == "sqlite":
        # The main file and its write-ahead log: recent pages live in the WAL.
        chunks = []
        for path in glob.glob(f"{url.database}*"):
            chunks.append(Path(path).read_bytes())  # noqa: ASYNC240 - a test reading a file
        assert chunks
        return b"".join(chunks)
    async with services.engine.connect() as conn:
        dump: list[str] = []
        for table in TABLES:
            rows = await conn.execute(text(f"SELECT * FROM {table}"))
            dump.extend(repr(tuple(r)) for r in rows)
    return "\n".join(dump).encode()


async def test_no_secret_in_clear_in_database_or_logs(
    http: httpx.AsyncClient,
    services: Services,
    make_account: Callable[..., Any],
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Bind structlog to the captured stderr, at the most verbose level, for this test.
    configure_logging("DEBUG", json=False)
    try:
        reseller = await make_account("PE", is_reseller=True)
        headers = {"access_token": reseller.token}
        ose_secret = "OseSecret-" + new_ruc()
        ruc = new_ruc()
        batch = [
            item(
                ruc,
                validator_entity=2,
                external_ose_username="efact",
                external_ose_password=ose_secret,
            ),
            item(new_ruc()),
        ]
        answer = await http.post(URL, json=batch, headers=headers)
        assert answer.status_code == 200, answer.text
        await http.post(URL, json=batch, headers=headers)  # the update path too
        secrets = [ose_secret, reseller.token]
        for created in answer.json()["created_clients"]:
            secrets += [created["access_api"]["password"], created["access_web"]["password"]]
            login = await http.post("/auth/login", json=created["access_web"])
            assert login.status_code == 200
            secrets.append(login.json()["token"])
        # A failed login with a real password must not log it either.
        await http.post("/auth/login", json={"username": "nobody", "password": secrets[2]})
        captured = capsys.readouterr()
    finally:
        configure_logging(services.settings.log_level, services.settings.log_json)
    logs = captured.out + captured.err
    assert URL in logs  # the access lines were captured, so the check below means something
    stored = await stored_bytes(services)
    assert ruc.encode() in stored  # the dump holds the onboarded rows
    for secret in secrets:
        assert secret not in logs
        assert secret.encode() not in stored
