"""``Idempotency-Key`` on ``POST /graphql``: mutations are replayed, refused mutations keep
nothing, queries simply run (graphql_api/idempotency.py)."""

# ruff: noqa: E501 - GraphQL documents read best on one line

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import orjson

from clientgate.container import Services
from core.accounts.model import NewAccount
from core.clients.model import ClientFilter
from graphql_api.idempotency import MutationRequests, mutation_succeeded
from tests.support.callers import caller

CREATE = "mutation Create($input: CreateClientInput!) { createClient(input: $input) { client { id firstName code } userErrors { field message code } } }"
COUNT = "query Count { clients(first: 1) { totalCount } }"
CODE = "20100070970"


def request(query: str, variables: dict[str, Any] | None = None, **extra: Any) -> bytes:
    return orjson.dumps({"query": query, "variables": variables or {}, **extra})


def keyed(account: NewAccount, key: str) -> dict[str, str]:
    return {
        "Authorization": f"Bearer {account.token}",
        "Idempotency-Key": key,
        "content-type": "application/json",
    }


async def test_a_mutation_is_replayed_byte_for_byte(
    http: httpx.AsyncClient, services: Services, make_account: Callable[..., Any]
) -> None:
    account = await make_account("PE")
    create = request(CREATE, {"input": {"firstName": "Ana", "code": CODE}})
    first = await http.post("/graphql", content=create, headers=keyed(account, "m-1"))
    assert first.status_code == 200, first.text
    assert first.json()["data"]["createClient"]["userErrors"] == []
    again = await http.post("/graphql", content=create, headers=keyed(account, "m-1"))
    assert again.content == first.content
    assert again.headers["idempotent-replayed"] == "true"
    assert await services.clients.count(caller(account.account), ClientFilter(code=CODE)) == 1
    other = await http.post(
        "/graphql",
        content=request(CREATE, {"input": {"firstName": "Otra", "code": CODE}}),
        headers=keyed(account, "m-1"),
    )
    assert other.status_code == 422
    assert other.json()["errors"][0]["extensions"]["code"] == "UNPROCESSABLE_CONTENT"


async def test_a_refused_mutation_keeps_nothing(
    http: httpx.AsyncClient, services: Services, make_account: Callable[..., Any]
) -> None:
    account = await make_account("PE")
    bad = request(CREATE, {"input": {"firstName": "Ana", "code": CODE, "email": "not-an-email"}})
    refused = await http.post("/graphql", content=bad, headers=keyed(account, "m-fix"))
    assert refused.json()["data"]["createClient"]["userErrors"], refused.text
    fixed = request(CREATE, {"input": {"firstName": "Ana", "code": CODE}})
    done = await http.post("/graphql", content=fixed, headers=keyed(account, "m-fix"))
    assert done.json()["data"]["createClient"]["userErrors"] == []
    assert "idempotent-replayed" not in done.headers
    assert await services.clients.count(caller(account.account), ClientFilter(code=CODE)) == 1


async def test_a_query_with_a_key_simply_runs(
    http: httpx.AsyncClient, make_account: Callable[..., Any]
) -> None:
    account = await make_account("PE")
    before = await http.post("/graphql", content=request(COUNT), headers=keyed(account, "q"))
    assert before.json()["data"]["clients"]["totalCount"] == 0
    await http.post(
        "/graphql",
        content=request(CREATE, {"input": {"firstName": "Ana"}}),
        headers={"Authorization": f"Bearer {account.token}", "content-type": "application/json"},
    )
    after = await http.post("/graphql", content=request(COUNT), headers=keyed(account, "q"))
    assert after.json()["data"]["clients"]["totalCount"] == 1
    assert "idempotent-replayed" not in after.headers


def test_which_requests_are_mutations() -> None:
    is_mutation = MutationRequests(max_tokens=100)
    assert is_mutation(request(CREATE))
    assert is_mutation(request(f"{COUNT} {CREATE}", operationName="Create"))
    assert not is_mutation(request(f"{COUNT} {CREATE}", operationName="Count"))
    assert not is_mutation(request(f"{COUNT} {CREATE}"))  # ambiguous: refused by the face
    assert not is_mutation(request(COUNT))
    assert not is_mutation(b"{not json")
    assert not is_mutation(request("mutation {"))
    assert not is_mutation(orjson.dumps({"query": 5}))
    many_tokens = "mutation { " + "a " * 200 + "}"
    assert not is_mutation(request(many_tokens))  # past the token limit: not even parsed


def test_which_answers_are_kept() -> None:
    ok = orjson.dumps({"data": {"a": {"userErrors": []}, "b": {"client": None}}})
    assert mutation_succeeded(200, ok)
    assert not mutation_succeeded(503, ok)
    assert not mutation_succeeded(200, orjson.dumps({"data": {"a": {"userErrors": [{}]}}}))
    assert not mutation_succeeded(200, orjson.dumps({"data": None, "errors": [{"message": "x"}]}))
    assert not mutation_succeeded(200, b"not json")
