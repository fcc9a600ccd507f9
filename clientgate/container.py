"""Wires adapters to services: the one place that knows every concrete class."""

from __future__ import annotations

from dataclasses import dataclass
from hashlib import sha256

from limits.aio.storage import MemoryStorage, RedisStorage
from redis.asyncio import ConnectionPool
from redis.backoff import NoBackoff
from redis.retry import Retry
from sqlalchemy.ext.asyncio import AsyncEngine

from clientgate.outbound import DnsResolver, HttpSender
from clientgate.probes import probed_metrics
from clientgate.settings import Settings
from core.accounts.service import AccountService
from core.accounts.tokens import TokenService
from core.clients.service import ClientService
from core.history.follow import ChangeFollower
from core.history.service import HistoryService
from core.idempotency.sealing import FernetSealer
from core.idempotency.service import IdempotencyService
from core.notify.local import LocalNotificationBus
from core.notify.ports import NotificationBus
from core.partners.service import PartnerService
from core.resellers.secretbox import FernetSecretBox
from core.resellers.service import ResellerService
from core.shared.clock import Clock, SystemClock
from core.shared.secrets import SecretHasher
from core.storage.engine import Timeouts, create_engine, is_sqlite
from core.storage.notify import PgNotificationBus
from core.storage.uow import UnitOfWorkFactory
from core.webhooks.model import Policy
from core.webhooks.service import WebhookService
from httpkit.metrics import Metrics
from httpkit.ratelimit import REDIS_TIMEOUT_SECONDS, Limiter, parse_limits, storage_uri


def derive_key(secret_key: str, purpose: str) -> bytes:
    """A separate key per purpose, so one use can never stand in for another."""
    return sha256(f"clientgate:{purpose}:{secret_key}".encode()).digest()


@dataclass
class Services:
    settings: Settings
    engine: AsyncEngine
    uow: UnitOfWorkFactory
    bus: NotificationBus
    """Wake-ups between writers and followers (LISTEN/NOTIFY on PostgreSQL)."""
    clock: Clock
    hasher: SecretHasher
    accounts: AccountService
    tokens: TokenService
    clients: ClientService
    resellers: ResellerService
    partners: PartnerService
    history: HistoryService
    feed: ChangeFollower
    """The change feed as it commits (the ``changes`` subscription)."""
    idempotency: IdempotencyService
    webhooks: WebhookService
    sender: HttpSender
    rate_limiter: Limiter | None
    cost_limiter: Limiter | None
    """GraphQL points per credential (graphql_api/throttle.py)."""
    metrics: Metrics
    """The app's Prometheus metrics (httpkit/metrics.py; probes in clientgate/probes.py)."""

    async def close(self) -> None:
        for limiter in (self.rate_limiter, self.cost_limiter):
            if limiter is not None:
                await limiter.close()
        await self.sender.close()
        await self.bus.close()
        await self.uow.dispose()
        await self.engine.dispose()


def build_limiter(settings: Settings, *, cost: bool = False) -> Limiter | None:
    """The app's request rate limiter (or, ``cost``, its GraphQL points budget), or ``None``
    when rate limiting is disabled."""
    if not settings.rate_limit_enabled:
        return None
    items = parse_limits(settings.graphql_cost_limit if cost else settings.rate_limit)
    prefix = settings.rate_limit_key_prefix + (":cost" if cost else "")
    uri = storage_uri(settings.redis_url)
    if not settings.redis_url:
        return Limiter(items, MemoryStorage(), settings.rate_limit_strategy)
    # Our own pool, so that shutdown can close it; limits' client borrows it.
    pool = ConnectionPool.from_url(
        settings.redis_url,
        socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
        socket_timeout=REDIS_TIMEOUT_SECONDS,
        retry=Retry(NoBackoff(), 0),
    )
    storage = RedisStorage(
        uri,
        implementation="redispy",
        key_prefix=prefix,
        connection_pool=pool,  # type: ignore[arg-type]
    )
    return Limiter(items, storage, settings.rate_limit_strategy, close=pool.aclose)


def webhook_policy(settings: Settings) -> Policy:
    return Policy(
        allow_private=settings.webhooks_allow_private,
        max_attempts=settings.webhooks_max_attempts,
        backoff_seconds=settings.webhooks_backoff_seconds,
        timeout_seconds=settings.webhooks_timeout_seconds,
        max_endpoints=settings.webhooks_max_endpoints,
    )


def build_services(settings: Settings, clock: Clock | None = None) -> Services:
    timeouts = Timeouts(
        pool_seconds=settings.db_pool_timeout_seconds,
        statement_ms=settings.db_statement_timeout_ms,
        lock_ms=settings.db_lock_timeout_ms,
    )
    engine = create_engine(
        settings.database_url, pool_size=settings.db_pool_size, timeouts=timeouts
    )
    lock_seconds = timeouts.lock_ms / 1000
    bus: NotificationBus
    if is_sqlite(settings.database_url):
        local = LocalNotificationBus()
        uow = UnitOfWorkFactory(engine, deliver=local.deliver, lock_timeout_seconds=lock_seconds)
        bus = local
    else:
        uow = UnitOfWorkFactory(engine, lock_timeout_seconds=lock_seconds)
        bus = PgNotificationBus(settings.database_url)
    clock = clock or SystemClock()
    hasher = SecretHasher(derive_key(settings.secret_key, "secret-hash"))
    accounts = AccountService(uow, hasher, clock, session_ttl=settings.session_ttl_seconds)
    resolver = DnsResolver()
    sender = HttpSender(resolver, allow_private=settings.webhooks_allow_private)
    partners = PartnerService(uow, clock, bus, resync_seconds=settings.subscription_resync_seconds)
    return Services(
        settings=settings,
        engine=engine,
        uow=uow,
        bus=bus,
        clock=clock,
        hasher=hasher,
        accounts=accounts,
        tokens=TokenService(uow, hasher, clock),
        clients=ClientService(uow, clock),
        partners=partners,
        history=HistoryService(uow, clock, settings.history_retention_days),
        feed=ChangeFollower(uow, bus, settings.subscription_resync_seconds),
        resellers=ResellerService(
            uow,
            accounts,
            FernetSecretBox(derive_key(settings.secret_key, "ose-secrets")),
            clock,
        ),
        idempotency=IdempotencyService(
            uow,
            clock,
            FernetSealer(derive_key(settings.secret_key, "idempotency-answers")),
            derive_key(settings.secret_key, "idempotency-fingerprint"),
            ttl_seconds=settings.idempotency_ttl_seconds,
            lease_seconds=settings.idempotency_lease_seconds,
        ),
        webhooks=WebhookService(
            uow,
            clock,
            FernetSecretBox(derive_key(settings.secret_key, "webhook-secrets")),
            resolver,
            sender,
            webhook_policy(settings),
        ),
        sender=sender,
        rate_limiter=build_limiter(settings),
        cost_limiter=build_limiter(settings, cost=True),
        metrics=probed_metrics(engine, uow, partners.queue),
    )
