"""Rate limits with the in-memory storage: budgets per credential or IP, headers, 429 bodies in
every dialect, exempt health checks, and the on/off setting. Each test builds its own app (its
own memory storage) over the session's migrated database, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import base64
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from typing import Any
from xml.etree import ElementTree

import httpx
import pytest
import structlog.testing
from starlette.applications import Starlette

from clientgate.app import create_app
from clientgate.container import Services, build_limiter, build_services
from clientgate.settings import Settings
from core.accounts.model import UserKind
from httpkit.ratelimit import ip_key, parse_limits, storage_uri

MakeApp = Callable[..., Awaitable[Starlette]]

PLAIN = {"error": "Too Many Requests"}
BUSINESS_PARTNER = {"code": 429, "error": "Too Many Requests"}
GRAPHQL = {"errors": [{"message": "Too Many Requests", "extensions": {"code": "RATE_LIMITED"}}]}


@pytest.fixture
async def make_app(services: Services) -> AsyncIterator[MakeApp]:
    """``await make_app(rate_limit="3/minute", ...)``: an app with its own Services (and so its
    own limiter) on the session's database."""
    built: list[Services] = []

    async def make(**overrides: Any) -> Starlette:
        settings = replace(services.settings, **overrides)
        svc = build_services(settings)
        built.append(svc)
        return create_app(settings, svc)

    yield make
    for svc in built:
        await svc.close()


