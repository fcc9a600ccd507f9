# ruff: noqa: F811 - fixtures imported from the BusinessPartner tests share their names
"""``last``/``before`` on ``clients``, ``businessPartners`` and ``onboardedAccounts`` (both
DBs): the page just before a cursor, in the list's order, with Relay's ``hasPreviousPage`` /
``hasNextPage``; ``first`` with ``last``, or a cursor of the other direction, is an input
error; the cost calculator prices ``last`` like ``first``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from graphql import parse

from clientgate.container import Services
from graphql_api.cost import requested_cost
from graphql_api.schema import build_schema
from tests.graphql_api.conftest import Gql
from tests.graphql_api.test_clients_queries import _client
from tests.graphql_api.test_resellers import ONBOARD, bearer, gql_item, run
from tests.rest_compat.business_partner.conftest import (  # noqa: F401 - fixtures
    Tenant,
    create_and_drain,
    drain,
    partner_body,
    tenant,
    tenant_factory,
)
from tests.storage.test_resellers_service import new_ruc

PAGE = "pageInfo { hasNextPage hasPreviousPage startCursor endCursor }"
CLIENTS = f"""
query($first: Int, $last: Int, $after: String, $before: String, $sort: ClientSortInput) {{
  clients(first: $first, last: $last, after: $after, before: $before, sort: $sort) {{
    totalCount edges {{ cursor node {{ databaseId code }} }} {PAGE}
  }}
}}"""


def _ids(conn: dict[str, Any], key: str = "databaseId") -> list[Any]:
    return [e["node"][key] for e in conn["edges"]]


def _flags(conn: dict[str, Any]) -> tuple[bool, bool]:
    return conn["pageInfo"]["hasPreviousPage"], conn["pageInfo"]["hasNextPage"]


async def test_clients_page_backwards_to_the_start(
    services: Services, make_account: Any, gql: Gql
) -> None:
    acc = await make_account("PE")
    ids = [await _client(services, acc, first_name=f"C{i}") for i in range(7)]
    seen: list[list[int]] = []
    before = None
    while True:
        body = await gql(CLIENTS, {"last": 3, "before": before}, token=acc.token)
        conn = body["data"]["clients"]
        assert conn["totalCount"] == 7
        seen.append(_ids(conn))
        has_previous, has_next = _flags(conn)
        assert has_next is (before is not None)
        assert conn["pageInfo"]["startCursor"] == conn["edges"][0]["cursor"]
        if not has_previous:
            break
        before = conn["pageInfo"]["startCursor"]
    assert seen == [ids[4:], ids[1:4], ids[:1]]

    # A forward cursor works backwards too: the page before the third client.
    forward = (await gql(CLIENTS, {"first": 3}, token=acc.token))["data"]["clients"]
    cursor = forward["edges"][2]["cursor"]
    back = (await gql(CLIENTS, {"last": 5, "before": cursor}, token=acc.token))["data"]["clients"]
    assert _ids(back) == ids[:2]
    assert _flags(back) == (False, True)


async def test_clients_backwards_under_another_sort(
    services: Services, make_account: Any, gql: Gql
) -> None:
    acc = await make_account("CL", strict_tax_ids=False)
    codes = ["44444444-4", "11111111-1", "33333333-3", "22222222-2"]
    for code in codes:
        await _client(services, acc, code=code)
    desc = {"field": "CODE", "direction": "DESC"}
    tail = (await gql(CLIENTS, {"last": 2, "sort": desc}, token=acc.token))["data"]["clients"]
    assert _ids(tail, "code") == ["22222222-2", "11111111-1"]
    before = tail["pageInfo"]["startCursor"]
    head = (await gql(CLIENTS, {"last": 2, "sort": desc, "before": before}, token=acc.token))[
        "data"
    ]["clients"]
    assert _ids(head, "code") == ["44444444-4", "33333333-3"]
    assert _flags(head) == (False, True)
    wrong = await gql(CLIENTS, {"last": 2, "before": before}, token=acc.token)
    assert wrong["errors"][0]["extensions"]["fields"][0]["field"] == ["before"]


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"first": 2, "last": 2}, "last"),
        ({"last": 2, "after": "x"}, "after"),
        ({"before": "x"}, "before"),
        ({"first": 2, "before": "x"}, "before"),
        ({"last": 2, "before": "not-a-cursor"}, "before"),
        ({"last": 101}, "last"),
    ],
)
async def test_mixed_directions_are_input_errors(
    make_account: Any, gql: Gql, variables: dict[str, Any], field: str
) -> None:
    acc = await make_account("PE")
    body = await gql(CLIENTS, variables, token=acc.token)
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    assert body["errors"][0]["extensions"]["fields"][0]["field"] == [field]


async def test_business_partners_backwards(
    http: httpx.AsyncClient, tenant: Tenant, create_and_drain: Any
) -> None:
    await create_and_drain(tenant, [partner_body(f"P{i}") for i in range(5)])
    query = f"""query($first: Int, $last: Int, $after: String, $before: String) {{
      businessPartners(first: $first, last: $last, after: $after, before: $before) {{
        totalCount edges {{ cursor node {{ idRemote }} }} {PAGE} }} }}"""

    async def page(**variables: Any) -> dict[str, Any]:
        resp = await http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=tenant.headers
        )
        body = resp.json()
        assert "errors" not in body, body
        conn: dict[str, Any] = body["data"]["businessPartners"]
        return conn

    tail = await page(last=2)
    assert _ids(tail, "idRemote") == ["P3", "P4"]
    assert _flags(tail) == (True, False)
    head = await page(last=3, before=tail["pageInfo"]["startCursor"])
    assert _ids(head, "idRemote") == ["P0", "P1", "P2"]
    assert _flags(head) == (False, True)
    assert head["totalCount"] == 5
    both = await http.post(
        "/graphql",
        json={"query": query, "variables": {"first": 1, "last": 1}},
        headers=tenant.headers,
    )
    assert both.json()["errors"][0]["extensions"]["fields"][0]["field"] == ["last"]


async def test_onboarded_accounts_backwards(
    http: httpx.AsyncClient, make_account: Callable[..., Any]
) -> None:
    me = bearer((await make_account("PE", is_reseller=True)).token)
    items = [gql_item(new_ruc()) for _ in range(3)]
    created = (await run(http, ONBOARD, me, input=items))["onboardClients"]["createdClients"]
    ids = [c["accountId"] for c in created]
    query = f"""query($last: Int, $before: String) {{
      onboardedAccounts(last: $last, before: $before) {{
        totalCount edges {{ cursor node {{ id }} }} nodes {{ id }} {PAGE} }} }}"""
    tail = (await run(http, query, me, last=2))["onboardedAccounts"]
    assert _ids(tail, "id") == ids[1:]
    assert tail["nodes"] == [e["node"] for e in tail["edges"]]
    assert _flags(tail) == (True, False)
    assert tail["totalCount"] == 3
    head = (await run(http, query, me, last=2, before=tail["pageInfo"]["startCursor"]))[
        "onboardedAccounts"
    ]
    assert _ids(head, "id") == ids[:1]
    assert _flags(head) == (False, True)


def test_cost_prices_last_like_first() -> None:
    schema = build_schema()._schema

    def cost(args: str) -> int:
        document = parse(f"{{ clients({args}) {{ edges {{ node {{ id }} }} }} }}")
        return requested_cost(schema, document, None, None, 20)

    assert cost("last: 80") == cost("first: 80") != cost("first: 25")
    assert cost("last: 3") == cost("first: 3")
