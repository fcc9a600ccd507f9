"""``python -m bench.overhead``: CPU per request of the app itself, in process, no network.

Calls the ASGI app directly (no HTTP client, no server: what is left is clientgate's own
work per request) with the settings the bench serves with (rate limiter off, WARNING logs;
``--rate-limit`` turns the limiter on) and prints CPU µs per request, sequential, after a
warm-up. ``--profile N`` prints cProfile's top N functions by own time.

  python -m bench.overhead                         # GET one, SQLite
  python -m bench.overhead --request list --profile 30
  python -m bench.overhead --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/x
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import cProfile
import pstats
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from clientgate.app import create_app
from clientgate.container import build_services
from clientgate.settings import Settings
from core.storage.migrate import migrate

SECRET = "bench-secret-key-0123456789-abcdefghijklmnop"
GRAPHQL_NODE = (
    b'{"query": "query($id: ID!) { node(id: $id) { id ... on Client { databaseId firstName '
    b'lastName code email contacts { id firstName } } } }", "variables": {"id": "%s"}}'
)


async def call(
    app: Any, method: str, path: str, headers: list[tuple[bytes, bytes]], body: bytes = b""
) -> tuple[int, bytes]:
    raw_path, _, query = path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": raw_path,
        "raw_path": raw_path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"bench"), *headers],
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8000),
    }
    sent = False
    status, chunks = 0, []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, b"".join(chunks)


Request = Callable[[], Awaitable[tuple[int, bytes]]]


async def requests_for(app: Any, services: Any, kind: str) -> Request:
    created = await services.accounts.create_account(name=f"O {uuid.uuid4().hex[:6]}", country="PE")
    headers = [(b"access_token", created.token.encode())]
    json = [*headers, (b"content-type", b"application/json")]
    body = b'{"firstName": "Ana", "lastName": "Soto", "code": "1-9", "email": "a@b.pe"}'
    for _ in range(60):
        status, answer = await call(app, "POST", "/v1/clients.json", json, body)
        assert status == 201, answer
    client_id = int(answer.split(b'"id":')[1].split(b",")[0])
    if kind == "get_one":
        return lambda: call(app, "GET", f"/v1/clients/{client_id}.json", headers)
    if kind == "list":
        path = "/v1/clients.json?limit=50&expand=[contacts,addresses,attributes,payment_type]"
        return lambda: call(app, "GET", path, headers)
    node = base64.b64encode(f"Client:{client_id}".encode())
    return lambda: call(app, "POST", "/graphql", json, GRAPHQL_NODE % node)


async def run(args: argparse.Namespace, url: str, var: Path) -> None:
    settings = Settings(
        database_url=url,
        secret_key=SECRET,
        migrate_on_start=False,
        var_dir=var,
        log_level="WARNING",
        rate_limit_enabled=args.rate_limit,
        worker_in_serve=False,
    )
    services = build_services(settings)
    await migrate(services.engine)
    app = create_app(settings, services)
    try:
        request = await requests_for(app, services, args.request)
        for _ in range(args.warmup):
            status, answer = await request()
            assert status == 200, answer
        profiler = cProfile.Profile() if args.profile else None
        started = time.process_time()
        if profiler:
            profiler.enable()
        for _ in range(args.requests):
            await request()
        if profiler:
            profiler.disable()
        cpu = time.process_time() - started
        print(f"{args.request}: {cpu / args.requests * 1e6:.0f} µs CPU per request ({url[:10]})")
        if profiler:
            pstats.Stats(profiler).sort_stats("tottime").print_stats(args.profile)
            if args.profile_out:
                profiler.dump_stats(args.profile_out)
    finally:
        await services.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a SQLite file in a temp dir")
    parser.add_argument("--request", choices=["get_one", "list", "graphql_node"], default="get_one")
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--profile", type=int, default=0, metavar="N")
    parser.add_argument("--profile-out", help="also write the cProfile stats to this file")
    parser.add_argument("--rate-limit", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{tmp}/bench.db"
        asyncio.run(run(args, url, Path(tmp)))


if __name__ == "__main__":
    main()
