"""When the database cannot serve in time — no free connection (PostgreSQL's pool), a lock held
too long (SQLite's write lock) — the answer is 503 with Retry-After in the path's dialect,
never a 500, and nothing is written."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import make_url

from clientgate.app import create_app
from clientgate.container import Services, build_services
from tests.test_openapi import Conformance

MUTATION = 'mutation { createPaymentType(input: {name: "Efectivo"}) { userErrors { code } } }'


@asynccontextmanager
async def impatient(services: Services) -> AsyncIterator[tuple[Services, httpx.AsyncClient]]:
    """An app on the same database that waits 0.3 s for a connection or a lock."""
    settings = replace(
        services.settings, db_pool_size=1, db_pool_timeout_seconds=0.3, db_lock_timeout_ms=300
    )
    svc = build_services(settings)
    transport = httpx.ASGITransport(app=create_app(settings, svc), raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            yield svc, client
    finally:
        await svc.close()


@asynccontextmanager
async def database_held(svc: Services, backend: str) -> AsyncIterator[None]:
    """PostgreSQL: every pooled connection checked out. SQLite: the write lock taken by another
    connection."""
    if backend == "postgresql":
        async with svc.engine.connect(), svc.engine.connect():  # DB_POOL_SIZE 1: 2 at most
            yield
        return
    path = make_url(svc.settings.database_url).database
    assert path
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


async def test_graphql_answers_503_when_the_database_is_busy(
    services: Services, make_account: Any, backend: Any
) -> None:
    acc = await make_account("PE")
    headers = {"Authorization": f"Bearer {acc.token}"}
    async with impatient(services) as (svc, client):
        assert (
            await client.post("/graphql", json={"query": "{ __typename }"}, headers=headers)
        ).status_code == 200
        async with database_held(svc, backend.name):
            busy = await client.post("/graphql", json={"query": MUTATION}, headers=headers)
        assert busy.status_code == 503, busy.text
        assert busy.headers["retry-after"] == "1"
        error = busy.json()["errors"][0]
        assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE"
        assert "retry later" in error["message"]
        listed = await client.post(
            "/graphql", json={"query": "{ paymentTypes { name } }"}, headers=headers
        )
        assert listed.json()["data"] == {"paymentTypes": []}  # nothing was written


@pytest.mark.parametrize(
    ("path", "body", "expected"),
    [
        ("/v1/clients.json", {"firstName": "Ana"}, "error"),
        (
            "/BusinessPartner/assignClientsToAgent",
            [{"agentId": "A", "clients": [{"idRemote": "C"}]}],
            "code",
        ),
        (
            "/resellers/clients/batch",
            [
                {
                    "ruc": "20100070970",
                    "company_name": "ACME SAC",
                    "email": "a@acme.pe",
                    "phone_number": "711-0550",
                    "mobile_number": "962984123",
                    "validator_entity": 0,
                    "external_ose_username": None,
                    "external_ose_password": None,
                    "is_ose_validation_only": None,
                    "integration_type": 1,
                }
            ],
            "error",
        ),
    ],
)
async def test_rest_dialects_answer_503_when_the_database_is_busy(
    services: Services, make_account: Any, backend: Any, path: str, body: object, expected: str
) -> None:
    acc = await make_account("PE", is_reseller=True)
    headers = {"access_token": acc.token}
    async with impatient(services) as (svc, client):
        # The credential is verified (and its account read) before the database is held.
        assert (await client.get("/v1/clients/count.json", headers=headers)).status_code == 200
        async with database_held(svc, backend.name):
            busy = await client.post(path, json=body, headers=headers)
        document = (await client.get("/openapi.json")).json()
    assert busy.status_code == 503, busy.text
    Conformance(document).check(path, "post", busy)  # as /openapi.json describes it
    assert busy.headers["retry-after"] == "1"
    assert busy.headers["content-type"] == "application/json"
    answer = busy.json()
    assert "retry later" in answer["error"]
    assert answer.get("code", 503) == 503  # BusinessPartner's body carries the status
    assert set(answer) == ({"code", "error"} if expected == "code" else {"error"})
