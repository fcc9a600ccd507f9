"""Every ``href`` (and ``next``) the dialect emits resolves with 200 for its tenant."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from clientgate.container import Services
from tests.support.callers import caller


def _links(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("href", "next") and isinstance(value, str):
                yield value
            else:
                yield from _links(value)
    elif isinstance(node, list):
        for item in node:
            yield from _links(item)


async def test_every_href_resolves(http: Any, make_tenant: Any, services: Services) -> None:
    t = await make_tenant("CL")
    r = await http.post(
        "/v1/clients.json",
        headers=t.headers,
        json={
            "firstName": "Crawl",
            "code": "92.341.000-7",
            "paymentTypeId": t.payment_type.id,
            "priceListId": t.price_list.id,
            "saleConditionId": t.sale_condition.id,
            "dynamicAttributes": [{"description": "x", "dynamicAttributeId": t.age.id}],
        },
    )
    cid = r.json()["id"]
    for i in range(2):
        await http.post(
            f"/v1/clients/{cid}/contacts.json", headers=t.headers, json={"firstName": f"c{i}"}
        )
        await http.post(
            f"/v1/clients/{cid}/addresses.json", headers=t.headers, json={"address": f"a{i}"}
        )
    await http.post("/v1/clients.json", headers=t.headers, json={"firstName": "Second"})
    doc = await services.clients.add_document(
        caller(t.account),
        cid,
        name="Factura",
        number=1,
        emission_date=100,
        expiration_date=200,
        total_amount=10,
    )
    expand = "expand=[contacts,attributes,addresses,payment_type,price_list,sale_condition]"
    start = [
        f"/v1/clients.json?limit=1&{expand}",
        "/v1/clients.json?limit=1",
        f"/v1/clients/{cid}.json?{expand}",
        f"/v1/clients/{cid}.json",
        f"/v1/clients/{cid}/contacts.json?limit=1",
        f"/v1/clients/{cid}/addresses.json?limit=1",
        f"/v1/clients/{cid}/attributes.json",
        "/v1/clients/unpaid_documents.json?code=92341000-7&comparisondate=150",
        "/v1/payment_types.json",
        "/v1/price_lists.json",
        "/v1/sale_conditions.json",
        "/v1/dynamic_attributes.json?limit=1",
        f"/v1/documents/{doc.id}.json",
    ]
    seen: set[str] = set()
    queue = list(start)
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        r = await http.get(url, headers=t.headers)
        assert r.status_code == 200, (url, r.status_code, r.text)
        queue.extend(link for link in _links(r.json()) if link not in seen)
    crawled = {u for u in seen if u.startswith("http://testserver/v1/")}
    # Links of every kind were followed, not just the start pages.
    for fragment in (
        "/payment_types/",
        "/price_lists/",
        "/sale_conditions/",
        "/dynamic_attributes/",
        "/documents/",
        "/contacts/",
        "/addresses/",
        "offset=1",
    ):
        assert any(fragment in u for u in crawled), fragment
