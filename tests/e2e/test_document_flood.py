"""A real server keeps answering while it is sent the doubling-fragment document (2^40
spreads): anonymous copies are refused before validation, authenticated ones are measured in
linear time, and ``/healthz`` answers throughout. Before the fix one anonymous copy pinned
the process at 100% CPU and ``/healthz`` never answered again."""

from __future__ import annotations

import asyncio
import json
import time

import httpx
import pytest

from tests.e2e.conftest import LiveServer
from tests.graphql_api.conftest import answer
from tests.graphql_api.test_document_work import doubling

pytestmark = pytest.mark.e2e

# Generous against a machine under load; the bug it guards against is unbounded.
BOUND_S = 2.0


async def _timed(client: httpx.AsyncClient, method: str, path: str, **kw: object) -> float:
    started = time.perf_counter()
    response = await client.request(method, path, **kw)  # type: ignore[arg-type]
    assert response.status_code == 200, response.text
    return time.perf_counter() - started


def test_health_answers_during_a_flood_of_doubling_documents(live_server: LiveServer) -> None:
    made = live_server.cli("accounts", "create", "--name", "Flood", "--country", "PE", "--json")
    token = json.loads(made.stdout)["token"]
    document = {"query": doubling()}
    aliased = {"query": doubling(body="a: __typename")}

    async def run() -> tuple[list[float], list[float], list[dict[str, object]]]:
        async with httpx.AsyncClient(base_url=live_server.base_url, timeout=30) as client:
            floods = [
                client.post("/graphql", json=document),
                client.post("/graphql", json=aliased),
                client.post("/graphql", json=document, headers={"access_token": token}),
                client.post("/graphql", json=aliased, headers={"access_token": token}),
            ] * 5
            answers = asyncio.gather(*floods)
            health = [await _timed(client, "GET", "/healthz") for _ in range(10)]
            started = time.perf_counter()
            bodies = [r.json() for r in await answers]
            flood = [time.perf_counter() - started]
            return health, flood, bodies

    health, flood, bodies = asyncio.run(run())
    assert max(health) < BOUND_S, health
    assert flood[0] < BOUND_S * 5, flood
    codes = sorted({e["extensions"]["code"] for b in bodies for e in b.get("errors", [])})  # type: ignore[attr-defined]
    assert codes == ["GRAPHQL_VALIDATION_FAILED", "UNAUTHENTICATED"], codes
    assert {"data": {"__typename": "Query"}} in [answer(b) for b in bodies if b.get("data")]
