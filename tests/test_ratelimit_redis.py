"""Rate limits shared through Redis: two app instances (separate Services on the same database)
draw on one budget; keys hold no secret; limits come back after an outage. (An unreachable
Redis failing open is in test_ratelimit.py: it needs no Redis.)

Redis comes from CLIENTGATE_TEST_REDIS_URL (default redis://127.0.0.1:6379/0). Outside CI an
unreachable server skips with one line; with CI=true it fails instead. Every test uses its own
key prefix and deletes its keys afterwards.
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from typing import Any

import pytest
import redis
import structlog.testing
from starlette.applications import Starlette

from clientgate.app import create_app
from clientgate.container import Services, build_services
from tests.conftest import IN_CI
from tests.test_ratelimit import GRAPHQL, PLAIN, bearer, client, limit_headers

REDIS_URL = os.environ.get("CLIENTGATE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _redis_unavailable_reason() -> str | None:
    try:
        with redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=2) as r:
            r.ping()
    except redis.RedisError as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


_REASON = _redis_unavailable_reason()
if _REASON is not None and not IN_CI:
    pytest.skip(
        f"Redis unreachable at {REDIS_URL} ({_REASON}); set CLIENTGATE_TEST_REDIS_URL",
        allow_module_level=True,
    )


@pytest.fixture(scope="module")
def redis_url() -> str:
    if _REASON is not None:
        pytest.fail(f"Redis is required in CI but unreachable at {REDIS_URL}: {_REASON}")
    return REDIS_URL


@pytest.fixture
def key_prefix(redis_url: str) -> Iterator[str]:
    prefix = f"clientgate-test-{uuid.uuid4().hex[:12]}:rl"
    yield prefix
    with redis.Redis.from_url(redis_url) as r:
        keys = list(r.scan_iter(match=f"{prefix}*"))
        if keys:
            r.delete(*keys)


def redis_keys(url: str, prefix: str) -> list[str]:
    with redis.Redis.from_url(url) as r:
        return sorted(key.decode() for key in r.scan_iter(match=f"{prefix}*"))


@pytest.fixture
async def instances(services: Services) -> AsyncIterator[Any]:
    """``await instances(n, **settings)``: n apps, each with its own Services (engine, limiter,
    Redis pool) on the session's database, as n server processes would have."""
    built: list[Services] = []

    async def make(n: int, **overrides: Any) -> list[Starlette]:
        settings = replace(services.settings, **overrides)
        apps = []
        for _ in range(n):
            svc = build_services(settings)
            built.append(svc)
            apps.append(create_app(settings, svc))
        return apps

    yield make
    for svc in built:
        await svc.close()


async def test_two_instances_share_one_budget(
    instances: Any, make_account: Any, redis_url: str, key_prefix: str
) -> None:
    one, two = await instances(
        2, rate_limit="4/minute", redis_url=redis_url, rate_limit_key_prefix=key_prefix
    )
    account = await make_account()
    async with client(one) as first, client(two) as second:
        seen, resets = [], []
        for i in range(4):
            http = first if i % 2 == 0 else second
            response = await http.get("/", headers=bearer(account.token))
            assert response.status_code == 200
            seen.append(limit_headers(response)[1])
            resets.append(limit_headers(response)[2])
        assert seen == [3, 2, 1, 0]
        # Both instances report the end of the one window the first request opened (Redis
        # TTLs are whole seconds, hence the slack).
        assert max(resets) - min(resets) <= 1
        assert time.time() + 58 <= resets[0] <= time.time() + 61
        for http in (first, second):
            refused = await http.get("/", headers=bearer(account.token))
            assert refused.status_code == 429
            assert refused.json() == PLAIN
            assert 1 <= int(refused.headers["retry-after"]) <= 60
        refused = await second.post("/graphql", headers=bearer(account.token), json={})
        assert refused.status_code == 429
        assert refused.json() == GRAPHQL

        # Anonymous callers from one address share one budget across instances too.
        anonymous = [(await http.get("/")).status_code for http in (first, second) * 3]
    assert anonymous == [200, 200, 200, 200, 429, 429]


