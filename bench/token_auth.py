"""``python -m bench.token_auth``: the in-process cost of authenticating a token on
``GET /v1/clients/{id}.json`` (ASGI transport, no network, no uvicorn), sequential requests.

Three runs per round, interleaved over several rounds (the figures are medians over rounds):

  steady      the system clock: the token's first use is written once, then (within the
              minute) every request only reads;
  every-req   a clock that moves a minute per reading: every request also writes the
              token's last use (the worst case, what one request a minute per token pays).

Run it against an older tree (``PYTHONPATH=<tree> python bench/token_auth.py``) for a
before/after comparison; it uses only what every release has.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from clientgate.app import create_app
from clientgate.container import build_services
from clientgate.settings import Settings
from core.storage.migrate import migrate

SECRET = "bench-secret-key-0123456789-abcdefghijklmnop"


class RacingClock:
    """A minute later at every reading: every authentication finds the last use stale."""

    def __init__(self) -> None:
        self._now = int(time.time())

    def now(self) -> int:
        self._now += 61
        return self._now


async def run(url: str, var: Path, requests: int, clock: Any) -> list[float]:
    settings = Settings(
        database_url=url,
        secret_key=SECRET,
        migrate_on_start=False,
        var_dir=var,
        rate_limit="100000000/minute",
        graphql_cost_limit="1000000000/minute",
    )
    services = build_services(settings, clock=clock)
    await migrate(services.engine)
    created = await services.accounts.create_account(name=f"B {uuid.uuid4().hex[:6]}", country="PE")
    headers = {"access_token": created.token}
    transport = httpx.ASGITransport(app=create_app(settings, services))
    timings = []
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://b") as http:
            made = await http.post(
                "/v1/clients.json", headers=headers, json={"firstName": "Ana", "code": "1-9"}
            )
            path = f"/v1/clients/{made.json()['id']}.json"
            for _ in range(200):  # warm up
                assert (await http.get(path, headers=headers)).status_code == 200
            for _ in range(requests):
                started = time.perf_counter()
                response = await http.get(path, headers=headers)
                timings.append(time.perf_counter() - started)
                assert response.status_code == 200, response.text
    finally:
        await services.close()
    return timings


def summary(timings: list[float]) -> dict[str, float]:
    ordered = sorted(timings)
    return {
        "mean_us": statistics.fmean(ordered) * 1e6,
        "p50_us": ordered[len(ordered) // 2] * 1e6,
        "p99_us": ordered[int(len(ordered) * 0.99)] * 1e6,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a SQLite file in a temp dir")
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{tmp}/bench.db"
        results: dict[str, list[dict[str, float]]] = {"steady": [], "every-req": []}
        for _ in range(args.rounds):
            results["steady"].append(summary(asyncio.run(run(url, Path(tmp), args.requests, None))))
            results["every-req"].append(
                summary(asyncio.run(run(url, Path(tmp), args.requests, RacingClock())))
            )
    for name, rounds in results.items():
        medians = {k: statistics.median(r[k] for r in rounds) for k in rounds[0]}
        print(
            f"{args.label:<8} {name:<10} mean {medians['mean_us']:7.0f} us   "
            f"p50 {medians['p50_us']:7.0f} us   p99 {medians['p99_us']:7.0f} us   "
            f"({args.rounds} rounds x {args.requests} requests)"
        )


if __name__ == "__main__":
    main()
