"""The ``changes`` subscription over graphql-transport-ws (a real websocket client against
the ASGI app): changes are pushed as they commit, in commit order, filtered by type, never
another account's; the pushed cursors continue the ``changes`` query's."""

from __future__ import annotations

import dataclasses
import json
import warnings
from typing import Any

from clientgate.app import create_app
from clientgate.container import Services, build_services
from core.accounts.model import Principal
from core.clients.model import ClientChanges
from core.partners.inputs import CompanyInput

SUBSCRIBE = """subscription($after: String, $types: [ChangeEntityType!]) {
  changes(after: $after, types: $types) {
    cursor
    node { action entityType subjectType fields { field newValue } }
  }
}"""


def _recv(ws: Any) -> dict[str, Any]:
    message = ws.receive()
    if message["type"] == "websocket.close":
        raise AssertionError(f"websocket closed: {message}")
    return dict(json.loads(message["text"]))


def test_changes_are_pushed_in_commit_order(services: Services, own_database_url: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    settings = dataclasses.replace(
        services.settings, database_url=own_database_url, worker_in_serve=False
    )
    own = build_services(settings)
    app = create_app(settings, own)

    async def setup() -> tuple[str, Principal, Principal, str]:
        made = await own.accounts.create_account(name="feed ws", country="PE")
        other = await own.accounts.create_account(name="feed other", country="PE")
        caller = await own.accounts.authenticate_token(made.token)
        stranger = await own.accounts.authenticate_token(other.token)
        await own.clients.create(caller, ClientChanges({"first_name": "already"}))
        page = await own.history.changes(caller, first=10)
        assert len(page.items) == 1
        return made.token, caller, stranger, str(page.items[-1].position)

    async def write(caller: Principal, stranger: Principal) -> None:
        await own.clients.create(stranger, ClientChanges({"first_name": "not yours"}))
        await own.clients.create(caller, ClientChanges({"first_name": "Ana"}))
        await own.partners.companies.create(
            caller, CompanyInput(id_remote="WS", company_name="Filtered out")
        )
        await own.clients.create(caller, ClientChanges({"first_name": "Bea"}))

    with TestClient(app) as client:
        portal = client.portal
        assert portal is not None
        token, caller, stranger, _ = portal.call(setup)
        with client.websocket_connect(
            "/graphql", subprotocols=["graphql-transport-ws"], headers={"access_token": token}
        ) as ws:
            ws.send_json({"type": "connection_init"})
            assert _recv(ws)["type"] == "connection_ack"
            query = "{ changes(first: 5) { pageInfo { endCursor } } }"
            cursor = client.post(
                "/graphql", json={"query": query}, headers={"access_token": token}
            ).json()["data"]["changes"]["pageInfo"]["endCursor"]
            ws.send_json(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {
                        "query": SUBSCRIBE,
                        "variables": {"after": cursor, "types": ["CLIENT"]},
                    },
                }
            )
            portal.call(write, caller, stranger)
            pushed = []
            for _ in range(2):
                message = _recv(ws)
                assert message["type"] == "next", message
                pushed.append(message["payload"]["data"]["changes"])
            nodes = [p["node"] for p in pushed]
            names = [{f["newValue"] for f in n["fields"]} & {'"Ana"', '"Bea"'} for n in nodes]
            assert names == [{'"Ana"'}, {'"Bea"'}]
            assert {(n["subjectType"], n["action"]) for n in nodes} == {("CLIENT", "CREATE")}
            ws.send_json({"id": "1", "type": "complete"})

        # A pushed cursor continues the polling feed where the push stopped.
        after = pushed[0]["cursor"]
        page = client.post(
            "/graphql",
            json={
                "query": "query($after: String) { changes(after: $after, first: 5)"
                " { edges { cursor node { entityType } } } }",
                "variables": {"after": after},
            },
            headers={"access_token": token},
        ).json()["data"]["changes"]["edges"]
        assert [e["node"]["entityType"] for e in page] == ["COMPANY", "CLIENT"]
        assert page[-1]["cursor"] == pushed[-1]["cursor"]
