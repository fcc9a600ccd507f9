"""Ids and numbers in paths, query parameters and bodies are ASCII digits only (parsed through
``core.shared.ids``): ``²`` (which ``str.isdigit`` accepts and ``int`` refuses) and Arabic-Indic
digits (which ``int`` reads as numbers) are the caller's error, a 400 ``{"error": ...}`` naming
what was wrong, and nothing is read or written for them."""

from __future__ import annotations

from typing import Any

import pytest

SUPERSCRIPT_TWO = "\u00b2"
ARABIC_INDIC_ONE = "\u0661"


@pytest.mark.parametrize("digit", [SUPERSCRIPT_TWO, ARABIC_INDIC_ONE])
async def test_paths(http: Any, make_tenant: Any, digit: str) -> None:
    t = await make_tenant("PE")
    r = await http.post("/v1/clients.json", headers=t.headers, json={"firstName": "C"})
    cid = r.json()["id"]
    cases = [
        ("GET", f"/v1/clients/{digit}.json", "clientId"),
        ("PUT", f"/v1/clients/1{digit}.json", "clientId"),
        ("DELETE", f"/v1/clients/{digit}.json", "clientId"),
        ("GET", f"/v1/clients/{digit}/contacts.json", "clientId"),
        ("GET", f"/v1/clients/{cid}/contacts/{digit}.json", "contactId"),
        ("DELETE", f"/v1/clients/{cid}/contacts/{digit}.json", "contactId"),
        ("GET", f"/v1/clients/{cid}/addresses/{digit}.json", "addressId"),
        ("GET", f"/v1/clients/{digit}/attributes.json", "clientId"),
        ("GET", f"/v1/documents/{digit}.json", "id"),
        ("GET", f"/v1/payment_types/{digit}.json", "id"),
        ("GET", f"/v1/dynamic_attributes/{digit}.json", "id"),
    ]
    for method, path, field in cases:
        body = {"firstName": "X"} if method == "PUT" else None
        r = await http.request(method, path, headers=t.headers, json=body)
        assert r.status_code == 400, (path, r.text)
        assert r.json() == {"error": f"{field}: must be written with the digits 0-9"}, path
    # Nothing was changed by any of them.
    r = await http.get(f"/v1/clients/{cid}.json", headers=t.headers)
    assert (r.json()["firstName"], r.json()["state"]) == ("C", 0)


@pytest.mark.parametrize("digit", [SUPERSCRIPT_TWO, ARABIC_INDIC_ONE])
async def test_query_parameters_and_bodies(http: Any, make_tenant: Any, digit: str) -> None:
    t = await make_tenant("PE")
    for path, name in (
        (f"/v1/clients.json?limit={digit}", "limit"),
        (f"/v1/clients.json?offset={digit}", "offset"),
        (f"/v1/clients.json?paymenttypeid={digit}", "paymenttypeid"),
        (f"/v1/clients/unpaid_documents.json?clientid={digit}", "clientid"),
        (f"/v1/clients/unpaid_documents.json?clientid=1&comparisondate=1{digit}", "comparisondate"),
    ):
        r = await http.get(path, headers=t.headers)
        assert r.status_code == 400, (path, r.text)
        assert r.json()["error"].startswith(f"{name}: "), r.text
    for body, name in (
        ({"firstName": "C", "paymentTypeId": digit}, "paymentTypeId"),
        ({"firstName": "C", "prestashopClienId": f"1{digit}"}, "prestashopClienId"),
    ):
        r = await http.post("/v1/clients.json", headers=t.headers, json=body)
        assert r.status_code == 400, r.text
        assert r.json()["error"].startswith(f"{name}: "), r.text
    r = await http.put(
        "/v1/clients/points.json",
        headers=t.headers,
        json={"type": 0, "clientId": digit, "points": 1},
    )
    assert r.status_code == 400 and r.json()["error"].startswith("clientId: "), r.text
    r = await http.get("/v1/clients/count.json", headers=t.headers)
    assert r.json() == {"count": 0}
