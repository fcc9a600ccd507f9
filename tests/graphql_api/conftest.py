"""Helpers for GraphQL tests: ``gql`` posts an operation to /graphql with a token."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.routing import Route

from clientgate.container import Services
from graphql_api.app import GraphQLApp
from graphql_api.config import GraphQLConfig
from graphql_api.schema import build_schema
from tests.graphql_api.planner_generation import Pair, build_world

Gql = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture
def gql(http: httpx.AsyncClient) -> Gql:
    """``await gql(query, variables=None, token=...)`` -> the JSON body (asserts HTTP 200)."""

    async def run(
        query: str,
        variables: dict[str, Any] | None = None,
        token: str | None = None,
        status: int = 200,
    ) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        assert response.status_code == status, response.text
        body: dict[str, Any] = response.json()
        return body

    return run


def answer(body: dict[str, Any]) -> dict[str, Any]:
    """``body`` without its ``extensions.cost`` report, after checking the report is there
    (every operation that ran or was priced carries one)."""
    extensions = body.get("extensions") or {}
    cost = extensions.get("cost")
    assert isinstance(cost, dict), body
    assert isinstance(cost["requestedQueryCost"], int), cost
    assert isinstance(cost["actualQueryCost"], int), cost
    rest = {k: v for k, v in extensions.items() if k != "cost"}
    return {
        **{k: v for k, v in body.items() if k != "extensions"},
        **({"extensions": rest} if rest else {}),
    }


@pytest.fixture(scope="session")
async def pair(services: Services) -> AsyncIterator[Pair]:
    """The planner's app and stock Strawberry's on the same services, and the world the
    property-based tests read (once per database)."""
    planned = GraphQLApp(services, GraphQLConfig())
    stock = GraphQLApp(services, GraphQLConfig())
    stock.schema = build_schema(GraphQLConfig(), fast_leaves=False, planner=False)
    clients = [
        httpx.AsyncClient(
            transport=httpx.ASGITransport(
                app=Starlette(routes=[Route("/graphql", view, methods=["GET", "POST"])])
            ),
            base_url="http://t",
        )
        for view in (planned, stock)
    ]
    world = await build_world(services)
    try:
        yield Pair(clients[0], clients[1], planned, world)
    finally:
        for c in clients:
            await c.aclose()
