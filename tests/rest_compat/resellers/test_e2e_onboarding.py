"""End to end through a real ``clientgate serve`` (uvicorn) on SQLite and PostgreSQL: a reseller
made with the CLI onboards the seed's company; the generated API user reads its own /v1 paths
with Basic; the web user logs in, uses the session on /graphql, changes its credentials and
logs out; the server's own output never shows a secret."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import LiveServer, base_env, database_url, start_server
from tests.rest_compat.resellers.test_batch import SEED_REQUEST, URL

pytestmark = pytest.mark.e2e

ME = "{ me { account { name isReseller } user { username kind } } }"
CHANGE = """mutation($input: ChangeCredentialsInput!) {
  changeCredentials(input: $input) { user { username } userErrors { code } } }"""


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    tmp = tmp_path_factory.mktemp(f"resellers-e2e-{request.param}")
    with database_url(request.param, tmp) as url:
        live = start_server(base_env(url, tmp), tmp, backend=request.param)
        try:
            yield live
        finally:
            if not live.stopped:
                live.assert_clean_exit()


def test_onboarded_credentials_work_against_a_real_server(server: LiveServer) -> None:
    made = server.cli(
        "accounts", "create", "--name", "E2E Reseller", "--country", "PE", "--reseller", "--json"
    )
    assert made.returncode == 0, made.stderr
    reseller_token = json.loads(made.stdout)["token"]
    ose_secret = "E2E-ose-Secret-42"
    batch = [
        *SEED_REQUEST,
        {
            **SEED_REQUEST[0],
            "ruc": "20100070970",
            "validator_entity": 2,
            "external_ose_username": "efact",
            "external_ose_password": ose_secret,
        },
    ]
    with httpx.Client(base_url=server.base_url, timeout=30) as http:
        answer = http.post(URL, json=batch, headers={"access_token": reseller_token})
        assert answer.status_code == 200, answer.text
        created = answer.json()["created_clients"]
        assert [c["ruc"] for c in created] == ["20713128381", "20100070970"]
        api, web = created[0]["access_api"], created[0]["access_web"]

        own = http.get("/v1/clients.json", auth=(api["username"], api["password"]))
        assert own.status_code == 200, own.text
        assert own.json()["count"] == 0
        assert http.get("/v1/clients.json", auth=(api["username"], "wrong")).status_code == 401
        assert (
            http.post(URL, json=batch, auth=(api["username"], api["password"])).status_code == 403
        )

        login = http.post("/auth/login", json=web)
        assert login.status_code == 200, login.text
        session = login.json()["token"]
        bearer = {"Authorization": f"Bearer {session}"}
        me = http.post("/graphql", json={"query": ME}, headers=bearer).json()
        assert me["data"]["me"] == {
            "account": {"name": "A&J CORPORTATION S.A.C", "isReseller": False},
            "user": {"username": web["username"], "kind": "WEB"},
        }
        new_password = "e2e chosen passphrase"
        changed = http.post(
            "/graphql",
            json={
                "query": CHANGE,
                "variables": {
                    "input": {"currentPassword": web["password"], "newPassword": new_password}
                },
            },
            headers=bearer,
        ).json()
        assert changed["data"]["changeCredentials"]["userErrors"] == []
        # The old session and password are gone; the new password logs in, and logout revokes.
        assert "errors" in http.post("/graphql", json={"query": ME}, headers=bearer).json()
        assert http.post("/auth/login", json=web).status_code == 401
        fresh = http.post(
            "/auth/login", json={"username": web["username"], "password": new_password}
        )
        assert fresh.status_code == 200
        fresh_bearer = {"Authorization": f"Bearer {fresh.json()['token']}"}
        assert http.post("/auth/logout", headers=fresh_bearer).status_code == 204
        assert "errors" in http.post("/graphql", json={"query": ME}, headers=fresh_bearer).json()

        again = http.post(URL, json=batch, headers={"access_token": reseller_token})
        assert again.json() == {
            "created_clients": [],
            "updated_clients": [
                {"ruc": item["ruc"], "company_name": item["company_name"]} for item in batch
            ],
        }

    secrets = [
        reseller_token,
        session,
        fresh.json()["token"],
        new_password,
        ose_secret,
        *(c[k]["password"] for c in created for k in ("access_api", "access_web")),
    ]
    output = server.output()
    assert "/resellers/clients/batch" in output  # the access log lines are there
    for secret in secrets:
        assert secret not in output
    if server.backend == "sqlite":
        database = Path(server.database_url.removeprefix("sqlite+aiosqlite:///"))
        stored = b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))
        assert b"20713128381" in stored
        for secret in secrets:
            assert secret.encode() not in stored
