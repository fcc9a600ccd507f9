"""GraphQL over HTTP: methods, bodies, credentials, GraphiQL page and its static files."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import httpx
import pytest

from core.accounts.model import UserKind
from graphql_api.graphiql import ASSETS, NODE_MODULES, assets_available, graphiql_html
from tests.conftest import IN_CI
from tests.graphql_api.conftest import answer

QUERY = "{ paymentTypes { name } }"


async def test_get_runs_queries(http: httpx.AsyncClient, make_account: Any) -> None:
    acc = await make_account("PE")
    response = await http.get(
        "/graphql", params={"query": QUERY}, headers={"access_token": acc.token}
    )
    assert response.status_code == 200
    assert answer(response.json()) == {"data": {"paymentTypes": []}}


async def test_get_refuses_mutations(http: httpx.AsyncClient, make_account: Any) -> None:
    acc = await make_account("PE")
    response = await http.get(
        "/graphql",
        params={
            "query": 'mutation { createPaymentType(input: {name: "x"}) { userErrors { code } } }'
        },
        headers={"access_token": acc.token},
    )
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert response.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"
    listed = await http.post("/graphql", json={"query": QUERY}, headers={"access_token": acc.token})
    assert answer(listed.json()) == {"data": {"paymentTypes": []}}  # nothing was created


async def test_malformed_bodies_are_400_with_a_graphql_error(
    http: httpx.AsyncClient, make_account: Any
) -> None:
    acc = await make_account("PE")
    auth = {"access_token": acc.token}
    cases = [
        (b"{not json", "application/json"),
        (b'{"query": 5}', "application/json"),
        (b'{"query": "{ paymentTypes { name } }", "variables": [1]}', "application/json"),
        (b"query=x", "text/plain"),
        (b"", "application/json"),
    ]
    for body, content_type in cases:
        response = await http.post(
            "/graphql", content=body, headers={**auth, "content-type": content_type}
        )
        assert response.status_code == 400, (body, response.text)
        error = response.json()["errors"][0]
        assert error["extensions"]["code"] == "BAD_REQUEST" and error["message"], body
    syntax = await http.post("/graphql", json={"query": "{ clients("}, headers=auth)
    assert syntax.status_code == 200
    assert syntax.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"


async def test_other_methods_are_405(http: httpx.AsyncClient) -> None:
    assert (await http.put("/graphql", json={"query": QUERY})).status_code == 405
    assert (await http.delete("/graphql")).status_code == 405


async def test_credentials(http: httpx.AsyncClient, services: Any, make_account: Any) -> None:
    acc = await make_account("PE")
    for headers in (
        {"access_token": acc.token},
        {"Authorization": f"Bearer {acc.token}"},
    ):
        response = await http.post("/graphql", json={"query": QUERY}, headers=headers)
        assert answer(response.json()) == {"data": {"paymentTypes": []}}, headers
    async with services.uow() as uow:
        user = await services.accounts.create_user(
            uow, acc.account.id, f"api-user-{acc.account.id}", UserKind.API
        )
        await uow.commit()
    basic = base64.b64encode(f"{user.user.username}:{user.password}".encode()).decode()
    response = await http.post(
        "/graphql", json={"query": QUERY}, headers={"Authorization": f"Basic {basic}"}
    )
    assert answer(response.json()) == {"data": {"paymentTypes": []}}

    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic !!"}):
        response = await http.post("/graphql", json={"query": QUERY}, headers=headers)
        assert response.status_code == 200
        body = response.json()
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", headers


async def test_graphiql_page_uses_local_assets(http: httpx.AsyncClient) -> None:
    if not assets_available():
        if IN_CI:
            pytest.fail("GraphiQL's assets are missing in CI: `make assets` must install them")
        pytest.skip("GraphiQL's assets are not installed (run `make assets`)")
    response = await http.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "/static/graphiql/graphiql.min.js" in response.text
    assert "unpkg.com" not in response.text and "cdn" not in response.text.lower()
    for name in ASSETS:
        asset = await http.get(f"/static/graphiql/{name}")
        assert asset.status_code == 200, name
        assert len(asset.content) > 100


async def test_static_serves_only_the_listed_files(http: httpx.AsyncClient) -> None:
    for name in ("package.json", "..%2Fpackage.json", "graphiql.js", "react%2Fpackage.json"):
        assert (await http.get(f"/static/graphiql/{name}")).status_code == 404, name


def test_cdn_fallback_without_node_modules(tmp_path: Path) -> None:
    html = graphiql_html(tmp_path / "node_modules")
    assert "unpkg.com/graphiql" in html
    if NODE_MODULES.exists():
        assert "/static/graphiql/" in graphiql_html(NODE_MODULES)


async def test_nul_characters_are_refused_before_the_database(
    http: httpx.AsyncClient, make_account: Any
) -> None:
    """PostgreSQL cannot store NUL in text: it is refused at the door on both backends."""
    acc = await make_account("PE")
    auth = {"Authorization": f"Bearer {acc.token}"}
    mutation = "mutation($i: CreateClientInput!) { createClient(input: $i) { client { id } } }"
    cases = [
        {"query": mutation, "variables": {"i": {"firstName": "a\u0000b"}}},
        {"query": '{ clientByCode(code: "a\\u0000b") { id } }'},
        {
            "query": "query($f: ClientFilterInput) { clients(filter: $f) { totalCount } }",
            "variables": {"f": {"firstName": "x\u0000"}},
        },
    ]
    for payload in cases:
        response = await http.post("/graphql", json=payload, headers=auth)
        assert response.status_code == 400, response.text
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    listed = await http.post("/graphql", json={"query": "{ clients { totalCount } }"}, headers=auth)
    assert answer(listed.json()) == {"data": {"clients": {"totalCount": 0}}}


def test_websocket_route_speaks_graphql_transport_ws(services: Any) -> None:
    """Subscriptions share /graphql over WebSocket (the app gets services of its own: the
    test client runs its own event loop)."""
    from starlette.testclient import TestClient

    from clientgate.app import create_app
    from clientgate.container import build_services

    app = create_app(services.settings, build_services(services.settings))
    with (
        TestClient(app) as client,
        client.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws,
    ):
        ws.send_json({"type": "connection_init"})
        assert ws.receive_json() == {"type": "connection_ack"}
        ws.send_json({"type": "ping"})
        assert ws.receive_json()["type"] == "pong"


async def test_a_body_that_is_json_but_not_an_object_is_400(
    http: httpx.AsyncClient, make_account: Any
) -> None:
    acc = await make_account("PE")
    for body in (b"null", b"1", b'"{ paymentTypes { name } }"', b"true"):
        response = await http.post(
            "/graphql",
            content=body,
            headers={"access_token": acc.token, "content-type": "application/json"},
        )
        assert response.status_code == 400, (body, response.text)
        assert response.json() == {
            "errors": [
                {
                    "message": "The GraphQL request body must be a JSON object.",
                    "extensions": {"code": "BAD_REQUEST"},
                }
            ]
        }
    # GET's variables keep Strawberry's own message.
    response = await http.get(
        "/graphql", params={"query": QUERY, "variables": "1"}, headers={"access_token": acc.token}
    )
    assert response.status_code == 400
    assert "`variables` must be an object" in response.json()["errors"][0]["message"]


async def test_an_unknown_static_file_is_a_json_404(http: httpx.AsyncClient) -> None:
    response = await http.get("/static/graphiql/%C2%B2")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"error": "Not found."}


async def test_only_graphql_paths_answer_graphql_errors(http: httpx.AsyncClient) -> None:
    under = await http.get("/graphql/x")
    assert under.status_code == 404
    assert under.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    beside = await http.get("/graphqlx")
    assert beside.status_code == 404
    assert beside.json() == {"error": "Not found."}
