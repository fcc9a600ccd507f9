# ruff: noqa: F811 - fixtures imported from the BusinessPartner tests share their names
"""``commercialName`` on partner and company types and inputs, with the seed's
``comercialName`` kept as a deprecated alias (both DBs)."""

from __future__ import annotations

from typing import Any

import httpx

from tests.graphql_api.test_partners_graphql import CREATE, _gql_input, gql
from tests.rest_compat.business_partner.conftest import (  # noqa: F401 - fixtures
    Tenant,
    drain,
    partner_body,
    tenant,
    tenant_factory,
)

COMPANY = """mutation($input: CompanyInput!) { createCompany(input: $input) {
  company { commercialName comercialName } userErrors { field message code } } }"""


async def test_company_takes_either_name_and_answers_both(
    http: httpx.AsyncClient, tenant: Tenant
) -> None:
    new = await gql(
        http,
        tenant,
        COMPANY,
        input={"idRemote": "N1", "companyName": "A", "commercialName": "Shop A"},
    )
    assert new["createCompany"] == {
        "company": {"commercialName": "Shop A", "comercialName": "Shop A"},
        "userErrors": [],
    }
    old = await gql(
        http,
        tenant,
        COMPANY,
        input={"idRemote": "N2", "companyName": "B", "comercialName": "Shop B"},
    )
    assert old["createCompany"]["company"] == {
        "commercialName": "Shop B",
        "comercialName": "Shop B",
    }
    same = await gql(
        http,
        tenant,
        COMPANY,
        input={"idRemote": "N3", "companyName": "C", "comercialName": "C", "commercialName": "C"},
    )
    assert same["createCompany"]["userErrors"] == []


async def test_company_refuses_two_different_names(http: httpx.AsyncClient, tenant: Tenant) -> None:
    data = await gql(
        http,
        tenant,
        COMPANY,
        input={"idRemote": "N1", "companyName": "A", "comercialName": "X", "commercialName": "Y"},
    )
    assert data["createCompany"]["company"] is None
    assert data["createCompany"]["userErrors"] == [
        {
            "field": ["input", "commercialName"],
            "message": "give commercialName or its deprecated alias comercialName, "
            "not two different values",
            "code": "INVALID",
        }
    ]
    listed = await gql(http, tenant, "{ companies { idRemote } }")
    assert "N1" not in [c["idRemote"] for c in listed["companies"]]


async def test_partner_input_alias_and_conflict(
    http: httpx.AsyncClient, tenant: Tenant, drain: Any
) -> None:
    item = _gql_input(partner_body("P1"))
    item["commercialName"] = item.pop("comercialName")
    created = await gql(http, tenant, CREATE, input=[item])
    assert created["createBusinessPartners"]["userErrors"] == []
    await drain()
    found = await gql(
        http, tenant, '{ businessPartner(idRemote: "P1") { commercialName comercialName } }'
    )
    assert found["businessPartner"] == {"commercialName": "Shop P1", "comercialName": "Shop P1"}

    both = _gql_input(partner_body("P2"))
    both["commercialName"] = "Other"
    refused = await gql(http, tenant, CREATE, input=[_gql_input(partner_body("P3")), both])
    assert refused["createBusinessPartners"]["job"] is None
    assert [e["field"] for e in refused["createBusinessPartners"]["userErrors"]] == [
        ["input", "1", "commercialName"]
    ]

    update = """mutation($id: String!, $input: BusinessPartnerInput!) {
      updateBusinessPartner(id: $id, input: $input) {
        businessPartner { commercialName } userErrors { field code } } }"""
    renamed = await gql(http, tenant, update, id="P1", input={"commercialName": "Renamed"})
    assert renamed["updateBusinessPartner"] == {
        "businessPartner": {"commercialName": "Renamed"},
        "userErrors": [],
    }
    clash = await gql(
        http, tenant, update, id="P1", input={"commercialName": "A", "comercialName": "B"}
    )
    assert clash["updateBusinessPartner"] == {
        "businessPartner": None,
        "userErrors": [{"field": ["input", "commercialName"], "code": "INVALID"}],
    }


async def test_schema_marks_the_seed_spelling_deprecated(
    http: httpx.AsyncClient, tenant: Tenant
) -> None:
    data = await gql(
        http,
        tenant,
        """{ __type(name: "BusinessPartner") {
             fields(includeDeprecated: true) { name isDeprecated } } }""",
    )
    fields = {f["name"]: f["isDeprecated"] for f in data["__type"]["fields"]}
    assert fields["commercialName"] is False
    assert fields["comercialName"] is True
