# ruff: noqa: F811 - fixtures imported from the BusinessPartner tests share their names
"""GraphQL of the partners context, through /graphql on both backends."""

from __future__ import annotations

import dataclasses
import json
import warnings
from typing import Any

import httpx

from clientgate.app import create_app
from clientgate.container import Services, build_services
from core.partners.inputs import CompanyInput
from core.partners.model import MessageStatus, QueueMessage
from tests.rest_compat.business_partner.conftest import (  # noqa: F401 - fixtures
    Tenant,
    create_and_drain,
    drain,
    partner_body,
    tenant,
    tenant_factory,
)
from tests.support.partners import partner_input

PARTNER_FIELDS = """
  id databaseId idRemote contactName comercialName tin tinValid active
  company { id idRemote companyName }
  role { idRemote name kind }
  status { idRemote description }
  locations { idRemote city state { id name } country { iso description } isDefault }
  contacts { name contactMethods { value contactType { idRemote value } } }
  agent { idRemote }
"""


async def gql(
    http: httpx.AsyncClient, tenant: Tenant, query: str, **variables: Any
) -> dict[str, Any]:
    resp = await http.post(
        "/graphql", json={"query": query, "variables": variables}, headers=tenant.headers
    )
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert "errors" not in body, body
    return dict(body["data"])


def _gql_input(body: dict[str, Any]) -> dict[str, Any]:
    """A dialect body as the GraphQL input (``default`` is ``isDefault`` there)."""
    out = {k: v for k, v in body.items()}
    out["locations"] = [
        {("isDefault" if k == "default" else k): v for k, v in loc.items()}
        for loc in body.get("locations", [])
    ]
    out["contacts"] = [
        {("isDefault" if k == "default" else k): v for k, v in c.items()}
        for c in body.get("contacts", [])
    ]
    return out


CREATE = """
mutation($input: [BusinessPartnerInput!]!) {
  createBusinessPartners(input: $input) {
    job { id status errorMessage statusUrl }
    userErrors { field message code }
  }
}"""


async def test_create_job_then_query_the_connection(
    http: httpx.AsyncClient, tenant: Tenant, drain: Any, count_statements: Any
) -> None:
    items = [_gql_input(partner_body(f"G{i}")) for i in range(12)]
    items[0]["roleId"] = "agent"
    data = await gql(http, tenant, CREATE, input=items)
    job = data["createBusinessPartners"]["job"]
    assert data["createBusinessPartners"]["userErrors"] == []
    assert job["status"] == "PENDING"
    assert job["statusUrl"] == f"http://testserver/api/database/v1/message/status/{job['id']}"
    await drain()
    q = "query($id: ID!) { partnerJob(id: $id) { status errorMessage } }"
    assert (await gql(http, tenant, q, id=job["id"]))["partnerJob"] == {
        "status": "COMPLETED",
        "errorMessage": None,
    }
    # The same message through the legacy status URL.
    legacy = await http.get(job["statusUrl"], headers=tenant.headers)
    assert legacy.json()["data"] == [{"status": "completed", "errorMessage": None}]

    query = (
        "query($first: Int!, $after: String, $filter: BusinessPartnerFilter) {"
        " businessPartners(first: $first, after: $after, filter: $filter) {"
        " totalCount pageInfo { hasNextPage endCursor } edges { cursor node {"
        + PARTNER_FIELDS
        + "} } } }"
    )
    first = (await gql(http, tenant, query, first=5))["businessPartners"]
    assert first["totalCount"] == 12 and first["pageInfo"]["hasNextPage"] is True
    node = first["edges"][1]["node"]
    assert node["idRemote"] == "G1"
    assert node["company"]["idRemote"] == "ACME"
    assert node["role"] == {"idRemote": "client", "name": "cliente", "kind": "CLIENT"}
    assert node["status"]["idRemote"] == "active"
    assert node["locations"] == [
        {
            "idRemote": "L-G1",
            "city": "Lima",
            "state": {"id": "PE-LIM", "name": "Lima"},
            "country": {"iso": "PE", "description": "Peru"},
            "isDefault": True,
        }
    ]
    assert node["contacts"][0]["contactMethods"] == [
        {"value": "a@b.pe", "contactType": {"idRemote": "email", "value": "Email"}}
    ]
    rest = (await gql(http, tenant, query, first=10, after=first["pageInfo"]["endCursor"]))[
        "businessPartners"
    ]
    assert [e["node"]["idRemote"] for e in rest["edges"]] == [f"G{i}" for i in range(5, 12)]
    assert rest["pageInfo"]["hasNextPage"] is False

    agents = await gql(http, tenant, query, first=20, filter={"roleKind": "AGENT"})
    assert [e["node"]["idRemote"] for e in agents["businessPartners"]["edges"]] == ["G0"]
    found = await gql(http, tenant, query, first=20, filter={"search": "Shop G11"})
    assert [e["node"]["idRemote"] for e in found["businessPartners"]["edges"]] == ["G11"]
    company_id = node["company"]["id"]
    by_company = await gql(http, tenant, query, first=1, filter={"companyId": company_id})
    assert by_company["businessPartners"]["totalCount"] == 12

    # Related rows load in bulk: the statement count does not grow with the page.
    counts = []
    for size in (2, 12):
        with count_statements() as counter:
            page = await gql(http, tenant, query, first=size)
        assert len(page["businessPartners"]["edges"]) == size
        counts.append(counter.count)
    assert counts[0] == counts[1], counts


