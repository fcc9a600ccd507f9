"""Webhooks on a real ``clientgate serve`` (its in-app worker delivers): an endpoint
registered through GraphQL receives, signed, the client created through the Bsale dialect."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import base_env, database_url, start_server
from tests.support.receiver import receiver, verify

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_live_server_delivers_a_signed_webhook(tmp_path: Path, backend: str) -> None:
    with database_url(backend, tmp_path) as url, receiver() as rx:
        env = base_env(url, tmp_path, CLIENTGATE_WEBHOOKS_ALLOW_PRIVATE="true")
        server = start_server(env, tmp_path, backend=backend)
        try:
            made = server.cli("accounts", "create", "--name", "Hook", "--country", "PE", "--json")
            assert made.returncode == 0, made.stderr
            token = json.loads(made.stdout)["token"]
            with httpx.Client(
                base_url=server.base_url, headers={"access_token": token}, timeout=10
            ) as http:
                created = http.post(
                    "/graphql",
                    json={
                        "query": "mutation($url: String!) { createWebhookEndpoint(input:"
                        " {url: $url}) { secret userErrors { message } } }",
                        "variables": {"url": rx.url},
                    },
                ).json()["data"]["createWebhookEndpoint"]
                assert created["userErrors"] == []
                client = http.post(
                    "/v1/clients.json", json={"firstName": "Webhook", "code": "20100070970"}
                )
                assert client.status_code in (200, 201), client.text
            deadline = time.monotonic() + 30
            while not rx.received and time.monotonic() < deadline:
                time.sleep(0.05)
            assert rx.received, server.output()
            got = rx.received[0]
            assert verify(created["secret"], got.headers, got.body)
            body = json.loads(got.body)
            assert body["type"] == "client.create" and body["data"]["face"] == "bsale"
        finally:
            server.assert_clean_exit()
        assert created["secret"] not in server.output()
