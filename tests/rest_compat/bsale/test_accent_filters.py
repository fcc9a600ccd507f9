"""Bsale's text filters are case- and accent-insensitive on both databases (issue 10)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest


@pytest.fixture
async def accented(http: Any, make_tenant: Any) -> tuple[Any, list[int]]:
    t = await make_tenant("PE")
    bodies = [
        {"firstName": "Lucía", "lastName": "Muñoz", "email": "Lucía@Correo.pe"},
        {"firstName": "José", "lastName": "Muñoz Pérez", "email": "jose@correo.pe"},
        {"firstName": "Lucas", "lastName": "Soto", "email": "lucas@otro.pe"},
    ]
    ids = []
    for body in bodies:
        r = await http.post("/v1/clients.json", headers=t.headers, json=body)
        assert r.status_code == 201, r.text
        ids.append(r.json()["id"])
    return t, ids


@pytest.mark.parametrize(
    ("query", "which"),
    [
        ("lastname=MUÑOZ", [0, 1]),
        ("lastname=munoz", [0, 1]),
        ("lastname=Muñoz", [0, 1]),
        ("lastname=PEREZ", [1]),
        ("firstname=lucia", [0]),
        ("firstname=LUCÍA", [0]),
        ("firstname=luc", [0, 2]),
        ("email=LUCIA@", [0]),
        ("email=correo.PE", [0, 1]),
        ("firstname=jose&lastname=munoz", [1]),
    ],
)
async def test_client_filters_ignore_case_and_accents(
    http: Any, accented: tuple[Any, list[int]], query: str, which: list[int]
) -> None:
    t, ids = accented
    r = await http.get(f"/v1/clients.json?{quote(query, safe='=&')}", headers=t.headers)
    assert r.status_code == 200, r.text
    assert sorted(c["id"] for c in r.json()["items"]) == [ids[i] for i in which]
    assert r.json()["count"] == len(which)


async def test_address_filters_ignore_case_and_accents(http: Any, make_tenant: Any) -> None:
    t = await make_tenant("PE")
    r = await http.post("/v1/clients.json", headers=t.headers, json={"firstName": "A"})
    cid = r.json()["id"]
    for body in (
        {"address": "Av. Perú 123", "city": "Lima", "district": "Jesús María"},
        {"address": "Jr. Unión 9", "city": "Cusco", "district": "Santiago"},
    ):
        made = await http.post(f"/v1/clients/{cid}/addresses.json", headers=t.headers, json=body)
        assert made.status_code == 201, made.text

    async def found(query: str) -> list[str]:
        url = f"/v1/clients/{cid}/addresses.json?{quote(query, safe='=&')}"
        got = await http.get(url, headers=t.headers)
        assert got.status_code == 200, got.text
        return sorted(a["address"] for a in got.json()["items"])

    assert await found("district=jesus maria") == ["Av. Perú 123"]
    assert await found("district=JESÚS") == ["Av. Perú 123"]
    assert await found("address=peru") == ["Av. Perú 123"]
    assert await found("address=UNION") == ["Jr. Unión 9"]
    assert await found("city=CUSCO") == ["Jr. Unión 9"]
    assert await found("city=lim&district=santiago") == []
