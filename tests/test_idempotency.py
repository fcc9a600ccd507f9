"""``Idempotency-Key`` over HTTP, on SQLite and PostgreSQL (httpkit/idempotency.py): replays byte
for byte, refusals in each dialect, races in one instance and across two, expiry on an
injected clock, accounts independent, failures keeping nothing."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import orjson

from clientgate.app import create_app
from clientgate.container import Services, build_services
from core.accounts.model import Account, NewAccount, Principal, PrincipalKind, UserKind
from core.clients.model import ClientFilter
from core.idempotency.model import Claim
from core.shared.clock import Clock, FixedClock
from tests.support.callers import caller

CLIENTS = "/v1/clients.json"
CODE = "20100070970"


def body(**fields: Any) -> bytes:
    return orjson.dumps({"firstName": "Ana", "lastName": "Idempotente", "code": CODE, **fields})


def keyed(account: NewAccount, key: str) -> dict[str, str]:
    return {
        "access_token": account.token,
        "Idempotency-Key": key,
        "content-type": "application/json",
    }


async def clients_with_code(services: Services, account: Account, code: str = CODE) -> int:
    return await services.clients.count(caller(account), ClientFilter(code=code))


@asynccontextmanager
async def instance(
    services: Services, clock: Clock | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    """Another app instance (its own engine and services) on the same database."""
    other = build_services(services.settings, clock=clock)
    transport = httpx.ASGITransport(
        app=create_app(other.settings, other), raise_app_exceptions=False
    )
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client
    finally:
        await other.close()


def assert_one_write_and_replays(responses: list[httpx.Response]) -> httpx.Response:
    """Exactly one answer ran the request; every other one is its replay or a 409."""
    originals = [
        r for r in responses if "idempotent-replayed" not in r.headers and r.status_code != 409
    ]
    assert len(originals) == 1, [(r.status_code, r.text) for r in responses]
    [first] = originals
    assert first.status_code == 201, first.text
    for r in responses:
        if r is first:
            continue
        if r.status_code == 409:
            assert r.json() == {
                "error": "A request with this Idempotency-Key is still being processed; "
                "retry later."
            }
            assert r.headers["retry-after"] == "1"
        else:
            assert r.headers["idempotent-replayed"] == "true"
            assert (r.status_code, r.content) == (201, first.content)
    return first


async def test_a_retry_is_replayed_byte_for_byte(
    http: httpx.AsyncClient, services: Services, make_account: Callable[..., Any]
) -> None:
    account = await make_account("PE")
    first = await http.post(CLIENTS, content=body(), headers=keyed(account, "k-1"))
    assert first.status_code == 201, first.text
    assert "idempotent-replayed" not in first.headers
    again = await http.post(CLIENTS, content=body(), headers=keyed(account, "k-1"))
    assert again.status_code == 201
    assert again.content == first.content
    assert again.headers["content-type"] == first.headers["content-type"]
    assert again.headers["idempotent-replayed"] == "true"
    assert await clients_with_code(services, account.account) == 1
    # The IETF draft's quoted form names the same key.
    quoted = await http.post(CLIENTS, content=body(), headers=keyed(account, '"k-1"'))
    assert quoted.content == first.content and quoted.headers["idempotent-replayed"] == "true"
    # Without a key, the same body creates another client: the key is what made it safe.
    await http.post(CLIENTS, content=body(), headers={"access_token": account.token})
    assert await clients_with_code(services, account.account) == 2


async def test_the_key_with_another_request_is_422_in_the_dialect(
    http: httpx.AsyncClient, services: Services, make_account: Callable[..., Any]
) -> None:
    account = await make_account("PE")
    assert (
        await http.post(CLIENTS, content=body(), headers=keyed(account, "k"))
    ).status_code == 201
    other = await http.post(CLIENTS, content=body(firstName="Otra"), headers=keyed(account, "k"))
    assert other.status_code == 422
    assert other.json() == {
        "error": "This Idempotency-Key was already used with a different request; "
        "use a new key for a new request."
    }
    # Another path with the key is another request too, even with the same body.
    bp = await http.post("/BusinessPartner/create", content=body(), headers=keyed(account, "k"))
    assert bp.status_code == 422
    assert bp.json()["code"] == 422 and "different request" in bp.json()["error"]
    assert await clients_with_code(services, account.account) == 1


async def test_a_method_the_path_does_not_take_is_405_even_with_a_used_key(
    http: httpx.AsyncClient, make_account: Callable[..., Any]
) -> None:
    """Found by schemathesis: ``POST /v1/clients/points.json`` (a PUT path) with a key already
    used answered the key's 422; the key only applies to requests a route serves."""
    account = await make_account("PE")
    assert (
        await http.post(CLIENTS, content=body(), headers=keyed(account, "k"))
    ).status_code == 201
    for method, path in (("POST", "/v1/clients/points.json"), ("POST", "/v1/clients/1.json")):
        wrong = await http.request(method, path, content=body(), headers=keyed(account, "k"))
        assert wrong.status_code == 405, (path, wrong.text)
        assert wrong.json() == {"error": "method not allowed"}
        assert "PUT" in wrong.headers["allow"]


