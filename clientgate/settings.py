"""Settings from ``CLIENTGATE_*`` environment variables, read once at start-up."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from httpkit.metrics import MetricsMode

DEFAULT_DB = "sqlite+aiosqlite:///./var/clientgate.db"


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"not a boolean: {value!r}")


def _int(env: dict[str, str], name: str, default: int) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"{name} must be an integer, got {raw!r}") from None


def _list(value: str | None) -> tuple[str, ...]:
    """A comma-separated setting; blanks dropped."""
    return tuple(item.strip() for item in (value or "").split(",") if item.strip())


def _metrics_mode(value: str | None) -> MetricsMode:
    try:
        return MetricsMode((value or MetricsMode.TOKEN.value).strip().lower())
    except ValueError:
        choices = ", ".join(m.value for m in MetricsMode)
        raise ValueError(f"CLIENTGATE_METRICS must be one of {choices}, got {value!r}") from None


def _dev_secret_key(var_dir: Path) -> str:
    """Without CLIENTGATE_SECRET_KEY, a key is generated once and kept in ./var (development)."""
    path = var_dir / "secret.key"
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DB
    secret_key: str = field(default="", repr=False)
    redis_url: str | None = None
    debug: bool = False
    host: str = "127.0.0.1"
    port: int = 8000
    migrate_on_start: bool = True
    db_pool_size: int = 10
    # Waiting on the database: past these a request is answered 503 with Retry-After.
    db_pool_timeout_seconds: float = 10.0
    db_statement_timeout_ms: int = 30_000
    db_lock_timeout_ms: int = 10_000
    # Bodies are refused (413) past this while they are read; /auth and /resellers have their own.
    max_body_bytes: int = 8 * 1024 * 1024
    log_level: str = "INFO"
    log_json: bool = False
    graphql_introspection: bool = True
    graphql_max_depth: int = 12
    graphql_max_aliases: int = 30
    graphql_max_tokens: int = 5000
    graphql_max_cost: int = 50_000
    graphql_list_bound: int = 20
    graphql_cost_limit: str = "300000/minute"
    graphql_persisted_queries: int = 1000
    session_ttl_seconds: int = 8 * 3600
    # Rate limits (clientgate/ratelimit.py): per credential, or per IP without a valid one.
    rate_limit: str = "600/minute"
    rate_limit_enabled: bool = True
    rate_limit_concurrency: int = 16
    rate_limit_strategy: str = "fixed-window"
    rate_limit_key_prefix: str = "clientgate:ratelimit"
    # Addresses (IPs or CIDRs) of reverse proxies whose X-Forwarded-For is believed; none by
    # default, so no caller can pick its own client address (and rate-limit budget).
    trusted_proxies: tuple[str, ...] = ()
    # Origins whose pages may call the API from a browser (CORS), none by default; and the
    # path prefixes that answer them (GraphQL by default; add "/v1/" etc. for the REST paths).
    cors_origins: tuple[str, ...] = ()
    cors_paths: tuple[str, ...] = ("/graphql",)
    # Idempotency-Key (docs/idempotency.md): first answers replayed this long; a request
    # holding a key is presumed dead (and the key taken over) after its lease.
    idempotency_ttl_seconds: int = 24 * 3600
    idempotency_lease_seconds: int = 60
    # Change history (docs/history.md): `clientgate audit prune` deletes older changes.
    history_retention_days: int = 365
    var_dir: Path = Path("var")
    # BusinessPartner creation queue (clientgate/worker.py).
    worker_in_serve: bool = True
    queue_lease_seconds: int = 30
    queue_max_attempts: int = 5
    queue_poll_seconds: float = 0.2
    # Subscriptions (docs/history.md) wake on the notification bus; they re-read at least this
    # often anyway (a worker process on the same SQLite file cannot wake them).
    subscription_resync_seconds: float = 5.0
    # Webhooks (docs/history.md). Endpoints on private, loopback or link-local addresses are
    # refused unless allowed (SSRF): allow them only in tests.
    webhooks_allow_private: bool = False
    webhooks_max_attempts: int = 8
    webhooks_backoff_seconds: float = 5.0
    webhooks_timeout_seconds: float = 10.0
    webhooks_max_endpoints: int = 10
    # GET /metrics (docs/operations.md): off (404), on (anyone), or token (only with
    # "Authorization: Bearer <metrics_token>"; nobody while no token is set).
    metrics: MetricsMode = MetricsMode.TOKEN
    metrics_token: str | None = field(default=None, repr=False)

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = dict(os.environ if environ is None else environ)
        var_dir = Path(env.get("CLIENTGATE_VAR_DIR", "var"))
        key = env.get("CLIENTGATE_SECRET_KEY") or _dev_secret_key(var_dir)
        if len(key) < 32:
            raise ValueError("CLIENTGATE_SECRET_KEY must be at least 32 characters")
        return cls(
            database_url=env.get("CLIENTGATE_DATABASE_URL") or DEFAULT_DB,
            secret_key=key,
            redis_url=env.get("CLIENTGATE_REDIS_URL") or None,
            debug=_bool(env.get("CLIENTGATE_DEBUG"), False),
            host=env.get("CLIENTGATE_HOST", "127.0.0.1"),
            port=_int(env, "CLIENTGATE_PORT", 8000),
            migrate_on_start=_bool(env.get("CLIENTGATE_MIGRATE_ON_START"), True),
            db_pool_size=_int(env, "CLIENTGATE_DB_POOL_SIZE", 10),
            db_pool_timeout_seconds=float(env.get("CLIENTGATE_DB_POOL_TIMEOUT_SECONDS") or 10.0),
            db_statement_timeout_ms=_int(env, "CLIENTGATE_DB_STATEMENT_TIMEOUT_MS", 30_000),
            db_lock_timeout_ms=_int(env, "CLIENTGATE_DB_LOCK_TIMEOUT_MS", 10_000),
            max_body_bytes=_int(env, "CLIENTGATE_MAX_BODY_BYTES", 8 * 1024 * 1024),
            log_level=env.get("CLIENTGATE_LOG_LEVEL", "INFO").upper(),
            log_json=_bool(env.get("CLIENTGATE_LOG_JSON"), False),
            graphql_introspection=_bool(env.get("CLIENTGATE_GRAPHQL_INTROSPECTION"), True),
            graphql_max_depth=_int(env, "CLIENTGATE_GRAPHQL_MAX_DEPTH", 12),
            graphql_max_aliases=_int(env, "CLIENTGATE_GRAPHQL_MAX_ALIASES", 30),
            graphql_max_tokens=_int(env, "CLIENTGATE_GRAPHQL_MAX_TOKENS", 5000),
            graphql_max_cost=_int(env, "CLIENTGATE_GRAPHQL_MAX_COST", 50_000),
            graphql_list_bound=_int(env, "CLIENTGATE_GRAPHQL_LIST_BOUND", 20),
            graphql_cost_limit=env.get("CLIENTGATE_GRAPHQL_COST_LIMIT") or "300000/minute",
            graphql_persisted_queries=_int(env, "CLIENTGATE_GRAPHQL_PERSISTED_QUERIES", 1000),
            session_ttl_seconds=_int(env, "CLIENTGATE_SESSION_TTL_SECONDS", 8 * 3600),
            rate_limit=env.get("CLIENTGATE_RATE_LIMIT") or "600/minute",
            rate_limit_enabled=_bool(env.get("CLIENTGATE_RATE_LIMIT_ENABLED"), True),
            rate_limit_concurrency=_int(env, "CLIENTGATE_RATE_LIMIT_CONCURRENCY", 16),
            rate_limit_strategy=env.get("CLIENTGATE_RATE_LIMIT_STRATEGY") or "fixed-window",
            rate_limit_key_prefix=env.get("CLIENTGATE_RATE_LIMIT_KEY_PREFIX")
            or "clientgate:ratelimit",
            trusted_proxies=_list(env.get("CLIENTGATE_TRUSTED_PROXIES")),
            cors_origins=_list(env.get("CLIENTGATE_CORS_ORIGINS")),
            cors_paths=_list(env.get("CLIENTGATE_CORS_PATHS")) or ("/graphql",),
            idempotency_ttl_seconds=_int(env, "CLIENTGATE_IDEMPOTENCY_TTL_SECONDS", 24 * 3600),
            idempotency_lease_seconds=_int(env, "CLIENTGATE_IDEMPOTENCY_LEASE_SECONDS", 60),
            history_retention_days=_int(env, "CLIENTGATE_HISTORY_RETENTION_DAYS", 365),
            var_dir=var_dir,
            worker_in_serve=_bool(env.get("CLIENTGATE_WORKER_IN_SERVE"), True),
            queue_lease_seconds=_int(env, "CLIENTGATE_QUEUE_LEASE_SECONDS", 30),
            queue_max_attempts=_int(env, "CLIENTGATE_QUEUE_MAX_ATTEMPTS", 5),
            queue_poll_seconds=float(env.get("CLIENTGATE_QUEUE_POLL_SECONDS") or 0.2),
            subscription_resync_seconds=float(
                env.get("CLIENTGATE_SUBSCRIPTION_RESYNC_SECONDS") or 5.0
            ),
            webhooks_allow_private=_bool(env.get("CLIENTGATE_WEBHOOKS_ALLOW_PRIVATE"), False),
            webhooks_max_attempts=_int(env, "CLIENTGATE_WEBHOOKS_MAX_ATTEMPTS", 8),
            webhooks_backoff_seconds=float(env.get("CLIENTGATE_WEBHOOKS_BACKOFF_SECONDS") or 5.0),
            webhooks_timeout_seconds=float(env.get("CLIENTGATE_WEBHOOKS_TIMEOUT_SECONDS") or 10.0),
            webhooks_max_endpoints=_int(env, "CLIENTGATE_WEBHOOKS_MAX_ENDPOINTS", 10),
            metrics=_metrics_mode(env.get("CLIENTGATE_METRICS")),
            metrics_token=env.get("CLIENTGATE_METRICS_TOKEN") or None,
        )
