"""The calling account's API tokens over GraphQL (``apiTokens``, ``createApiToken``,
``revokeApiToken``) on SQLite and PostgreSQL: rotation without downtime, a revoked or expired
token refused at once on every face, secrets shown once and never again (nor logged)."""

from __future__ import annotations

import base64
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from clientgate.app import create_app
from clientgate.container import Services, build_services
from core.shared.clock import FixedClock
from tests.conftest import make_settings

CREATE = """
mutation($input: CreateApiTokenInput!) {
  createApiToken(input: $input) {
    secret
    apiToken { id databaseId label state current createdAt lastUsedAt expiresAt revokedAt }
    userErrors { field message code }
  }
}"""

REVOKE = """
mutation($id: ID!) {
  revokeApiToken(id: $id) {
    apiToken { id label state current revokedAt }
    userErrors { field message code }
  }
}"""

LIST = """
query($first: Int!, $after: String) {
  apiTokens(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id databaseId label state current createdAt lastUsedAt expiresAt
      revokedAt } }
  }
}"""

NODE = """query($id: ID!) { node(id: $id) { id ... on ApiToken { label state } } }"""


async def post(http: httpx.AsyncClient, token: str, query: str, **variables: Any) -> Any:
    response = await http.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.text
    return response.json()


async def rest_status(http: httpx.AsyncClient, token: str) -> int:
    return (await http.get("/v1/clients/count.json", headers={"access_token": token})).status_code


def unauthenticated(body: dict[str, Any]) -> bool:
    return [e["extensions"]["code"] for e in body.get("errors", [])] == ["UNAUTHENTICATED"]


async def test_a_token_is_rotated_without_downtime(
    http: httpx.AsyncClient, make_account: Any
) -> None:
    old = (await make_account("PE")).token
    created = (await post(http, old, CREATE, input={"label": "ERP, rotated"}))["data"][
        "createApiToken"
    ]
    assert created["userErrors"] == []
    new, node = created["secret"], created["apiToken"]
    assert new.startswith("cg_") and new != old
    assert node["label"] == "ERP, rotated" and node["state"] == "ACTIVE"
    assert node["current"] is False and node["lastUsedAt"] is None and node["expiresAt"] is None
    # Both work while the callers move over.
    assert await rest_status(http, old) == 200 and await rest_status(http, new) == 200
    listed = (await post(http, new, LIST, first=10))["data"]["apiTokens"]
    by_label = {e["node"]["label"]: e["node"] for e in listed["edges"]}
    assert set(by_label) == {"default", "ERP, rotated"} and listed["totalCount"] == 2
    assert by_label["ERP, rotated"]["current"] is True and by_label["default"]["current"] is False
    assert by_label["ERP, rotated"]["lastUsedAt"] is not None
    # The old one is revoked: refused at once on every face, the new one carries on.
    revoked = (await post(http, new, REVOKE, id=by_label["default"]["id"]))["data"][
        "revokeApiToken"
    ]
    assert revoked["userErrors"] == [] and revoked["apiToken"]["state"] == "REVOKED"
    assert revoked["apiToken"]["revokedAt"] is not None
    assert await rest_status(http, old) == 401
    assert unauthenticated(await post(http, old, LIST, first=1))
    assert await rest_status(http, new) == 200
    assert (await post(http, new, LIST, first=1))["data"]["apiTokens"]["totalCount"] == 2


