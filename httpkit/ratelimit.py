"""Rate limits for the whole app: one budget per credential (API token, Basic API user, web
session) or, for requests without a valid credential, per client IP.

Counting is the ``limits`` library's: in process memory by default, in Redis when
``CLIENTGATE_REDIS_URL`` is set, so that every instance draws on the same budget. Keys never
hold a secret: a verified credential is keyed by its kind and database id, anything else by IP.
When Redis cannot be reached the API keeps serving (fail open) and logs one warning per outage.

Over budget, the answer is 429 in the dialect the path speaks (``httpkit.dialects``).
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum

from limits import RateLimitItem, parse_many
from limits.aio.storage import Storage
from limits.aio.strategies import (
    FixedWindowRateLimiter,
    MovingWindowRateLimiter,
    RateLimiter,
    SlidingWindowCounterRateLimiter,
)
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.accounts.service import AccountService
from core.shared.errors import AuthenticationFailed
from core.shared.secrets import SecretHasher
from httpkit.auth import authenticate, presented_credential, remember_principal
from httpkit.dialects import Dialects
from httpkit.logging import log

# Paths that must answer even when a caller has spent its budget: orchestrators probe them.
EXEMPT_PATHS = frozenset({"/healthz", "/readyz"})

# A Redis that does not answer must not hold requests for long (the composition root gives
# its client this timeout and no retries); then the circuit stays open for a while
# (requests pass unlimited meanwhile).
REDIS_TIMEOUT_SECONDS = 0.5
STORAGE_RETRY_AFTER_SECONDS = 5.0

# Verifying a credential costs a database query; remember the outcome briefly. The cache only
# picks the rate-limit key, never authorises anything (the routes authenticate on their own).
CREDENTIAL_CACHE_SECONDS = 30.0
CREDENTIAL_CACHE_SIZE = 10_000

# Ends of fixed windows already seen (see Limiter._fixed_window_hit).
WINDOW_CACHE_SIZE = 10_000

TOO_MANY = "Too Many Requests"
TOO_MANY_AT_ONCE = "Too Many Requests: at most {} at once per credential"

STRATEGIES: dict[str, type[RateLimiter]] = {
    "fixed-window": FixedWindowRateLimiter,
    "moving-window": MovingWindowRateLimiter,
    "sliding-window-counter": SlidingWindowCounterRateLimiter,
}


class RefusalReason(StrEnum):
    """Why a request was answered 429."""

    BUDGET = "budget"
    """The credential's (or address's) requests per window are spent."""
    CONCURRENCY = "concurrency"
    """Too many of the credential's requests are in flight at once."""
    COST = "cost"
    """A GraphQL operation's points exceed what is left of the budget of points."""


OnRefusal = Callable[[RefusalReason, str], None]
"""Told of each refusal: its reason and the dialect of the path."""


@dataclass(frozen=True)
class Decision:
    """The outcome of one request against its budget."""

    allowed: bool
    limit: int
    remaining: int
    reset_at: float
    """Unix time (seconds) at which the window that decided frees up again."""

    def retry_after(self, now: float | None = None) -> int:
        """Whole seconds to wait before the next request can succeed (at least 1)."""
        return max(1, math.ceil(self.reset_at - (time.time() if now is None else now)))

    def headers(self) -> list[tuple[bytes, bytes]]:
        headers = [
            (b"x-ratelimit-limit", str(self.limit).encode()),
            (b"x-ratelimit-remaining", str(self.remaining).encode()),
            (b"x-ratelimit-reset", str(math.ceil(self.reset_at)).encode()),
        ]
        if not self.allowed:
            headers.append((b"retry-after", str(self.retry_after()).encode()))
        return headers


def storage_uri(redis_url: str | None) -> str:
    """The ``limits`` storage URI for a Redis URL (``redis://``, ``rediss://``, ``unix://``)."""
    if not redis_url:
        return "async+memory://"
    scheme, sep, rest = redis_url.partition("://")
    if not sep:
        raise ValueError(f"CLIENTGATE_REDIS_URL is not a URL: {redis_url!r}")
    mapped = {"redis": "async+redis", "rediss": "async+rediss", "unix": "async+redis+unix"}
    if scheme not in mapped:
        raise ValueError(f"CLIENTGATE_REDIS_URL must be redis://, rediss:// or unix://: {scheme!r}")
    return f"{mapped[scheme]}://{rest}"


def parse_limits(value: str) -> list[RateLimitItem]:
    """``"600/minute"`` or several separated by ``;`` (``"20/second;600/minute"``)."""
    try:
        return parse_many(value)
    except ValueError:
        raise ValueError(
            f"CLIENTGATE_RATE_LIMIT must look like '600/minute' or '10/second;600/minute', "
            f"got {value!r}"
        ) from None


