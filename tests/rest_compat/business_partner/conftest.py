"""Helpers for the BusinessPartner dialect tests: a tenant with a company, and the queue."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from clientgate.container import Services
from clientgate.worker import Worker
from core.accounts.model import NewAccount, Principal
from core.partners.inputs import CompanyInput
from core.partners.model import Company

VALID_RUC = "20100070970"


@dataclass
class Tenant:
    account: NewAccount
    company: Company
    headers: dict[str, str]
    caller: Principal

    @property
    def account_id(self) -> int:
        return self.account.account.id


def partner_body(id_remote: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "idRemote": id_remote,
        "roleId": "client",
        "statusId": "active",
        "companyId": "ACME",
        "contactName": f"Contact {id_remote}",
        "comercialName": f"Shop {id_remote}",
        "tin": VALID_RUC,
        "observation": "vip",
        "origin": "erp",
        "active": True,
        "locations": [
            {
                "idRemote": f"L-{id_remote}",
                "name": "Main",
                "address": "Av. Larco 123",
                "city": "Lima",
                "stateId": "PE-LIM",
                "postalCode": "15074",
                "shippingAddress": True,
                "billingAddress": True,
                "countryId": "PE",
                "default": True,
                "active": True,
            }
        ],
        "contacts": [
            {
                "idRemote": f"C-{id_remote}",
                "name": "Ana",
                "position": "buyer",
                "default": True,
                "active": True,
                "contactMethods": [
                    {"idRemote": f"M-{id_remote}", "contactTypeId": "email", "value": "a@b.pe"}
                ],
            }
        ],
    }
    body.update(overrides)
    return body


@pytest.fixture
def tenant_factory(services: Services, make_account: Any) -> Any:
    async def make(country: str = "PE", company_remote: str = "ACME", **kwargs: Any) -> Tenant:
        account = await make_account(country, **kwargs)
        caller = await services.accounts.authenticate_token(account.token)
        company = await services.partners.companies.create(
            caller,
            CompanyInput(
                id_remote=company_remote,
                company_name=f"Acme {uuid.uuid4().hex[:6]}",
                comercial_name="Acme",
                tin=VALID_RUC,
            ),
        )
        return Tenant(account, company, {"access_token": account.token}, caller)

    return make


@pytest.fixture
async def tenant(tenant_factory: Any) -> Tenant:
    made: Tenant = await tenant_factory()
    return made


@pytest.fixture
def drain(services: Services) -> Any:
    async def run() -> Worker:
        worker = Worker(services, lease_seconds=30, max_attempts=5, poll_seconds=0.05)
        await worker.drain()
        return worker

    return run


@pytest.fixture
def create_and_drain(http: httpx.AsyncClient, drain: Any) -> Any:
    """POST create, run the worker, and answer the message's status body."""

    async def run(tenant: Tenant, items: list[dict[str, Any]]) -> dict[str, Any]:
        resp = await http.post("/BusinessPartner/create", json=items, headers=tenant.headers)
        assert resp.status_code == 201, resp.text
        await drain()
        status = await http.get(resp.json()["statusUrl"], headers=tenant.headers)
        assert status.status_code == 200
        return dict(status.json()["data"][0])

    return run
