"""The webhooks' outside world: DNS (``Resolver`` port) and HTTP (``Sender`` port).

The sender is httpcore's connection pool (httpx's transport layer) with a network backend of
ours: every connection resolves the endpoint's host itself, refuses it when any address is
private, loopback, link-local or otherwise not public (unless the policy allows them), and
connects to the address it checked. So a name that resolved to a public address at
registration and to an internal one later (DNS rebinding) is refused when it matters: at
connection time. TLS still verifies the certificate against the URL's host name (SNI). No
proxy settings from the environment apply, and redirects are not followed.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Iterable, Mapping

import httpcore

from core.webhooks.model import SendResult
from core.webhooks.ports import Resolver
from core.webhooks.rules import refused_among


class DnsResolver:
    async def resolve(self, host: str, port: int) -> list[str]:
        loop = asyncio.get_running_loop()
        try:
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError):
            return []
        return list(dict.fromkeys(str(info[4][0]) for info in infos))


class AddressRefused(httpcore.ConnectError):
    pass


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    def __init__(self, resolver: Resolver, allow_private: bool) -> None:
        self._resolver = resolver
        self._allow_private = allow_private
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's signature
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await self._resolver.resolve(host, port)
        if not addresses:
            raise httpcore.ConnectError("the host does not resolve")
        if not self._allow_private and refused_among(addresses) is not None:
            raise AddressRefused("the host resolves to a non-public address (refused)")
        return await self._inner.connect_tcp(
            addresses[0], port, timeout, local_address, socket_options
        )

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's signature
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not webhook endpoints")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class HttpSender:
    def __init__(self, resolver: Resolver, *, allow_private: bool, max_connections: int = 20):
        self._pool = httpcore.AsyncConnectionPool(
            network_backend=_GuardedBackend(resolver, allow_private),
            max_connections=max_connections,
            keepalive_expiry=30,
            retries=0,
        )

    async def post(
        self, url: str, headers: Mapping[str, str], body: bytes, within_seconds: float
    ) -> SendResult:
        started = time.perf_counter()
        status: int | None = None
        error: str | None = None
        t = within_seconds
        limits = {"connect": t, "read": t, "write": t, "pool": t}
        try:
            async with asyncio.timeout(t * 2):
                async with self._pool.stream(
                    "POST",
                    url,
                    headers=[(k.encode(), v.encode()) for k, v in headers.items()],
                    content=body,
                    extensions={"timeout": limits},
                ) as response:
                    status = response.status
        except AddressRefused as exc:
            error = str(exc)
        except (TimeoutError, httpcore.TimeoutException):
            error = "timed out"
        except (httpcore.NetworkError, httpcore.ProtocolError, httpcore.UnsupportedProtocol) as exc:
            error = f"{type(exc).__name__}: {exc}"[:255] if str(exc) else type(exc).__name__
        return SendResult(status, error, int((time.perf_counter() - started) * 1000))

    async def close(self) -> None:
        await self._pool.aclose()