async def test_create_refuses_bad_input_as_user_errors(
    http: httpx.AsyncClient, tenant: Tenant
) -> None:
    item = _gql_input(partner_body("B1"))
    del item["roleId"]
    data = await gql(http, tenant, CREATE, input=[item])
    assert data["createBusinessPartners"] == {
        "job": None,
        "userErrors": [
            {
                "field": ["input", "roleId"],
                "message": "Parameter roleId is required",
                "code": "REQUIRED",
            }
        ],
    }
    item = _gql_input(partner_body("B1"))
    item["locations"][0].pop("countryId")
    errors = (await gql(http, tenant, CREATE, input=[item]))["createBusinessPartners"]["userErrors"]
    assert errors[0]["field"] == ["input", "locations", "0", "countryId"]
    empty = (await gql(http, tenant, CREATE, input=[]))["createBusinessPartners"]["userErrors"]
    assert empty[0]["message"].endswith("the array is empty")


async def test_single_partner_update_assign_delete_and_history(
    http: httpx.AsyncClient, tenant: Tenant, tenant_factory: Any, create_and_drain: Any
) -> None:
    items = [partner_body("AG", roleId="agent"), partner_body("C1"), partner_body("C2")]
    assert (await create_and_drain(tenant, items))["status"] == "completed"
    one = "query($r: String) { businessPartner(idRemote: $r) { id idRemote comercialName } }"
    c1 = (await gql(http, tenant, one, r="C1"))["businessPartner"]
    assert c1["idRemote"] == "C1"
    by_id = "query($id: ID) { businessPartner(id: $id) { idRemote } }"
    assert (await gql(http, tenant, by_id, id=c1["id"]))["businessPartner"] == {"idRemote": "C1"}
    assert (await gql(http, tenant, one, r="nope"))["businessPartner"] is None
    other = await tenant_factory()
    assert (await gql(http, other, by_id, id=c1["id"]))["businessPartner"] is None

    update = """mutation($id: String!, $input: BusinessPartnerInput!) {
      updateBusinessPartner(id: $id, input: $input) {
        businessPartner { comercialName status { idRemote } }
        userErrors { field message code } } }"""
    data = await gql(
        http, tenant, update, id=c1["id"], input={"comercialName": "Renamed", "statusId": "blocked"}
    )
    assert data["updateBusinessPartner"]["businessPartner"] == {
        "comercialName": "Renamed",
        "status": {"idRemote": "blocked"},
    }
    data = await gql(http, tenant, update, id="C1", input={"statusId": "nope"})
    assert data["updateBusinessPartner"]["userErrors"][0]["message"].startswith("unknown statusId")
    data = await gql(http, other, update, id=c1["id"], input={"tin": "1"})
    assert data["updateBusinessPartner"]["userErrors"][0]["code"] == "NOT_FOUND"

    assign = """mutation($a: String!, $c: [String!]!) {
      assignClientsToAgent(agentId: $a, clientIdRemotes: $c) {
        assigned agent { idRemote clients { idRemote agent { idRemote } } }
        userErrors { message code } } }"""
    data = (await gql(http, tenant, assign, a="AG", c=["C1", "C2"]))["assignClientsToAgent"]
    assert data["assigned"] == 2
    assert data["agent"]["clients"] == [
        {"idRemote": "C1", "agent": {"idRemote": "AG"}},
        {"idRemote": "C2", "agent": {"idRemote": "AG"}},
    ]
    data = (await gql(http, tenant, assign, a="C1", c=["C2"]))["assignClientsToAgent"]
    assert data["userErrors"] == [
        {"message": "Business Partner C1 is not an agent", "code": "INVALID"}
    ]
    agents = await gql(http, tenant, "{ agents { idRemote clients { idRemote } } }")
    assert agents["agents"] == [
        {"idRemote": "AG", "clients": [{"idRemote": "C1"}, {"idRemote": "C2"}]}
    ]

    record = """mutation($p: String!) { recordPartnerDocument(partnerId: $p, kind: ORDER,
      number: "PO-1") { documentId userErrors { code } } }"""
    assert (await gql(http, tenant, record, p="C1"))["recordPartnerDocument"]["documentId"]
    missing = (await gql(http, other, record, p="C1"))["recordPartnerDocument"]
    assert missing == {"documentId": None, "userErrors": [{"code": "NOT_FOUND"}]}
    delete = """mutation($id: String!) { deleteBusinessPartner(id: $id) {
      deleted { idRemote snapshot } userErrors { message code } } }"""
    data = (await gql(http, tenant, delete, id="C2"))["deleteBusinessPartner"]
    assert data["deleted"]["idRemote"] == "C2"
    assert data["deleted"]["snapshot"]["partner"]["id_remote"] == "C2"
    history = await gql(http, tenant, "{ deletedBusinessPartners { idRemote } }")
    assert history["deletedBusinessPartners"] == [{"idRemote": "C2"}]
    data = (await gql(http, tenant, delete, id="C2"))["deleteBusinessPartner"]
    assert data["userErrors"][0]["code"] == "NOT_FOUND"
    blocked = (await gql(http, tenant, delete, id="C1"))["deleteBusinessPartner"]
    assert blocked["deleted"] is None
    assert blocked["userErrors"][0]["code"] == "CONFLICT"
    assert "order" in blocked["userErrors"][0]["message"]


