"""The query planner (graphql_api/plan) answers exactly like stock execution, runs the
queries it supports from a plan (no resolvers) with one statement per relation level, and
hands everything else to stock execution."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.routing import Route

from bench.documents import PARTNERS_LIST
from clientgate.container import Services
from core.accounts.model import NewAccount
from graphql_api.app import GraphQLApp
from graphql_api.config import GraphQLConfig
from graphql_api.plan.executor import PlannedExecutionContext, plan_cache
from graphql_api.relay import to_global_id
from graphql_api.schema import build_schema
from tests.conftest import counting_statements
from tests.graphql_api.test_clients_queries import CLIENT_FIELDS, _client, _rich_client
from tests.support.callers import caller
from tests.support.partners import seed_partners

Post = Any


@asynccontextmanager
async def planned_and_stock(
    services: Services,
) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient, GraphQLApp]]:
    """Two /graphql apps on the same services: the planner's and stock Strawberry's."""
    planned = GraphQLApp(services, GraphQLConfig())
    stock = GraphQLApp(services, GraphQLConfig())
    stock.schema = build_schema(GraphQLConfig(), fast_leaves=False, planner=False)
    assert getattr(planned.schema, "execution_context_class", None) is PlannedExecutionContext
    clients = []
    for view in (planned, stock):
        app = Starlette(routes=[Route("/graphql", view, methods=["GET", "POST"])])
        clients.append(
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")
        )
    try:
        yield clients[0], clients[1], planned
    finally:
        for c in clients:
            await c.aclose()


async def same_answer(
    planned: httpx.AsyncClient,
    stock: httpx.AsyncClient,
    acc: NewAccount,
    query: str,
    variables: dict[str, Any] | None = None,
) -> dict[str, Any]:
    body = {"query": query, "variables": variables or {}}
    headers = {"Authorization": f"Bearer {acc.token}"}
    a = await planned.post("/graphql", json=body, headers=headers)
    b = await stock.post("/graphql", json=body, headers=headers)
    assert (a.status_code, a.json()) == (b.status_code, b.json()), query
    answer: dict[str, Any] = a.json()
    return answer


def planned_plans(app: GraphQLApp) -> int:
    """How many cached operations have a plan (not handed to stock execution)."""
    cache = plan_cache(getattr(app.schema, "_schema"))  # noqa: B009 (graphql-core's schema)
    return sum(1 for key in list(cache._plans) if cache.get(key)[1] is not None)


EVERYTHING = f"""
fragment C on Client {{ {CLIENT_FIELDS}
  paymentType {{ __typename id databaseId name state }} priceList {{ name }}
  saleCondition {{ id name }}
  contacts {{ id databaseId firstName lastName phone email __typename }}
  addresses {{ id databaseId addressName address city district municipality state }}
  attributes {{ definitionId name value }} }}
