"""``POST /resellers/clients/batch`` through the ASGI app, on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import orjson

from clientgate.container import Services
from tests.storage.test_resellers_service import counts, item, new_ruc

URL = "/resellers/clients/batch"
SEED_REQUEST = [
    {
        "ruc": "20713128381",
        "company_name": "A&J CORPORTATION S.A.C",
        "email": "correocorporativo@gmail.com",
        "phone_number": "711-0550",
        "mobile_number": "162984123",
        "validator_entity": 0,
        "external_ose_username": None,
        "external_ose_password": None,
        "is_ose_validation_only": None,
        "integration_type": 1,
    }
]


def basic(username: str, password: str) -> dict[str, str]:
    raw = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


async def reseller_headers(make_account: Callable[..., Any], **kw: Any) -> dict[str, str]:
    created = await make_account("PE", is_reseller=True, **kw)
    return {"access_token": created.token}


async def test_seed_example_creates_then_updates(
    http: httpx.AsyncClient, make_account: Callable[..., Any]
) -> None:
    headers = await reseller_headers(make_account)
    first = await http.post(URL, json=SEED_REQUEST, headers=headers)
    assert first.status_code == 200, first.text
    body = first.json()
    assert set(body) == {"created_clients", "updated_clients"}
    assert body["updated_clients"] == []
    [created] = body["created_clients"]
    assert set(created) == {"ruc", "company_name", "access_api", "access_web"}
    assert created["ruc"] == "20713128381"  # fails the check digit: fine for a non-strict reseller
    assert created["company_name"] == "A&J CORPORTATION S.A.C"
    assert created["access_api"]["username"] == "20713128381"
    assert created["access_web"]["username"] == f"20713128381{datetime.now(UTC).year}"
    for access in ("access_api", "access_web"):
        assert set(created[access]) == {"username", "password"}
        assert len(created[access]["password"]) == 15

    second = await http.post(URL, json=SEED_REQUEST, headers=headers)
    assert second.status_code == 200
    assert second.json() == {
        "created_clients": [],
        "updated_clients": [{"ruc": "20713128381", "company_name": "A&J CORPORTATION S.A.C"}],
    }


async def test_generated_credentials_really_log_in(
    http: httpx.AsyncClient, make_account: Callable[..., Any]
) -> None:
    headers = await reseller_headers(make_account)
    ruc = new_ruc()
    created = (await http.post(URL, json=[item(ruc)], headers=headers)).json()["created_clients"][0]
    api, web = created["access_api"], created["access_web"]

    # Basic with the API user authenticates (the account is not a reseller: 403, not 401) ...
    ok = await http.post(
        URL, json=[item(new_ruc())], headers=basic(api["username"], api["password"])
    )
    assert ok.status_code == 403
    assert "error" in ok.json()
    # ... and a wrong password does not.
    bad = await http.post(URL, json=[item(new_ruc())], headers=basic(api["username"], "x" * 15))
    assert bad.status_code == 401
    # Basic works on the account's own Bsale paths: its (empty) client list, then a client it
    # creates and reads back.
    own = basic(api["username"], api["password"])
    listing = await http.get("/v1/clients.json", headers=own)
    assert listing.status_code == 200, listing.text
    assert listing.json()["count"] == 0
    made = await http.post(
        "/v1/clients.json", json={"firstName": "Ana", "code": "20100070970"}, headers=own
    )
    assert made.status_code in (200, 201), made.text
    client_id = made.json()["id"]
    assert (await http.get(f"/v1/clients/{client_id}.json", headers=own)).status_code == 200
    # The reseller does not see it: each onboarded company is its own tenant.
    other = await http.get(f"/v1/clients/{client_id}.json", headers=headers)
    assert other.status_code == 404
    wrong = await http.get("/v1/clients.json", headers=basic(api["username"], "x" * 15))
    assert wrong.status_code == 401

    login = await http.post("/auth/login", json=web)
    assert login.status_code == 200, login.text
    token = login.json()["token"]
    assert (
        await http.post(URL, json=[], headers={"Authorization": f"Bearer {token}"})
    ).status_code == 403
    out = await http.post("/auth/logout", headers={"Authorization": f"Bearer {token}"})
    assert out.status_code == 204
    after = await http.post(URL, json=[], headers={"Authorization": f"Bearer {token}"})
    assert after.status_code == 401
    # The API password is not a web password.
    assert (await http.post("/auth/login", json=api)).status_code == 401


async def test_credentials_and_roles(
    http: httpx.AsyncClient, services: Services, make_account: Callable[..., Any]
) -> None:
    before = await counts(services)
    assert (await http.post(URL, json=[item(new_ruc())])).status_code == 401
    bad = await http.post(URL, json=[item(new_ruc())], headers={"access_token": "cg_nope"})
    assert bad.status_code == 401 and "error" in bad.json()
    plain = await make_account("PE")
    forbidden = await http.post(
        URL, json=[item(new_ruc())], headers={"Authorization": f"Bearer {plain.token}"}
    )
    assert forbidden.status_code == 403
    assert forbidden.json()["error"]
    after = await counts(services)
    assert after[1:] == before[1:]  # accounts grew by the plain one only
    assert after[0] == before[0] + 1


async def test_malformed_bodies_are_400(
    http: httpx.AsyncClient, services: Services, make_account: Callable[..., Any]
) -> None:
    headers = await reseller_headers(make_account)
    before = await counts(services)
    for content in (b"", b"[{", b'{"ruc": "20100070970"}', b'"x"', b"null"):
        answer = await http.post(
            URL, content=content, headers={**headers, "content-type": "application/json"}
        )
        assert answer.status_code == 400, content
        assert isinstance(answer.json()["error"], str)
    assert await counts(services) == before


async def test_empty_batch_is_422_and_too_large_is_413(
    http: httpx.AsyncClient, services: Services, make_account: Callable[..., Any]
) -> None:
    headers = await reseller_headers(make_account)
    before = await counts(services)
    empty = await http.post(URL, json=[], headers=headers)
    assert empty.status_code == 422
    assert empty.json()["errors"] == []
    big = await http.post(URL, json=[item(new_ruc()) for _ in range(1001)], headers=headers)
    assert big.status_code == 413
    assert "1000" in big.json()["error"]
    huge = await http.post(URL, content=b"[" + b" " * (5 * 1024 * 1024) + b"]", headers=headers)
    assert huge.status_code == 413
    assert await counts(services) == before


async def test_invalid_items_are_422_with_one_error_each_and_nothing_applied(
    http: httpx.AsyncClient, services: Services, make_account: Callable[..., Any]
) -> None:
    headers = await reseller_headers(make_account)
    other = await reseller_headers(make_account)
    taken = new_ruc()
    assert (await http.post(URL, json=[item(taken)], headers=other)).status_code == 200
    known = new_ruc()
    assert (await http.post(URL, json=[item(known)], headers=headers)).status_code == 200
    before = await counts(services)
    dup = new_ruc()
    batch = [
        item(new_ruc()),  # 0 fine
        item("2071312838"),  # 1 ten digits
        item(dup),  # 2 fine
        item(dup),  # 3 repeated
        item(taken),  # 4 another reseller's
        item(new_ruc(), validator_entity="1"),  # 5 wrong type
        item(new_ruc(), validator_entity=2),  # 6 OSE user missing
        item(20713128381),  # 7 number
        item(new_ruc(), email="nope@"),  # 8
        {"ruc": new_ruc(), "company_name": "No enums"},  # 9 missing validator_entity
        item(known, company_name="Changed"),  # 10 fine (an update)
    ]
    answer = await http.post(URL, json=batch, headers=headers)
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert isinstance(body["error"], str)
    got = [(e["index"], e["field"]) for e in body["errors"]]
    assert got == [
        (1, "ruc"),
        (3, "ruc"),
        (4, "ruc"),
        (5, "validator_entity"),
        (6, "external_ose_username"),
        (7, "ruc"),
        (8, "email"),
        (9, "validator_entity"),
    ]
    for error in body["errors"]:
        assert set(error) == {"index", "ruc", "field", "message"}
        assert error["message"]
    assert body["errors"][0]["ruc"] == "2071312838"
    assert body["errors"][5]["ruc"] is None  # a number is not echoed as a RUC
    assert "another reseller" in body["errors"][2]["message"]
    assert await counts(services) == before
    # The known account was not changed either.
    listing = await services.resellers.page(
        await services.accounts.authenticate_token(headers["access_token"])
    )
    assert [a.company_name for a in listing.items] == [f"Company {known}"]


async def test_the_answer_never_carries_the_ose_password(
    http: httpx.AsyncClient, make_account: Callable[..., Any]
) -> None:
    headers = await reseller_headers(make_account)
    secret = "Nubefact-" + new_ruc()
    batch = [
        item(
            new_ruc(),
            validator_entity=3,
            external_ose_username="nf",
            external_ose_password=secret,
        )
    ]
    for _ in range(2):
        answer = await http.post(URL, json=batch, headers=headers)
        assert answer.status_code == 200
        assert secret.encode() not in answer.content
        assert orjson.loads(answer.content)


async def test_concurrent_requests_on_one_new_ruc_create_one_account(
    http: httpx.AsyncClient, services: Services, make_account: Callable[..., Any]
) -> None:
    import asyncio

    headers = await reseller_headers(make_account)
    ruc = new_ruc()
    answers = await asyncio.gather(
        *(
            http.post(URL, json=[item(ruc, company_name=f"Racer {n}")], headers=headers)
            for n in range(5)
        )
    )
    assert [a.status_code for a in answers] == [200] * 5
    bodies = [a.json() for a in answers]
    assert sum(len(b["created_clients"]) for b in bodies) == 1
    assert sum(len(b["updated_clients"]) for b in bodies) == 4
    principal = await services.accounts.authenticate_token(headers["access_token"])
    assert (await services.resellers.page(principal)).total == 1


async def test_a_ruc_of_digits_that_are_not_ascii_is_an_item_error(
    http: httpx.AsyncClient, services: Services, make_account: Callable[..., Any]
) -> None:
    # Hardening §5: "2010007097²" passed str.isdigit() and answered 500 (its generated
    # username failed later); Arabic-Indic digits were taken for digits too.
    loose = await reseller_headers(make_account)
    strict = await reseller_headers(make_account, strict_tax_ids=True)
    before = await counts(services)
    arabic_indic = "".join(chr(0x0660 + int(d)) for d in "20100070970")
    for ruc in ("2010007097²", "20100070\u066970", arabic_indic):
        for headers in (loose, strict):
            answer = await http.post(URL, json=[item(new_ruc()), item(ruc)], headers=headers)
            assert answer.status_code == 422, (ruc, answer.text)
            assert answer.json()["errors"] == [
                {"index": 1, "ruc": ruc, "field": "ruc", "message": "RUC must be exactly 11 digits"}
            ]
    assert await counts(services) == before


async def test_paths_and_methods_the_dialect_does_not_know_keep_the_apps_answers(
    http: httpx.AsyncClient, make_account: Callable[..., Any]
) -> None:
    headers = await reseller_headers(make_account)
    assert (await http.post("/resellers", json=[], headers=headers)).status_code == 404
    assert (await http.post("/resellers/clients", json=[], headers=headers)).status_code == 404
    wrong_method = await http.get(URL, headers=headers)
    assert wrong_method.status_code == 405
    assert wrong_method.headers["allow"] == "POST"
