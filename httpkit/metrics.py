"""Prometheus metrics of one app (docs/operations.md lists them).

``Metrics`` owns a registry of its own (not prometheus-client's global one), so several apps in
one process — the tests build many — never share or clash. What it records is bounded by
construction: requests are labelled by their route *template* (``/v1/clients/{client_id}.json``,
never the path with its ids), GraphQL operations by a name that is checked and capped, and no
label ever holds a credential, a tenant's name or an account id.

Values that live elsewhere (the queue's depth, the database pool) are read at scrape time by
*probes* the composition root registers; ``scrape()`` runs them, then renders the registry.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from enum import StrEnum

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, HistogramMetricFamily, Metric
from starlette.routing import BaseRoute, Match, Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from httpkit.dialects import Dialects
from httpkit.logging import log
from httpkit.ratelimit import RefusalReason

Probe = Callable[[], Awaitable[None]]
"""Reads a value that lives elsewhere and sets its gauge; run at each scrape."""

UNMATCHED = "unmatched"
"""The route label of a path no route knows (404s on made-up paths stay one series)."""

ANONYMOUS = "anonymous"
OTHER = "other"
MAX_OPERATION_NAME = 64
MAX_OPERATION_NAMES = 200
"""Distinct GraphQL operation names kept as labels; later new names count as ``other``."""

_OPERATION_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CONVERTOR = re.compile(r"\{(\w+):\w+\}")
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_BOUNDS = tuple(repr(b) for b in LATENCY_BUCKETS)
"""The ``le`` labels of LATENCY_BUCKETS, written as prometheus-client writes them."""
COST_BUCKETS = (0, 1, 5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 50_000, 250_000)
JOB_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class MetricsMode(StrEnum):
    """``CLIENTGATE_METRICS``: whether ``/metrics`` is served, and to whom."""

    OFF = "off"
    ON = "on"
    TOKEN = "token"  # noqa: S105 - a mode's name, not a secret


class JobOutcome(StrEnum):
    """How a queue worker's attempt at a message ended."""

    COMPLETED = "completed"
    FAILED = "failed"
    """The message failed for good (a domain error, or its last attempt)."""
    LOST = "lost"
    """Its claim expired and another worker holds it now."""
    ERROR = "error"
    """An unexpected error; the message goes back to pending (or fails after its last try)."""


def operation_label(name: str | None) -> str:
    """A GraphQL operation's name as a label: ``anonymous`` when it has none, ``other`` when it
    is not a plain GraphQL name of at most 64 characters."""
    if not name:
        return ANONYMOUS
    if len(name) > MAX_OPERATION_NAME or _OPERATION_NAME.fullmatch(name) is None:
        return OTHER
    return name


class RequestTally:
    """``clientgate_http_requests_total`` and ``clientgate_http_request_duration_seconds``,
    kept as plain numbers and turned into metric families when scraped.

    Every request adds to them: prometheus-client's ``Counter.inc`` and ``Histogram.observe``
    take a lock per value and walk the buckets in Python, a tenth of the middleware's cost on
    a small request. Requests are recorded on the event loop's thread, as scrapes are read, so
    no lock is needed. The series are bounded like their labels (route templates, dialects,
    methods, statuses)."""

    def __init__(self) -> None:
        self._counts: dict[tuple[str, str, str, int], int] = {}
        # Per (route, dialect, method): a count per bucket (not cumulative; +Inf last), then
        # the sum of the seconds.
        self._latency: dict[tuple[str, str, str], list[float]] = {}

    def add(self, route: str, dialect: str, method: str, status: int, seconds: float) -> None:
        key = (route, dialect, method, status)
        self._counts[key] = self._counts.get(key, 0) + 1
        labels = (route, dialect, method)
        series = self._latency.get(labels)
        if series is None:
            series = self._latency[labels] = [0.0] * (len(LATENCY_BUCKETS) + 2)
        series[bisect.bisect_left(LATENCY_BUCKETS, seconds)] += 1
        series[-1] += seconds

    def collect(self) -> Iterator[Metric]:
        requests = CounterMetricFamily(
            "clientgate_http_requests",
            "HTTP requests answered, by route template, dialect, method and status.",
            labels=["route", "dialect", "method", "status"],
        )
        for (route, dialect, method, status), count in self._counts.items():
            requests.add_metric([route, dialect, method, str(status)], count)
        latency = HistogramMetricFamily(
            "clientgate_http_request_duration_seconds",
            "Time from a request's arrival to the end of its answer.",
            labels=["route", "dialect", "method"],
        )
        bounds = [*_BOUNDS, "+Inf"]
        for labels, series in self._latency.items():
            cumulative = list(itertools.accumulate(series[:-1]))
            latency.add_metric(list(labels), list(zip(bounds, cumulative, strict=True)), series[-1])
        yield requests
        yield latency


