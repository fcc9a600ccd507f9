"""Automatic persisted queries (Apollo's protocol) on /graphql: a known hash runs its
document over POST and GET, an unknown one answers PersistedQueryNotFound, a hash that is not
the query's is refused, authentication still applies, and the store is bounded."""

from __future__ import annotations

import hashlib
import json
from typing import Any
from urllib.parse import urlencode

import httpx
from starlette.applications import Starlette
from starlette.routing import Route

from clientgate.container import Services
from graphql_api.app import GraphQLApp
from graphql_api.config import GraphQLConfig
from tests.graphql_api.test_clients_queries import _client

QUERY = "query Names { clients(first: 5) { nodes { firstName } } }"


def persisted(query: str, version: int = 1) -> dict[str, Any]:
    digest = hashlib.sha256(query.encode()).hexdigest()
    return {"persistedQuery": {"version": version, "sha256Hash": digest}}


async def test_a_known_hash_runs_its_document_over_post_and_get(
    http: httpx.AsyncClient, services: Services, make_account: Any
) -> None:
    acc = await make_account("PE")
    await _client(services, acc, first_name="Persistida")
    headers = {"Authorization": f"Bearer {acc.token}"}
    query = QUERY.replace("Names", "NamesKnown")
    missing = await http.post("/graphql", json={"extensions": persisted(query)}, headers=headers)
    assert missing.status_code == 200
    assert missing.json() == {
        "errors": [
            {
                "message": "PersistedQueryNotFound",
                "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"},
            }
        ]
    }
    full = await http.post(
        "/graphql", json={"query": query, "extensions": persisted(query)}, headers=headers
    )
    expected = {"clients": {"nodes": [{"firstName": "Persistida"}]}}
    assert full.json()["data"] == expected
    again = await http.post("/graphql", json={"extensions": persisted(query)}, headers=headers)
    assert again.status_code == 200
    assert again.json()["data"] == expected
    params = urlencode({"extensions": json.dumps(persisted(query))})
    got = await http.get(f"/graphql?{params}", headers=headers)
    assert got.status_code == 200
    assert got.json()["data"] == expected
    anonymous = await http.post("/graphql", json={"extensions": persisted(query)})
    assert anonymous.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_bad_persisted_queries_are_the_callers_error(
    http: httpx.AsyncClient, make_account: Any
) -> None:
    acc = await make_account("PE")
    headers = {"Authorization": f"Bearer {acc.token}"}
    other = persisted("{ __typename }")
    cases = [
        ({"query": QUERY, "extensions": other}, "provided sha does not match query"),
        ({"query": QUERY, "extensions": persisted(QUERY, version=2)}, "Unsupported"),
        ({"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "XY"}}}, "SHA-256"),
        ({"extensions": {"persistedQuery": "x"}}, "Unsupported"),
    ]
    for body, message in cases:
        response = await http.post("/graphql", json=body, headers=headers)
        assert response.status_code == 400, body
        error = response.json()["errors"][0]
        assert message in error["message"]
        assert error["extensions"]["code"] == "BAD_REQUEST"


async def test_the_store_is_bounded(services: Services, make_account: Any) -> None:
    acc = await make_account("PE")
    view = GraphQLApp(services, GraphQLConfig(persisted_queries=2))
    app = Starlette(routes=[Route("/graphql", view, methods=["GET", "POST"])])
    headers = {"Authorization": f"Bearer {acc.token}"}
    queries = [f"query Q{i} {{ __typename }}" for i in range(3)]
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as client:
        for query in queries:
            body = {"query": query, "extensions": persisted(query)}
            assert (await client.post("/graphql", json=body, headers=headers)).status_code == 200
        assert len(view.persisted) == 2
        found = []
        for query in queries:
            body = {"extensions": persisted(query)}
            answer = (await client.post("/graphql", json=body, headers=headers)).json()
            found.append("data" in answer)
    assert found == [False, True, True]  # the least recently used went first