async def test_companies_and_catalogs(http: httpx.AsyncClient, tenant: Tenant) -> None:
    create = """mutation($input: CompanyInput!) { createCompany(input: $input) {
      company { id idRemote companyName } userErrors { field message code } } }"""
    data = await gql(http, tenant, create, input={"idRemote": "NEW", "companyName": "New"})
    company = data["createCompany"]["company"]
    assert company["idRemote"] == "NEW"
    dup = await gql(http, tenant, create, input={"idRemote": "NEW", "companyName": "Again"})
    assert dup["createCompany"]["userErrors"][0]["code"] == "CONFLICT"
    missing = await gql(http, tenant, create, input={"idRemote": "X"})
    assert missing["createCompany"]["userErrors"][0]["field"] == ["input", "companyName"]
    update = """mutation($id: ID!, $input: CompanyInput!) { updateCompany(id: $id, input: $input)
      { company { companyName } userErrors { code } } }"""
    data = await gql(http, tenant, update, id=company["id"], input={"companyName": "Renamed"})
    assert data["updateCompany"]["company"] == {"companyName": "Renamed"}
    listed = await gql(http, tenant, "{ companies { idRemote } }")
    assert [c["idRemote"] for c in listed["companies"]] == ["ACME", "NEW"]

    status = """mutation($input: PartnerCatalogItemInput!) { createPartnerStatus(input: $input)
      { status { id idRemote description } userErrors { code } } }"""
    made = await gql(http, tenant, status, input={"idRemote": "vip", "description": "VIP"})
    assert made["createPartnerStatus"]["status"]["description"] == "VIP"
    again = await gql(http, tenant, status, input={"idRemote": "vip", "description": "x"})
    assert again["createPartnerStatus"]["userErrors"] == [{"code": "CONFLICT"}]
    ctype = """mutation($input: PartnerCatalogItemInput!) { createContactType(input: $input)
      { contactType { id value } userErrors { code } } }"""
    made = await gql(http, tenant, ctype, input={"idRemote": "telegram", "description": "Tg"})
    type_id = made["createContactType"]["contactType"]["id"]
    rename = """mutation($id: ID!, $input: PartnerCatalogItemInput!) {
      updateContactType(id: $id, input: $input) { contactType { value } userErrors { code } } }"""
    data = await gql(http, tenant, rename, id=type_id, input={"description": "Telegram"})
    assert data["updateContactType"]["contactType"] == {"value": "Telegram"}
    catalogs = await gql(
        http,
        tenant,
        "{ partnerStatuses { idRemote } contactTypes { value } partnerRoles { kind }"
        " countries { iso states { id } } }",
    )
    assert [s["idRemote"] for s in catalogs["partnerStatuses"]] == [
        "active",
        "inactive",
        "blocked",
        "vip",
    ]
    assert "Telegram" in [t["value"] for t in catalogs["contactTypes"]]
    assert {r["kind"] for r in catalogs["partnerRoles"]} == {"CLIENT", "AGENT", "OTHER"}
    countries = {c["iso"]: c["states"] for c in catalogs["countries"]}
    assert {"PE", "CL", "MX", "ES", "US"} <= set(countries)
    assert len(countries["PE"]) >= 25 and {"id": "ES-CT"} in countries["ES"]


