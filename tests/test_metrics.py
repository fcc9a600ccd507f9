"""``/metrics`` (Prometheus) and ``/readyz``'s migrations: the series and labels a scrape shows
after requests of every dialect, GraphQL operations by name and cost, 429s by reason, the
queue's depth and jobs, the pool; the on/off/token setting; readiness on a database that is
not at the code's migrations. Scrapes are read with prometheus-client's own text parser."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample
from starlette.applications import Starlette

from clientgate.app import create_app
from clientgate.container import Services, build_services
from clientgate.settings import Settings
from clientgate.worker import Worker
from core.partners.inputs import CompanyInput
from core.storage.migrate import migrate
from httpkit.metrics import MAX_OPERATION_NAMES, Metrics, MetricsMode, operation_label
from tests.conftest import make_settings
from tests.rest_compat.business_partner.conftest import VALID_RUC, partner_body

MakeApp = Callable[..., Awaitable[tuple[Starlette, Services]]]
METRICS_TOKEN = "metrics-token-0123456789abcdef"


@pytest.fixture
async def make_app(services: Services) -> AsyncIterator[MakeApp]:
    """An app with its own services (so its own metrics) on the session's database."""
    built: list[Services] = []

    async def make(**overrides: Any) -> tuple[Starlette, Services]:
        overrides.setdefault("metrics", MetricsMode.ON)
        settings = replace(services.settings, **overrides)
        svc = build_services(settings)
        built.append(svc)
        return create_app(settings, svc), svc

    yield make
    for svc in built:
        await svc.close()


def client(app: Starlette) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def scrape(http: httpx.AsyncClient, **headers: str) -> list[Sample]:
    response = await http.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=")
    return [s for family in text_string_to_metric_families(response.text) for s in family.samples]


def value(samples: list[Sample], name: str, **labels: str) -> float:
    """The sample ``name`` whose labels include ``labels`` (exactly one must)."""
    found = [
        s
        for s in samples
        if s.name == name and all(s.labels.get(k) == v for k, v in labels.items())
    ]
    assert len(found) == 1, (name, labels, [s.labels for s in samples if s.name == name])
    return found[0].value


# -- requests ----------------------------------------------------------------------------------


async def test_requests_of_every_dialect_by_route_template(
    make_app: MakeApp, make_account: Any
) -> None:
    app, _ = await make_app()
    account = await make_account("PE")
    headers = {"access_token": account.token}
    async with client(app) as http:
        for client_id in (123456, 987654):  # two ids, one series
            assert (await http.get(f"/v1/clients/{client_id}.json", headers=headers)).status_code
        assert (await http.get("/v1/clients.json", headers=headers)).status_code == 200
        listed = await http.get("/BusinessPartner/getBPartner?page=1&pageSize=2", headers=headers)
        assert listed.status_code == 200
        batch = await http.post("/resellers/clients/batch", json=[], headers=headers)
        query = {"query": "query ListThem { clients(first: 1) { totalCount } }"}
        assert (await http.post("/graphql", json=query, headers=headers)).status_code == 200
        assert (await http.get("/healthz")).status_code == 200
        assert (await http.get("/no/such/path/42")).status_code == 404
        assert (await http.get("/v1/no-such.json", headers=headers)).status_code == 404
        samples = await scrape(http)

    requests = "clientgate_http_requests_total"
    one = value(samples, requests, route="/v1/clients/{client_id}.json", dialect="bsale")
    assert one == 2
    assert value(samples, requests, route="/v1/clients.json", status="200", method="GET") == 1
    assert (
        value(
            samples,
            requests,
            route="/BusinessPartner/getBPartner",
            dialect="business_partner",
            status="200",
        )
        == 1
    )
    assert (
        value(
            samples,
            requests,
            route="/resellers/clients/batch",
            dialect="resellers",
            method="POST",
            status=str(batch.status_code),
        )
        == 1
    )
    assert value(samples, requests, route="/graphql", dialect="graphql", method="POST") == 1
    assert value(samples, requests, route="/healthz", dialect="plain", status="200") == 1
    # Paths no route knows are one series per dialect, never the raw path.
    assert value(samples, requests, route="unmatched", dialect="plain", status="404") == 1
    assert value(samples, requests, route="unmatched", dialect="bsale", status="404") == 1
    labels = {v for s in samples for v in s.labels.values()}
    assert not any("123456" in v or "987654" in v or "/42" in v for v in labels)
    assert not any(account.token in v for v in labels)
    # Latency: a histogram per route template, with the same count.
    latency = "clientgate_http_request_duration_seconds"
    route = "/v1/clients/{client_id}.json"
    assert value(samples, f"{latency}_count", route=route, dialect="bsale") == 2
    assert value(samples, f"{latency}_bucket", route=route, le="+Inf") == 2
    assert value(samples, f"{latency}_sum", route=route) > 0


