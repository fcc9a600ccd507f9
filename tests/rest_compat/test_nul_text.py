"""Text with NUL characters is refused with a 4xx in every REST dialect, on both databases
(PostgreSQL cannot store NUL; it must never surface as a 500 or a half-written batch)."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select

from clientgate.container import Services
from core.storage.tables.accounts import accounts

RESELLER_ITEM = {
    "ruc": "20713128381",
    "company_name": "A\u0000B",
    "email": None,
    "phone_number": None,
    "mobile_number": None,
    "validator_entity": 0,
    "external_ose_username": None,
    "external_ose_password": None,
    "is_ose_validation_only": None,
    "integration_type": 1,
}


async def test_reseller_batch(
    http: httpx.AsyncClient, make_account: Any, services: Services
) -> None:
    reseller = await make_account("PE", is_reseller=True)
    response = await http.post(
        "/resellers/clients/batch", json=[RESELLER_ITEM], headers={"access_token": reseller.token}
    )
    assert response.status_code == 400
    assert "NUL" in response.json()["error"]
    async with services.uow(read_only=True) as uow:
        onboarded = await uow.connection.execute(
            select(func.count())
            .select_from(accounts)
            .where(accounts.c.reseller_account_id == reseller.account.id)
        )
    assert onboarded.scalar_one() == 0


async def test_business_partner_create_and_paths(
    http: httpx.AsyncClient, make_account: Any
) -> None:
    account = await make_account("PE")
    headers = {"access_token": account.token}
    body = [
        {
            "idRemote": "X\u0000",
            "roleId": "1",
            "statusId": "1",
            "companyId": "1",
            "contactName": "a",
            "commercialName": "b",
            "tin": "c",
            "active": True,
        }
    ]
    response = await http.post("/BusinessPartner/create", json=body, headers=headers)
    assert response.status_code == 400
    assert response.json()["code"] == 400 and "NUL" in response.json()["error"]
    for method, path in (
        ("PUT", "/BusinessPartner/update/A%00B"),
        ("DELETE", "/BusinessPartner/delete/A%00B"),
        ("GET", "/api/database/v1/message/status/A%00B"),
    ):
        response = await http.request(
            method, path, headers=headers, json={"contactName": "x"} if method == "PUT" else None
        )
        assert 400 <= response.status_code < 500, (path, response.status_code, response.text)
        assert response.json()["code"] == response.status_code


async def test_bsale_bodies_and_filters(http: httpx.AsyncClient, make_account: Any) -> None:
    account = await make_account("CL")
    headers = {"access_token": account.token}
    response = await http.post("/v1/clients.json", json={"firstName": "a\u0000"}, headers=headers)
    assert response.status_code == 400 and "NUL" in response.json()["error"]
    response = await http.get("/v1/clients.json?code=1%002", headers=headers)
    assert response.status_code == 400
    response = await http.get("/v1/clients/count.json", headers=headers)
    assert response.json() == {"count": 0}
