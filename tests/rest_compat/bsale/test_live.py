"""The Bsale dialect on a real ``clientgate serve`` (uvicorn) process: hrefs carry the real
host and port and all resolve, bad input is a 4xx, and the server logs no error for any of it
(the fixture asserts a clean exit without tracebacks)."""

from __future__ import annotations

import json

import httpx

from tests.e2e.conftest import LiveServer, live_server  # noqa: F401 - the fixture


def _links(node: object) -> list[str]:
    if isinstance(node, dict):
        return [
            link
            for key, value in node.items()
            for link in ([value] if key in ("href", "next") else _links(value))
            if isinstance(link, str)
        ]
    if isinstance(node, list):
        return [link for item in node for link in _links(item)]
    return []


def test_bsale_round_trip_on_a_live_server(live_server: LiveServer) -> None:  # noqa: F811
    made = live_server.cli("accounts", "create", "--name", "Bsale CL", "--country", "CL", "--json")
    assert made.returncode == 0, made.stderr
    headers = {"access_token": json.loads(made.stdout)["token"]}
    base = live_server.base_url
    with httpx.Client(base_url=base, timeout=10) as http:
        created = http.post(
            "/v1/clients.json",
            headers=headers,
            content=b'{"client": {"firstName": "Armando", "code": "92.341.000-7", '
            b'"municipality": "Las Condes", "maxCredit": "100000", "hasCredit": true}}',
        )
        assert created.status_code == 201, created.text
        client = created.json()
        assert client["href"] == f"{base}/v1/clients/{client['id']}.json"
        assert (client["code"], client["maxCredit"], client["municipality"]) == (
            "92341000-7",
            100000.0,
            "Las Condes",
        )
        cid = client["id"]
        for path, body in (
            (f"/v1/clients/{cid}/contacts.json", {"firstName": "Tommy"}),
            (f"/v1/clients/{cid}/addresses.json", {"address": "SOTERO SANZ 100"}),
        ):
            assert http.post(path, headers=headers, json=body).status_code == 201
        http.post("/v1/clients.json", headers=headers, json={"company": "Second"})

        listed = http.get(
            "/v1/clients.json?limit=1&expand=[contacts,addresses,attributes]", headers=headers
        )
        assert listed.status_code == 200
        page = listed.json()
        assert page["next"] == (
            f"{base}/v1/clients.json?limit=1&expand=%5Bcontacts%2Caddresses%2Cattributes%5D"
            "&offset=1"
        )
        links = set(_links(page))
        assert links and all(link.startswith(f"{base}/v1/") for link in links)
        for link in links:
            assert http.get(link, headers=headers).status_code == 200, link

        for method, path, content, status in (
            ("POST", "/v1/clients.json", b"{bad", 400),
            ("GET", "/v1/clients.json?limit=0", None, 400),
            ("GET", "/v1/clients.json?fields=[firstname,bogus]", None, 400),
            ("GET", "/v1/clients/987654321.json", None, 404),
            ("PATCH", f"/v1/clients/{cid}.json", None, 405),
        ):
            r = http.request(method, path, headers=headers, content=content)
            assert r.status_code == status and list(r.json()) == ["error"], (path, r.text)
        assert http.get("/v1/clients.json").status_code == 401

        deleted = http.delete(f"/v1/clients/{cid}.json", headers=headers)
        assert deleted.json()["state"] == 1
        assert http.get("/v1/clients/count.json?state=0", headers=headers).json() == {"count": 1}
