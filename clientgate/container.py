"""Wires adapters to services: the one place that knows every concrete class."""

from __future__ import annotations

from dataclasses import dataclass
from hashlib import sha256

from limits.aio.storage import MemoryStorage, RedisStorage
from redis.asyncio import ConnectionPool
from redis.backoff import NoBackoff
from redis.retry import Retry
from sqlalchemy.ext.asyncio import AsyncEngine

from clientgate.probes import probed_metrics
from clientgate.settings import Settings
from core.accounts.service import AccountService
from core.accounts.tokens import TokenService
from core.clients.service import ClientService
from core.idempotency.sealing import FernetSealer
from core.idempotency.service import IdempotencyService
from core.partners.service import PartnerService
from core.resellers.secretbox import FernetSecretBox
from core.resellers.service import ResellerService
from core.shared.clock import Clock, SystemClock
from core.shared.secrets import SecretHasher
from core.storage.engine import Timeouts, create_engine
from core.storage.uow import UnitOfWorkFactory
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
    clock: Clock
    hasher: SecretHasher
    accounts: AccountService
    tokens: TokenService
    clients: ClientService
    resellers: ResellerService
    partners: PartnerService
    idempotency: IdempotencyService
    rate_limiter: Limiter | None
    cost_limiter: Limiter | None
    """GraphQL points per credential (graphql_api/throttle.py)."""
    metrics: Metrics
    """The app's Prometheus metrics (httpkit/metrics.py; probes in clientgate/probes.py)."""

    async def close(self) -> None:
        for limiter in (self.rate_limiter, self.cost_limiter):
            if limiter is not None:
                await limiter.close()
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


def build_services(settings: Settings, clock: Clock | None = None) -> Services:
    timeouts = Timeouts(
        pool_seconds=settings.db_pool_timeout_seconds,
        statement_ms=settings.db_statement_timeout_ms,
        lock_ms=settings.db_lock_timeout_ms,
    )
    engine = create_engine(
        settings.database_url, pool_size=settings.db_pool_size, timeouts=timeouts
    )
    uow = UnitOfWorkFactory(engine, lock_timeout_seconds=timeouts.lock_ms / 1000)
    clock = clock or SystemClock()
    hasher = SecretHasher(derive_key(settings.secret_key, "secret-hash"))
    accounts = AccountService(uow, hasher, clock, session_ttl=settings.session_ttl_seconds)
    partners = PartnerService(uow, clock)
    return Services(
        settings=settings,
        engine=engine,
        uow=uow,
        clock=clock,
        hasher=hasher,
        accounts=accounts,
        tokens=TokenService(uow, hasher, clock),
        clients=ClientService(uow, clock),
        partners=partners,
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
        rate_limiter=build_limiter(settings),
        cost_limiter=build_limiter(settings, cost=True),
        metrics=probed_metrics(engine, uow, partners.queue),
    )