class Metrics:
    """The app's metrics and its registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self._requests = RequestTally()
        r.register(self._requests)
        self.graphql_operations = Counter(
            "clientgate_graphql_operations",
            "GraphQL operations executed, by operation name and type.",
            ["operation", "type"],
            registry=r,
        )
        self.graphql_cost = Histogram(
            "clientgate_graphql_operation_cost",
            "Points of GraphQL operations: requested (priced before running) and actual.",
            ["operation", "kind"],
            buckets=COST_BUCKETS,
            registry=r,
        )
        self.refusals = Counter(
            "clientgate_rate_limit_refusals",
            "Requests refused by a rate limit (429), by reason and dialect.",
            ["reason", "dialect"],
            registry=r,
        )
        self.jobs = Counter(
            "clientgate_queue_jobs",
            "BusinessPartner queue messages processed, by outcome.",
            ["outcome"],
            registry=r,
        )
        self.job_duration = Histogram(
            "clientgate_queue_job_duration_seconds",
            "Time to process one BusinessPartner queue message, by outcome.",
            ["outcome"],
            buckets=JOB_BUCKETS,
            registry=r,
        )
        self.queue_depth = Gauge(
            "clientgate_queue_messages",
            "BusinessPartner queue messages waiting (pending) or in hand (processing).",
            ["status"],
            registry=r,
        )
        self.db_pool_in_use = Gauge(
            "clientgate_db_pool_connections_in_use",
            "Database connections checked out of the pool, by engine.",
            ["engine"],
            registry=r,
        )
        self._probes: list[Probe] = []
        self._operation_names: set[str] = set()

    # -- recording ---------------------------------------------------------------------------

    def request(self, route: str, dialect: str, method: str, status: int, seconds: float) -> None:
        self._requests.add(route, dialect, method if method in _METHODS else OTHER, status, seconds)

    def graphql_operation(
        self, name: str | None, operation_type: str, requested: int, actual: int
    ) -> None:
        label = operation_label(name)
        if label not in (ANONYMOUS, OTHER) and label not in self._operation_names:
            if len(self._operation_names) >= MAX_OPERATION_NAMES:
                label = OTHER
            else:
                self._operation_names.add(label)
        self.graphql_operations.labels(label, operation_type).inc()
        self.graphql_cost.labels(label, "requested").observe(requested)
        self.graphql_cost.labels(label, "actual").observe(actual)

    def refused(self, reason: RefusalReason, dialect: str) -> None:
        self.refusals.labels(reason.value, dialect).inc()

    def job(self, outcome: JobOutcome, seconds: float) -> None:
        self.jobs.labels(outcome.value).inc()
        self.job_duration.labels(outcome.value).observe(seconds)

    # -- scraping ----------------------------------------------------------------------------

    def add_probe(self, probe: Probe) -> None:
        self._probes.append(probe)

    async def scrape(self) -> bytes:
        """Run the probes (one that fails keeps its last value, and is logged), then render."""
        for probe in self._probes:
            try:
                await probe()
            except Exception as exc:
                log.warning("metrics_probe_failed", probe=_name(probe), error=type(exc).__name__)
        return generate_latest(self.registry)


def _name(probe: Probe) -> str:
    return getattr(probe, "__qualname__", type(probe).__name__)


def route_template(routes: Sequence[BaseRoute], arrived: Scope, routed: Scope) -> str:
    """The template of the route that answered, mounts' prefixes included, with convertors
    dropped (``/v1/clients/{client_id}.json``); ``unmatched`` for a path no route knows.

    ``routed`` is the scope after the app ran: Starlette put the answering route in it (and a
    mount its prefix in ``root_path``). Answers given before routing (429, 413, replays) have
    no route there; the routes are matched against the scope as it ``arrived`` instead."""
    route = routed.get("route")
    if route is None:
        return _matched(routes, arrived, "")
    if isinstance(route, Mount):  # the mount matched, nothing under it did
        return UNMATCHED
    prefix = str(routed.get("root_path", ""))[len(str(arrived.get("root_path", ""))) :]
    return _template(prefix + str(getattr(route, "path", "")))


def _matched(routes: Sequence[BaseRoute], scope: Scope, prefix: str) -> str:
    partial: str | None = None
    for candidate in routes:
        match, child = candidate.matches(scope)
        if match is Match.NONE:
            continue
        if isinstance(candidate, Mount):
            if match is Match.FULL:
                return _matched(candidate.routes, {**scope, **child}, prefix + candidate.path)
            continue
        path = prefix + str(getattr(candidate, "path", ""))
        if match is Match.FULL:
            return _template(path)
        partial = partial or path
    return _template(partial) if partial else UNMATCHED


@functools.lru_cache(maxsize=1024)
def _template(path: str) -> str:
    # Route paths only (a finite set), never a request's path.
    return _CONVERTOR.sub(r"{\1}", path) or UNMATCHED


class MetricsMiddleware:
    """Counts and times every HTTP request by route template, dialect, method and status.
    It stands outside the error boundary and the rate limiter, so their answers count too."""

    def __init__(
        self, app: ASGIApp, metrics: Metrics, dialects: Dialects, routes: Sequence[BaseRoute]
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.dialects = dialects
        self.routes = tuple(routes)
        self._dialect_of: dict[str, str] = {}
        """Route template → the dialect of its paths (templates are a finite set)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # What routing reads, as it arrived (a mount may change the scope on the way down).
        arrived = {k: scope[k] for k in ("type", "path", "root_path", "method") if k in scope}
        started = time.perf_counter()
        status = 500

        async def watching(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, watching)
        finally:
            elapsed = time.perf_counter() - started
            route = route_template(self.routes, arrived, scope)
            dialect = self._dialect_of.get(route)
            if dialect is None and route == UNMATCHED:
                dialect = self.dialects.for_path(arrived["path"]).name
            elif dialect is None:
                dialect = self._dialect_of[route] = self.dialects.for_path(route).name
            self.metrics.request(route, dialect, arrived.get("method", ""), status, elapsed)