query Q($first: Int!, $with: Boolean!, $sort: ClientSortInput) {{
  clients(first: $first, sort: $sort) {{ __typename totalCount
    pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor __typename }}
    edges {{ __typename cursor node {{ __typename ...C again: firstName
      ... on Client @include(if: $with) {{ email contacts {{ email }} }} }} }}
    nodes {{ databaseId code }} }}
}}"""


async def test_planned_queries_answer_like_stock(services: Services, make_account: Any) -> None:
    acc = await make_account("PE")
    ids = await _rich_client(services, acc)
    for i in range(4):
        await _client(services, acc, first_name=f"N{i}", is_foreigner=None, company=None)
    await _client(services, acc, code="20100070970", company="Gloria")
    other = await make_account("CL")
    await _client(services, other, first_name="Other tenant")
    gid = to_global_id("Client", ids["client"])
    async with planned_and_stock(services) as (planned, stock, app):
        answer = await same_answer(planned, stock, acc, EVERYTHING, {"first": 3, "with": True})
        assert len(answer["data"]["clients"]["edges"]) == 3
        await same_answer(planned, stock, acc, EVERYTHING, {"first": 50, "with": False})
        await same_answer(
            planned,
            stock,
            acc,
            EVERYTHING,
            {"first": 2, "with": True, "sort": {"field": "CODE", "direction": "DESC"}},
        )
        cursor = answer["data"]["clients"]["pageInfo"]["endCursor"]
        paged = """query($a: String, $b: String, $l: Int) {
            f: clients(first: 2, after: $a) { edges { cursor node { id } }
              pageInfo { hasNextPage hasPreviousPage } }
            b: clients(last: $l, before: $b) { nodes { id }
              pageInfo { startCursor hasNextPage hasPreviousPage } } }"""
        await same_answer(planned, stock, acc, paged, {"a": cursor, "b": cursor, "l": 2})
        filtered = """{ clients(filter: {firstName: "n", state: ACTIVE}) {
            totalCount nodes { firstName } } }"""
        await same_answer(planned, stock, acc, filtered)
        one = f"""{{ client(id: "{gid}") {{ ...C }} n: node(id: "{gid}") {{ __typename id
            ... on Client {{ code contacts {{ firstName }} }} }}
            missing: client(id: "{to_global_id("Client", 999999)}") {{ id }} __typename }}
            fragment C on Client {{ {CLIENT_FIELDS}
              paymentType {{ name }} addresses {{ city }} }}"""
        await same_answer(planned, stock, acc, one)
        by_code = """{ a: clientByCode(code: "20100070970") { id code company }
            b: clientByCode(code: "20999999999") { id } }"""
        answer = await same_answer(planned, stock, acc, by_code)
        assert answer["data"]["a"]["company"] == "Gloria"
        assert planned_plans(app) == 6, app
        # errors: the plan hands them to stock execution, which answers them located
        errors = [
            "{ clients(first: 101) { totalCount } }",
            '{ clients(after: "bad") { nodes { id } } }',
            "{ clients(first: 1, last: 1) { nodes { id } } }",
            '{ client(id: "bad") { id } }',
            '{ node(id: "bad") { id } }',
            f'{{ node(id: "{to_global_id("PaymentType", 1)}") {{ id }} }}',
            '{ clients(filter: {paymentTypeId: "x"}) { nodes { id } } }',
        ]
        for query in errors:
            await same_answer(planned, stock, acc, query)


async def test_unsupported_documents_go_to_stock_execution(
    services: Services, make_account: Any
) -> None:
    acc = await make_account("PE")
    await _rich_client(services, acc)
    async with planned_and_stock(services) as (planned, stock, app):
        for query in [
            "{ clients { nodes { possibleDuplicates { reasons } history { totalCount } } } }",
            "{ clients { nodes { id } } paymentTypes { name } }",
            "{ businessPartners(first: 2) { nodes { role { name } } } }",
            "{ businessPartners { nodes { agent { company { id } } } } }",
            "{ businessPartners { nodes { contacts { contactMethods { contactType { id } } } } } }",
            "{ businessPartners { nodes { locations { country { states { id } } } } } }",
        ]:
            await same_answer(planned, stock, acc, query)
        assert planned_plans(app) == 0


async def test_merged_clients_and_relevance_answer_like_stock(
    services: Services, make_account: Any
) -> None:
    """Merged clients are gone on both paths (the one filter builder hides them from lists,
    counts, ids and codes); an order only a search gives goes to stock execution."""
    acc = await make_account("PE")
    survivor = await _client(services, acc, first_name="Ana")
    merged = await _client(services, acc, first_name="Anna", code="20100070970")
    await _client(services, acc, first_name="Luz")
    await services.clients.merge(caller(acc.account), survivor, [merged])
    query = """query($id: ID!) {
      clients(first: 10) { totalCount nodes { databaseId } }
      client(id: $id) { databaseId }
      clientByCode(code: "20100070970") { databaseId }
      node(id: $id) { id } }"""
    variables = {"id": to_global_id("Client", merged)}
    async with planned_and_stock(services) as (planned, stock, _):
        answer = await same_answer(planned, stock, acc, query, variables)
        relevance = "{ clients(first: 5, sort: {field: RELEVANCE}) { nodes { databaseId } } }"
        ordered = await same_answer(planned, stock, acc, relevance)
    assert answer["data"] is not None, answer
    assert answer["data"]["clients"]["totalCount"] == 2
    assert merged not in [n["databaseId"] for n in answer["data"]["clients"]["nodes"]]
    assert answer["data"]["node"] is None and answer["data"]["client"] is None
    assert len(ordered["data"]["clients"]["nodes"]) == 2


PARTNER_SCALARS = """__typename id databaseId idRemote contactName comercialName commercialName
  tin tinValid observation origin active createdAt updatedAt"""
PARTNERS_EVERYTHING = f"""
fragment P on BusinessPartner {{ {PARTNER_SCALARS}
  company {{ __typename id databaseId idRemote companyName comercialName commercialName tin }}
  agent {{ {PARTNER_SCALARS} }}
  locations {{ __typename id idRemote name address city postalCode shippingAddress
    billingAddress isDefault active createdAt updatedAt
    state {{ __typename id name }} country {{ __typename id iso description }} }}
  contacts {{ __typename id idRemote name position isDefault active
    contactMethods {{ __typename id idRemote value sendByWhatsapp sendByMail sendByTelegram
      sendBySms }} }} }}
