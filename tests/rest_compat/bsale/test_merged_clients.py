"""Merged clients and the account's unique tax ids in the Bsale dialect, on both backends:
a merged id answers 404 naming the survivor, lists and counts leave it out, lookups by code
find the survivor, and a second client with a valid tax id already held answers 409."""

from __future__ import annotations

from typing import Any

from clientgate.container import Services
from core.accounts.model import AccountChanges
from core.clients.model import ClientChanges
from tests.support.callers import caller


async def test_a_merged_id_is_gone_and_names_its_survivor(
    http: Any, make_tenant: Any, services: Services
) -> None:
    t = await make_tenant("PE")
    who = caller(t.account)
    a = await services.clients.create(
        who, ClientChanges({"first_name": "A", "code": "20100070970"})
    )
    b = await services.clients.create(
        who, ClientChanges({"first_name": "B", "code": "20100070970"})
    )
    await services.clients.add_document(
        who, b.id, name="F", number=1, emission_date=1, expiration_date=2, total_amount="10"
    )
    await services.clients.merge(who, a.id, [b.id])
    gone = f"client {b.id} not found: it was merged into client {a.id}"

    r = await http.get(f"/v1/clients/{b.id}.json", headers=t.headers)
    assert (r.status_code, r.json()) == (404, {"error": gone})
    r = await http.put(f"/v1/clients/{b.id}.json", headers=t.headers, json={"firstName": "x"})
    assert (r.status_code, r.json()) == (404, {"error": gone})
    r = await http.delete(f"/v1/clients/{b.id}.json", headers=t.headers)
    assert (r.status_code, r.json()) == (404, {"error": gone})
    r = await http.get(f"/v1/clients/{b.id}/contacts.json", headers=t.headers)
    assert (r.status_code, r.json()) == (404, {"error": gone})

    r = await http.get("/v1/clients.json", headers=t.headers)
    assert [c["id"] for c in r.json()["items"]] == [a.id]
    r = await http.get("/v1/clients/count.json", headers=t.headers)
    assert r.json() == {"count": 1}
    r = await http.get("/v1/clients.json?code=20100070970", headers=t.headers)
    assert [c["id"] for c in r.json()["items"]] == [a.id]
    r = await http.get("/v1/clients/unpaid_documents.json?code=20100070970", headers=t.headers)
    assert r.status_code == 200, r.text
    r = await http.get(f"/v1/clients/unpaid_documents.json?clientid={b.id}", headers=t.headers)
    assert (r.status_code, r.json()) == (404, {"error": gone})

    stranger = await make_tenant("PE")
    r = await http.get(f"/v1/clients/{b.id}.json", headers=stranger.headers)
    assert (r.status_code, r.json()) == (404, {"error": f"client {b.id} not found"})


async def test_unique_tax_ids_answers_409(http: Any, make_tenant: Any, services: Services) -> None:
    t = await make_tenant("PE")
    body = {"firstName": "A", "code": "20100070970"}
    r = await http.post("/v1/clients.json", headers=t.headers, json=body)
    assert r.status_code == 201
    first = r.json()["id"]
    r = await http.post("/v1/clients.json", headers=t.headers, json=body)
    assert r.status_code == 201  # the setting is off: a warning at most
    second = r.json()["id"]

    await services.accounts.update_account(t.account.id, AccountChanges(unique_tax_ids=True))
    r = await http.post("/v1/clients.json", headers=t.headers, json=body)
    assert (r.status_code, r.json()) == (
        409,
        {"error": f"client {first} already has the tax id 20100070970"},
    )
    other = await http.post(
        "/v1/clients.json", headers=t.headers, json={"firstName": "C", "code": "20131312955"}
    )
    assert other.status_code == 201
    r = await http.put(
        f"/v1/clients/{other.json()['id']}.json", headers=t.headers, json={"code": "20100070970"}
    )
    assert r.status_code == 409
    r = await http.put(f"/v1/clients/{second}.json", headers=t.headers, json={"firstName": "Z"})
    assert r.status_code == 200  # existing duplicates stay editable
