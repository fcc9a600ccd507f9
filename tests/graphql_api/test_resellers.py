"""GraphQL of the resellers context through the app's ``/graphql``, on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from clientgate.container import Services
from core.resellers.errors import RESELLERS_ONLY
from graphql_api.schema import build_schema
from tests.storage.test_resellers_service import counts, new_ruc

ONBOARD = """
mutation($input: [OnboardClientInput!]!) {
  onboardClients(input: $input) {
    createdClients { accountId ruc companyName
      accessApi { username password } accessWeb { username password } }
    updatedClients { accountId ruc companyName }
    userErrors { index ruc field message code }
  }
}"""

LIST = """
query($first: Int, $after: String, $filter: OnboardedAccountFilter) {
  onboardedAccounts(first: $first, after: $after, filter: $filter) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id databaseId ruc companyName validatorEntity integrationType
      hasExternalOsePassword externalOseUsername isOseValidationOnly createdAt updatedAt } }
  }
}"""

ONE = """
query($id: ID!) { onboardedAccount(id: $id) { id ruc companyName hasExternalOsePassword } }"""

UPDATE = """
mutation($id: ID!, $input: OnboardedAccountInput!) {
  updateOnboardedAccount(id: $id, input: $input) {
    account { id companyName email validatorEntity hasExternalOsePassword externalOseUsername }
    userErrors { field message code }
  }
}"""

ME = """{ me { account { id databaseId name country isReseller } user { id username kind } } }"""

CHANGE = """
mutation($input: ChangeCredentialsInput!) {
  changeCredentials(input: $input) { user { username kind } userErrors { field message code } }
}"""


@pytest.fixture
def gql_http(http: httpx.AsyncClient) -> httpx.AsyncClient:
    """The app's own client: ``/graphql`` and ``/auth/login`` of the real application."""
    return http


def gql_item(ruc: str, **overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "ruc": ruc,
        "companyName": f"Company {ruc}",
        "validatorEntity": "SUNAT",
        "integrationType": "JSON",
        "email": "billing@example.pe",
    }
    base.update(overrides)
    return base


async def run(
    client: httpx.AsyncClient, query: str, headers: dict[str, str], **variables: Any
) -> dict[str, Any]:
    answer = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def basic(username: str, password: str) -> dict[str, str]:
    return {
        "Authorization": "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()
    }


async def test_onboard_create_update_and_item_errors(
    gql_http: httpx.AsyncClient, services: Services, make_account: Callable[..., Any]
) -> None:
    reseller = bearer((await make_account("PE", is_reseller=True)).token)
    ruc = new_ruc()
    data = (await run(gql_http, ONBOARD, reseller, input=[gql_item(ruc)]))["onboardClients"]
    assert data["userErrors"] == [] and data["updatedClients"] == []
    [created] = data["createdClients"]
    assert created["accessApi"]["username"] == ruc
    assert created["accessWeb"]["username"].startswith(ruc)
    assert len(created["accessApi"]["password"]) == 15

    again = await run(gql_http, ONBOARD, reseller, input=[gql_item(ruc, companyName="New")])
    assert again["onboardClients"]["createdClients"] == []
    assert again["onboardClients"]["updatedClients"] == [
        {"accountId": created["accountId"], "ruc": ruc, "companyName": "New"}
    ]

    before = await counts(services)
    bad = await run(
        gql_http,
        ONBOARD,
        reseller,
        input=[
            gql_item(new_ruc()),
            gql_item("123"),
            gql_item(new_ruc(), validatorEntity="OSE_EFACT", externalOseUsername="u"),
        ],
    )
    errors = bad["onboardClients"]["userErrors"]
    assert [(e["index"], e["field"], e["code"]) for e in errors] == [
        (1, ["input", "1", "ruc"], "INVALID_TAX_ID"),
        (2, ["input", "2", "externalOsePassword"], "REQUIRED"),
    ]
    assert bad["onboardClients"]["createdClients"] == []
    assert await counts(services) == before


async def test_onboard_is_for_resellers_only(
    gql_http: httpx.AsyncClient, services: Services, make_account: Callable[..., Any]
) -> None:
    plain = bearer((await make_account("PE")).token)
    before = await counts(services)
    data = await run(gql_http, ONBOARD, plain, input=[gql_item(new_ruc())])
    [error] = data["onboardClients"]["userErrors"]
    assert (error["index"], error["code"]) == (None, "FORBIDDEN")
    assert await counts(services) == before
    unauthenticated = await gql_http.post(
        "/graphql", json={"query": ONBOARD, "variables": {"input": [gql_item(new_ruc())]}}
    )
    assert unauthenticated.json()["errors"]
    assert await counts(services) == before