async def test_a_key_still_in_flight_is_409(
    http: httpx.AsyncClient, services: Services, make_account: Callable[..., Any]
) -> None:
    account = await make_account("PE")
    caller = Principal(account.account, PrincipalKind.API_TOKEN, 0)
    # Another instance is answering this very request right now.
    print_ = services.idempotency.fingerprint("POST", CLIENTS, body())
    assert isinstance(await services.idempotency.begin(caller, "busy", print_), Claim)
    r = await http.post(CLIENTS, content=body(), headers=keyed(account, "busy"))
    assert r.status_code == 409
    assert r.headers["retry-after"] == "1"
    assert "still being processed" in r.json()["error"]
    assert await clients_with_code(services, account.account) == 0


async def test_a_refused_request_keeps_nothing_and_a_corrected_retry_runs(
    http: httpx.AsyncClient, services: Services, make_account: Callable[..., Any]
) -> None:
    account = await make_account("PE")
    bad = await http.post(
        CLIENTS, content=body(email="not-an-email"), headers=keyed(account, "fix")
    )
    assert bad.status_code == 400, bad.text
    fixed = await http.post(CLIENTS, content=body(), headers=keyed(account, "fix"))
    assert fixed.status_code == 201, fixed.text
    assert "idempotent-replayed" not in fixed.headers
    again = await http.post(CLIENTS, content=body(), headers=keyed(account, "fix"))
    assert again.headers["idempotent-replayed"] == "true" and again.content == fixed.content
    assert await clients_with_code(services, account.account) == 1


async def test_twenty_at_once_write_once_in_one_instance(
    http: httpx.AsyncClient, services: Services, make_account: Callable[..., Any]
) -> None:
    account = await make_account("PE")
    responses = await asyncio.gather(
        *(http.post(CLIENTS, content=body(), headers=keyed(account, "burst")) for _ in range(20))
    )
    assert_one_write_and_replays(list(responses))
    assert await clients_with_code(services, account.account) == 1


async def test_twenty_at_once_write_once_across_two_instances(
    http: httpx.AsyncClient, services: Services, make_account: Callable[..., Any]
) -> None:
    account = await make_account("PE")
    async with instance(services) as second:
        responses = await asyncio.gather(
            *(
                (http if i % 2 else second).post(
                    CLIENTS, content=body(), headers=keyed(account, "two-instances")
                )
                for i in range(20)
            )
        )
        first = assert_one_write_and_replays(list(responses))
        # Each instance replays what the other stored.
        for client in (http, second):
            r = await client.post(CLIENTS, content=body(), headers=keyed(account, "two-instances"))
            assert r.headers["idempotent-replayed"] == "true" and r.content == first.content
    assert await clients_with_code(services, account.account) == 1


async def test_answers_expire_after_the_ttl(
    services: Services, make_account: Callable[..., Any]
) -> None:
    account = await make_account("PE")
    clock = FixedClock(int(time.time()))
    ttl = services.settings.idempotency_ttl_seconds
    async with instance(services, clock) as http:
        first = await http.post(CLIENTS, content=body(), headers=keyed(account, "day"))
        assert first.status_code == 201, first.text
        clock.advance(ttl - 1)
        kept = await http.post(CLIENTS, content=body(), headers=keyed(account, "day"))
        assert kept.headers["idempotent-replayed"] == "true"
        clock.advance(1)
        anew = await http.post(CLIENTS, content=body(), headers=keyed(account, "day"))
        assert anew.status_code == 201 and "idempotent-replayed" not in anew.headers
        assert anew.json()["id"] != first.json()["id"]
    assert await clients_with_code(services, account.account) == 2


async def test_accounts_have_their_own_keys(
    http: httpx.AsyncClient, services: Services, make_account: Callable[..., Any]
) -> None:
    mine, theirs = await make_account("PE"), await make_account("PE")
    a = await http.post(CLIENTS, content=body(), headers=keyed(mine, "shared-key"))
    b = await http.post(
        CLIENTS, content=body(firstName="Beto"), headers=keyed(theirs, "shared-key")
    )
    assert (a.status_code, b.status_code) == (201, 201)
    assert "idempotent-replayed" not in b.headers
    assert b.json()["firstName"] == "Beto"
    assert await clients_with_code(services, mine.account) == 1
    assert await clients_with_code(services, theirs.account) == 1


