"""One credential flooding a real server cannot starve another: its requests beyond the
per-credential cap are refused at once (429) instead of holding every database connection,
and the other credential's writes keep answering 2xx quickly."""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import base_env, database_url, start_server

pytestmark = pytest.mark.e2e

HEAVY = """{ clients(first: 50) { totalCount edges { node { id firstName contacts { firstName }
  addresses { city } attributes { value } documents { number } pointsHistory { points } } } } }"""
# Generous for a loaded 2-CPU machine (the report: another tenant waited 15 s, and 500s).
STATED_P95_S = 5.0


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_flood_from_one_credential_does_not_starve_another(backend: str, tmp_path: Path) -> None:
    with database_url(backend, tmp_path) as url:
        env = base_env(
            url,
            tmp_path,
            CLIENTGATE_RATE_LIMIT="100000/minute",
            CLIENTGATE_RATE_LIMIT_CONCURRENCY="4",
            CLIENTGATE_DB_POOL_SIZE="4",
        )
        server = start_server(env, tmp_path, backend=backend)
        try:
            tokens = [
                json.loads(
                    server.cli(
                        "accounts", "create", "--name", f"T{i}", "--country", "PE", "--json"
                    ).stdout
                )["token"]
                for i in range(2)
            ]
            flooder, writer = ({"access_token": t} for t in tokens)

            async def run() -> tuple[list[int], list[int], list[float]]:
                limits = httpx.Limits(max_connections=100)
                async with httpx.AsyncClient(
                    base_url=server.base_url, timeout=60, limits=limits
                ) as http:

                    async def heavy() -> int:
                        answer = await http.post("/graphql", json={"query": HEAVY}, headers=flooder)
                        return answer.status_code

                    async def write(n: int) -> tuple[int, float]:
                        started = time.perf_counter()
                        answer = await http.post(
                            "/v1/clients.json", json={"firstName": f"W{n}"}, headers=writer
                        )
                        return answer.status_code, time.perf_counter() - started

                    flood = asyncio.gather(*(heavy() for _ in range(100)))
                    writes = [await write(n) for n in range(20)]
                    return list(await flood), [s for s, _ in writes], [t for _, t in writes]

            flood, statuses, latencies = asyncio.run(run())
        finally:
            server.assert_clean_exit()
    assert set(flood) <= {200, 429}, sorted(set(flood))
    assert 429 in flood  # the cap refused part of the flood at once
    assert set(statuses) == {201} or set(statuses) == {200}, statuses
    p95 = statistics.quantiles(latencies, n=20)[-1]
    median = statistics.median(latencies)
    print(f"writer p50 {median:.3f} s, p95 {p95:.3f} s; {flood.count(429)} of 100 refused")
    assert p95 < STATED_P95_S, latencies
