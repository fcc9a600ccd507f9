"""Feed lag: from a write's commit to the ``changes`` subscription event, and to the webhook
delivery, on real ``clientgate serve`` processes.

Each sample creates one client through GraphQL on the writing server and times, on this
machine's monotonic clock: the write's answer (the commit happened before it), the arrival
of its change on a ``changes`` subscription (graphql-transport-ws, read by a thread that
stamps each frame as it lands), and the arrival of its webhook at a local receiver
(``http.server`` in a thread). Lags are reported from the write's answer, so they are an
upper bound of the lag from the commit minus nothing and a lower bound of nothing: a push may
land before the answer (negative lag). On PostgreSQL the subscriber listens on a second
server (another process: the notification crosses LISTEN/NOTIFY); on SQLite there is one.

    flock /tmp/bench.lock .venv/bin/python -m bench.feed_lag --samples 50
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from bench.db import fresh_database
from bench.server import Server, free_port, start

SECRET = "bench-secret-key-0123456789-abcdefghijklmnop"


class Stamps:
    """Arrival times keyed by the created client's id."""

    def __init__(self) -> None:
        self.at: dict[int, float] = {}
        self.cond = threading.Condition()

    def add(self, client_id: int) -> None:
        with self.cond:
            self.at.setdefault(client_id, time.perf_counter())
            self.cond.notify_all()

    def wait(self, client_id: int, timeout: float = 30) -> float:
        with self.cond:
            if not self.cond.wait_for(lambda: client_id in self.at, timeout):
                raise TimeoutError(f"client {client_id} never arrived")
            return self.at[client_id]


def serve_receiver(stamps: Stamps) -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            data = json.loads(body)["data"]
            if data["entityType"] == "client" and data["action"] == "create":
                stamps.add(int(data["entityId"]))
            self.send_response(200)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/hook"


def subscribe(base_url: str, token: str, stamps: Stamps) -> threading.Thread:
    ready = threading.Event()

    def run() -> None:
        url = base_url.replace("http://", "ws://") + "/graphql"
        with connect(
            url,
            subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
            additional_headers={"access_token": token},
        ) as ws:
            ws.send(json.dumps({"type": "connection_init"}))
            json.loads(ws.recv(timeout=10))
            query = "subscription { changes(types: [CLIENT]) { node { entityDatabaseId action } } }"
            ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
            ready.set()
            while True:
                try:
                    message = json.loads(ws.recv())
                except ConnectionClosed:
                    return  # the server stopped at the end of the run
                if message.get("type") != "next":
                    raise RuntimeError(f"subscription ended: {message}")
                node = message["payload"]["data"]["changes"]["node"]
                if node["action"] == "CREATE":
                    stamps.add(int(node["entityDatabaseId"]))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    ready.wait(10)
    return thread


def gql(http: httpx.Client, token: str, query: str, **variables: Any) -> dict[str, Any]:
    answer = http.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"access_token": token},
    ).json()
    assert "errors" not in answer, answer
    data: dict[str, Any] = answer["data"]
    return data


def _start(url: str, logdir: Path, name: str) -> Server:
    port = free_port()
    env = {
        "CLIENTGATE_DATABASE_URL": url,
        "CLIENTGATE_SECRET_KEY": SECRET,
        "CLIENTGATE_LOG_LEVEL": "WARNING",
        "CLIENTGATE_RATE_LIMIT_ENABLED": "false",
        "CLIENTGATE_WEBHOOKS_ALLOW_PRIVATE": "true",
        "CLIENTGATE_PORT": str(port),
        "CLIENTGATE_VAR_DIR": str(logdir),
    }
    argv = [str(Path(sys.executable).with_name("clientgate")), "serve", "--port", str(port)]
    return start(name, argv, env, port, logdir)


def _pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def measure(backend: str, url: str, logdir: Path, samples: int) -> dict[str, Any]:
    writer = _start(url, logdir, f"{backend}-writer")
    reader = _start(url, logdir, f"{backend}-reader") if backend == "postgresql" else writer
    pushed, hooked = Stamps(), Stamps()
    receiver, hook_url = serve_receiver(hooked)
    try:
        with httpx.Client(base_url=writer.base_url, timeout=30) as http:
            token = _token(url, logdir)
            gql(
                http,
                token,
                "mutation($url: String!) { createWebhookEndpoint(input: {url: $url,"
                " eventTypes: [CLIENT]}) { userErrors { message } } }",
                url=hook_url,
            )
            subscribe(reader.base_url, token, pushed)
            time.sleep(1.0)  # the subscription reads the feed's head before the first write
            write, to_push, to_hook = [], [], []
            for i in range(samples):
                started = time.perf_counter()
                created = gql(
                    http,
                    token,
                    "mutation($n: String!) { createClient(input: {firstName: $n})"
                    " { client { databaseId } userErrors { message } } }",
                    n=f"Lag {i}",
                )
                answered = time.perf_counter()
                client_id = int(created["createClient"]["client"]["databaseId"])
                write.append((answered - started) * 1000)
                to_push.append((pushed.wait(client_id) - answered) * 1000)
                to_hook.append((hooked.wait(client_id) - answered) * 1000)
    finally:
        receiver.shutdown()
        for server in {id(writer): writer, id(reader): reader}.values():
            server.stop()
    return {
        "backend": backend,
        "samples": samples,
        "write_ms": _summary(write),
        "subscription_lag_ms": _summary(to_push),
        "webhook_lag_ms": _summary(to_hook),
    }


def _token(url: str, var_dir: Path) -> str:
    """A new account's token, from ``clientgate accounts create --json``."""
    env = {
        **os.environ,
        "CLIENTGATE_DATABASE_URL": url,
        "CLIENTGATE_SECRET_KEY": SECRET,
        "CLIENTGATE_VAR_DIR": str(var_dir),
    }
    clientgate = str(Path(sys.executable).with_name("clientgate"))
    out = subprocess.run(
        [clientgate, "accounts", "create", "--name", "Lag", "--country", "PE", "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return str(json.loads(out.stdout)["token"])


def _summary(values: list[float]) -> dict[str, float]:
    return {
        "p50": round(statistics.median(values), 1),
        "p95": round(_pct(values, 0.95), 1),
        "max": round(max(values), 1),
    }


async def _run(backend: str, samples: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="feedlag-") as tmp:
        async with fresh_database(backend, Path(tmp), "feedlag") as url:
            return await asyncio.to_thread(measure, backend, url, Path(tmp), samples)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--samples", type=int, default=50)
    args = parser.parse_args(argv)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    for backend in backends:
        print(json.dumps(asyncio.run(_run(backend, args.samples))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
