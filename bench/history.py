"""``python -m bench.history``: what recording the change history costs a write.

POST /v1/clients.json (the ``post_client`` scenario) against two real ``clientgate serve``
processes on the same freshly seeded database, in the same run: the product as built, and the
same build with its recorder made a no-op (``bench/history_off.py``, bench only). They are
driven in turn, A B A B, and each side's medians compared: CPU per request (server process plus,
on PostgreSQL, its backends) and requests per second. Target: history costs at most 1.3x.

    python -m bench.history [--backend sqlite|postgresql|both] [--rounds 2] [--duration 3]

Run it with ``flock /tmp/bench.lock`` on a shared machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench.db import fresh_database
from bench.measure import drive
from bench.scenarios import post_client
from bench.seed import SECRET_KEY, seed
from bench.server import Server, app_env, free_port, start, start_clientgate

RESULTS = Path(__file__).parent / "results"
TARGET = 1.3


def start_without_history(url: str, logdir: Path) -> Server:
    port = free_port()
    argv = [sys.executable, "-m", "bench.history_off", "serve", "--port", str(port)]
    env = app_env(url, SECRET_KEY, port, logdir)
    return start("no-history", argv, env, port, logdir, application_name="clientgate")


def feed_length(server: Server, token: str) -> int:
    """How many changes the bench account's feed holds (read through GraphQL)."""
    count, after = 0, None
    while True:
        answer = httpx.post(
            f"{server.base_url}/graphql",
            json={
                "query": "query($a: String) { changes(first: 100, after: $a) "
                "{ pageInfo { hasNextPage endCursor } nodes { id } } }",
                "variables": {"a": after},
            },
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        ).json()["data"]["changes"]
        count += len(answer["nodes"])
        if not answer["pageInfo"]["hasNextPage"]:
            return count
        after = answer["pageInfo"]["endCursor"]


async def bench_backend(backend: str, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    async with fresh_database(backend, workdir, f"history_{backend}") as url:
        seeded = await seed(url, args.clients, workdir, full=False)
        request = post_client(seeded, random.Random(11))
        with_history = start_clientgate(url, SECRET_KEY, workdir)
        without = start_without_history(url, workdir)
        runs: dict[str, list[dict[str, Any]]] = {"history": [], "no_history": []}
        try:
            before = feed_length(with_history, seeded.token)
            for n in range(args.rounds):
                for name, server in (("no_history", without), ("history", with_history)):
                    result = drive(server, request, f"post-{name}-{n}", url, args, workdir)
                    if "skipped" in result:
                        raise RuntimeError(f"{name}: {result['skipped']}")
                    runs[name].append(result)
            recorded = feed_length(with_history, seeded.token) - before
        finally:
            with_history.stop()
            without.stop()
    posted = {k: sum(r["requests"] for r in v) for k, v in runs.items()}
    sides = {
        name: {
            "rps": statistics.median(r["rps"] for r in results),
            "p50_ms": statistics.median(r["p50_ms"] for r in results),
            "cpu_ms_per_request": statistics.median(r["cpu_ms_per_request"] for r in results),
        }
        for name, results in runs.items()
    }
    cost_cpu = sides["history"]["cpu_ms_per_request"] / sides["no_history"]["cpu_ms_per_request"]
    cost_rps = sides["no_history"]["rps"] / sides["history"]["rps"]
    return {
        "backend": backend,
        "sides": sides,
        "cpu_cost": round(cost_cpu, 3),
        "throughput_cost": round(cost_rps, 3),
        "target": TARGET,
        "met": cost_cpu <= TARGET and cost_rps <= TARGET,
        # Sanity: the build with history recorded at least one change per client it posted
        # (the no-op build none: the feed holds no more changes than posts with history).
        "changes_recorded": recorded,
        "answered": posted,
        "runs": runs,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--clients", type=int, default=2_000, help="clients seeded first")
    parser.add_argument("--rounds", type=int, default=2, help="A B rounds")
    parser.add_argument("--duration", type=float, default=3.0, help="seconds per run")
    parser.add_argument("--warmup", type=float, default=1.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-history-") as tmp:
        for backend in backends:
            result = asyncio.run(bench_backend(backend, args, Path(tmp)))
            results.append(result)
            h, o = result["sides"]["history"], result["sides"]["no_history"]
            print(
                f"{backend}: POST a client  history {h['rps']:.0f} req/s "
                f"{h['cpu_ms_per_request']:.2f} ms CPU/req p50 {h['p50_ms']:.1f} ms | "
                f"without {o['rps']:.0f} req/s {o['cpu_ms_per_request']:.2f} ms CPU/req "
                f"p50 {o['p50_ms']:.1f} ms | cost {result['cpu_cost']}x CPU, "
                f"{result['throughput_cost']}x throughput (target <= {TARGET}x) | "
                f"{result['changes_recorded']} changes recorded for "
                f"{result['answered']['history']} posts",
                flush=True,
            )
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"history-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.write_text(json.dumps(results, indent=2))
    print(f"written {out}")


if __name__ == "__main__":
    main()
