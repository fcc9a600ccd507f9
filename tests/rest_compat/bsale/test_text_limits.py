"""Every text field of clients, contacts, addresses and attribute values takes exactly what its
column holds, on both databases: at the limit it is stored, one character more is the
dialect's 400, never a 500 (hardening §5: a 65-character ``code`` was a 500 on PostgreSQL,
the column is 64 and the check allowed 255)."""

from __future__ import annotations

from typing import Any

import pytest

from core.clients.rules import (
    ADDRESS_TEXT_LIMITS,
    ATTRIBUTE_VALUE_LIMIT,
    CLIENT_TEXT_LIMITS,
    CONTACT_TEXT_LIMITS,
)

CLIENT_KEYS = {
    "first_name": "firstName",
    "last_name": "lastName",
    "email": "email",
    "code": "code",
    "phone": "phone",
    "company": "company",
    "note": "note",
    "facebook": "facebook",
    "twitter": "twitter",
    "activity": "activity",
    "city": "city",
    "district": "district",
    "address": "address",
}
CONTACT_KEYS = {
    "first_name": "firstName",
    "last_name": "lastName",
    "phone": "phone",
    "email": "email",
}
ADDRESS_KEYS = {
    "address_name": "addressName",
    "address": "address",
    "city": "city",
    "district": "district",
}


def text(key: str, length: int) -> str:
    """``length`` characters; an e-mail keeps the shape of one."""
    if key == "email":
        return "a" * (length - 6) + "@x.com"
    return "ñ" * length


def test_every_text_field_has_a_limit() -> None:
    assert set(CLIENT_KEYS) == set(CLIENT_TEXT_LIMITS)
    assert set(CONTACT_KEYS) == set(CONTACT_TEXT_LIMITS)
    assert set(ADDRESS_KEYS) == set(ADDRESS_TEXT_LIMITS)


@pytest.mark.parametrize("field", sorted(CLIENT_KEYS))
async def test_client_fields(http: Any, make_tenant: Any, field: str) -> None:
    t = await make_tenant("PE")
    key, limit = CLIENT_KEYS[field], CLIENT_TEXT_LIMITS[field]
    extra = {} if field == "first_name" else {"firstName": "N"}
    r = await http.post(
        "/v1/clients.json", headers=t.headers, json={**extra, key: text(field, limit)}
    )
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    expected = {"error": f"{key}: must be at most {limit} characters"}
    for method, path in (("POST", "/v1/clients.json"), ("PUT", f"/v1/clients/{cid}.json")):
        body = {**extra, key: text(field, limit + 1)}
        r = await http.request(method, path, headers=t.headers, json=body)
        assert (r.status_code, r.json()) == (400, expected), (method, r.text)


@pytest.mark.parametrize("field", sorted(CONTACT_KEYS))
async def test_contact_fields(http: Any, make_tenant: Any, field: str) -> None:
    t = await make_tenant("CL")
    cid = (await http.post("/v1/clients.json", headers=t.headers, json={"firstName": "C"})).json()[
        "id"
    ]
    key, limit = CONTACT_KEYS[field], CONTACT_TEXT_LIMITS[field]
    base = f"/v1/clients/{cid}/contacts"
    r = await http.post(f"{base}.json", headers=t.headers, json={key: text(field, limit)})
    assert r.status_code == 201, r.text
    contact = r.json()["id"]
    expected = {"error": f"{key}: must be at most {limit} characters"}
    for method, path in (("POST", f"{base}.json"), ("PUT", f"{base}/{contact}.json")):
        r = await http.request(method, path, headers=t.headers, json={key: text(field, limit + 1)})
        assert (r.status_code, r.json()) == (400, expected), (method, r.text)


@pytest.mark.parametrize("field", sorted(ADDRESS_KEYS))
async def test_address_fields(http: Any, make_tenant: Any, field: str) -> None:
    t = await make_tenant("CL")
    cid = (await http.post("/v1/clients.json", headers=t.headers, json={"firstName": "C"})).json()[
        "id"
    ]
    key, limit = ADDRESS_KEYS[field], ADDRESS_TEXT_LIMITS[field]
    named = "municipality" if key == "district" else key  # the Chilean flavour's name
    base = f"/v1/clients/{cid}/addresses"
    extra = {} if field == "address" else {"address": "A"}
    r = await http.post(f"{base}.json", headers=t.headers, json={**extra, key: text(field, limit)})
    assert r.status_code == 201, r.text
    address = r.json()["id"]
    expected = {"error": f"{named}: must be at most {limit} characters"}
    for method, path in (("POST", f"{base}.json"), ("PUT", f"{base}/{address}.json")):
        body = {**extra, key: text(field, limit + 1)}
        r = await http.request(method, path, headers=t.headers, json=body)
        assert (r.status_code, r.json()) == (400, expected), (method, r.text)


async def test_attribute_values(http: Any, make_tenant: Any) -> None:
    t = await make_tenant("PE")
    limit = ATTRIBUTE_VALUE_LIMIT

    def body(length: int) -> dict[str, Any]:
        attr = {"dynamicAttributeId": t.age.id, "description": "x" * length}
        return {"firstName": "A", "dynamicAttributes": [attr]}

    r = await http.post("/v1/clients.json", headers=t.headers, json=body(limit))
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    expected = {"error": f"dynamicAttributes[0].description: must be at most {limit} characters"}
    for method, path in (("POST", "/v1/clients.json"), ("PUT", f"/v1/clients/{cid}.json")):
        r = await http.request(method, path, headers=t.headers, json=body(limit + 1))
        assert (r.status_code, r.json()) == (400, expected), (method, r.text)
