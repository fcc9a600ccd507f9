"""No N+1: the SQL statements of a client list do not grow with the page size."""

from __future__ import annotations

from typing import Any

from clientgate.container import Services
from core.clients.model import AttributeInput, ClientChanges
from tests.support.callers import caller


async def test_list_with_expand_costs_six_statements_whatever_the_limit(
    http: Any, make_tenant: Any, services: Services, count_statements: Any
) -> None:
    t = await make_tenant("PE")
    svc = services.clients
    for i in range(60):
        client = await svc.create(
            caller(t.account),
            ClientChanges(
                {"first_name": f"N{i}", "payment_type_id": t.payment_type.id},
                attributes=[AttributeInput(t.age.id, str(i))],
            ),
        )
        await svc.add_contact(caller(t.account), client.id, {"first_name": f"c{i}"})
        await svc.add_address(caller(t.account), client.id, {"address": f"a{i}"})

    # The rate limiter resolves a credential once and caches it: warm it up so the counts
    # below are those of the dialect alone.
    assert (await http.get("/v1/clients/count.json", headers=t.headers)).status_code == 200
    counts = {}
    for limit in (5, 50):
        url = f"/v1/clients.json?limit={limit}&expand=[contacts,addresses,attributes,payment_type]"
        with count_statements() as counter:
            r = await http.get(url, headers=t.headers)
        assert r.status_code == 200, r.text
        items = r.json()["items"]
        assert len(items) == limit and r.json()["count"] == 60
        assert all(
            len(c["contacts"]["items"]) == len(c["addresses"]["items"]) == 1
            and c["attributes"]["items"][0]["name"] == "Edad"
            and c["payment_type"]["name"] == "Efectivo"
            for c in items
        )
        counts[limit] = counter.count
    # auth 1 + page with catalogs joined 1 + count 1 + contacts 1 + addresses 1 + attributes 1
    assert counts == {5: 6, 50: 6}


async def test_unpaid_by_code_costs_one_statement_more_only_when_the_code_is_shared(
    http: Any, make_tenant: Any, count_statements: Any
) -> None:
    t = await make_tenant("CL")
    for code in ("2-7", "1-9", "1-9"):
        r = await http.post("/v1/clients.json", headers=t.headers, json={"code": code})
        assert r.status_code == 201
    assert (await http.get("/v1/clients/count.json", headers=t.headers)).status_code == 200
    counts = {}
    for code in ("2-7", "1-9"):
        with count_statements() as counter:
            r = await http.get(f"/v1/clients/unpaid_documents.json?code={code}", headers=t.headers)
        counts[code] = (r.status_code, counter.count)
    # auth 1 + clients by code 1 (+ the active ones among them 1) + unpaid documents 1
    assert counts == {"2-7": (200, 3), "1-9": (400, 3)}
