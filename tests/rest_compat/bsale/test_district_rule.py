"""``district`` and ``municipality`` name one field: either, or both when equal; different values
are refused by the one core rule, on the client path and on the address paths alike.

Issue 9 §5: ``POST /v1/clients/{id}/addresses.json`` with a district and a municipality that
differ answered 201 and stored the second, while the client path answered 400."""

from __future__ import annotations

from typing import Any

import pytest

REFUSAL = {"error": "municipality: district and municipality name the same field; they differ"}
DIFFERENT = {"district": "Miraflores", "municipality": "Surco"}


async def _client(http: Any, headers: dict[str, str]) -> int:
    r = await http.post("/v1/clients.json", headers=headers, json={"firstName": "C"})
    assert r.status_code == 201, r.text
    cid: int = r.json()["id"]
    return cid


@pytest.mark.parametrize("country", ["PE", "CL"])
async def test_every_path_refuses_a_district_and_a_municipality_that_differ(
    http: Any, make_tenant: Any, country: str
) -> None:
    t = await make_tenant(country)
    cid = await _client(http, t.headers)
    addresses = f"/v1/clients/{cid}/addresses.json"
    r = await http.post(addresses, headers=t.headers, json={"address": "Calle 1"})
    assert r.status_code == 201, r.text
    aid = r.json()["id"]
    before = (await http.get(addresses, headers=t.headers)).json()
    client_before = (await http.get(f"/v1/clients/{cid}.json", headers=t.headers)).json()

    for method, path, body in (
        ("POST", "/v1/clients.json", {"firstName": "D", **DIFFERENT}),
        ("PUT", f"/v1/clients/{cid}.json", DIFFERENT),
        ("POST", addresses, {"address": "Calle 2", **DIFFERENT}),
        ("PUT", f"/v1/clients/{cid}/addresses/{aid}.json", {"address": "Calle 3", **DIFFERENT}),
    ):
        r = await http.request(method, path, headers=t.headers, json=body)
        assert (r.status_code, r.json()) == (400, REFUSAL), (method, path, r.text)

    assert (await http.get(addresses, headers=t.headers)).json() == before
    assert (await http.get(f"/v1/clients/{cid}.json", headers=t.headers)).json() == client_before


async def test_either_name_or_both_equal_are_accepted(http: Any, make_tenant: Any) -> None:
    t = await make_tenant("PE")
    cid = await _client(http, t.headers)
    addresses = f"/v1/clients/{cid}/addresses.json"
    for body in (
        {"address": "A", "district": "Surco"},
        {"address": "A", "municipality": "Surco"},
        {"address": "A", "district": "Surco", "municipality": "Surco"},
    ):
        r = await http.post(addresses, headers=t.headers, json=body)
        assert r.status_code == 201, r.text
        assert r.json()["district"] == "Surco"
