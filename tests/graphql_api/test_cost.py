"""Operations are priced before they run (objects the answer can hold; lists multiply by
their bound), refused over the maximum, charged against the caller's points budget, and
report ``extensions.cost``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from functools import partial
from typing import Any

import httpx
import pytest
from graphql import OperationDefinitionNode, parse
from limits.aio.storage import MemoryStorage
from starlette.applications import Starlette
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from clientgate.app import create_app
from clientgate.container import Services, build_services
from graphql_api.app import face
from graphql_api.config import GraphQLConfig
from graphql_api.cost import CostCalculator, actual_cost, requested_cost
from graphql_api.schema import build_schema
from httpkit.ratelimit import Limiter, parse_limits
from tests.graphql_api.test_document_work import LEVELS, doubling

SCHEMA = build_schema()._schema
FAN_OUT = """{ businessPartners(first: 10) { edges { node {
  agent { clients { agent { clients { agent { clients { id } } } } } } } } } }"""
LIST = """query($n: Int!) { clients(first: $n) { totalCount pageInfo { hasNextPage }
  edges { node { id paymentType { name } contacts { firstName } addresses { city } } } } }"""


def price(document: str, variables: dict[str, Any] | None = None, bound: int = 20) -> int:
    return requested_cost(SCHEMA, parse(document), None, variables, bound)


def test_prices() -> None:
    assert price("{ __typename paymentTypes(first: 3) { id name } }") == 3
    assert price("{ paymentTypes { id } }") == 50  # the argument's default
    # clients 1 + pageInfo 1 + 7 edges x (edge 1 + node 1 + paymentType 1 + 20 + 20).
    assert price(LIST, {"n": 7}) == 2 + 7 * 43
    assert price(LIST, {"n": 7}, bound=5) == 2 + 7 * 13
    # businessPartners 1 + 10 edges x (edge + node + agent + 20 x (client + agent + 20 x ...)).
    assert price(FAN_OUT) == 1 + 10 * (3 + 20 * (2 + 20 * (2 + 20)))
    fragment = "query($n: Int!) { clients(first: $n) { ...C } } fragment C on ClientConnection { edges { node { id } } }"  # noqa: E501
    assert price(fragment, {"n": 4}) == 1 + 4 * 2


def test_each_fragment_is_priced_once() -> None:
    document = parse(doubling(body="paymentTypes(first: 1) { id }"))
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    calculator = CostCalculator(SCHEMA, document, {}, 20)
    assert calculator.operation(operation) == 2**LEVELS - 1  # as if every spread ran
    assert len(calculator._memo) == LEVELS + 1


def test_actual_cost_counts_the_objects_answered() -> None:
    data = {"clients": {"totalCount": 2, "edges": [{"node": {"id": "a"}}, {"node": {"id": "b"}}]}}
    assert actual_cost(data) == 1 + 2 * 2
    assert actual_cost({"__typename": "Query"}) == 0


@asynccontextmanager
async def graphql(
    services: Services, limiter: Limiter | None, **config: Any
) -> AsyncIterator[httpx.AsyncClient]:
    app = Starlette(routes=face(services, GraphQLConfig(**config), limiter).routes)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        yield client


async def post(client: httpx.AsyncClient, token: str, query: str, **variables: Any) -> Any:
    response = await client.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    return response.json()


async def test_too_costly_operations_are_refused_before_running(
    services: Services, make_account: Any, count_statements: Any
) -> None:
    acc = await make_account("PE")
    async with graphql(services, None) as client:
        await post(client, acc.token, "{ __typename }")  # credential verified once, warm
        with count_statements() as counted:
            body = await post(client, acc.token, FAN_OUT)
    cost = 1 + 10 * (3 + 20 * (2 + 20 * (2 + 20)))
    assert body["data"] is None
    error = body["errors"][0]
    assert error["extensions"] == {"code": "MAX_COST_EXCEEDED", "cost": cost, "maximumCost": 50000}
    assert str(cost) in error["message"]
    assert body["extensions"] == {"cost": {"requestedQueryCost": cost, "actualQueryCost": 0}}
    assert counted.count <= 1  # the credential check; nothing of the operation ran


async def test_the_budget_is_charged_and_reported(services: Services, make_account: Any) -> None:
    acc = await make_account("PE")
    limiter = Limiter(parse_limits("100/minute"), MemoryStorage())
    async with graphql(services, limiter) as client:
        first = await post(client, acc.token, LIST, n=2)  # 2 + 2 x 43 = 88 points
        assert first["extensions"]["cost"] == {
            "requestedQueryCost": 88,
            "actualQueryCost": 1 + 1,  # clients and pageInfo: the account has no clients
            "throttleStatus": {
                "maximumAvailable": 100,
                "currentlyAvailable": 12,
                "restoreRate": round(100 / 60, 3),
            },
        }
        refused = await post(client, acc.token, LIST, n=2)
        assert refused["data"] is None
        assert refused["errors"][0]["extensions"]["code"] == "THROTTLED"
        assert 1 <= refused["errors"][0]["extensions"]["retryAfter"] <= 60
        # A refused operation costs nothing: 12 points still buy a cheap one.
        cheap = await post(client, acc.token, "{ paymentTypes(first: 12) { id } }")
        assert cheap["data"] == {"paymentTypes": []}
        assert cheap["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] == 0
    other = await make_account("PE")  # another credential has its own budget
    async with graphql(services, limiter) as client:
        assert (await post(client, other.token, LIST, n=2))["data"] is not None


def test_websocket_connections_and_subscriptions_count(services: Services) -> None:
    """A WebSocket connection spends a request of its credential; a subscription's start is
    priced and charged like any operation (the app gets services of its own: the test client
    runs its own event loop)."""
    settings = replace(services.settings, rate_limit="2/minute", graphql_cost_limit="1/minute")
    app = create_app(settings, build_services(settings))
    subscribe = {
        "type": "subscribe",
        "payload": {"query": 'subscription { partnerJob(id: "nope") { status } }'},
    }
    with TestClient(app) as client:
        portal = client.portal
        assert portal is not None
        made = portal.call(
            partial(app.state.services.accounts.create_account, name="WS", country="PE")
        )
        headers = {"access_token": made.token}
        with client.websocket_connect(
            "/graphql", subprotocols=["graphql-transport-ws"], headers=headers
        ) as ws:
            ws.send_json({"type": "connection_init"})
            assert ws.receive_json() == {"type": "connection_ack"}
            ws.send_json({"id": "1", **subscribe})
            first = ws.receive_json()  # priced at 1 point: runs (the job does not exist)
            assert "not found" in str(first)
            assert ws.receive_json() == {"id": "1", "type": "complete"}
            ws.send_json({"id": "2", **subscribe})
            second = ws.receive_json()
            assert second["type"] in ("error", "next"), second
            assert "THROTTLED" in str(second) or "Throttled" in str(second), second
        # The connection above was one request; this one is the second; a third is refused.
        with client.websocket_connect(
            "/graphql", subprotocols=["graphql-transport-ws"], headers=headers
        ):
            pass
        with (
            pytest.raises(WebSocketDisconnect) as refused,
            client.websocket_connect(
                "/graphql", subprotocols=["graphql-transport-ws"], headers=headers
            ),
        ):
            pass
        assert refused.value.code == 1008
