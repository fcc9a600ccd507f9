# ruff: noqa: F811 - fixtures imported from the BusinessPartner tests share their names
"""Every root list is a Relay connection with ``totalCount`` (both DBs): the catalogs of
clients, companies, partner catalogs, agents and deleted partners. The plain lists they
replace answer as before and are marked deprecated."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from clientgate.container import Services
from core.clients.model import CatalogKind
from tests.graphql_api.conftest import Gql
from tests.graphql_api.test_partners_graphql import gql as partner_gql
from tests.rest_compat.business_partner.conftest import (  # noqa: F401 - fixtures
    Tenant,
    create_and_drain,
    drain,
    partner_body,
    tenant,
    tenant_factory,
)
from tests.support.callers import caller

PAGE = "pageInfo { hasNextPage hasPreviousPage endCursor }"


def _query(field: str, node: str) -> str:
    return f"""query($first: Int, $after: String) {{
      {field}(first: $first, after: $after) {{
        totalCount edges {{ cursor node {{ {node} }} }} nodes {{ {node} }} {PAGE} }} }}"""


async def test_catalog_connections_page_with_total_count(
    services: Services, make_account: Any, gql: Gql
) -> None:
    acc = await make_account("PE")
    names = [f"Pago {i}" for i in range(5)]
    for name in names:
        await services.clients.add_catalog_item(caller(acc.account), CatalogKind.PAYMENT_TYPE, name)
    query = _query("paymentTypesConnection", "name")
    seen: list[str] = []
    after = None
    while True:
        conn = (await gql(query, {"first": 2, "after": after}, token=acc.token))["data"][
            "paymentTypesConnection"
        ]
        assert conn["totalCount"] == 5
        assert conn["nodes"] == [e["node"] for e in conn["edges"]]
        assert conn["pageInfo"]["hasPreviousPage"] is (after is not None)
        seen += [n["name"] for n in conn["nodes"]]
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert seen == names
    legacy = await gql("{ paymentTypes { name } }", token=acc.token)
    assert [n["name"] for n in legacy["data"]["paymentTypes"]] == names

    for field in (
        "priceListsConnection",
        "saleConditionsConnection",
        "dynamicAttributesConnection",
    ):
        empty = await gql(_query(field, "id"), token=acc.token)
        assert empty["data"][field]["totalCount"] == 0, field
        assert empty["data"][field]["edges"] == [], field


@pytest.mark.parametrize(
    ("variables", "field"),
    [({"first": 0}, "first"), ({"first": 51}, "first"), ({"after": "nope"}, "after")],
)
async def test_catalog_connection_arguments_are_checked(
    make_account: Any, gql: Gql, variables: dict[str, Any], field: str
) -> None:
    acc = await make_account("PE")
    body = await gql(_query("priceListsConnection", "id"), variables, token=acc.token)
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["fields"][0]["field"] == [field]


async def test_partner_lists_are_connections(
    http: httpx.AsyncClient, tenant: Tenant, create_and_drain: Any
) -> None:
    items = [partner_body("AG", roleId="agent"), partner_body("C1"), partner_body("C2")]
    items.append(partner_body("AG2", roleId="agent"))
    assert (await create_and_drain(tenant, items))["status"] == "completed"

    agents = (await partner_gql(http, tenant, _query("agentsConnection", "idRemote")))[
        "agentsConnection"
    ]
    assert agents["totalCount"] == 2
    assert [n["idRemote"] for n in agents["nodes"]] == ["AG", "AG2"]
    last = await partner_gql(
        http, tenant, "{ agentsConnection(last: 1) { edges { node { idRemote } } } }"
    )
    assert last["agentsConnection"]["edges"] == [{"node": {"idRemote": "AG2"}}]

    for field, node in (
        ("companiesConnection", "idRemote"),
        ("partnerRolesConnection", "idRemote"),
        ("partnerStatusesConnection", "idRemote"),
        ("contactTypesConnection", "idRemote"),
    ):
        legacy_field = field.removesuffix("Connection")
        whole = (await partner_gql(http, tenant, f"{{ {legacy_field} {{ {node} }} }}"))[
            legacy_field
        ]
        assert whole, field
        first = (await partner_gql(http, tenant, _query(field, node), first=1))[field]
        assert first["totalCount"] == len(whole), field
        assert first["nodes"] == whole[:1], field
        assert first["pageInfo"]["hasNextPage"] is (len(whole) > 1), field
        rest = (
            await partner_gql(
                http, tenant, _query(field, node), after=first["pageInfo"]["endCursor"]
            )
        )[field]
        assert first["nodes"] + rest["nodes"] == whole, field
        assert rest["pageInfo"] == {**rest["pageInfo"], "hasPreviousPage": True}

    delete = """mutation($id: String!) { deleteBusinessPartner(id: $id) { userErrors { code } } }"""
    for ref in ("C1", "C2"):
        assert (await partner_gql(http, tenant, delete, id=ref))["deleteBusinessPartner"] == {
            "userErrors": []
        }
    deleted = (
        await partner_gql(http, tenant, _query("deletedBusinessPartnersConnection", "idRemote"))
    )["deletedBusinessPartnersConnection"]
    legacy = await partner_gql(http, tenant, "{ deletedBusinessPartners { idRemote } }")
    assert deleted["totalCount"] == 2
    assert deleted["nodes"] == legacy["deletedBusinessPartners"]
    second = (
        await partner_gql(
            http,
            tenant,
            _query("deletedBusinessPartnersConnection", "idRemote"),
            after=deleted["edges"][0]["cursor"],
        )
    )["deletedBusinessPartnersConnection"]
    assert second["nodes"] == deleted["nodes"][1:]
    assert second["pageInfo"]["hasPreviousPage"] is True


async def test_plain_lists_are_deprecated(make_account: Any, gql: Gql) -> None:
    acc = await make_account("PE")
    body = await gql(
        """{ __type(name: "Query") { fields(includeDeprecated: true) {
             name isDeprecated deprecationReason } } }""",
        token=acc.token,
    )
    fields = {f["name"]: f for f in body["data"]["__type"]["fields"]}
    for legacy in (
        "paymentTypes",
        "priceLists",
        "saleConditions",
        "dynamicAttributes",
        "companies",
        "partnerRoles",
        "partnerStatuses",
        "contactTypes",
        "agents",
        "deletedBusinessPartners",
    ):
        assert fields[legacy]["isDeprecated"] is True, legacy
        assert f"{legacy}Connection" in fields[legacy]["deprecationReason"], legacy
        assert fields[f"{legacy}Connection"]["isDeprecated"] is False, legacy
    assert fields["countries"]["isDeprecated"] is False  # a fixed list, not one that grows
