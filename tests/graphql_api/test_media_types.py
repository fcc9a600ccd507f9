"""GraphQL over HTTP's ``application/graphql-response+json``: asked for in ``Accept``, it
comes with the draft's status codes; without it, today's ``application/json`` answers stay."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from limits.aio.storage import MemoryStorage

from clientgate.container import Services
from graphql_api.media import accepts_graphql_response
from httpkit.ratelimit import Limiter, parse_limits
from tests.graphql_api.test_cost import LIST, graphql

MODERN = "application/graphql-response+json"
QUERY = "{ paymentTypes { name } }"


@pytest.mark.parametrize(
    ("accept", "modern"),
    [
        (MODERN, True),
        ("application/graphql-response+json; charset=utf-8", True),
        ("application/json, application/graphql-response+json;q=0.9", True),
        ("Application/GraphQL-Response+JSON", True),
        ("application/graphql-response+json;q=0", False),
        ("application/json", False),
        ("*/*", False),
        ("", False),
    ],
)
def test_accept_header(accept: str, modern: bool) -> None:
    assert accepts_graphql_response(accept) is modern


async def _post(
    http: httpx.AsyncClient, body: Any, headers: dict[str, str], **kw: Any
) -> httpx.Response:
    return await http.post("/graphql", json=body, headers=headers, **kw)


async def test_request_errors_are_4xx_without_data(
    http: httpx.AsyncClient, make_account: Any
) -> None:
    acc = await make_account("PE")
    modern = {"access_token": acc.token, "Accept": MODERN}
    cases = [
        ({"query": "{ clients("}, "GRAPHQL_PARSE_FAILED"),
        ({"query": "{ nope }"}, "GRAPHQL_VALIDATION_FAILED"),
        (
            {"query": "query($n: Int!) { clients(first: $n) { totalCount } }", "variables": {}},
            None,
        ),
    ]
    for body, code in cases:
        response = await _post(http, body, modern)
        assert response.status_code == 400, response.text
        assert response.headers["content-type"] == MODERN
        answer = response.json()
        assert "data" not in answer
        if code:
            assert answer["errors"][0]["extensions"]["code"] == code
        legacy = await _post(http, body, {"access_token": acc.token})
        assert legacy.status_code == 200
        assert legacy.headers["content-type"] == "application/json"
        assert legacy.json()["data"] is None

    for raw in (b"{not json", b'{"variables": {}}'):
        bad = await http.post(
            "/graphql", content=raw, headers={**modern, "content-type": "application/json"}
        )
        assert bad.status_code == 400, bad.text
        assert bad.headers["content-type"] == MODERN
        assert bad.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"

    anonymous = await _post(http, {"query": QUERY}, {"Accept": MODERN})
    assert anonymous.status_code == 401
    assert anonymous.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert "data" not in anonymous.json()


async def test_executed_operations_are_200_even_with_field_errors(
    http: httpx.AsyncClient, make_account: Any
) -> None:
    acc = await make_account("PE")
    modern = {"access_token": acc.token, "Accept": f"{MODERN}, application/json;q=0.9"}
    ok = await _post(http, {"query": QUERY}, modern)
    assert ok.status_code == 200
    assert ok.headers["content-type"] == MODERN
    assert ok.json()["data"] == {"paymentTypes": []}
    # A field error (a bad global id): execution started, so 200 with data and errors.
    failed = await _post(
        http, {"query": '{ paymentTypes { name } client(id: "x") { id } }'}, modern
    )
    assert failed.status_code == 200, failed.text
    body = failed.json()
    assert body["data"] == {"paymentTypes": [], "client": None}
    assert body["errors"][0]["path"] == ["client"]
    legacy = await _post(http, {"query": '{ client(id: "x") { id } }'}, {"access_token": acc.token})
    assert legacy.status_code == 200
    assert legacy.headers["content-type"] == "application/json"


async def test_throttled_is_429_with_retry_after(services: Services, make_account: Any) -> None:
    acc = await make_account("PE")
    limiter = Limiter(parse_limits("100/minute"), MemoryStorage())
    headers = {"Authorization": f"Bearer {acc.token}", "Accept": MODERN}
    body = {"query": LIST, "variables": {"n": 2}}
    async with graphql(services, limiter) as client:
        assert (await client.post("/graphql", json=body, headers=headers)).status_code == 200
        refused = await client.post("/graphql", json=body, headers=headers)
        assert refused.status_code == 429, refused.text
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        assert refused.json()["errors"][0]["extensions"]["code"] == "THROTTLED"
        legacy = await client.post(
            "/graphql", json=body, headers={"Authorization": f"Bearer {acc.token}"}
        )
        assert legacy.status_code == 200
        assert "retry-after" not in legacy.headers


async def test_other_methods_answer_405_in_the_negotiated_type(http: httpx.AsyncClient) -> None:
    for method in ("PUT", "PATCH", "DELETE"):
        response = await http.request(method, "/graphql", json={"query": QUERY})
        assert response.status_code == 405, method
        assert response.headers["content-type"] == "application/json"
        assert {"GET", "POST"} <= set(response.headers["allow"].split(", "))
        assert response.json() == {
            "errors": [
                {"message": "Method not allowed.", "extensions": {"code": "METHOD_NOT_ALLOWED"}}
            ]
        }
    modern = await http.put("/graphql", json={"query": QUERY}, headers={"Accept": MODERN})
    assert modern.status_code == 405
    assert modern.headers["content-type"] == MODERN
