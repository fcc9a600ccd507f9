"""The leaf-field shortcut (graphql_api/execution.py) answers exactly like Strawberry's stock
execution: same data, same errors, for every kind of field the client types have."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from starlette.applications import Starlette
from starlette.routing import Route

from clientgate.container import Services
from graphql_api.app import GraphQLApp
from graphql_api.config import GraphQLConfig
from graphql_api.execution import FastLeafExecutionContext
from graphql_api.plan.executor import PlannedExecutionContext
from graphql_api.relay import to_global_id
from graphql_api.schema import build_schema
from tests.graphql_api.test_clients_queries import CLIENT_FIELDS, _client, _rich_client


@asynccontextmanager
async def both(services: Services) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    fast = GraphQLApp(services, GraphQLConfig())
    fast.schema = build_schema(GraphQLConfig(), planner=False)
    stock = GraphQLApp(services, GraphQLConfig())
    stock.schema = build_schema(GraphQLConfig(), fast_leaves=False, planner=False)
    assert getattr(fast.schema, "execution_context_class", None) is FastLeafExecutionContext
    assert getattr(stock.schema, "execution_context_class", None) not in (
        FastLeafExecutionContext,
        PlannedExecutionContext,
    )
    clients = []
    for view in (fast, stock):
        app = Starlette(routes=[Route("/graphql", view, methods=["GET", "POST"])])
        clients.append(
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")
        )
    try:
        yield clients[0], clients[1]
    finally:
        for c in clients:
            await c.aclose()


async def test_fast_and_stock_execution_agree(services: Services, make_account: Any) -> None:
    acc = await make_account("PE")
    ids = await _rich_client(services, acc)
    await _client(services, acc, first_name=None, company="Solo Empresa", is_foreigner=None)
    queries = [
        f"""{{ clients(first: 10) {{ totalCount pageInfo {{ hasNextPage endCursor }}
              edges {{ cursor node {{ __typename {CLIENT_FIELDS}
                paymentType {{ id name state }} priceList {{ name }} saleCondition {{ name }}
                contacts {{ id databaseId firstName lastName phone email }}
                addresses {{ id addressName address city district municipality state }}
                attributes {{ definitionId name value }} }} }} }} }}""",
        f"""{{ c: client(id: "{to_global_id("Client", ids["client"])}") {{ {CLIENT_FIELDS}
              alias: firstName documents {{ number totalAmount emissionDate }}
              pointsHistory {{ operation points balance createdAt }}
              unpaidSummary {{ totalDebt overdueDocuments {{ number amountOwed }} }} }} }}""",
        "{ clients(first: 101) { totalCount } }",
        '{ node(id: "bad") { id } paymentTypes { id databaseId name state } }',
    ]
    headers = {"Authorization": f"Bearer {acc.token}"}
    async with both(services) as (fast, stock):
        for query in queries:
            a = (await fast.post("/graphql", json={"query": query}, headers=headers)).json()
            b = (await stock.post("/graphql", json={"query": query}, headers=headers)).json()
            assert a == b, query
    assert "errors" not in a or a["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