async def test_malformed_keys_are_400_in_the_dialect(
    http: httpx.AsyncClient, make_account: Callable[..., Any]
) -> None:
    account = await make_account("PE")
    message = "Idempotency-Key must be 1 to 255 printable ASCII characters."
    for key in ("x" * 256, '""'):
        r = await http.post(CLIENTS, content=body(), headers=keyed(account, key))
        assert (r.status_code, r.json()) == (400, {"error": message})
    twice = [("access_token", account.token), ("Idempotency-Key", "a"), ("Idempotency-Key", "b")]
    r = await http.post(CLIENTS, content=body(), headers=twice)
    assert (r.status_code, r.json()) == (400, {"error": message})
    bp = await http.post(
        "/BusinessPartner/create",
        content=b"[]",
        headers={**keyed(account, "x" * 256), "Accept": "application/xml"},
    )
    assert bp.status_code == 400 and bp.headers["content-type"].startswith("application/xml")


async def test_without_valid_credentials_the_route_answers_401(
    http: httpx.AsyncClient,
) -> None:
    headers = {"access_token": "cg_not-a-token", "Idempotency-Key": "k"}
    r = await http.post(CLIENTS, content=body(), headers=headers)
    assert r.status_code == 401 and set(r.json()) == {"error"}


async def test_login_is_not_covered(
    http: httpx.AsyncClient, services: Services, make_account: Callable[..., Any]
) -> None:
    account = await make_account("PE")
    async with services.uow() as uow:
        web = await services.accounts.create_user(
            uow, account.account.id, f"web-{uuid.uuid4().hex[:8]}", UserKind.WEB
        )
        await uow.commit()
    credentials = {"username": web.user.username, "password": web.password}
    headers = {"Idempotency-Key": "login"}
    one = await http.post("/auth/login", json=credentials, headers=headers)
    two = await http.post("/auth/login", json=credentials, headers=headers)
    assert (one.status_code, two.status_code) == (200, 200), one.text
    assert one.json()["token"] != two.json()["token"]
    assert "idempotent-replayed" not in two.headers


async def test_points_changes_are_not_counted_twice(
    http: httpx.AsyncClient, make_account: Callable[..., Any]
) -> None:
    account = await make_account("PE")
    created = await http.post(CLIENTS, content=body(), headers={"access_token": account.token})
    change = orjson.dumps(
        {
            "type": 0,
            "clientId": created.json()["id"],
            "description": "Suma",
            "points": 10,
            "orderId": "1",
        }
    )
    url = "/v1/clients/points.json"
    first = await http.put(url, content=change, headers=keyed(account, "points"))
    again = await http.put(url, content=change, headers=keyed(account, "points"))
    assert first.status_code == 200 and first.json()["balance"] == 10
    assert again.content == first.content and again.headers["idempotent-replayed"] == "true"
    fresh = await http.put(url, content=change, headers=keyed(account, "points-2"))
    assert fresh.json()["balance"] == 20


async def test_business_partner_create_is_queued_once(
    http: httpx.AsyncClient, make_account: Callable[..., Any]
) -> None:
    account = await make_account("PE")
    partner = [
        {
            "idRemote": "IDEM-1",
            "roleId": "client",
            "statusId": "active",
            "companyId": "ACME",
            "contactName": "Contact",
            "comercialName": "Shop",
            "tin": CODE,
            "active": True,
        }
    ]
    headers = keyed(account, "bp")
    first = await http.post(
        "/BusinessPartner/create", content=orjson.dumps(partner), headers=headers
    )
    assert first.status_code == 201, first.text
    again = await http.post(
        "/BusinessPartner/create", content=orjson.dumps(partner), headers=headers
    )
    assert again.content == first.content and again.headers["idempotent-replayed"] == "true"


async def test_a_body_over_the_limit_is_413_while_read_and_keeps_nothing(
    http: httpx.AsyncClient, services: Services, make_account: Callable[..., Any]
) -> None:
    reseller = await make_account("PE", is_reseller=True)

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: the limit counts as it reads
        for _ in range(5):
            yield b" " * (1024 * 1024)

    headers = {"access_token": reseller.token, "Idempotency-Key": "big"}
    r = await http.post("/resellers/clients/batch", content=chunks(), headers=headers)
    assert r.status_code == 413 and set(r.json()) == {"error"}
    caller = Principal(reseller.account, PrincipalKind.API_TOKEN, 0)
    # The key is free: nothing was kept for the refused request.
    assert isinstance(await services.idempotency.begin(caller, "big", "f" * 64), Claim)