async def test_connection_filters_and_isolation(
    gql_http: httpx.AsyncClient, make_account: Callable[..., Any]
) -> None:
    mine = bearer((await make_account("PE", is_reseller=True)).token)
    theirs = bearer((await make_account("PE", is_reseller=True)).token)
    items = [
        gql_item(new_ruc()),
        gql_item(new_ruc(), validatorEntity="OSE_GIOR", isOseValidationOnly=True),
        gql_item(
            new_ruc(),
            validatorEntity="OSE_NUBEFACT",
            externalOseUsername="nf",
            externalOsePassword="s3cret-pass",
        ),
    ]
    created = (await run(gql_http, ONBOARD, mine, input=items))["onboardClients"]["createdClients"]
    other = (await run(gql_http, ONBOARD, theirs, input=[gql_item(new_ruc())]))["onboardClients"][
        "createdClients"
    ][0]

    page1 = (await run(gql_http, LIST, mine, first=2))["onboardedAccounts"]
    assert page1["totalCount"] == 3
    assert page1["pageInfo"]["hasNextPage"] is True
    assert page1["pageInfo"]["hasPreviousPage"] is False
    assert [e["node"]["id"] for e in page1["edges"]] == [c["accountId"] for c in created[:2]]
    page2 = (await run(gql_http, LIST, mine, first=2, after=page1["pageInfo"]["endCursor"]))[
        "onboardedAccounts"
    ]
    assert [e["node"]["id"] for e in page2["edges"]] == [created[2]["accountId"]]
    assert page2["pageInfo"]["hasNextPage"] is False
    node = page2["edges"][0]["node"]
    assert node["hasExternalOsePassword"] is True
    assert node["validatorEntity"] == "OSE_NUBEFACT"
    assert node["externalOseUsername"] == "nf"

    giors = (await run(gql_http, LIST, mine, filter={"validatorEntity": "OSE_GIOR"}))[
        "onboardedAccounts"
    ]
    assert [e["node"]["ruc"] for e in giors["edges"]] == [items[1]["ruc"]]
    assert giors["edges"][0]["node"]["isOseValidationOnly"] is True
    by_ruc = (await run(gql_http, LIST, mine, filter={"ruc": items[2]["ruc"]}))["onboardedAccounts"]
    assert by_ruc["totalCount"] == 1
    future = await run(gql_http, LIST, mine, filter={"createdSince": "2999-01-01T00:00:00Z"})
    assert future["onboardedAccounts"]["totalCount"] == 0
    recent = await run(gql_http, LIST, mine, filter={"updatedSince": "2000-01-01T00:00:00Z"})
    assert recent["onboardedAccounts"]["totalCount"] == 3

    one = (await run(gql_http, ONE, mine, id=created[0]["accountId"]))["onboardedAccount"]
    assert one["ruc"] == items[0]["ruc"]
    assert (await run(gql_http, ONE, mine, id=other["accountId"]))["onboardedAccount"] is None
    node_query = "query($id: ID!) { node(id: $id) { id ... on OnboardedAccount { ruc } } }"
    found = (await run(gql_http, node_query, mine, id=created[1]["accountId"]))["node"]
    assert found == {"id": created[1]["accountId"], "ruc": items[1]["ruc"]}
    assert (await run(gql_http, node_query, mine, id=other["accountId"]))["node"] is None
    outsider = bearer((await make_account("PE")).token)
    assert (await run(gql_http, node_query, outsider, id=other["accountId"]))["node"] is None
    theirs_list = (await run(gql_http, LIST, theirs))["onboardedAccounts"]
    assert [e["node"]["id"] for e in theirs_list["edges"]] == [other["accountId"]]

    # No field of the schema can return the OSE password.
    schema = build_schema()
    fields = {f.name for f in schema.get_type_by_name("OnboardedAccount").fields}  # type: ignore[union-attr]
    assert "has_external_ose_password" in fields
    assert not any("password" in f and f != "has_external_ose_password" for f in fields)


