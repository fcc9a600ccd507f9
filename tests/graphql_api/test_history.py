"""Change history over GraphQL on SQLite and PostgreSQL: every write records who, through which
face, with which request id, what and which fields; ``history`` on clients, partners and
onboarded accounts; ``auditEvents`` and its filters; the ``changes`` feed; secrets never stored;
another tenant's changes never shown."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
from sqlalchemy import select

from clientgate.container import Services
from core.storage.tables.history import change_events
from tests.fuzz.world import new_ruc
from tests.graphql_api.test_resellers import basic, bearer, gql_item, run

EVENT = """id entityType entityDatabaseId subjectType subjectDatabaseId subjectId action
  actor { kind credentialId userId label } face requestId at
  fields { field oldValue newValue secret }"""

CLIENT_HISTORY = f"""
query($id: ID!, $first: Int!, $after: String) {{
  node(id: $id) {{ ... on Client {{
    history(first: $first, after: $after) {{
      pageInfo {{ hasNextPage hasPreviousPage endCursor }}
      edges {{ cursor node {{ {EVENT} }} }}
    }}
  }} }}
}}"""

CREATE = """
mutation($input: CreateClientInput!) {
  createClient(input: $input) { client { id databaseId } userErrors { field message code } }
}"""
UPDATE = """
mutation($input: UpdateClientInput!) {
  updateClient(input: $input) { client { id } userErrors { field message code } }
}"""
AUDIT = f"""
query($first: Int!, $after: String, $filter: AuditEventFilter) {{
  auditEvents(first: $first, after: $after, filter: $filter) {{
    pageInfo {{ hasNextPage endCursor }}
    nodes {{ {EVENT} }}
  }}
}}"""
CHANGES = f"""
query($first: Int!, $after: String, $types: [ChangeEntityType!]) {{
  changes(first: $first, after: $after, types: $types) {{
    pageInfo {{ hasNextPage startCursor endCursor }}
    nodes {{ {EVENT} }}
  }}
}}"""


async def gql(
    http: httpx.AsyncClient,
    token: str,
    query: str,
    request_id: str | None = None,
    **variables: Any,
) -> dict[str, Any]:
    headers = bearer(token)
    if request_id is not None:
        headers["X-Request-ID"] = request_id
    return await run(http, query, headers, **variables)


async def gql_errors(http: httpx.AsyncClient, token: str, query: str, **variables: Any) -> Any:
    answer = await http.post(
        "/graphql", json={"query": query, "variables": variables}, headers=bearer(token)
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


async def new_client(http: httpx.AsyncClient, token: str, **values: Any) -> dict[str, Any]:
    data = await gql(http, token, CREATE, "req-create", input={"firstName": "Ana", **values})
    assert data["createClient"]["userErrors"] == []
    client: dict[str, Any] = data["createClient"]["client"]
    return client


async def client_history(http: httpx.AsyncClient, token: str, client_id: str) -> list[Any]:
    data = await gql(http, token, CLIENT_HISTORY, id=client_id, first=20)
    return [e["node"] for e in data["node"]["history"]["edges"]]


def fields(event: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    return {f["field"]: (f["oldValue"], f["newValue"]) for f in event["fields"]}


async def test_graphql_writes_record_who_face_request_and_fields(
    http: httpx.AsyncClient, make_account: Callable[..., Any]
) -> None:
    account = await make_account("PE")
    client = await new_client(http, account.token, email="ana@example.pe")
    data = await gql(
        http,
        account.token,
        UPDATE,
        "req-update",
        input={"id": client["id"], "email": "ana@x.pe", "phone": "999"},
    )
    assert data["updateClient"]["userErrors"] == []

    updated, created = await client_history(http, account.token, client["id"])
    assert created["action"] == "CREATE" and updated["action"] == "UPDATE"
    assert created["requestId"] == "req-create" and updated["requestId"] == "req-update"
    assert {e["face"] for e in (created, updated)} == {"GRAPHQL"}
    assert created["actor"]["kind"] == "API_TOKEN"
    assert created["actor"]["label"] == "default"  # the account's first token
    assert created["actor"]["credentialId"] is not None
    assert (created["subjectType"], created["subjectId"]) == ("CLIENT", client["id"])
    assert fields(created)["first_name"] == (None, '"Ana"')
    assert fields(updated) == {
        "email": ('"ana@example.pe"', '"ana@x.pe"'),
        "phone": (None, '"999"'),
    }


async def test_bsale_writes_record_face_bsale_with_the_parts_under_the_client(
    http: httpx.AsyncClient, make_account: Callable[..., Any]
) -> None:
    account = await make_account("PE")
    headers = {"access_token": account.token, "X-Request-ID": "bsale-1"}
    answer = await http.post("/v1/clients.json", json={"firstName": "Luis"}, headers=headers)
    assert answer.status_code in (200, 201), answer.text
    client_id = answer.json()["id"]
    answer = await http.post(
        f"/v1/clients/{client_id}/contacts.json",
        json={"firstName": "Rosa", "email": "rosa@example.pe"},
        headers={**headers, "X-Request-ID": "bsale-2"},
    )
    assert answer.status_code in (200, 201), answer.text
    contact_id = answer.json()["id"]
    answer = await http.delete(
        f"/v1/clients/{client_id}/contacts/{contact_id}.json",
        headers={**headers, "X-Request-ID": "bsale-3"},
    )
    assert answer.status_code == 204, answer.text
    answer = await http.delete(
        f"/v1/clients/{client_id}.json", headers={**headers, "X-Request-ID": "bsale-4"}
    )
    assert answer.status_code == 200, answer.text

    global_id = (await gql(http, account.token, "{ clients(first: 1) { nodes { id } } }"))[
        "clients"
    ]["nodes"][0]["id"]
    events = await client_history(http, account.token, global_id)
    assert [(e["entityType"], e["action"], e["requestId"], e["face"]) for e in events] == [
        ("CLIENT", "DELETE", "bsale-4", "BSALE"),
        ("CLIENT_CONTACT", "DELETE", "bsale-3", "BSALE"),
        ("CLIENT_CONTACT", "CREATE", "bsale-2", "BSALE"),
        ("CLIENT", "CREATE", "bsale-1", "BSALE"),
    ]
    assert fields(events[0]) == {"state": ("0", "1")}
    assert fields(events[1])["email"] == ('"rosa@example.pe"', None)
    assert events[2]["entityDatabaseId"] == contact_id


async def test_history_pages_newest_first_with_cursors(
    http: httpx.AsyncClient, make_account: Callable[..., Any]
) -> None:
    account = await make_account("PE")
    client = await new_client(http, account.token)
    for n in range(4):
        await gql(http, account.token, UPDATE, input={"id": client["id"], "note": f"n{n}"})
    seen: list[str] = []
    after = None
    while True:
        data = await gql(http, account.token, CLIENT_HISTORY, id=client["id"], first=2, after=after)
        history = data["node"]["history"]
        seen.extend(fields(e["node"]).get("note", (None, "create"))[1] for e in history["edges"])
        if not history["pageInfo"]["hasNextPage"]:
            break
        after = history["pageInfo"]["endCursor"]
    assert seen == ['"n3"', '"n2"', '"n1"', '"n0"', "create"]
    too_many = await gql_errors(http, account.token, CLIENT_HISTORY, id=client["id"], first=101)
    assert "errors" in too_many


async def test_audit_events_filters_by_type_actor_face_and_time(
    http: httpx.AsyncClient, make_account: Callable[..., Any]
) -> None:
    account = await make_account("PE")
    client = await new_client(http, account.token)
    await http.post(
        "/v1/clients.json", json={"firstName": "Bsale"}, headers={"access_token": account.token}
    )
    token = await gql(
        http,
        account.token,
        'mutation { createApiToken(input: {label: "erp"}) { secret apiToken { databaseId } } }',
    )
    erp, erp_id = (
        token["createApiToken"]["secret"],
        token["createApiToken"]["apiToken"]["databaseId"],
    )
    await gql(http, erp, UPDATE, input={"id": client["id"], "note": "by erp"})

    async def audit(**flt: Any) -> list[dict[str, Any]]:
        data = await gql(http, account.token, AUDIT, first=50, filter=flt)
        nodes: list[dict[str, Any]] = data["auditEvents"]["nodes"]
        return nodes

    assert [e["action"] for e in await audit()] == ["UPDATE", "CREATE", "CREATE", "CREATE"]
    assert [e["entityType"] for e in await audit(entityTypes=["API_TOKEN"])] == ["API_TOKEN"]
    assert [e["face"] for e in await audit(face="BSALE")] == ["BSALE"]
    by_erp = await audit(actorCredentialId=erp_id)
    assert [(e["actor"]["label"], fields(e)) for e in by_erp] == [
        ("erp", {"note": (None, '"by erp"')})
    ]
    assert await audit(until="2000-01-01T00:00:00Z") == []
    assert len(await audit(since="2000-01-01T00:00:00Z", actorKind="API_TOKEN")) == 4
    bad = await gql_errors(http, account.token, AUDIT, first=500)
    assert "errors" in bad and bad["data"] is None


async def test_the_changes_feed_pages_in_commit_order_and_filters_on_subjects(
    http: httpx.AsyncClient, make_account: Callable[..., Any]
) -> None:
    account = await make_account("PE")
    first = await new_client(http, account.token)
    await gql(
        http,
        account.token,
        'mutation { createCompany(input: {idRemote: "ACME", companyName: "Acme"}) '
        "{ company { id } } }",
    )
    await gql(http, account.token, UPDATE, input={"id": first["id"], "note": "x"})

    data = await gql(http, account.token, CHANGES, first=2)
    page = data["changes"]
    assert [e["subjectType"] for e in page["nodes"]] == ["CLIENT", "COMPANY"]
    assert page["pageInfo"]["hasNextPage"] is True
    rest = (await gql(http, account.token, CHANGES, first=2, after=page["pageInfo"]["endCursor"]))[
        "changes"
    ]
    assert [(e["subjectType"], e["action"]) for e in rest["nodes"]] == [("CLIENT", "UPDATE")]
    cursor = rest["pageInfo"]["endCursor"]
    empty = (await gql(http, account.token, CHANGES, first=2, after=cursor))["changes"]
    assert empty["nodes"] == [] and empty["pageInfo"]["endCursor"] == cursor

    clients_only = await gql(http, account.token, CHANGES, first=10, types=["CLIENT"])
    assert [e["action"] for e in clients_only["changes"]["nodes"]] == ["CREATE", "UPDATE"]
    for bad in (
        {"first": 0},
        {"first": 101},
        {"first": 5, "after": "not-a-cursor"},
        {"first": 5, "types": ["CLIENT_CONTACT"]},
    ):
        assert "errors" in await gql_errors(http, account.token, CHANGES, **bad)


async def test_another_tenants_changes_are_never_shown(
    http: httpx.AsyncClient, make_account: Callable[..., Any]
) -> None:
    mine, theirs = await make_account("PE"), await make_account("PE")
    client = await new_client(http, theirs.token)
    assert (await gql(http, mine.token, CHANGES, first=50))["changes"]["nodes"] == []
    assert (await gql(http, mine.token, AUDIT, first=50))["auditEvents"]["nodes"] == []
    data = await gql(http, mine.token, CLIENT_HISTORY, id=client["id"], first=5)
    assert data["node"] is None
    # Their feed cursor read with my credentials starts nothing of theirs either.
    cursor = (await gql(http, theirs.token, CHANGES, first=1))["changes"]["pageInfo"]["endCursor"]
    assert (await gql(http, mine.token, CHANGES, first=5, after=cursor))["changes"]["nodes"] == []


ONBOARD = """
mutation($input: [OnboardClientInput!]!) {
  onboardClients(input: $input) {
    createdClients { accountId accessWeb { username password } }
    userErrors { index ruc field message code }
  }
}"""
EDIT = """
mutation($id: ID!, $input: OnboardedAccountInput!) {
  updateOnboardedAccount(id: $id, input: $input) { account { id } userErrors { message } }
}"""
ONBOARDED_HISTORY = f"""
query($id: ID!) {{ node(id: $id) {{ ... on OnboardedAccount {{
  history(first: 10) {{ nodes {{ {EVENT} }} }} }} }} }}"""


async def test_onboarded_accounts_record_settings_and_credentials_never_the_secrets(
    http: httpx.AsyncClient, services: Services, make_account: Callable[..., Any]
) -> None:
    reseller = await make_account("PE", is_reseller=True)
    ose_secret = f"ose-{uuid.uuid4().hex}"
    item = gql_item(
        new_ruc(),
        validatorEntity="OSE_EFACT",
        externalOseUsername="ose-user",
        externalOsePassword=ose_secret,
    )
    data = await gql(http, reseller.token, ONBOARD, "onboard-1", input=[item])
    assert data["onboardClients"]["userErrors"] == []
    [created] = data["onboardClients"]["createdClients"]
    global_id = (
        await gql(http, reseller.token, "{ onboardedAccounts(first: 1) { nodes { id } } }")
    )["onboardedAccounts"]["nodes"][0]["id"]
    await gql(http, reseller.token, EDIT, "edit-1", id=global_id, input={"email": "new@example.pe"})
    web = created["accessWeb"]
    login = await http.post(
        "/auth/login", json={"username": web["username"], "password": web["password"]}
    )
    session = login.json()["token"]
    new_password = f"Pw-{uuid.uuid4().hex}"
    change = (
        "mutation($input: ChangeCredentialsInput!) { changeCredentials(input: $input) "
        "{ userErrors { message } } }"
    )
    changed = await gql(
        http,
        session,
        change,
        input={"currentPassword": web["password"], "newPassword": new_password},
    )
    assert changed["changeCredentials"]["userErrors"] == []

    events = (await gql(http, reseller.token, ONBOARDED_HISTORY, id=global_id))["node"]["history"][
        "nodes"
    ]
    summary = [(e["entityType"], e["action"], e["face"], e["actor"]["kind"]) for e in events]
    assert summary == [
        ("CREDENTIALS", "UPDATE", "GRAPHQL", "WEB_SESSION"),
        ("E_INVOICING", "UPDATE", "GRAPHQL", "API_TOKEN"),
        ("CREDENTIALS", "CREATE", "GRAPHQL", "API_TOKEN"),
        ("ONBOARDED_ACCOUNT", "CREATE", "GRAPHQL", "API_TOKEN"),
    ]
    secrets = {f["field"]: f for e in events for f in e["fields"] if f["secret"]}
    assert set(secrets) == {"password", "external_ose_password"}
    assert all(f["oldValue"] is None and f["newValue"] is None for f in secrets.values())
    assert fields(events[1]) == {"email": ('"billing@example.pe"', '"new@example.pe"')}

    # No secret anywhere in the table, in clear or in the stored ciphertext's place.
    async with services.uow(read_only=True) as uow:
        rows = (await uow.connection.execute(select(change_events))).all()
    stored = "\n".join(str(tuple(r)) for r in rows)
    for secret in (ose_secret, web["password"], new_password, reseller.token):
        assert secret not in stored


async def test_api_tokens_created_and_revoked_are_recorded_without_their_secret(
    http: httpx.AsyncClient, services: Services, make_account: Callable[..., Any]
) -> None:
    account = await make_account("PE")
    made = await gql(
        http,
        account.token,
        'mutation { createApiToken(input: {label: "ci"}) { secret apiToken { id } } }',
    )
    secret, token_id = made["createApiToken"]["secret"], made["createApiToken"]["apiToken"]["id"]
    await gql(
        http,
        account.token,
        "mutation($id: ID!) { revokeApiToken(id: $id) { apiToken { state } } }",
        id=token_id,
    )
    events = (await gql(http, account.token, CHANGES, first=10, types=["API_TOKEN"]))["changes"][
        "nodes"
    ]
    assert [(e["action"], e["subjectId"]) for e in events] == [
        ("CREATE", token_id),
        ("UPDATE", token_id),
    ]
    assert {f["field"]: f["secret"] for f in events[0]["fields"]} == {
        "label": False,
        "token": True,
    }
    assert [f["field"] for f in events[1]["fields"]] == ["revoked_at"]
    async with services.uow(read_only=True) as uow:
        rows = (await uow.connection.execute(select(change_events))).all()
    assert secret not in "\n".join(str(tuple(r)) for r in rows)


async def test_basic_credentials_are_recorded_as_the_api_user(
    http: httpx.AsyncClient, make_account: Callable[..., Any]
) -> None:
    reseller = await make_account("PE", is_reseller=True)
    ruc = new_ruc()
    data = await gql(
        http, reseller.token, ONBOARD.replace("accessWeb", "accessApi"), input=[gql_item(ruc)]
    )
    api = data["onboardClients"]["createdClients"][0]["accessApi"]
    answer = await http.post(
        "/v1/clients.json", json={"firstName": "Via Basic"}, headers=basic(ruc, api["password"])
    )
    assert answer.status_code in (200, 201), answer.text
    session_token = await http.post("/auth/login", json={"username": ruc, "password": "x"})
    assert session_token.status_code == 401
    audit = await run(http, AUDIT, basic(ruc, api["password"]), first=5)
    [event] = audit["auditEvents"]["nodes"]
    assert (event["actor"]["kind"], event["actor"]["label"], event["face"]) == (
        "API_USER",
        ruc,
        "BSALE",
    )


async def test_history_of_a_page_of_clients_is_one_statement_whatever_the_page_size(
    http: httpx.AsyncClient, make_account: Callable[..., Any], count_statements: Any
) -> None:
    account = await make_account("PE")
    for n in range(6):
        await new_client(http, account.token, lastName=f"L{n}")
    query = f"""query($first: Int!) {{ clients(first: $first) {{ nodes {{ id
      history(first: 3) {{ nodes {{ {EVENT} }} }} }} }} }}"""
    counts = {}
    for size in (2, 6):
        with count_statements() as counted:
            data = await gql(http, account.token, query, first=size)
        nodes = data["clients"]["nodes"]
        assert len(nodes) == size and all(len(n["history"]["nodes"]) == 1 for n in nodes)
        counts[size] = counted.count
    assert counts[2] == counts[6], counts
