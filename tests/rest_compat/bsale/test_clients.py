"""The Bsale ``/v1/clients`` paths, field by field as the seeds show them, on both backends."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

from clientgate.container import Services
from core.clients.model import ClientChanges
from tests.support.callers import caller

PE_FIELDS = [
    "href",
    "id",
    "firstName",
    "lastName",
    "email",
    "code",
    "phone",
    "company",
    "note",
    "facebook",
    "twitter",
    "hasCredit",
    "maxCredit",
    "state",
    "activity",
    "city",
    "district",
    "municipality",
    "address",
    "companyOrPerson",
    "accumulatePoints",
    "points",
    "pointsUpdated",
    "sendDte",
    "isForeigner",
    "prestashopClienId",
    "createdAt",
    "updatedAt",
]
LINKS = ["contacts", "attributes", "addresses"]

SEED_001_POST = {
    "facebook": "",
    "district": "Miraflores",
    "phone": "66287196",
    "activity": "Venta de ropa",
    "city": "Santiago",
    "maxCredit": 100000,
    "hasCredit": 1,
    "accumulatePoints": 1,
    "lastName": "Muñoz",
    "note": "Cliente ingresado por canal venta",
    "firstName": "Marcela",
    "company": "Particular",
    "address": "Los trigales 372",
    "email": "api@bsale.cl",
    "twitter": "",
    "code": "2-7",
}


async def test_post_seed_body_answers_the_seed_shape(http: Any, make_tenant: Any) -> None:
    t = await make_tenant("PE")
    body = {
        **SEED_001_POST,
        "dynamicAttributes": [{"description": "21/03/1983", "dynamicAttributeId": t.birthday.id}],
    }
    r = await http.post("/v1/clients.json", headers=t.headers, json=body)
    assert r.status_code == 201, r.text
    got = r.json()
    assert list(got) == PE_FIELDS + LINKS
    cid = got["id"]
    assert got["href"] == f"http://testserver/v1/clients/{cid}.json"
    assert got["contacts"] == {"href": f"http://testserver/v1/clients/{cid}/contacts.json"}
    assert got["district"] == got["municipality"] == "Miraflores"
    assert (got["maxCredit"], got["hasCredit"], got["accumulatePoints"]) == (100000.0, 1, 1)
    assert (got["state"], got["points"], got["pointsUpdated"], got["code"]) == (0, 0.0, "", "2-7")
    assert isinstance(got["createdAt"], int) and got["createdAt"] == got["updatedAt"]

    r = await http.get(f"/v1/clients/{cid}.json", headers=t.headers)
    assert r.status_code == 200
    assert r.json() == got

    r = await http.get(f"/v1/clients/{cid}/attributes.json", headers=t.headers)
    assert r.json() == {
        "href": f"http://testserver/v1/clients/{cid}/attributes.json",
        "count": 1,
        "limit": 25,
        "offset": 0,
        "items": [
            {
                "href": f"http://testserver/v1/dynamic_attributes/{t.birthday.id}.json",
                "id": t.birthday.id,
                "name": "Cumpleaños",
                "value": "21/03/1983",
            }
        ],
    }


async def test_flavours_follow_the_account_country(http: Any, make_tenant: Any) -> None:
    # Peru answers both names (seed 001 says district, Bsale's Peru pages and SDKs say
    # municipality); Chile and Mexico answer municipality only.
    for country, keys, other in (
        ("CL", ["municipality"], "district"),
        ("MX", ["municipality"], "district"),
        ("PE", ["district", "municipality"], "municipality"),
        ("PE", ["district", "municipality"], "district"),
    ):
        t = await make_tenant(country)
        # Input accepts either name, whatever the flavour.
        r = await http.post(
            "/v1/clients.json", headers=t.headers, json={"firstName": "F", other: "Las Condes"}
        )
        assert r.status_code == 201, r.text
        got = r.json()
        assert [k for k in got if k in ("district", "municipality")] == keys
        assert all(got[k] == "Las Condes" for k in keys)
        assert list(got)[16 : 16 + len(keys)] == keys
        r = await http.post(
            f"/v1/clients/{got['id']}/addresses.json",
            headers=t.headers,
            json={"addressName": "SUC 1", "address": "SOTERO SANZ 100", "city": "STGO", other: "P"},
        )
        assert r.status_code == 201
        address = r.json()
        assert [k for k in address if k in ("district", "municipality")] == keys
        assert all(address[k] == "P" for k in keys)


async def test_wrapped_foreigner_gets_the_generic_code(http: Any, make_tenant: Any) -> None:
    t = await make_tenant("CL")
    body = {
        "client": {
            "city": "Hawai",
            "company": "Mountain Apple Company Inc",
            "municipality": "Honolulu",
            "activity": "Musician",
            "address": "izhawaii dot com #100 street",
            "email": "Israel@Kamakawiwo.ole",
            "isForeigner": 1,
        }
    }
    r = await http.post("/v1/clients.json", headers=t.headers, json=body)
    assert r.status_code == 201, r.text
    got = r.json()
    assert (got["code"], got["isForeigner"], got["municipality"]) == ("55555555-5", 1, "Honolulu")


async def test_put_accepts_the_seed_example_with_strings_and_booleans(
    http: Any, make_tenant: Any
) -> None:
    t = await make_tenant("CL")
    r = await http.post(
        "/v1/clients.json",
        headers=t.headers,
        json={"firstName": "Marcela", "priceListId": t.price_list.id, "code": "92.341.000-7"},
    )
    cid = r.json()["id"]
    assert r.json()["price_list"] == {
        "href": f"http://testserver/v1/price_lists/{t.price_list.id}.json",
        "id": str(t.price_list.id),
    }
    assert r.json()["code"] == "92341000-7"
    put = {
        "id": str(cid),
        "facebook": "",
        "municipality": "Puerto Montt",
        "phone": "66287196",
        "activity": "Venta de ropa",
        "city": "Puerto Montt",
        "maxCredit": "9100",
        "hasCredit": True,
        "lastName": "Muñoz",
        "accumulatePoints": "1",
        "priceListId": 0,
        "paymentTypeId": str(t.payment_type.id),
        "saleConditionId": t.sale_condition.id,
        "prestashopClienId": "12",
    }
    r = await http.put(f"/v1/clients/{cid}.json", headers=t.headers, json=put)
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["maxCredit"] == 9100.0 and got["hasCredit"] == 1 and got["accumulatePoints"] == 1
    assert got["municipality"] == "Puerto Montt" and got["prestashopClienId"] == 12
    assert "price_list" not in got
    assert got["payment_type"]["id"] == str(t.payment_type.id)
    assert got["sale_condition"]["id"] == str(t.sale_condition.id)
    assert got["firstName"] == "Marcela"  # a PUT changes only what it sends

    # A representation fetched with GET can be sent back as is.
    r = await http.get(f"/v1/clients/{cid}.json", headers=t.headers)
    again = await http.put(f"/v1/clients/{cid}.json", headers=t.headers, json=r.json())
    assert again.status_code == 200, again.text
    assert {k: v for k, v in again.json().items() if k != "updatedAt"} == {
        k: v for k, v in r.json().items() if k != "updatedAt"
    }


async def test_delete_deactivates_and_answers_the_client(http: Any, make_tenant: Any) -> None:
    t = await make_tenant("PE")
    ids = []
    for name in ("Andres", "Beatriz"):
        r = await http.post("/v1/clients.json", headers=t.headers, json={"firstName": name})
        ids.append(r.json()["id"])
    r = await http.delete(f"/v1/clients/{ids[0]}.json", headers=t.headers)
    assert r.status_code == 200
    assert (
        r.json()["state"] == 1 and r.json()["id"] == ids[0] and list(r.json())[:2] == ["href", "id"]
    )
    r = await http.get(f"/v1/clients/{ids[0]}.json", headers=t.headers)
    assert r.status_code == 200 and r.json()["state"] == 1  # kept, with its documents
    for state, expected in (("0", 1), ("1", 1), (None, 2)):
        qs = f"?state={state}" if state else ""
        r = await http.get(f"/v1/clients/count.json{qs}", headers=t.headers)
        assert r.json() == {"count": expected}
    r = await http.get("/v1/clients.json?state=1", headers=t.headers)
    assert [c["id"] for c in r.json()["items"]] == [ids[0]]


async def test_list_envelope_pages_with_next_keeping_the_query(
    http: Any, make_tenant: Any, services: Services
) -> None:
    t = await make_tenant("PE")
    for i in range(7):
        await services.clients.create(caller(t.account), ClientChanges({"first_name": f"Ana {i}"}))
    await services.clients.create(caller(t.account), ClientChanges({"first_name": "Other"}))

    r = await http.get("/v1/clients.json?firstname=ana&limit=3", headers=t.headers)
    page = r.json()
    assert (page["href"], page["count"], page["limit"], page["offset"]) == (
        "http://testserver/v1/clients.json",
        7,
        3,
        0,
    )
    assert list(page) == ["href", "count", "limit", "offset", "items", "next"]
    seen = [c["id"] for c in page["items"]]
    while "next" in page:
        url = urlsplit(page["next"])
        assert url.scheme == "http" and url.netloc == "testserver"
        assert parse_qs(url.query)["firstname"] == ["ana"]
        page = (await http.get(page["next"], headers=t.headers)).json()
        seen += [c["id"] for c in page["items"]]
    assert len(seen) == len(set(seen)) == 7 and page["offset"] == 6
    r = await http.get("/v1/clients.json", headers=t.headers)
    assert r.json()["limit"] == 25 and r.json()["count"] == 8 and "next" not in r.json()
    r = await http.get("/v1/clients.json?limit=50&offset=8", headers=t.headers)
    assert r.json()["items"] == [] and r.json()["count"] == 8 and "next" not in r.json()


async def test_filters(http: Any, make_tenant: Any) -> None:
    t = await make_tenant("CL")
    bodies = [
        {"firstName": "Rosa", "lastName": "Paz", "email": "rosa@x.cl", "code": "92.341.000-7"},
        {
            "firstName": "Rocio",
            "lastName": "Luz",
            "email": "rocio@y.cl",
            "paymentTypeId": t.payment_type.id,
            "saleConditionId": t.sale_condition.id,
        },
        {"firstName": "Juan", "lastName": "Paz", "email": "juan@x.cl"},
    ]
    ids = []
    for body in bodies:
        r = await http.post("/v1/clients.json", headers=t.headers, json=body)
        ids.append(r.json()["id"])

    async def found(query: str) -> list[int]:
        r = await http.get(f"/v1/clients.json?{query}", headers=t.headers)
        assert r.status_code == 200, r.text
        return sorted(c["id"] for c in r.json()["items"])

    assert await found("code=92341000-7") == [ids[0]]
    assert await found("code=92.341.000-7") == [ids[0]]  # normalised like the stored code
    assert await found("firstname=RO") == ids[:2]
    assert await found("lastName=paz") == [ids[0], ids[2]]  # names are case-insensitive
    assert await found("email=x.cl") == [ids[0], ids[2]]
    assert await found(f"paymenttypeid={t.payment_type.id}") == [ids[1]]
    assert await found(f"salesconditionid={t.sale_condition.id}") == [ids[1]]
    assert await found("state=0&lastname=paz&firstname=juan") == [ids[2]]
    assert await found("state=1") == []


async def test_fields_and_expand(http: Any, make_tenant: Any) -> None:
    t = await make_tenant("PE")
    r = await http.post(
        "/v1/clients.json",
        headers=t.headers,
        json={
            "firstName": "Gabriel",
            "lastName": "Seguel",
            "paymentTypeId": t.payment_type.id,
            "dynamicAttributes": [{"description": "32", "dynamicAttributeId": t.age.id}],
        },
    )
    cid = r.json()["id"]
    await http.post(
        f"/v1/clients/{cid}/contacts.json", headers=t.headers, json={"firstName": "Hernan"}
    )
    await http.post(f"/v1/clients/{cid}/addresses.json", headers=t.headers, json={"address": "A 1"})

    r = await http.get("/v1/clients.json?fields=[FirstName, lastname,district]", headers=t.headers)
    assert r.status_code == 200, r.text
    assert list(r.json()["items"][0]) == ["href", "id", "firstName", "lastName", "district"]

    r = await http.get(
        f"/v1/clients/{cid}.json?expand=[contacts,attributes,addresses,payment_type,price_list]",
        headers=t.headers,
    )
    got = r.json()
    base = f"http://testserver/v1/clients/{cid}"
    assert got["contacts"]["href"] == f"{base}/contacts.json"
    assert [c["firstName"] for c in got["contacts"]["items"]] == ["Hernan"]
    assert list(got["contacts"]["items"][0]) == [
        "href",
        "id",
        "firstName",
        "lastName",
        "phone",
        "email",
    ]
    assert got["addresses"]["items"][0]["address"] == "A 1"
    assert got["attributes"]["items"][0]["value"] == "32"
    assert got["payment_type"] == {
        "href": f"http://testserver/v1/payment_types/{t.payment_type.id}.json",
        "id": t.payment_type.id,
        "name": "Efectivo",
        "state": 0,
    }
    assert "price_list" not in got  # not set: nothing to expand

    r = await http.get("/v1/clients.json?expand=[CONTACTS]&fields=[email]", headers=t.headers)
    item = r.json()["items"][0]
    assert list(item) == ["href", "id", "email", "contacts"] and item["contacts"]["count"] == 1


async def test_points_add_subtract_and_never_below_zero(http: Any, make_tenant: Any) -> None:
    t = await make_tenant("PE")
    cid = (await http.post("/v1/clients.json", headers=t.headers, json={"firstName": "P"})).json()[
        "id"
    ]
    body = {
        "type": 0,
        "clientId": cid,
        "description": "Suma puntos 2",
        "points": 10,
        "orderId": "1",
    }
    r = await http.put("/v1/clients/points.json", headers=t.headers, json=body)
    assert r.status_code == 200, r.text
    got = r.json()
    assert {k: got[k] for k in body} == body
    assert got["balance"] == 10
    r = await http.put(
        "/v1/clients/points.json",
        headers=t.headers,
        json={"type": "1", "clientId": str(cid), "description": "resta", "points": "3"},
    )
    assert r.status_code == 200 and r.json()["balance"] == 7 and r.json()["orderId"] is None
    r = await http.put(
        "/v1/clients/points.json",
        headers=t.headers,
        json={"type": 1, "clientId": cid, "description": "too much", "points": 8},
    )
    assert r.status_code == 400 and "points" in r.json()["error"]
    client = (await http.get(f"/v1/clients/{cid}.json", headers=t.headers)).json()
    assert client["points"] == 7.0 and isinstance(client["pointsUpdated"], int)


async def test_unpaid_documents_seed_shape(http: Any, make_tenant: Any, services: Services) -> None:
    t = await make_tenant("CL")
    r = await http.post(
        "/v1/clients.json",
        headers=t.headers,
        json={
            "firstName": "Roberto",
            "lastName": "",
            "company": "Roberto Manquilla",
            "code": "7513098-8",
        },
    )
    cid = r.json()["id"]
    svc = services.clients
    docs = []
    for number, emitted, expires, amount in (
        (123123123217, 1437436800, 1437436800, 20000),
        (123123123218, 1437436800, 1437436800, 20000),
        (123123123220, 1437523200, 1440201600, 30000),
    ):
        docs.append(
            await svc.add_document(
                caller(t.account),
                cid,
                name="Factura Electronica",
                number=number,
                emission_date=emitted,
                expiration_date=expires,
                total_amount=amount,
            )
        )
    await svc.add_payment(caller(t.account), docs[1].id, "5000.50")

    r = await http.get(
        "/v1/clients/unpaid_documents.json?code=7513098-8&comparisondate=1437500000",
        headers=t.headers,
    )
    assert r.status_code == 200, r.text
    got = r.json()
    assert list(got) == [
        "overdueDebt",
        "upcomingDebt",
        "totalDebt",
        "client",
        "overdue_documents",
        "upcoming_documents",
    ]
    assert (got["overdueDebt"], got["upcomingDebt"], got["totalDebt"]) == (
        34999.5,
        30000,
        64999.5,
    )
    assert got["client"] == {
        "href": f"http://testserver/v1/clients/{cid}.json",
        "id": cid,
        "firstName": "Roberto",
        "lastName": "",
        "code": "7513098-8",
        "company": "Roberto Manquilla",
    }
    assert [d["id"] for d in got["overdue_documents"]] == [docs[0].id, docs[1].id]
    assert got["overdue_documents"][1] == {
        "href": f"http://testserver/v1/documents/{docs[1].id}.json",
        "id": docs[1].id,
        "name": "Factura Electronica",
        "number": 123123123218,
        "emissionDate": 1437436800,
        "expirationDate": 1437436800,
        "totalAmount": 20000,
        "totalAmountOwed": 14999.5,
    }
    r = await http.get(
        f"/v1/clients/unpaid_documents.json?clientid={cid}&comparisondate=1",
        headers=t.headers,
    )
    assert r.json()["overdue_documents"] == [] and len(r.json()["upcoming_documents"]) == 3
    r = await http.get(f"/v1/documents/{docs[2].id}.json", headers=t.headers)
    assert r.status_code == 200
    assert r.json()["client"] == {"href": f"http://testserver/v1/clients/{cid}.json", "id": cid}


async def test_codes_are_normalised_and_strict_accounts_refuse_invalid_ones(
    http: Any, make_tenant: Any
) -> None:
    lax = await make_tenant("PE")
    strict = await make_tenant("PE", strict_tax_ids=True)
    for t in (lax, strict):
        r = await http.post(
            "/v1/clients.json", headers=t.headers, json={"company": "SAC", "code": " 20100070970 "}
        )
        assert r.status_code == 201 and r.json()["code"] == "20100070970"
    r = await http.post("/v1/clients.json", headers=lax.headers, json={"code": "20100070971"})
    assert r.status_code == 201 and r.json()["code"] == "20100070971"  # kept as typed
    r = await http.post("/v1/clients.json", headers=strict.headers, json={"code": "20100070971"})
    assert r.status_code == 400 and r.json()["error"].startswith("code: ")
    cid = (await http.get("/v1/clients.json", headers=strict.headers)).json()["items"][0]["id"]
    r = await http.put(f"/v1/clients/{cid}.json", headers=strict.headers, json={"code": "1-9"})
    assert r.status_code == 400 and "code" in r.json()["error"]
    r = await http.get("/v1/clients/count.json?code=20100070971", headers=strict.headers)
    assert r.json() == {"count": 0}


async def test_head_and_request_id(http: Any, make_tenant: Any) -> None:
    t = await make_tenant("MX")
    r = await http.head("/v1/clients.json", headers=t.headers)
    assert r.status_code == 200
    r = await http.get("/v1/clients.json", headers={**t.headers, "X-Request-ID": "abc-123"})
    assert r.headers["x-request-id"] == "abc-123"