async def test_graphql_operations_by_name_with_their_cost(
    make_app: MakeApp, make_account: Any
) -> None:
    app, _ = await make_app()
    account = await make_account("PE")
    headers = {"Authorization": f"Bearer {account.token}"}
    long_name = "Q" * 65
    documents = [
        "query ListThem { clients(first: 3) { totalCount edges { node { id } } } }",
        "query ListThem { clients(first: 3) { totalCount edges { node { id } } } }",
        "{ clients(first: 2) { totalCount } }",
        f"query {long_name} {{ __typename }}",
        'mutation AddType { createPaymentType(input: {name: "Cash"}) { userErrors { code } } }',
    ]
    async with client(app) as http:
        costs = []
        for document in documents:
            answer = await http.post("/graphql", json={"query": document}, headers=headers)
            assert answer.status_code == 200, answer.text
            costs.append(answer.json()["extensions"]["cost"])
        samples = await scrape(http)

    operations = "clientgate_graphql_operations_total"
    assert value(samples, operations, operation="ListThem", type="query") == 2
    assert value(samples, operations, operation="anonymous", type="query") == 1
    assert value(samples, operations, operation="other", type="query") == 1
    assert value(samples, operations, operation="AddType", type="mutation") == 1
    assert not any(long_name in s.labels.values() for s in samples)
    cost = "clientgate_graphql_operation_cost"
    requested = value(samples, f"{cost}_sum", operation="ListThem", kind="requested")
    actual = value(samples, f"{cost}_sum", operation="ListThem", kind="actual")
    assert requested == costs[0]["requestedQueryCost"] * 2
    assert actual == costs[0]["actualQueryCost"] * 2
    assert value(samples, f"{cost}_count", operation="ListThem", kind="requested") == 2


def test_operation_names_are_bounded() -> None:
    assert operation_label(None) == operation_label("") == "anonymous"
    assert operation_label("GetClients_2") == "GetClients_2"
    assert operation_label("x" * 64) == "x" * 64
    assert operation_label("x" * 65) == "other"
    assert operation_label("2fast") == operation_label("a-b") == operation_label("ñandú") == "other"
    metrics = Metrics()
    for i in range(MAX_OPERATION_NAMES + 5):
        metrics.graphql_operation(f"Op{i}", "query", 1, 1)
    names = {
        s.labels["operation"]
        for family in metrics.registry.collect()
        for s in family.samples
        if s.name == "clientgate_graphql_operations_total"
    }
    assert len(names) == MAX_OPERATION_NAMES + 1
    assert "other" in names and f"Op{MAX_OPERATION_NAMES}" not in names


# -- rate limits -------------------------------------------------------------------------------


