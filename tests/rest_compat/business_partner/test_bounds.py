"""Every list a BusinessPartner body carries has a bound: assignClientsToAgent takes at most
100 agents and 1,000 clients in all per request (20,000 entries used to hold the write lock
for 47 s), refused at once with the dialect's 400 and nothing applied."""

from __future__ import annotations

import httpx
import pytest

from tests.rest_compat.business_partner.conftest import Tenant

BP = "/BusinessPartner"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            [{"agentId": f"AG{i}", "clients": [{"idRemote": "CL1"}]} for i in range(20_000)],
            "Invalid business partner data format, at most 100 agents per request",
        ),
        (
            [
                {"agentId": f"AG{i}", "clients": [{"idRemote": f"C{j}"} for j in range(600)]}
                for i in range(2)
            ],
            "Invalid business partner data format, at most 1000 clients per request",
        ),
    ],
)
async def test_assignments_are_bounded(
    http: httpx.AsyncClient, tenant: Tenant, body: list[object], message: str
) -> None:
    resp = await http.post(f"{BP}/assignClientsToAgent", json=body, headers=tenant.headers)
    assert resp.status_code == 400, resp.text
    assert resp.json() == {"code": 400, "error": message}