query Q($first: Int!, $after: String, $with: Boolean!, $active: Boolean) {{
  businessPartners(first: $first, after: $after, filter: {{active: $active}}) {{
    __typename totalCount
    pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor __typename }}
    edges {{ __typename cursor node {{ ...P again: idRemote
      ... on BusinessPartner @include(if: $with) {{ contacts {{ name }} c: company {{ id }} }}
    }} }}
    nodes {{ databaseId agent {{ idRemote }} }} }}
}}"""


async def test_planned_partners_answer_like_stock(own_services: Services) -> None:
    services = own_services
    acc = await services.accounts.create_account(name="Partners", country="PE")
    other = await services.accounts.create_account(name="Other", country="PE")
    await seed_partners(services, acc, 9)
    await seed_partners(services, other, 3)  # the same idRemotes in another tenant
    async with planned_and_stock(services) as (planned, stock, app):
        first = await same_answer(
            planned, stock, acc, PARTNERS_EVERYTHING, {"first": 4, "with": True}
        )
        page = first["data"]["businessPartners"]
        assert page["totalCount"] == 10 and len(page["edges"]) == 4
        after = page["pageInfo"]["endCursor"]
        await same_answer(
            planned, stock, acc, PARTNERS_EVERYTHING, {"first": 50, "with": False, "after": after}
        )
        await same_answer(
            planned, stock, acc, PARTNERS_EVERYTHING, {"first": 3, "with": True, "active": True}
        )
        bench = await same_answer(planned, stock, acc, PARTNERS_LIST, {"first": 20})
        nodes = [e["node"] for e in bench["data"]["businessPartners"]["edges"]]
        assert {n["idRemote"] for n in nodes} == {"AG", *(f"P{i}" for i in range(9))}
        assert any(m for n in nodes for c in n["contacts"] for m in c["contactMethods"])
        assert any(loc["state"] for n in nodes for loc in n["locations"])
        paged = """query($a: String, $b: String) {
            f: businessPartners(first: 2, after: $a) { edges { cursor node { id } } }
            b: businessPartners(last: 2, before: $b, search: "shop") { nodes { idRemote }
              pageInfo { startCursor hasNextPage hasPreviousPage } } }"""
        await same_answer(planned, stock, acc, paged, {"a": after, "b": after})
        assert planned_plans(app) == 5, app  # $with and $active key the plans
        with counting_statements(services) as counted:
            await planned.post(
                "/graphql",
                json={"query": PARTNERS_LIST, "variables": {"first": 20}},
                headers={"Authorization": f"Bearer {acc.token}"},
            )
        # the page (company joined), locations, contacts, contact methods; + authentication
        selects = [s for s in counted.statements if "bp_" in s]
        assert len(selects) == 4, selects
        errors = [
            "{ businessPartners(first: 101) { nodes { id } } }",
            '{ businessPartners(after: "bad") { nodes { id } } }',
            "{ businessPartners(first: 1, last: 1) { nodes { id } } }",
            '{ businessPartners(filter: {companyId: "x"}) { nodes { id } } }',
            '{ businessPartners(search: "a", filter: {search: "b"}) { nodes { id } } }',
        ]
        for query in errors:
            answer = await same_answer(planned, stock, acc, query)
            assert answer.get("errors"), query