async def test_429s_counted_by_reason_and_dialect(make_app: MakeApp, make_account: Any) -> None:
    app, _ = await make_app(rate_limit="2/minute", graphql_cost_limit="3/minute")
    account = await make_account("PE")
    other = await make_account("PE")
    async with client(app) as http:
        statuses = [
            (await http.get("/v1/clients.json", headers={"access_token": account.token}))
            for _ in range(4)
        ]
        assert [r.status_code for r in statuses] == [200, 200, 429, 429]
        # Another credential's GraphQL operation costing more points than its budget holds.
        query = {"query": "{ clients(first: 10) { edges { node { id } } } }"}
        throttled = await http.post("/graphql", json=query, headers={"access_token": other.token})
        assert throttled.json()["errors"][0]["extensions"]["code"] == "THROTTLED"
        samples = await scrape(http, access_token=other.token)

    refusals = "clientgate_rate_limit_refusals_total"
    assert value(samples, refusals, reason="budget", dialect="bsale") == 2
    assert value(samples, refusals, reason="cost", dialect="graphql") == 1
    assert (
        value(
            samples,
            "clientgate_http_requests_total",
            route="/v1/clients.json",
            status="429",
        )
        == 2
    )


async def test_429s_for_too_many_at_once_are_counted_as_concurrency(
    make_app: MakeApp, make_account: Any
) -> None:
    app, _ = await make_app(rate_limit_concurrency=1)
    account = await make_account("PE")
    headers = {"access_token": account.token}
    reading, release = asyncio.Event(), asyncio.Event()

    async def slow_body() -> AsyncIterator[bytes]:
        reading.set()  # the first request is in flight: its handler reads its body
        await release.wait()
        yield b'{"firstName": "Ana"}'

    async with client(app) as http:
        first = asyncio.create_task(
            http.post("/v1/clients.json", content=slow_body(), headers=headers)
        )
        await asyncio.wait_for(reading.wait(), timeout=10)
        second = await http.get("/v1/clients.json", headers=headers)
        release.set()
        assert (await first).status_code != 429
        assert second.status_code == 429
        samples = await scrape(http)
    refusals = "clientgate_rate_limit_refusals_total"
    assert value(samples, refusals, reason="concurrency", dialect="bsale") == 1
    assert not [s for s in samples if s.name == refusals and s.labels["reason"] == "budget"]


# -- queue, jobs, pool -------------------------------------------------------------------------


async def test_queue_depth_and_jobs(own_services: Services, make_account: Any) -> None:
    settings = replace(own_services.settings, metrics=MetricsMode.ON)
    app = create_app(settings, own_services)  # no lifespan here: no worker runs by itself
    account = await own_services.accounts.create_account(name="Queue SAC", country="PE")
    caller = await own_services.accounts.authenticate_token(account.token)
    await own_services.partners.companies.create(
        caller, CompanyInput(id_remote="ACME", company_name="Acme", tin=VALID_RUC)
    )
    headers = {"access_token": account.token}
    async with client(app) as http:
        before = await scrape(http)
        assert value(before, "clientgate_queue_messages", status="pending") == 0
        for i in range(3):
            created = await http.post(
                "/BusinessPartner/create", json=[partner_body(f"P-{i}")], headers=headers
            )
            assert created.status_code == 201, created.text
        bad = partner_body("P-bad", companyId="NO-SUCH-COMPANY")
        assert (
            await http.post("/BusinessPartner/create", json=[bad], headers=headers)
        ).status_code == 201
        queued = await scrape(http)
        assert value(queued, "clientgate_queue_messages", status="pending") == 4
        assert value(queued, "clientgate_queue_messages", status="processing") == 0
        # The scrape's own connection is back in the pool; none is held by a request.
        assert value(queued, "clientgate_db_pool_connections_in_use", engine="main") == 0

        await Worker(own_services, poll_seconds=0.05).drain()
        done = await scrape(http)

    assert value(done, "clientgate_queue_messages", status="pending") == 0
    assert value(done, "clientgate_queue_jobs_total", outcome="completed") == 3
    assert value(done, "clientgate_queue_jobs_total", outcome="failed") == 1
    duration = "clientgate_queue_job_duration_seconds"
    assert value(done, f"{duration}_count", outcome="completed") == 3
    assert value(done, f"{duration}_sum", outcome="completed") > 0