async def test_concurrent_requests_on_two_instances_never_overshoot(
    instances: Any, make_account: Any, redis_url: str, key_prefix: str
) -> None:
    one, two = await instances(
        2, rate_limit="10/minute", redis_url=redis_url, rate_limit_key_prefix=key_prefix
    )
    account = await make_account()
    async with client(one) as first, client(two) as second:
        answers = await asyncio.gather(
            *(
                (first if i % 2 else second).get("/", headers=bearer(account.token))
                for i in range(30)
            )
        )
    assert sorted(a.status_code for a in answers) == [200] * 10 + [429] * 20


async def test_redis_keys_hold_no_secret(
    instances: Any, make_account: Any, redis_url: str, key_prefix: str, services: Services
) -> None:
    (app,) = await instances(
        1, rate_limit="10/minute", redis_url=redis_url, rate_limit_key_prefix=key_prefix
    )
    account = await make_account()
    async with client(app, "10.9.9.9") as http:
        assert (await http.get("/", headers=bearer(account.token))).status_code == 200
        assert (await http.get("/", headers={"access_token": "cg_made-up"})).status_code == 200
    keys = redis_keys(redis_url, key_prefix)
    assert len(keys) == 2, keys
    token_part = account.token.split("_", 1)[1]
    for key in keys:
        assert token_part not in key and "made-up" not in key
        assert services.hasher.hash(account.token) not in key
    assert any("cred:api_token:" in key for key in keys)
    assert any("ip:10.9.9.9" in key for key in keys)


async def test_redis_back_after_an_outage(
    instances: Any, make_account: Any, redis_url: str, key_prefix: str, monkeypatch: Any
) -> None:
    """The circuit closes again once Redis answers: limits apply again, with one info line."""
    import httpkit.ratelimit as ratelimit

    monkeypatch.setattr(ratelimit, "STORAGE_RETRY_AFTER_SECONDS", 0.0)
    (app,) = await instances(
        1, rate_limit="2/minute", redis_url=redis_url, rate_limit_key_prefix=key_prefix
    )
    limiter = app.state.services.rate_limiter
    account = await make_account()
    real_hit = limiter._hit
    calls = {"n": 0}

    async def flaky_hit(key: str, cost: int) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise redis.ConnectionError("simulated outage")
        return await real_hit(key, cost)

    monkeypatch.setattr(limiter, "_hit", flaky_hit)
    async with client(app) as http:
        with structlog.testing.capture_logs() as logs:
            statuses = [
                (await http.get("/", headers=bearer(account.token))).status_code for _ in range(4)
            ]
    assert statuses == [200, 200, 200, 429]
    events = [e["event"] for e in logs if e["event"].startswith("rate_limit_storage")]
    assert events == ["rate_limit_storage_unavailable", "rate_limit_storage_recovered"]


async def test_two_instances_share_one_graphql_points_budget(
    instances: Any, make_account: Any, redis_url: str, key_prefix: str
) -> None:
    one, two = await instances(
        2, graphql_cost_limit="100/minute", redis_url=redis_url, rate_limit_key_prefix=key_prefix
    )
    account = await make_account()
    query = {"query": "{ paymentTypes(first: 60) { id } }"}  # 60 points
    async with client(one) as first, client(two) as second:
        spent = await first.post("/graphql", headers=bearer(account.token), json=query)
        status = spent.json()["extensions"]["cost"]["throttleStatus"]
        assert status["currentlyAvailable"] == 40
        refused = await second.post("/graphql", headers=bearer(account.token), json=query)
        assert refused.json()["errors"][0]["extensions"]["code"] == "THROTTLED"
    # The budget's keys are under the configured prefix and hold no secret.
    keys = redis_keys(redis_url, key_prefix + ":cost")
    assert keys and all(account.token not in key for key in keys)
