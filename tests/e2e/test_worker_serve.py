"""The worker inside ``clientgate serve``: a real uvicorn creates partners through the queue,
answers the status URL, the GraphQL job and the XML list."""

from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ET

import httpx
import pytest

from tests.e2e.conftest import LiveServer
from tests.rest_compat.business_partner.conftest import partner_body

pytestmark = pytest.mark.e2e


def test_create_through_the_queue_of_a_live_server(live_server: LiveServer) -> None:
    made = live_server.cli("accounts", "create", "--name", "B2B SAC", "--country", "PE", "--json")
    assert made.returncode == 0, made.stderr
    token = json.loads(made.stdout)["token"]
    headers = {"access_token": token}
    with httpx.Client(base_url=live_server.base_url, headers=headers, timeout=10) as http:
        company = http.post(
            "/graphql",
            json={
                "query": 'mutation { createCompany(input: {idRemote: "ACME", companyName: "Acme"})'
                " { company { id } userErrors { message } } }"
            },
        ).json()
        assert company["data"]["createCompany"]["userErrors"] == []

        created = http.post(
            "/BusinessPartner/create", json=[partner_body(f"E{i}") for i in range(3)]
        )
        assert created.status_code == 201
        status_url = created.json()["statusUrl"]
        assert status_url.startswith(live_server.base_url + "/api/database/v1/message/status/")
        deadline = time.monotonic() + 20
        while True:
            status = http.get(status_url).json()["data"][0]
            if status["status"] in ("completed", "failed") or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert status == {"status": "completed", "errorMessage": None}

        job_id = status_url.rsplit("/", 1)[-1]
        job = http.post(
            "/graphql",
            json={"query": f'{{ partnerJob(id: "{job_id}") {{ status statusUrl }} }}'},
        ).json()
        assert job["data"]["partnerJob"] == {"status": "COMPLETED", "statusUrl": status_url}

        xml = http.get(
            "/BusinessPartner/getBPartner?pageSize=2", headers={"Accept": "application/xml"}
        )
        root = ET.fromstring(xml.content)
        assert [i.findtext("idRemote") for i in root.iter("item")] == ["E0", "E1"]
        assert root.findtext("pagination/nextPageUrl") == (
            live_server.base_url + "/BusinessPartner/getBPartner?page=2&pageSize=2"
        )
    assert token not in live_server.output()
