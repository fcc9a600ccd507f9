"""Webhooks through GraphQL, on an app of the test's own (private addresses allowed: the
receiver is local): create (secret once), list, deliveries with their log, redeliver, update,
delete; bad input and other tenants' ids as userErrors; the statement count of a page of
deliveries with their endpoint and log does not grow with the page."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from clientgate.app import create_app
from clientgate.worker import WebhookWorker
from core.clients.model import ClientChanges
from tests.conftest import counting_statements
from tests.support.receiver import receiver, verify
from tests.webhooks.conftest import Hooks

CREATE = """mutation($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) {
    webhookEndpoint { id url eventTypes enabled }
    secret
    userErrors { field message code }
  }
}"""

DELIVERIES = """query($endpoint: ID, $first: Int!) {
  webhookDeliveries(endpointId: $endpoint, first: $first) {
    edges { node {
      id messageId eventType status attempts lastStatusCode lastError nextAttemptAt
      endpoint { url }
      log { statusCode error }
    } }
    pageInfo { hasNextPage }
  }
}"""


@dataclass
class Api:
    http: httpx.AsyncClient
    hooks: Hooks

    async def __call__(self, query: str, token: str, **variables: Any) -> dict[str, Any]:
        response = await self.http.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        assert "errors" not in body, body
        data: dict[str, Any] = body["data"]
        return data

    async def token(self) -> str:
        made = await self.hooks.services.accounts.create_account(name="Gql hooks", country="PE")
        return made.token


@pytest.fixture
async def api(hooks: Hooks) -> AsyncIterator[Api]:
    app = create_app(hooks.services.settings, hooks.services)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield Api(http, hooks)


async def test_endpoint_lifecycle_and_delivery_log(api: Api) -> None:
    token = await api.token()
    services = api.hooks.services
    with receiver(500) as rx:
        made = (await api(CREATE, token, input={"url": rx.url, "eventTypes": ["CLIENT"]}))[
            "createWebhookEndpoint"
        ]
        assert made["userErrors"] == [] and made["secret"].startswith("whsec_")
        endpoint = made["webhookEndpoint"]
        assert endpoint["eventTypes"] == ["CLIENT"] and endpoint["enabled"] is True
        listed = await api(
            "{ webhookEndpoints(first: 5) { totalCount edges { node { id url } } } }", token
        )
        assert listed["webhookEndpoints"]["totalCount"] == 1
        assert "secret" not in str(listed) and made["secret"] not in str(listed)

        caller = await services.accounts.authenticate_token(token)
        await services.clients.create(caller, ClientChanges({"first_name": "Gql"}))
        worker = WebhookWorker(services)
        await worker.drain()
        [edge] = (await api(DELIVERIES, token, endpoint=endpoint["id"], first=5))[
            "webhookDeliveries"
        ]["edges"]
        node = edge["node"]
        assert (node["status"], node["attempts"], node["lastStatusCode"]) == ("PENDING", 1, 500)
        assert node["eventType"] == "client.create" and node["nextAttemptAt"] is not None
        assert node["endpoint"] == {"url": rx.url}
        assert node["log"] == [{"statusCode": 500, "error": None}]

        again = await api(
            "mutation($id: ID!) { redeliverWebhook(id: $id) {"
            " webhookDelivery { status attempts } userErrors { code } } }",
            token,
            id=node["id"],
        )
        assert again["redeliverWebhook"] == {
            "webhookDelivery": {"status": "PENDING", "attempts": 0},
            "userErrors": [],
        }
        await worker.drain()
        [edge] = (await api(DELIVERIES, token, endpoint=None, first=5))["webhookDeliveries"][
            "edges"
        ]
        assert edge["node"]["status"] == "DELIVERED"
        assert [a["statusCode"] for a in edge["node"]["log"]] == [500, 200]
        assert all(verify(made["secret"], r.headers, r.body) for r in rx.received)

    rotated = await api(
        "mutation($id: ID!) { updateWebhookEndpoint(id: $id, input: {rotateSecret: true,"
        ' enabled: false, description: "paused"}) { webhookEndpoint { enabled description }'
        " secret userErrors { code } } }",
        token,
        id=endpoint["id"],
    )
    changed = rotated["updateWebhookEndpoint"]
    assert changed["webhookEndpoint"] == {"enabled": False, "description": "paused"}
    assert changed["secret"].startswith("whsec_") and changed["secret"] != made["secret"]

    deleted = await api(
        "mutation($id: ID!) { deleteWebhookEndpoint(id: $id) { deletedId userErrors { code } } }",
        token,
        id=endpoint["id"],
    )
    assert deleted["deleteWebhookEndpoint"] == {"deletedId": endpoint["id"], "userErrors": []}
    gone = await api(DELIVERIES, token, endpoint=None, first=5)
    assert gone["webhookDeliveries"]["edges"] == []


async def test_bad_input_and_other_tenants_are_user_errors(api: Api) -> None:
    token, other = await api.token(), await api.token()
    refused = (await api(CREATE, token, input={"url": "ftp://example.com/x"}))[
        "createWebhookEndpoint"
    ]
    assert refused["webhookEndpoint"] is None and refused["secret"] is None
    assert refused["userErrors"] == [
        {
            "field": ["input", "url"],
            "message": "must be an absolute http or https URL",
            "code": "INVALID",
        }
    ]
    long_url = "http://127.0.0.1/" + "a" * 2100
    too_long = (await api(CREATE, token, input={"url": long_url}))["createWebhookEndpoint"]
    assert [e["code"] for e in too_long["userErrors"]] == ["TOO_LONG"]

    made = (await api(CREATE, token, input={"url": "http://127.0.0.1:9/x"}))[
        "createWebhookEndpoint"
    ]
    endpoint_id = made["webhookEndpoint"]["id"]
    for mutation in (
        "mutation($id: ID!) { deleteWebhookEndpoint(id: $id)"
        " { deletedId userErrors { field code } } }",
        "mutation($id: ID!) { updateWebhookEndpoint(id: $id, input: {enabled: false})"
        " { webhookEndpoint { id } userErrors { field code } } }",
    ):
        answered = await api(mutation, other, id=endpoint_id)
        [payload] = answered.values()
        assert payload["userErrors"] == [{"field": ["id"], "code": "NOT_FOUND"}]
    bad = await api(
        'mutation { redeliverWebhook(id: "nope")'
        " { webhookDelivery { id } userErrors { field code } } }",
        token,
    )
    assert bad["redeliverWebhook"]["userErrors"] == [{"field": ["id"], "code": "INVALID"}]
    listed = await api("{ webhookEndpoints(first: 5) { totalCount } }", other)
    assert listed["webhookEndpoints"]["totalCount"] == 0


async def test_at_most_the_configured_endpoints_per_account(api: Api) -> None:
    token = await api.token()
    limit = api.hooks.services.settings.webhooks_max_endpoints
    for i in range(limit):
        made = await api(CREATE, token, input={"url": f"http://127.0.0.1:9/{i}"})
        assert made["createWebhookEndpoint"]["userErrors"] == []
    over = (await api(CREATE, token, input={"url": "http://127.0.0.1:9/over"}))[
        "createWebhookEndpoint"
    ]
    assert [e["code"] for e in over["userErrors"]] == ["CONFLICT"]


async def test_a_page_of_deliveries_costs_the_same_statements_at_any_size(api: Api) -> None:
    token = await api.token()
    services = api.hooks.services
    caller = await services.accounts.authenticate_token(token)
    with receiver(*([500] * 30)) as rx:
        await api(CREATE, token, input={"url": rx.url})
        await api(CREATE, token, input={"url": rx.url + "/2"})
        for i in range(6):
            await services.clients.create(caller, ClientChanges({"first_name": f"N{i}"}))
        await WebhookWorker(services).drain()
    counts = []
    for first in (2, 12):
        with counting_statements(services) as counter:
            page = await api(DELIVERIES, token, endpoint=None, first=first)
        assert len(page["webhookDeliveries"]["edges"]) == first
        counts.append(counter.count)
    assert counts[0] == counts[1], counts
