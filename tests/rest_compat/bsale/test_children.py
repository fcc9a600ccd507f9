"""Contacts, addresses, catalogs and dynamic attributes of the Bsale dialect."""

from __future__ import annotations

from typing import Any

from clientgate.container import Services
from core.clients.model import CatalogKind
from tests.support.callers import caller


async def _client(http: Any, t: Any, **body: Any) -> int:
    r = await http.post("/v1/clients.json", headers=t.headers, json={"firstName": "C", **body})
    assert r.status_code == 201, r.text
    cid: int = r.json()["id"]
    return cid


async def test_contacts_lifecycle(http: Any, make_tenant: Any) -> None:
    t = await make_tenant("PE")
    cid = await _client(http, t)
    base = f"http://testserver/v1/clients/{cid}"
    # Seed 001 sends href and id in the POST body: both are read-only and ignored.
    r = await http.post(
        f"/v1/clients/{cid}/contacts.json",
        headers=t.headers,
        json={
            "href": "https://api.bsale.com.pe/v1/clients/76/contacts/4.json",
            "id": 4,
            "firstName": "Juan",
            "lastName": "Matamala",
            "phone": "966542311",
            "email": "jmatamala@gmail.com",
        },
    )
    assert r.status_code == 201, r.text
    first = r.json()
    assert first == {
        "href": f"{base}/contacts/{first['id']}.json",
        "id": first["id"],
        "firstName": "Juan",
        "lastName": "Matamala",
        "phone": "966542311",
        "email": "jmatamala@gmail.com",
    }
    r = await http.post(
        f"/v1/clients/{cid}/contacts.json",
        headers=t.headers,
        json={"contact": {"firstName": "Tommy", "lastName": "Vercetti", "email": "t@vc.com"}},
    )
    second = r.json()
    r = await http.get(f"/v1/clients/{cid}/contacts.json", headers=t.headers)
    assert r.json() == {
        "href": f"{base}/contacts.json",
        "count": 2,
        "limit": 25,
        "offset": 0,
        "items": [first, second],
    }
    r = await http.get(f"/v1/clients/{cid}/contacts.json?limit=1", headers=t.headers)
    assert r.json()["items"] == [first]
    assert r.json()["next"] == f"{base}/contacts.json?limit=1&offset=1"

    r = await http.get(f"/v1/clients/{cid}/contacts/{first['id']}.json", headers=t.headers)
    assert r.json() == first
    r = await http.put(
        f"/v1/clients/{cid}/contacts/{first['id']}.json",
        headers=t.headers,
        json={"phone": "111"},
    )
    assert r.status_code == 200 and r.json() == {**first, "phone": "111"}

    r = await http.delete(f"/v1/clients/{cid}/contacts/{first['id']}.json", headers=t.headers)
    assert r.status_code == 204 and r.content == b""
    r = await http.get(f"/v1/clients/{cid}/contacts/{first['id']}.json", headers=t.headers)
    assert r.status_code == 404
    r = await http.get(f"/v1/clients/{cid}/contacts.json", headers=t.headers)
    assert r.json()["count"] == 1 and r.json()["items"] == [second]
    r = await http.delete(f"/v1/clients/{cid}/contacts/{first['id']}.json", headers=t.headers)
    assert r.status_code == 404

    # A contact is reached only through its own client.
    other = await _client(http, t)
    r = await http.get(f"/v1/clients/{other}/contacts/{second['id']}.json", headers=t.headers)
    assert r.status_code == 404