def _recv(ws: Any) -> dict[str, Any]:
    """One graphql-transport-ws message."""
    message = ws.receive()
    if message["type"] == "websocket.close":
        raise AssertionError(f"websocket closed: {message}")
    assert message.get("text"), message  # graphql-ws clients need text frames
    raw = message["text"]
    return dict(json.loads(raw))


def test_job_subscription_over_graphql_transport_ws(
    services: Services, own_database_url: str
) -> None:
    """A real websocket client against the ASGI app: the job's status changes are pushed
    until it completes. The test drives the worker one step at a time and waits for each
    status before taking the next step, so it sees exactly pending, processing, completed.
    The app gets services of its own (the client runs its own loop), on a database of its
    own (the test claims the oldest message of any tenant)."""
    with warnings.catch_warnings():
        # Starlette deprecates its httpx-based TestClient; it is still the documented way to
        # drive an ASGI websocket in-process.
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    settings = dataclasses.replace(
        services.settings,
        database_url=own_database_url,
        worker_in_serve=False,
        migrate_on_start=False,
    )
    own = build_services(settings)
    app = create_app(settings, own)
    queue = own.partners.queue

    async def setup() -> tuple[str, str, str]:
        created = await own.accounts.create_account(name="ws", country="PE")
        other = await own.accounts.create_account(name="ws other", country="PE")
        caller = await own.accounts.authenticate_token(created.token)
        await own.partners.companies.create(
            caller, CompanyInput(id_remote="ACME", company_name="Acme")
        )
        msg = await queue.enqueue_create(caller, [partner_input("WS1")])
        return created.token, other.token, msg.public_id

    async def claim() -> QueueMessage:
        message = await queue.claim_next(lease_seconds=30, max_attempts=5)
        assert message is not None
        return message

    async def process(message: QueueMessage) -> MessageStatus | None:
        return await queue.process(message, max_attempts=5)

    with TestClient(app) as client:
        portal = client.portal

        assert portal is not None
        token, other_token, job_id = portal.call(setup)
        with client.websocket_connect(
            "/graphql", subprotocols=["graphql-transport-ws"], headers={"access_token": token}
        ) as ws:
            ws.send_json({"type": "connection_init"})
            assert _recv(ws)["type"] == "connection_ack"
            ws.send_json(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {
                        "query": "subscription($id: ID!) { partnerJob(id: $id) { status } }",
                        "variables": {"id": job_id},
                    },
                }
            )

            def pushed() -> str:
                message = _recv(ws)
                assert message["type"] == "next", message
                return str(message["payload"]["data"]["partnerJob"]["status"])

            assert pushed() == "PENDING"
            message = portal.call(claim)
            assert message.public_id == job_id
            assert pushed() == "PROCESSING"
            assert portal.call(process, message) is MessageStatus.COMPLETED
            assert pushed() == "COMPLETED"
            assert _recv(ws)["type"] == "complete"  # settled: the subscription ends

        # Another tenant cannot follow the job.
        with client.websocket_connect(
            "/graphql",
            subprotocols=["graphql-transport-ws"],
            headers={"access_token": other_token},
        ) as ws:
            ws.send_json({"type": "connection_init"})
            assert _recv(ws)["type"] == "connection_ack"
            ws.send_json(
                {
                    "id": "2",
                    "type": "subscribe",
                    "payload": {
                        "query": "subscription($id: ID!) { partnerJob(id: $id) { status } }",
                        "variables": {"id": job_id},
                    },
                }
            )
            reply = _recv(ws)
            # Answered exactly like a job that does not exist: no status leaks.
            if reply["type"] == "next":
                assert reply["payload"].get("errors"), reply
                assert not (reply["payload"].get("data") or {}).get("partnerJob"), reply
            else:
                assert reply["type"] == "error", reply
            errors = reply["payload"] if reply["type"] == "error" else reply["payload"]["errors"]
            assert errors and "not found" in errors[0]["message"]