class Limiter:
    """Hits a key against every configured limit; ``None`` when the storage is unavailable."""

    def __init__(
        self,
        items: list[RateLimitItem],
        storage: Storage,
        strategy: str = "fixed-window",
        close: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        if not items:
            raise ValueError("at least one rate limit is required")
        if strategy not in STRATEGIES:
            raise ValueError(
                f"CLIENTGATE_RATE_LIMIT_STRATEGY must be one of {sorted(STRATEGIES)}, "
                f"got {strategy!r}"
            )
        self.items = items
        self.storage = storage
        self.strategy = STRATEGIES[strategy](storage)
        self._close = close
        self._down_until = 0.0
        self._window_ends: OrderedDict[str, float] = OrderedDict()

    def _storage_errors(self) -> tuple[type[BaseException], ...]:
        base = self.storage.base_exceptions
        return (*(base if isinstance(base, tuple) else (base,)), OSError, TimeoutError)

    async def hit(self, key: str, cost: int = 1) -> Decision | None:
        """Counts ``cost`` (one request, or a GraphQL operation's points) for ``key``. ``None``
        means the storage failed: let it through. A refused hit consumes nothing."""
        if self._down_until and time.monotonic() < self._down_until:
            return None
        try:
            decision = await self._hit(key, cost)
        except self._storage_errors() as exc:
            if not self._down_until:
                log.warning(
                    "rate_limit_storage_unavailable",
                    error=type(exc).__name__,
                    detail=str(exc)[:200],
                    action="serving without rate limits",
                )
            self._down_until = time.monotonic() + STORAGE_RETRY_AFTER_SECONDS
            return None
        if self._down_until:
            log.info("rate_limit_storage_recovered")
            self._down_until = 0.0
        return decision

    async def _hit(self, key: str, cost: int) -> Decision:
        best: Decision | None = None
        for item in self.items:
            if isinstance(self.strategy, FixedWindowRateLimiter):
                allowed, remaining, reset_at = await self._fixed_window_hit(item, key, cost)
            else:
                allowed = await self.strategy.hit(item, key, cost=cost)
                stats = await self.strategy.get_window_stats(item, key)
                remaining, reset_at = stats.remaining, stats.reset_time
            decision = Decision(
                allowed=allowed, limit=item.amount, remaining=max(0, remaining), reset_at=reset_at
            )
            if not allowed:
                # Later limits are not charged for a request that is refused anyway.
                return decision
            if best is None or decision.remaining < best.remaining:
                best = decision
        assert best is not None
        return best

    async def _fixed_window_hit(
        self, item: RateLimitItem, key: str, cost: int
    ) -> tuple[bool, int, float]:
        """The fixed-window strategy's hit, in one storage round trip instead of three.

        ``FixedWindowRateLimiter.hit`` + ``get_window_stats`` cost incr, get and ttl. The count
        comes back from incr; and a window only ends by expiring, so its end, once known, holds
        until then for every instance: it is remembered locally rather than asked again.
        """
        storage_key = item.key_for(key)
        count = await self.storage.incr(storage_key, item.get_expiry(), amount=cost)
        opened = count == cost  # this hit opened the window
        allowed = count <= item.amount
        if not allowed and cost > 1:
            # A refused operation gives its points back: it ran nothing.
            count = await self.storage.incr(storage_key, item.get_expiry(), amount=-cost)
        return allowed, item.amount - count, await self._window_end(storage_key, item, opened)

    async def _window_end(self, storage_key: str, item: RateLimitItem, opened: bool) -> float:
        now = time.time()
        reset_at = self._window_ends.get(storage_key)
        if opened:
            reset_at = now + item.get_expiry()  # this request opened the window
        elif reset_at is None or reset_at <= now:
            reset_at = await self.storage.get_expiry(storage_key)
        self._window_ends[storage_key] = reset_at
        self._window_ends.move_to_end(storage_key)
        while len(self._window_ends) > WINDOW_CACHE_SIZE:
            self._window_ends.popitem(last=False)
        return reset_at

    async def close(self) -> None:
        if self._close is not None:
            await self._close()


class _CredentialCache:
    """A small LRU of ``credential digest -> rate-limit key`` (``None``: not a valid one)."""

    def __init__(self, ttl: float, size: int) -> None:
        self._ttl = ttl
        self._size = size
        self._entries: OrderedDict[str, tuple[float, str | None]] = OrderedDict()

    def get(self, digest: str) -> tuple[bool, str | None]:
        entry = self._entries.get(digest)
        if entry is None or entry[0] < time.monotonic():
            self._entries.pop(digest, None)
            return False, None
        self._entries.move_to_end(digest)
        return True, entry[1]

    def put(self, digest: str, key: str | None) -> None:
        self._entries[digest] = (time.monotonic() + self._ttl, key)
        self._entries.move_to_end(digest)
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)


