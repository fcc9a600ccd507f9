from __future__ import annotations

from typing import Any

import httpx

from tests.rest_compat.business_partner.conftest import Tenant, partner_body


async def test_create_then_list(http: httpx.AsyncClient, tenant: Tenant, create_and_drain: Any) -> None:
    status = await create_and_drain(tenant, [partner_body("P1"), partner_body("P2")])
    assert status == {"status": "completed", "errorMessage": None}
    resp = await http.get("/BusinessPartner/getBPartner", headers=tenant.headers)
    assert resp.status_code == 200, resp.text
    body = resp.json()
    print(body)
    assert [p["idRemote"] for p in body["data"]] == ["P1", "P2"]
