# ruff: noqa: F811 - fixtures imported from the BusinessPartner tests share their names
"""Partner mutations and filters that reached the database with input it cannot take
(hardening §5): an empty UPDATE, ids that are not ASCII digits."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest

from tests.graphql_api.test_partners_graphql import gql
from tests.rest_compat.business_partner.conftest import (  # noqa: F401 - fixtures
    Tenant,
    create_and_drain,
    drain,
    partner_body,
    tenant,
    tenant_factory,
)

STATUS = """mutation($id: ID!, $input: PartnerCatalogItemInput!) {
  updatePartnerStatus(id: $id, input: $input) {
    status { idRemote description } userErrors { field message code } } }"""
CONTACT_TYPE = """mutation($id: ID!, $input: PartnerCatalogItemInput!) {
  updateContactType(id: $id, input: $input) {
    contactType { idRemote value } userErrors { field message code } } }"""
NOTHING = [{"field": ["input"], "message": "nothing to update", "code": "REQUIRED"}]


async def _catalog_ids(http: httpx.AsyncClient, tenant: Tenant) -> tuple[str, str]:
    data = await gql(http, tenant, "{ partnerStatuses { id } contactTypes { id } }")
    return data["partnerStatuses"][0]["id"], data["contactTypes"][0]["id"]


@pytest.mark.parametrize(
    ("query", "name"), [(STATUS, "updatePartnerStatus"), (CONTACT_TYPE, "updateContactType")]
)
async def test_an_empty_catalog_update_is_a_user_error(
    http: httpx.AsyncClient, tenant: Tenant, query: str, name: str
) -> None:
    status_id, type_id = await _catalog_ids(http, tenant)
    known = status_id if name == "updatePartnerStatus" else type_id
    data = (await gql(http, tenant, query, id=known, input={}))[name]
    assert data["userErrors"] == NOTHING
    assert next(iter(data.values())) is None
    data = (await gql(http, tenant, query, id="999999999", input={}))[name]
    assert data["userErrors"] == NOTHING


@pytest.mark.parametrize(
    ("query", "name"), [(STATUS, "updatePartnerStatus"), (CONTACT_TYPE, "updateContactType")]
)
async def test_a_catalog_id_in_other_digits_is_a_user_error(
    http: httpx.AsyncClient, tenant: Tenant, query: str, name: str
) -> None:
    for bad in ("²", "\u0661", "abc"):
        data = (await gql(http, tenant, query, id=bad, input={"description": "x"}))[name]
        assert data["userErrors"] == [
            {"field": ["input", "id"], "message": "must be a numeric id", "code": "INVALID"}
        ]


async def test_a_filter_id_in_other_digits_is_an_input_error(
    http: httpx.AsyncClient, tenant: Tenant
) -> None:
    query = "query($f: BusinessPartnerFilter) { businessPartners(filter: $f) { totalCount } }"
    for field in ("roleId", "statusId"):
        resp = await http.post(
            "/graphql",
            json={"query": query, "variables": {"f": {field: "²"}}},
            headers=tenant.headers,
        )
        [error] = resp.json()["errors"]
        assert error["message"] == f"{field}: must be a numeric id"
        assert error["extensions"]["code"] == "INVALID_INPUT"


async def test_partner_references_in_other_digits_are_not_found(
    http: httpx.AsyncClient, tenant: Tenant, create_and_drain: Any
) -> None:
    assert (await create_and_drain(tenant, [partner_body("C1")]))["status"] == "completed"
    update = """mutation($id: String!) { updateBusinessPartner(id: $id, input: {tin: "1"}) {
      businessPartner { id } userErrors { field message code } } }"""
    forged = base64.b64encode("BusinessPartner:²".encode()).decode()
    data = (await gql(http, tenant, update, id=forged))["updateBusinessPartner"]
    assert data == {
        "businessPartner": None,
        "userErrors": [
            {"field": None, "message": "Business Partner ² not found", "code": "NOT_FOUND"}
        ],
    }
    assign = """mutation($a: String!) { assignClientsToAgent(agentId: $a, clientIdRemotes: ["C1"])
      { assigned userErrors { field message code } } }"""
    data = (await gql(http, tenant, assign, a="²"))["assignClientsToAgent"]
    assert data == {
        "assigned": 0,
        "userErrors": [
            {"field": None, "message": "Business Partner ² not found", "code": "NOT_FOUND"}
        ],
    }