async def test_update_settings_with_user_errors(
    gql_http: httpx.AsyncClient, services: Services, make_account: Callable[..., Any]
) -> None:
    mine = bearer((await make_account("PE", is_reseller=True)).token)
    theirs = bearer((await make_account("PE", is_reseller=True)).token)
    account_id = (await run(gql_http, ONBOARD, mine, input=[gql_item(new_ruc())]))[
        "onboardClients"
    ]["createdClients"][0]["accountId"]

    ok = (
        await run(
            gql_http,
            UPDATE,
            mine,
            id=account_id,
            input={
                "companyName": "Edited SAC",
                "email": None,
                "validatorEntity": "OSE_EFACT",
                "externalOseUsername": "ef",
                "externalOsePassword": "pw-123456",
            },
        )
    )["updateOnboardedAccount"]
    assert ok["userErrors"] == []
    assert ok["account"]["companyName"] == "Edited SAC"
    assert ok["account"]["email"] is None
    assert ok["account"]["hasExternalOsePassword"] is True

    local_id = int(base64.b64decode(account_id).decode().split(":")[1])
    assert await services.resellers.external_ose_credentials(local_id) == ("ef", "pw-123456")

    bad = (
        await run(gql_http, UPDATE, mine, id=account_id, input={"email": "nope", "companyName": ""})
    )["updateOnboardedAccount"]
    assert bad["account"] is None
    assert {e["code"] for e in bad["userErrors"]} == {"INVALID_EMAIL", "REQUIRED"}
    cleared = await run(gql_http, UPDATE, mine, id=account_id, input={"externalOsePassword": None})
    assert [e["field"] for e in cleared["updateOnboardedAccount"]["userErrors"]] == [
        ["input", "externalOsePassword"]
    ]

    hijack = await run(gql_http, UPDATE, theirs, id=account_id, input={"companyName": "Mine now"})
    assert hijack["updateOnboardedAccount"]["userErrors"][0]["code"] == "NOT_FOUND"
    current = (await run(gql_http, ONE, mine, id=account_id))["onboardedAccount"]
    assert current["companyName"] == "Edited SAC"


async def test_me_and_changing_web_credentials(
    gql_http: httpx.AsyncClient, make_account: Callable[..., Any]
) -> None:
    reseller_account = await make_account("PE", is_reseller=True)
    reseller = bearer(reseller_account.token)
    me = (await run(gql_http, ME, reseller))["me"]
    assert me["account"]["isReseller"] is True
    assert me["account"]["databaseId"] == reseller_account.account.id
    assert me["user"] is None

    ruc = new_ruc()
    created = (await run(gql_http, ONBOARD, reseller, input=[gql_item(ruc)]))["onboardClients"][
        "createdClients"
    ][0]
    api, web = created["accessApi"], created["accessWeb"]

    via_basic = (await run(gql_http, ME, basic(api["username"], api["password"])))["me"]
    assert via_basic["user"] == {
        "id": via_basic["user"]["id"],
        "username": ruc,
        "kind": "API",
    }
    assert via_basic["account"]["isReseller"] is False
    assert via_basic["account"]["country"] == "PE"
    # The onboarded account cannot read the reseller's accounts.
    denied = await gql_http.post(
        "/graphql", json={"query": LIST}, headers=basic(api["username"], api["password"])
    )
    assert denied.json()["errors"]

    session = (await gql_http.post("/auth/login", json=web)).json()["token"]
    me_web = (await run(gql_http, ME, bearer(session)))["me"]
    assert me_web["user"]["kind"] == "WEB"
    assert me_web["user"]["username"] == web["username"]

    wrong = (
        await run(
            gql_http,
            CHANGE,
            bearer(session),
            input={"currentPassword": "not-it-at-all", "newPassword": "a-new-long-password"},
        )
    )["changeCredentials"]
    assert wrong["userErrors"][0]["code"] == "WRONG_PASSWORD"
    not_web = (
        await run(
            gql_http,
            CHANGE,
            basic(api["username"], api["password"]),
            input={"currentPassword": api["password"], "newPassword": "a-new-long-password"},
        )
    )["changeCredentials"]
    assert not_web["userErrors"][0]["code"] == "NOT_WEB_USER"

    new_name = f"acme{ruc}"
    changed = (
        await run(
            gql_http,
            CHANGE,
            bearer(session),
            input={
                "currentPassword": web["password"],
                "newUsername": new_name,
                "newPassword": "a-new-long-password",
            },
        )
    )["changeCredentials"]
    assert changed == {"user": {"username": new_name, "kind": "WEB"}, "userErrors": []}
    # Old session, old username and old password stop working at once.
    stale = await gql_http.post("/graphql", json={"query": ME}, headers=bearer(session))
    assert stale.json()["errors"]
    assert (await gql_http.post("/auth/login", json=web)).status_code == 401
    old_name_new_pw = {"username": web["username"], "password": "a-new-long-password"}
    assert (await gql_http.post("/auth/login", json=old_name_new_pw)).status_code == 401
    fresh = await gql_http.post(
        "/auth/login", json={"username": new_name, "password": "a-new-long-password"}
    )
    assert fresh.status_code == 200
    me_again = (await run(gql_http, ME, bearer(fresh.json()["token"])))["me"]
    assert me_again["user"]["username"] == new_name
    # The API user is untouched.
    assert (await run(gql_http, ME, basic(api["username"], api["password"])))["me"]["user"]