async def test_pool_in_use_counts_checked_out_connections(make_app: MakeApp) -> None:
    app, svc = await make_app()
    async with client(app) as http, svc.engine.connect():
        samples = await scrape(http)
    assert value(samples, "clientgate_db_pool_connections_in_use", engine="main") == 1


# -- who may scrape ----------------------------------------------------------------------------


async def test_token_mode_refuses_without_the_token(make_app: MakeApp) -> None:
    app, _ = await make_app(metrics=MetricsMode.TOKEN, metrics_token=METRICS_TOKEN)
    async with client(app) as http:
        for headers in (
            {},
            {"Authorization": "Bearer wrong-token"},
            {"Authorization": f"Basic {METRICS_TOKEN}"},
            {"Authorization": f"Bearer {METRICS_TOKEN}x"},
            {"access_token": METRICS_TOKEN},
        ):
            refused = await http.get("/metrics", headers=headers)
            assert refused.status_code == 401, headers
            assert refused.headers["www-authenticate"] == "Bearer"
            assert "clientgate_" not in refused.text
        samples = await scrape(http, Authorization=f"Bearer {METRICS_TOKEN}")
    assert value(samples, "clientgate_http_requests_total", route="/metrics", status="401") == 5


async def test_token_mode_without_a_token_serves_nobody(make_app: MakeApp) -> None:
    app, _ = await make_app(metrics=MetricsMode.TOKEN, metrics_token=None)
    async with client(app) as http:
        assert (await http.get("/metrics")).status_code == 401
        assert (await http.get("/metrics", headers={"Authorization": "Bearer "})).status_code == 401


async def test_off_is_404_in_the_plain_dialect(make_app: MakeApp) -> None:
    app, _ = await make_app(metrics=MetricsMode.OFF, metrics_token=METRICS_TOKEN)
    async with client(app) as http:
        gone = await http.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})
    assert gone.status_code == 404
    assert gone.json() == {"error": "Not found."}


def test_settings(tmp_path: Path) -> None:
    env = {"CLIENTGATE_SECRET_KEY": "k" * 40, "CLIENTGATE_VAR_DIR": str(tmp_path)}
    default = Settings.from_env(env)
    assert (default.metrics, default.metrics_token) == (MetricsMode.TOKEN, None)
    on = Settings.from_env({**env, "CLIENTGATE_METRICS": "ON", "CLIENTGATE_METRICS_TOKEN": "t"})
    assert (on.metrics, on.metrics_token) == (MetricsMode.ON, "t")
    assert "'t'" not in repr(on)
    with pytest.raises(ValueError, match="CLIENTGATE_METRICS must be one of off, on, token"):
        Settings.from_env({**env, "CLIENTGATE_METRICS": "yes"})


# -- readiness and migrations ------------------------------------------------------------------


async def test_readyz_reports_migrations(make_app: MakeApp) -> None:
    app, _ = await make_app()
    async with client(app) as http:
        ready = await http.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"status": "ok", "database": "ok", "migrations": "ok"}


async def test_readyz_is_503_while_migrations_are_pending(tmp_path: Path) -> None:
    """A database migrated along one branch only (the partners context), then to every head."""
    url = f"sqlite+aiosqlite:///{tmp_path / f'{uuid.uuid4().hex}.db'}"
    svc = build_services(make_settings(url, tmp_path))
    try:
        app = create_app(svc.settings, svc)
        async with client(app) as http:
            await migrate(svc.engine, "partners@head")
            pending = await http.get("/readyz")
            assert pending.status_code == 503
            assert pending.json() == {
                "status": "unavailable",
                "database": "ok",
                "migrations": "pending",
            }
            await migrate(svc.engine)
            ready = await http.get("/readyz")
        assert ready.status_code == 200
        assert ready.json()["migrations"] == "ok"
    finally:
        await svc.close()