def ip_key(scope: Scope) -> str:
    """The client address; IPv6 callers share their /64, which one host usually owns whole."""
    client = scope.get("client")
    host = client[0] if client else ""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return f"ip:{host or 'unknown'}"
    if address.version == 6:
        mapped = address.ipv4_mapped
        if mapped is not None:
            return f"ip:{mapped}"
        return f"ip:{ipaddress.ip_network(f'{address}/64', strict=False)}"
    return f"ip:{address}"


class CredentialKeys:
    """Picks the rate-limit key of a request.

    A credential that authenticates is its own budget (``cred:<kind>:<id>``); a missing, bad or
    unverifiable one falls back to the client IP, so rotating made-up tokens buys nothing.
    """

    def __init__(self, hasher: SecretHasher, accounts: AccountService) -> None:
        self._hasher = hasher
        self._accounts = accounts
        self._cache = _CredentialCache(CREDENTIAL_CACHE_SECONDS, CREDENTIAL_CACHE_SIZE)

    async def key_for(self, scope: Scope) -> str:
        conn = HTTPConnection(scope)
        credential = presented_credential(conn)
        if credential is None:
            return ip_key(scope)
        # Keyed hash: the cache holds no secret either.
        digest = self._hasher.hash(f"ratelimit:{credential.scheme.value}:{credential.value}")
        found, key = self._cache.get(digest)
        if not found:
            cacheable, key = await self._verify(conn)
            if cacheable:
                self._cache.put(digest, key)
        return key or ip_key(scope)

    async def _verify(self, conn: HTTPConnection) -> tuple[bool, str | None]:
        """``(cacheable, key)``: the credential's key, or ``None`` when it does not verify."""
        try:
            principal = await authenticate(conn, self._accounts)
        except AuthenticationFailed:
            return True, None
        except Exception as exc:
            # The database is down or similar: the route will answer that. Key by IP for now
            # and do not remember the outcome.
            log.debug("rate_limit_credential_unverified", error=type(exc).__name__)
            return False, None
        # Verified during this very request: the route uses it instead of looking it up again.
        remember_principal(conn, principal)
        return True, f"cred:{principal.kind.value}:{principal.credential_id}"


class RateLimitMiddleware:
    """Pure ASGI middleware: charges each HTTP request to its key, adds the ``X-RateLimit-*``
    headers to the answer, and answers 429 (with ``Retry-After``) once the budget is spent."""

    def __init__(
        self,
        app: ASGIApp,
        limiter: Limiter | None,
        keys: CredentialKeys,
        dialects: Dialects,
        concurrency: int = 0,
        on_refusal: OnRefusal | None = None,
    ) -> None:
        self.app = app
        self.limiter = limiter
        self.on_refusal = on_refusal
        self.keys = keys
        self.dialects = dialects
        # Requests of one key in flight in this process: one caller cannot hold every database
        # connection while others wait (0: no cap).
        self.concurrency = concurrency
        self._in_flight: dict[str, int] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.limiter is None or scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
            return
        if scope["path"] in EXEMPT_PATHS:
            await self.app(scope, receive, send)
            return
        key = await self.keys.key_for(scope)
        decision = await self.limiter.hit(key)
        if decision is None:
            await self.app(scope, receive, send)
            return
        headers = decision.headers()
        if not decision.allowed:
            await self._refuse(scope, send, RefusalReason.BUDGET, TOO_MANY, headers)
            return
        busy = self._in_flight.get(key, 0)
        if self.concurrency and busy >= self.concurrency:
            retry = [(b"retry-after", b"1"), *headers]
            message = TOO_MANY_AT_ONCE.format(self.concurrency)
            await self._refuse(scope, send, RefusalReason.CONCURRENCY, message, retry)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *headers]
            await send(message)

        self._in_flight[key] = busy + 1
        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            left = self._in_flight[key] - 1
            if left:
                self._in_flight[key] = left
            else:
                del self._in_flight[key]

    async def _refuse(
        self,
        scope: Scope,
        send: Send,
        reason: RefusalReason,
        message: str,
        headers: list[tuple[bytes, bytes]],
    ) -> None:
        accept = HTTPConnection(scope).headers.get("accept", "")
        dialect = self.dialects.for_path(scope["path"])
        if self.on_refusal is not None:
            self.on_refusal(reason, dialect.name)
        body, media_type = dialect.render(429, message, accept)
        await send(
            {
                "type": "http.response.start",
                "status": 429,
                "headers": [
                    (b"content-type", media_type.encode()),
                    (b"content-length", str(len(body)).encode()),
                    *headers,
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A WebSocket connection counts as a request of its credential; over budget the
        handshake is refused (HTTP 403 from the server) before the app sees it."""
        assert self.limiter is not None
        decision = await self.limiter.hit(await self.keys.key_for(scope))
        if decision is None or decision.allowed:
            await self.app(scope, receive, send)
            return
        message = await receive()
        if message["type"] == "websocket.connect":
            await send({"type": "websocket.close", "code": 1008, "reason": TOO_MANY})