async def test_whole_batch_errors_and_forbidden_listing(
    gql_http: httpx.AsyncClient, services: Services, make_account: Callable[..., Any]
) -> None:
    reseller = bearer((await make_account("PE", is_reseller=True)).token)
    before = await counts(services)
    empty = (await run(gql_http, ONBOARD, reseller, input=[]))["onboardClients"]["userErrors"]
    assert [(e["index"], e["code"]) for e in empty] == [(None, "REQUIRED")]
    big = [gql_item(new_ruc()) for _ in range(1001)]
    too_many = (await run(gql_http, ONBOARD, reseller, input=big))["onboardClients"]
    assert [e["code"] for e in too_many["userErrors"]] == ["OUT_OF_RANGE"]
    assert await counts(services) == before

    plain = bearer((await make_account("PE")).token)
    denied = await gql_http.post("/graphql", json={"query": LIST}, headers=plain)
    [error] = denied.json()["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    out_of_range = await gql_http.post(
        "/graphql", json={"query": LIST, "variables": {"first": 101}}, headers=reseller
    )
    assert out_of_range.json()["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    bad_cursor = await gql_http.post(
        "/graphql", json={"query": LIST, "variables": {"after": "nope"}}, headers=reseller
    )
    assert bad_cursor.json()["errors"][0]["extensions"]["code"] == "INVALID_INPUT"


async def test_listing_costs_the_same_statements_for_any_page_size(
    gql_http: httpx.AsyncClient,
    make_account: Callable[..., Any],
    count_statements: Callable[[], Any],
) -> None:
    reseller = bearer((await make_account("PE", is_reseller=True)).token)
    await run(gql_http, ONBOARD, reseller, input=[gql_item(new_ruc()) for _ in range(30)])
    counted = {}
    for first in (2, 30):
        with count_statements() as c:
            page = (await run(gql_http, LIST, reseller, first=first))["onboardedAccounts"]
        assert len(page["edges"]) == first
        counted[first] = c.count
    assert counted[2] == counted[30], counted


async def test_non_resellers_get_the_same_refusal_from_both_faces(
    gql_http: httpx.AsyncClient, make_account: Callable[..., Any]
) -> None:
    plain = bearer((await make_account("PE")).token)
    data = await run(gql_http, ONBOARD, plain, input=[gql_item(new_ruc())])
    [error] = data["onboardClients"]["userErrors"]
    assert (error["message"], error["code"]) == (RESELLERS_ONLY, "FORBIDDEN")
    rest = await gql_http.post("/resellers/clients/batch", json=[], headers=plain)
    assert rest.status_code == 403
    assert rest.json() == {"error": RESELLERS_ONLY}
    assert RESELLERS_ONLY == "only reseller accounts may use the reseller API"


async def test_a_ruc_of_digits_that_are_not_ascii_is_an_item_error(
    gql_http: httpx.AsyncClient, services: Services, make_account: Callable[..., Any]
) -> None:
    # Hardening §5: "2010007097²" was accepted by the rules and failed as an internal error.
    reseller = bearer((await make_account("PE", is_reseller=True)).token)
    before = await counts(services)
    for ruc in ("2010007097²", "20100070\u066970"):
        data = await run(gql_http, ONBOARD, reseller, input=[gql_item(new_ruc()), gql_item(ruc)])
        assert data["onboardClients"]["userErrors"] == [
            {
                "index": 1,
                "ruc": ruc,
                "field": ["input", "1", "ruc"],
                "message": "RUC must be exactly 11 digits",
                "code": "INVALID_TAX_ID",
            }
        ]
    assert await counts(services) == before
