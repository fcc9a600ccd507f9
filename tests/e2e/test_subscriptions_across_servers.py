"""Two real servers on one PostgreSQL: a ``partnerJob`` subscriber on server A (which runs no
worker, and would re-read on its own only after an hour) sees the job that server B's worker
processes, pushed through LISTEN/NOTIFY."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.sync.client import ClientConnection, connect

from tests.e2e.conftest import base_env, database_url, start_server
from tests.rest_compat.business_partner.conftest import partner_body

pytestmark = pytest.mark.e2e


def _recv(ws: ClientConnection) -> dict[str, Any]:
    return dict(json.loads(ws.recv(timeout=60)))


def _setup(base_url: str, token: str) -> str:
    """A company, then a queued creation job; its public id."""
    with httpx.Client(base_url=base_url, headers={"access_token": token}, timeout=10) as http:
        made = http.post(
            "/graphql",
            json={
                "query": 'mutation { createCompany(input: {idRemote: "ACME", companyName: "Acme"})'
                " { userErrors { message } } }"
            },
        ).json()
        assert made["data"]["createCompany"]["userErrors"] == []
        created = http.post("/BusinessPartner/create", json=[partner_body("X1")])
        assert created.status_code == 201
        return str(created.json()["statusUrl"].rsplit("/", 1)[-1])


def test_a_job_processed_by_one_server_is_pushed_by_another(tmp_path: Path) -> None:
    with database_url("postgresql", tmp_path) as url:
        env_a = base_env(
            url,
            tmp_path,
            CLIENTGATE_WORKER_IN_SERVE="false",
            CLIENTGATE_SUBSCRIPTION_RESYNC_SECONDS="3600",
        )
        server_a = start_server(env_a, tmp_path, backend="postgresql")
        server_b = None
        try:
            made = server_a.cli("accounts", "create", "--name", "Two", "--country", "PE", "--json")
            assert made.returncode == 0, made.stderr
            token = json.loads(made.stdout)["token"]
            job_id = _setup(server_a.base_url, token)
            ws_url = server_a.base_url.replace("http://", "ws://") + "/graphql"
            with connect(
                ws_url,
                subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
                additional_headers={"access_token": token},
            ) as ws:
                ws.send(json.dumps({"type": "connection_init"}))
                assert _recv(ws)["type"] == "connection_ack"
                query = "subscription($id: ID!) { partnerJob(id: $id) { status } }"
                ws.send(
                    json.dumps(
                        {
                            "id": "1",
                            "type": "subscribe",
                            "payload": {"query": query, "variables": {"id": job_id}},
                        }
                    )
                )
                first = _recv(ws)
                assert first["type"] == "next", first
                assert first["payload"]["data"]["partnerJob"]["status"] == "PENDING"
                # Only now does a worker exist: server B's, in another process.
                server_b = start_server(base_env(url, tmp_path), tmp_path, backend="postgresql")
                seen = []
                while True:
                    message = _recv(ws)
                    if message["type"] == "complete":
                        break
                    assert message["type"] == "next", message
                    seen.append(message["payload"]["data"]["partnerJob"]["status"])
                # PROCESSING may coalesce with COMPLETED; the job ends completed either way.
                assert seen[-1] == "COMPLETED" and set(seen) <= {"PROCESSING", "COMPLETED"}
        finally:
            if server_b is not None:
                server_b.assert_clean_exit()
            server_a.assert_clean_exit()
