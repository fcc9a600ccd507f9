"""Helpers for GraphQL tests: ``gql`` posts an operation to /graphql with a token."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

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
