"""Query limits, introspection switch, field suggestions, and masking of unexpected errors."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware

from clientgate.container import Services
from core.clients.service import ClientService
from graphql_api.app import face
from graphql_api.config import GraphQLConfig
from graphql_api.extensions import MASKED_MESSAGE
from httpkit.logging import RequestContextMiddleware, configure_logging
from tests.graphql_api.conftest import answer

Client = Callable[..., Any]


@asynccontextmanager
async def graphql_client(
    services: Services, clients: ClientService | None = None, **settings: Any
) -> AsyncIterator[httpx.AsyncClient]:
    """/graphql alone, on the shared database, with other settings (and services)."""
    changed = dataclasses.replace(services, clients=clients or services.clients)
    config = dataclasses.replace(GraphQLConfig(), **settings)
    app = Starlette(
        routes=face(changed, config).routes, middleware=[Middleware(RequestContextMiddleware)]
    )
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def post(client: httpx.AsyncClient, token: str, query: str) -> dict[str, Any]:
    response = await client.post(
        "/graphql", json={"query": query}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_depth_limit(services: Services, make_account: Any) -> None:
    acc = await make_account("PE")
    async with graphql_client(services, max_depth=3) as client:
        fine = await post(client, acc.token, "{ clients { edges { node { id } } } }")
        assert "errors" not in fine, fine
        deep = await post(
            client, acc.token, "{ clients { edges { node { paymentType { name } } } } }"
        )
    assert deep["data"] is None
    assert "exceeds maximum operation depth of 3" in deep["errors"][0]["message"]
    assert deep["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_alias_limit(services: Services, make_account: Any) -> None:
    acc = await make_account("PE")
    async with graphql_client(services, max_aliases=2) as client:
        fine = await post(client, acc.token, "{ a: paymentTypes { id } b: priceLists { id } }")
        assert "errors" not in fine, fine
        many = await post(
            client,
            acc.token,
            "{ a: paymentTypes { id } b: paymentTypes { id } c: paymentTypes { id } }",
        )
    assert many["data"] is None
    assert "aliases" in many["errors"][0]["message"]


async def test_token_limit(services: Services, make_account: Any) -> None:
    acc = await make_account("PE")
    async with graphql_client(services, max_tokens=20) as client:
        fine = await post(client, acc.token, "{ paymentTypes { id } }")
        assert "errors" not in fine, fine
        long = await post(client, acc.token, "{ paymentTypes { " + "id " * 30 + "} }")
    assert long["data"] is None
    assert "token" in long["errors"][0]["message"].lower()


async def test_default_limits_refuse_abuse(http: httpx.AsyncClient, make_account: Any) -> None:
    acc = await make_account("PE")
    aliases = " ".join(f"a{i}: paymentTypes {{ id }}" for i in range(40))
    body = (
        await http.post(
            "/graphql",
            json={"query": f"{{ {aliases} }}"},
            headers={"Authorization": f"Bearer {acc.token}"},
        )
    ).json()
    assert body["data"] is None and "aliases" in body["errors"][0]["message"]


INTROSPECTION = "{ __schema { queryType { name } } }"


async def test_introspection_on_and_off(services: Services, make_account: Any) -> None:
    acc = await make_account("PE")
    async with graphql_client(services, introspection=True) as client:
        on = await post(client, acc.token, INTROSPECTION)
        typo = await post(client, acc.token, "{ clients { edgs { cursor } } }")
    assert answer(on) == {"data": {"__schema": {"queryType": {"name": "Query"}}}}
    assert "Did you mean 'edges'?" in typo["errors"][0]["message"]

    async with graphql_client(services, introspection=False) as client:
        off = await post(client, acc.token, INTROSPECTION)
        typed = await post(client, acc.token, '{ __type(name: "Client") { name } }')
        typo = await post(client, acc.token, "{ clients { edgs { cursor } } }")
        enum = await post(client, acc.token, "{ clients(sort: {field: COD}) { totalCount } }")
        normal = await post(client, acc.token, "{ paymentTypes { id } }")
    assert off["data"] is None and "introspection" in off["errors"][0]["message"].lower()
    assert typed["data"] is None
    message = typo["errors"][0]["message"]
    assert "edgs" in message and "Did you mean" not in message and "edges" not in message
    assert "Did you mean" not in enum["errors"][0]["message"]
    assert answer(normal) == {"data": {"paymentTypes": []}}


class ExplodingClients(ClientService):
    """A service with a bug: counting blows up with internal detail in the message."""

    async def count(self, *args: Any, **kwargs: Any) -> int:
        raise RuntimeError("connection to db-internal-7:5432 lost; password=hunter2")


async def test_unexpected_errors_are_masked_and_logged(
    services: Services, make_account: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    acc = await make_account("PE")
    # Log to the sys.stderr pytest captures now (the app configured logging earlier).
    configure_logging("INFO", json=True)
    broken = ExplodingClients(services.uow, services.clock)
    async with graphql_client(services, clients=broken, debug=False) as client:
        response = await client.post(
            "/graphql",
            json={"query": "{ clients { totalCount edges { cursor } } }"},
            headers={"Authorization": f"Bearer {acc.token}", "X-Request-ID": "req-mask-1"},
        )
        expected = await post(client, acc.token, "{ clients(first: -1) { totalCount } }")
    body = response.json()
    error = body["errors"][0]
    assert error["message"] == MASKED_MESSAGE
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-mask-1"}
    assert "hunter2" not in response.text and "db-internal" not in response.text
    assert body["data"] is None  # totalCount is non-null: the connection becomes null
    logged = capsys.readouterr().err
    entries = [json.loads(line) for line in logged.splitlines() if line.startswith("{")]
    [entry] = [e for e in entries if e["event"] == "graphql.unexpected_error"]
    assert entry["request_id"] == "req-mask-1" and entry["level"] == "error"
    assert "RuntimeError" in entry["exception"]  # the traceback is in the log, not the answer
    # Expected errors keep their message.
    assert expected["errors"][0]["message"] == "first: must be between 0 and 100"

    async with graphql_client(services, clients=broken, debug=True) as client:
        debug = await post(client, acc.token, "{ clients { totalCount } }")
    assert "db-internal-7" in debug["errors"][0]["message"]
