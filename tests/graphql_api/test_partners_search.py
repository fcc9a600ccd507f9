# ruff: noqa: F811 - fixtures imported from the BusinessPartner tests share their names
"""``businessPartners(search:)``: word prefixes, any order, case and accents ignored."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.rest_compat.business_partner.conftest import (  # noqa: F401 - fixtures
    Tenant,
    create_and_drain,
    drain,
    partner_body,
    tenant,
    tenant_factory,
)

QUERY = """
query($search: String, $filter: BusinessPartnerFilter) {
  businessPartners(first: 50, search: $search, filter: $filter) {
    totalCount edges { node { idRemote } }
  }
}"""


async def _found(http: httpx.AsyncClient, tenant: Tenant, **variables: Any) -> list[str]:
    resp = await http.post(
        "/graphql", json={"query": QUERY, "variables": variables}, headers=tenant.headers
    )
    body = resp.json()
    assert "errors" not in body, body
    conn = body["data"]["businessPartners"]
    assert conn["totalCount"] == len(conn["edges"])
    return [e["node"]["idRemote"] for e in conn["edges"]]


@pytest.fixture
async def partners(http: httpx.AsyncClient, tenant: Tenant, create_and_drain: Any) -> Tenant:
    items = [
        partner_body("P-1", contactName="Lucía Muñoz", comercialName="Ñandú Textil"),
        partner_body("P-2", contactName="José Pérez", comercialName="Bodega Muñoz"),
        partner_body("P-3", contactName="Ana Soto", comercialName="Ferretería Soto"),
    ]
    status = await create_and_drain(tenant, items)
    assert status["status"] == "completed", status
    return tenant


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("MUÑOZ", ["P-1", "P-2"]),
        ("munoz", ["P-1", "P-2"]),
        ("muñoz lucia", ["P-1"]),
        ("nandu", ["P-1"]),
        ("FERRE", ["P-3"]),
        ("P-3", ["P-3"]),
        ("jose bodega", ["P-2"]),
        ("soto lucia", []),
    ],
)
async def test_partner_search(
    http: httpx.AsyncClient, partners: Tenant, typed: str, expected: list[str]
) -> None:
    assert await _found(http, partners, search=typed) == expected
    assert await _found(http, partners, filter={"search": typed}) == expected


async def test_partner_search_follows_updates(http: httpx.AsyncClient, partners: Tenant) -> None:
    resp = await http.put(
        "/BusinessPartner/update/P-3",
        json={"contactName": "Begoña Íñiguez"},
        headers=partners.headers,
    )
    assert resp.status_code == 200, resp.text
    assert await _found(http, partners, search="inig begona") == ["P-3"]
    assert await _found(http, partners, search="ana soto") == []


async def test_partner_search_stays_in_the_account(
    http: httpx.AsyncClient, partners: Tenant, tenant_factory: Any
) -> None:
    stranger = await tenant_factory()
    assert await _found(http, stranger, search="munoz") == []


async def test_partner_search_bounds(http: httpx.AsyncClient, partners: Tenant) -> None:
    resp = await http.post(
        "/graphql",
        json={"query": QUERY, "variables": {"search": "y" * 201}},
        headers=partners.headers,
    )
    error = resp.json()["errors"][0]
    assert error["extensions"]["code"] == "INVALID_INPUT"
    assert "at most 200 characters" in error["message"]