def client(app: Starlette, ip: str = "127.0.0.1") -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=(ip, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def limit_headers(response: httpx.Response) -> tuple[int, int, int]:
    h = response.headers
    return int(h["x-ratelimit-limit"]), int(h["x-ratelimit-remaining"]), int(h["x-ratelimit-reset"])


async def test_n_allowed_then_429_with_headers(make_app: MakeApp, make_account: Any) -> None:
    app = await make_app(rate_limit="3/minute")
    account = await make_account()
    started = time.time()
    async with client(app) as http:
        for expected_remaining in (2, 1, 0):
            ok = await http.get("/", headers={"access_token": account.token})
            assert ok.status_code == 200
            limit, remaining, reset = limit_headers(ok)
            assert (limit, remaining) == (3, expected_remaining)
            # A one-minute fixed window opened by the first request.
            assert started + 58 <= reset <= time.time() + 61
            assert "retry-after" not in ok.headers
            assert ok.headers["x-request-id"]

        refused = await http.get("/", headers={"access_token": account.token})
    assert refused.status_code == 429
    assert refused.json() == PLAIN
    assert refused.headers["content-type"] == "application/json"
    limit, remaining, reset = limit_headers(refused)
    assert (limit, remaining) == (3, 0)
    retry_after = refused.headers["retry-after"]
    assert retry_after.isdigit() and 1 <= int(retry_after) <= 60
    assert abs(reset - (time.time() + int(retry_after))) <= 2
    # The request id middleware sits outside: refused requests are traceable too.
    assert refused.headers["x-request-id"]


@pytest.mark.parametrize(
    ("method", "path", "expected"),
    [
        ("GET", "/v1/clients.json", PLAIN),
        ("POST", "/resellers/clients/batch", PLAIN),
        ("POST", "/auth/login", PLAIN),
        ("GET", "/", PLAIN),
        ("GET", "/BusinessPartner/getClients", BUSINESS_PARTNER),
        ("POST", "/BusinessPartner/create", BUSINESS_PARTNER),
        ("GET", "/api/database/v1/message/status/1", BUSINESS_PARTNER),
        ("POST", "/graphql", GRAPHQL),
        ("GET", "/graphql", GRAPHQL),
    ],
)
async def test_429_body_speaks_the_dialect_of_the_path(
    make_app: MakeApp, make_account: Any, method: str, path: str, expected: dict[str, Any]
) -> None:
    app = await make_app(rate_limit="1/minute")
    account = await make_account()
    async with client(app) as http:
        first = await http.request(method, path, headers=bearer(account.token), json={})
        assert first.status_code != 429
        assert limit_headers(first)[:2] == (1, 0)
        second = await http.request(method, path, headers=bearer(account.token), json={})
    assert second.status_code == 429
    assert second.json() == expected
    assert int(second.headers["retry-after"]) >= 1
    assert second.headers["content-type"] == "application/json"


async def test_business_partner_429_in_xml_when_asked(make_app: MakeApp, make_account: Any) -> None:
    app = await make_app(rate_limit="1/minute")
    account = await make_account()
    headers = {**bearer(account.token), "Accept": "application/xml"}
    async with client(app) as http:
        await http.get("/BusinessPartner/getClients", headers=headers)
        refused = await http.get("/BusinessPartner/getClients", headers=headers)
        # JSON preferred over XML: JSON again.
        json_first = await http.get(
            "/BusinessPartner/getClients",
            headers={**headers, "Accept": "application/json, application/xml"},
        )
    assert refused.status_code == 429
    assert refused.headers["content-type"] == "application/xml"
    root = ElementTree.fromstring(refused.content)
    assert root.tag == "export"
    assert (root.findtext("code"), root.findtext("error")) == ("429", "Too Many Requests")
    assert int(refused.headers["retry-after"]) >= 1
    assert json_first.json() == BUSINESS_PARTNER


async def test_each_credential_has_its_own_budget(
    make_app: MakeApp, make_account: Any, services: Services
) -> None:
    app = await make_app(rate_limit="2/minute")
    one, two = await make_account(), await make_account()
    username = f"api{uuid.uuid4().hex[:10]}"
    web_username = f"web{uuid.uuid4().hex[:10]}"
    async with services.uow() as uow:
        api_user = await services.accounts.create_user(uow, one.account.id, username, UserKind.API)
        web_user = await services.accounts.create_user(
            uow, one.account.id, web_username, UserKind.WEB
        )
        await uow.commit()
    session = await services.accounts.login(web_username, web_user.password)
    basic = base64.b64encode(f"{username}:{api_user.password}".encode()).decode()

    async with client(app) as http:
        for _ in range(2):
            assert (await http.get("/", headers=bearer(one.token))).status_code == 200
        assert (await http.get("/", headers=bearer(one.token))).status_code == 429
        # The same token under Bsale's header is the same credential, the same budget.
        assert (await http.get("/", headers={"access_token": one.token})).status_code == 429

        # Another token of another account, the same account's Basic API user, a web session
        # and the anonymous IP budget are all untouched.
        for headers in (
            bearer(two.token),
            {"Authorization": f"Basic {basic}"},
            bearer(session.token),
            {},
        ):
            response = await http.get("/", headers=headers)
            assert response.status_code == 200, headers.keys()
            assert limit_headers(response)[:2] == (2, 1)


async def test_concurrent_requests_never_overshoot(make_app: MakeApp, make_account: Any) -> None:
    app = await make_app(rate_limit="10/minute")
    account = await make_account()
    async with client(app) as http:
        answers = await asyncio.gather(
            *(http.get("/", headers=bearer(account.token)) for _ in range(25))
        )
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [200] * 10 + [429] * 15
    assert sorted(int(a.headers["x-ratelimit-remaining"]) for a in answers)[-10:] == list(range(10))


async def test_a_revoked_session_falls_back_to_the_address(
    make_app: MakeApp, make_account: Any, services: Services, monkeypatch: Any
) -> None:
    """The key follows the credential's validity: once logged out, a session token spends the
    address's budget (here with the verification cache off, so the change shows at once)."""
    import httpkit.ratelimit as ratelimit

    monkeypatch.setattr(ratelimit, "CREDENTIAL_CACHE_SECONDS", 0.0)
    app = await make_app(rate_limit="3/minute")
    account = await make_account()
    username = f"web{uuid.uuid4().hex[:10]}"
    async with services.uow() as uow:
        user = await services.accounts.create_user(uow, account.account.id, username, UserKind.WEB)
        await uow.commit()
    async with client(app, "10.3.3.3") as http:
        login = await http.post(
            "/auth/login", json={"username": username, "password": user.password}
        )
        assert limit_headers(login)[:2] == (3, 2)  # the login itself: the address's budget
        session = login.json()["token"]
        assert limit_headers(await http.get("/", headers=bearer(session)))[:2] == (3, 2)
        assert (await http.post("/auth/logout", headers=bearer(session))).status_code == 204
        # The logout was the session's second request; now the token is dead: address budget.
        assert limit_headers(await http.get("/", headers=bearer(session)))[:2] == (3, 1)
        assert limit_headers(await http.get("/"))[:2] == (3, 0)


async def test_health_checks_are_never_limited(make_app: MakeApp) -> None:
    app = await make_app(rate_limit="1/minute")
    async with client(app) as http:
        assert (await http.get("/")).status_code == 200
        assert (await http.get("/")).status_code == 429
        for _ in range(5):
            for path in ("/healthz", "/readyz"):
                response = await http.get(path)
                assert response.status_code == 200
                assert "x-ratelimit-limit" not in response.headers


async def test_disabled_by_setting(make_app: MakeApp, make_account: Any) -> None:
    app = await make_app(rate_limit="1/minute", rate_limit_enabled=False)
    account = await make_account()
    async with client(app) as http:
        for headers in ({}, bearer(account.token)):
            for _ in range(5):
                response = await http.get("/", headers=headers)
                assert response.status_code == 200
                assert "x-ratelimit-limit" not in response.headers


async def test_anonymous_floods_are_limited_per_ip(make_app: MakeApp, make_account: Any) -> None:
    app = await make_app(rate_limit="3/minute")
    account = await make_account()
    async with client(app, "10.1.1.1") as flood, client(app, "10.1.1.2") as neighbour:
        for _ in range(3):
            assert (
                await flood.post("/auth/login", json={"username": "nobody", "password": "x" * 12})
            ).status_code == 401
        refused = await flood.post("/auth/login", json={"username": "nobody", "password": "y"})
        assert refused.status_code == 429
        assert refused.json() == PLAIN
        # Another address is another budget; a valid token from the flooding address too.
        assert (await neighbour.get("/")).status_code == 200
        assert (await flood.get("/", headers=bearer(account.token))).status_code == 200


async def test_bad_tokens_count_against_the_ip(make_app: MakeApp, make_account: Any) -> None:
    app = await make_app(rate_limit="3/minute")
    async with client(app, "10.2.2.2") as http:
        # Each request makes up a new token: they all land on the address's budget.
        for expected_remaining in (2, 1, 0):
            made_up = f"cg_{uuid.uuid4().hex}"
            response = await http.get("/v1/clients.json", headers={"access_token": made_up})
            assert response.status_code != 429
            assert limit_headers(response)[:2] == (3, expected_remaining)
        bad_basic = base64.b64encode(b"nobody:wrong-password").decode()
        for headers in (
            bearer(f"cg_{uuid.uuid4().hex}"),
            {"Authorization": f"Basic {bad_basic}"},
            {"Authorization": "Basic not-base64!"},
            {},
        ):
            assert (await http.get("/v1/clients.json", headers=headers)).status_code == 429


async def test_several_limits_report_the_tightest(make_app: MakeApp, make_account: Any) -> None:
    app = await make_app(rate_limit="5/day;2/hour")
    account = await make_account()
    async with client(app) as http:
        first = await http.get("/", headers=bearer(account.token))
        assert limit_headers(first)[:2] == (2, 1)
        second = await http.get("/", headers=bearer(account.token))
        assert limit_headers(second)[:2] == (2, 0)
        third = await http.get("/", headers=bearer(account.token))
    assert third.status_code == 429
    assert limit_headers(third)[:2] == (2, 0)
    assert 3500 <= int(third.headers["retry-after"]) <= 3600


async def test_moving_window_strategy(make_app: MakeApp, make_account: Any) -> None:
    app = await make_app(rate_limit="2/minute", rate_limit_strategy="moving-window")
    account = await make_account()
    async with client(app) as http:
        statuses = [
            (await http.get("/", headers=bearer(account.token))).status_code for _ in range(3)
        ]
    assert statuses == [200, 200, 429]


async def test_unreachable_redis_fails_open_with_one_warning(
    make_app: MakeApp, make_account: Any
) -> None:
    # Port 1 on localhost: connection refused at once.
    app = await make_app(rate_limit="1/minute", redis_url="redis://127.0.0.1:1/0")
    account = await make_account()
    async with client(app) as http:
        with structlog.testing.capture_logs() as logs:
            started = time.perf_counter()
            responses = [await http.get("/", headers=bearer(account.token)) for _ in range(5)]
            elapsed = time.perf_counter() - started
    assert [r.status_code for r in responses] == [200] * 5
    assert all("x-ratelimit-limit" not in r.headers for r in responses)
    warnings = [e for e in logs if e["event"] == "rate_limit_storage_unavailable"]
    assert len(warnings) == 1
    assert warnings[0]["log_level"] == "warning"
    assert warnings[0]["error"] == "ConnectionError"
    # Not a retry storm: after the first failure, requests skip Redis for a while.
    assert elapsed < 2


# -- configuration --------------------------------------------------------------------------


def test_settings_from_env() -> None:
    base = {"CLIENTGATE_SECRET_KEY": "k" * 40}
    defaults = Settings.from_env(base)
    assert defaults.rate_limit == "600/minute"
    assert defaults.rate_limit_enabled is True
    assert defaults.rate_limit_strategy == "fixed-window"
    custom = Settings.from_env(
        {
            **base,
            "CLIENTGATE_RATE_LIMIT": "10/second;100/minute",
            "CLIENTGATE_RATE_LIMIT_ENABLED": "false",
            "CLIENTGATE_RATE_LIMIT_STRATEGY": "moving-window",
            "CLIENTGATE_RATE_LIMIT_KEY_PREFIX": "edge:rl",
        }
    )
    assert (custom.rate_limit, custom.rate_limit_enabled) == ("10/second;100/minute", False)
    assert (custom.rate_limit_strategy, custom.rate_limit_key_prefix) == (
        "moving-window",
        "edge:rl",
    )
    assert build_limiter(custom) is None


def test_bad_configuration_fails_at_start_with_a_clear_message() -> None:
    settings = Settings(secret_key="k" * 40)
    with pytest.raises(ValueError, match="CLIENTGATE_RATE_LIMIT must look like"):
        build_limiter(replace(settings, rate_limit="lots"))
    with pytest.raises(ValueError, match="CLIENTGATE_RATE_LIMIT_STRATEGY must be one of"):
        build_limiter(replace(settings, rate_limit_strategy="leaky"))
    with pytest.raises(ValueError, match="CLIENTGATE_REDIS_URL"):
        build_limiter(replace(settings, redis_url="http://cache:6379"))
    assert [item.amount for item in parse_limits("10/second; 600/minute")] == [10, 600]


def test_storage_uri() -> None:
    assert storage_uri(None) == "async+memory://"
    assert storage_uri("redis://h:6379/2") == "async+redis://h:6379/2"
    assert storage_uri("rediss://:pw@h:6380") == "async+rediss://:pw@h:6380"
    assert storage_uri("unix:///run/redis.sock") == "async+redis+unix:///run/redis.sock"


def test_ip_keys() -> None:
    assert ip_key({"client": ("203.0.113.7", 5000)}) == "ip:203.0.113.7"
    # One host usually owns a whole IPv6 /64: it is one budget.
    assert ip_key({"client": ("2001:db8:1:2::1", 5000)}) == ip_key(
        {"client": ("2001:db8:1:2:ffff::9", 1)}
    )
    assert ip_key({"client": ("2001:db8:1:2::1", 1)}) == "ip:2001:db8:1:2::/64"
    assert ip_key({"client": ("::ffff:192.0.2.1", 1)}) == "ip:192.0.2.1"
    assert ip_key({"client": None}) == "ip:unknown"
    assert ip_key({"client": ("testclient", 50000)}) == "ip:testclient"