async def test_secrets_are_shown_once_and_never_listed_nor_logged(
    http: httpx.AsyncClient, make_account: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    first = (await make_account("PE")).token
    secrets = [first]
    for label in ("a", "b", "c"):
        body = await post(http, first, CREATE, input={"label": label})
        secrets.append(body["data"]["createApiToken"]["secret"])
    pages, after = [], None
    while True:
        response = await http.post(
            "/graphql",
            json={"query": LIST, "variables": {"first": 3, "after": after}},
            headers={"access_token": secrets[-1]},
        )
        assert not any(secret in response.text for secret in secrets)
        page = response.json()["data"]["apiTokens"]
        pages.append([e["node"]["label"] for e in page["edges"]])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert pages == [["default", "a", "b"], ["c"]]
    assert page["pageInfo"]["hasPreviousPage"] is True and page["totalCount"] == 4
    logged = capsys.readouterr()
    assert "request" in logged.err  # the access lines were captured
    assert not any(secret in logged.out + logged.err for secret in secrets)


async def test_another_accounts_token_is_not_found(
    http: httpx.AsyncClient, make_account: Any
) -> None:
    mine = (await make_account("PE")).token
    theirs = (await make_account("CL")).token
    their_id = (await post(http, theirs, LIST, first=1))["data"]["apiTokens"]["edges"][0]["node"][
        "id"
    ]
    body = (await post(http, mine, REVOKE, id=their_id))["data"]["revokeApiToken"]
    assert body == {
        "apiToken": None,
        "userErrors": [{"field": ["id"], "message": "API token not found", "code": "NOT_FOUND"}],
    }
    assert (await post(http, mine, NODE, id=their_id))["data"]["node"] is None
    assert (await post(http, theirs, NODE, id=their_id))["data"]["node"]["state"] == "ACTIVE"
    assert await rest_status(http, theirs) == 200
    not_a_token = base64.b64encode(b"Client:1").decode()
    body = (await post(http, mine, REVOKE, id=not_a_token))["data"]["revokeApiToken"]
    assert [(e["field"], e["code"]) for e in body["userErrors"]] == [(["id"], "INVALID")]


async def test_a_token_may_revoke_itself(http: httpx.AsyncClient, make_account: Any) -> None:
    token = (await make_account("PE")).token
    mine = (await post(http, token, LIST, first=1))["data"]["apiTokens"]["edges"][0]["node"]
    assert mine["current"] is True
    body = (await post(http, token, REVOKE, id=mine["id"]))["data"]["revokeApiToken"]
    assert body["apiToken"]["state"] == "REVOKED" and body["apiToken"]["current"] is True
    assert await rest_status(http, token) == 401


@pytest.mark.parametrize(
    ("given", "field", "code"),
    [
        ({"label": ""}, ["input", "label"], "REQUIRED"),
        ({"label": "x" * 101}, ["input", "label"], "TOO_LONG"),
        ({"label": "a\u0000b"}, None, None),  # refused before it runs (NUL in variables)
        (
            {"label": "x", "expiresAt": "2020-01-01T00:00:00Z"},
            ["input", "expiresAt"],
            "OUT_OF_RANGE",
        ),
        (
            {"label": "x", "expiresAt": "9999-12-31T23:59:59-05:00"},
            ["input", "expiresAt"],
            "OUT_OF_RANGE",
        ),
    ],
)
async def test_bad_inputs_are_user_errors(
    http: httpx.AsyncClient,
    make_account: Any,
    given: dict[str, Any],
    field: list[str] | None,
    code: str | None,
) -> None:
    token = (await make_account("PE")).token
    response = await http.post(
        "/graphql",
        json={"query": CREATE, "variables": {"input": given}},
        headers={"access_token": token},
    )
    assert response.status_code in (200, 400), response.text
    body = response.json()
    if field is None:
        assert body.get("errors") and not (body.get("data") or {}).get("createApiToken")
    else:
        payload = body["data"]["createApiToken"]
        assert payload["secret"] is None and payload["apiToken"] is None
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(field, code)]
    listed = (await post(http, token, LIST, first=5))["data"]["apiTokens"]
    assert listed["totalCount"] == 1  # nothing was written


@pytest.fixture
async def clocked_app(
    services: Services, tmp_path: Path
) -> AsyncIterator[tuple[httpx.AsyncClient, FixedClock]]:
    """The app over the test database on a clock the test moves."""
    clock = FixedClock(int(time.time()))
    settings = make_settings(services.settings.database_url, tmp_path)
    svc = build_services(settings, clock=clock)
    transport = httpx.ASGITransport(app=create_app(settings, svc))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            yield client, clock
    finally:
        await svc.close()


async def test_an_expired_token_is_refused_at_once(
    clocked_app: tuple[httpx.AsyncClient, FixedClock], make_account: Any
) -> None:
    http, clock = clocked_app
    token = (await make_account("PE")).token
    expires = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(clock.now() + 60))
    created = (await post(http, token, CREATE, input={"label": "1 min", "expiresAt": expires}))[
        "data"
    ]["createApiToken"]
    short = created["secret"]
    assert created["apiToken"]["expiresAt"].startswith(expires[:19])
    clock.advance(59)
    assert await rest_status(http, short) == 200
    clock.advance(1)
    assert await rest_status(http, short) == 401
    assert unauthenticated(await post(http, short, LIST, first=1))
    listed = (await post(http, token, LIST, first=5))["data"]["apiTokens"]["edges"]
    assert [e["node"]["state"] for e in listed] == ["ACTIVE", "EXPIRED"]