async def test_addresses_lifecycle_and_filters(http: Any, make_tenant: Any) -> None:
    t = await make_tenant("CL")
    cid = await _client(http, t)
    base = f"http://testserver/v1/clients/{cid}"
    made = []
    for body in (
        {
            "addressName": "SUC 1",
            "address": "SOTERO SANZ 100",
            "city": "STGO",
            "municipality": "PROVIDENCIA",
        },
        {
            "addressName": "SUC 2",
            "address": "PEDRO DE VALDIVIA 200",
            "city": "STGO",
            "municipality": "PROVIDENCIA",
        },
        {
            "addressName": "SUC 3",
            "address": "Los trigales 372",
            "city": "Santiago",
            "district": "Las Condes",
        },
    ):
        r = await http.post(f"/v1/clients/{cid}/addresses.json", headers=t.headers, json=body)
        assert r.status_code == 201, r.text
        made.append(r.json())
    assert made[0] == {
        "href": f"{base}/addresses/{made[0]['id']}.json",
        "id": made[0]["id"],
        "addressName": "SUC 1",
        "address": "SOTERO SANZ 100",
        "city": "STGO",
        "municipality": "PROVIDENCIA",
        "state": 0,
    }

    async def ids(query: str) -> list[int]:
        r = await http.get(f"/v1/clients/{cid}/addresses.json?{query}", headers=t.headers)
        assert r.status_code == 200, r.text
        return [a["id"] for a in r.json()["items"]]

    all_ids = [a["id"] for a in made]
    assert await ids("") == all_ids
    assert await ids("city=stgo") == all_ids[:2]
    assert await ids("city=santiago&municipality=las condes") == all_ids[2:]
    assert await ids("district=providencia") == all_ids[:2]
    assert await ids("address=sotero") == all_ids[:1]

    aid = made[2]["id"]
    r = await http.put(
        f"/v1/clients/{cid}/addresses/{aid}.json",
        headers=t.headers,
        json={
            "addressName": "SUC 4",
            "address": "OF. 401",
            "city": "STGO",
            "municipality": "PROVIDENCIA",
        },
    )
    assert r.status_code == 200, r.text
    assert r.json() == {
        **made[2],
        "addressName": "SUC 4",
        "address": "OF. 401",
        "city": "STGO",
        "municipality": "PROVIDENCIA",
    }
    r = await http.delete(f"/v1/clients/{cid}/addresses/{aid}.json", headers=t.headers)
    assert r.status_code == 200 and r.json()["state"] == 1 and r.json()["address"] == "OF. 401"
    r = await http.get(f"/v1/clients/{cid}/addresses/{aid}.json", headers=t.headers)
    assert r.json()["state"] == 1
    assert await ids("state=1") == [aid]
    assert await ids("state=0") == all_ids[:2]
    # PUT may reactivate it.
    r = await http.put(
        f"/v1/clients/{cid}/addresses/{aid}.json", headers=t.headers, json={"state": 0}
    )
    assert r.json()["state"] == 0


async def test_catalogs_and_dynamic_attributes(
    http: Any, make_tenant: Any, services: Services
) -> None:
    t = await make_tenant("PE")
    extra = await services.clients.add_catalog_item(
        caller(t.account), CatalogKind.PAYMENT_TYPE, "Tarjeta"
    )
    r = await http.get("/v1/payment_types.json?limit=1", headers=t.headers)
    assert r.json() == {
        "href": "http://testserver/v1/payment_types.json",
        "count": 2,
        "limit": 1,
        "offset": 0,
        "items": [
            {
                "href": f"http://testserver/v1/payment_types/{t.payment_type.id}.json",
                "id": t.payment_type.id,
                "name": "Efectivo",
                "state": 0,
            }
        ],
        "next": "http://testserver/v1/payment_types.json?limit=1&offset=1",
    }
    r = await http.get(f"/v1/payment_types/{extra.id}.json", headers=t.headers)
    assert r.json()["name"] == "Tarjeta"
    for path, item in (
        ("price_lists", t.price_list),
        ("sale_conditions", t.sale_condition),
        ("dynamic_attributes", t.birthday),
    ):
        r = await http.get(f"/v1/{path}.json", headers=t.headers)
        assert r.status_code == 200
        assert item.id in [x["id"] for x in r.json()["items"]]
        r = await http.get(f"/v1/{path}/{item.id}.json", headers=t.headers)
        assert r.json() == {
            "href": f"http://testserver/v1/{path}/{item.id}.json",
            "id": item.id,
            "name": item.name,
            "state": 0,
        }
    # Another tenant's catalog item is a 404 like a missing one.
    other = await make_tenant("PE")
    for path, ident in (("payment_types", extra.id), ("dynamic_attributes", t.age.id)):
        mine = await http.get(f"/v1/{path}/{ident}.json", headers=other.headers)
        missing = await http.get(f"/v1/{path}/987654321.json", headers=other.headers)
        assert mine.status_code == missing.status_code == 404
