"""``python -m bench.planned_ledger``: a page of 50 clients with their documents, points
history and unpaid summary, executed by the planner and by stock execution, in process.

Not a floor comparison: both paths run in the same process on the same database, the
answers are compared equal first, then each path answers ``--requests`` times, alternating
A B A B in ``--rounds`` rounds. Prints CPU ms per request of this process (the app's work;
PostgreSQL's backends are not counted) and wall ms, p50 over rounds, and the ratio.

  flock /tmp/bench.lock .venv/bin/python -m bench.planned_ledger              # both backends
  flock /tmp/bench.lock .venv/bin/python -m bench.planned_ledger --backend sqlite --rounds 3
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from starlette.applications import Starlette
from starlette.routing import Route

from bench.db import fresh_database
from bench.overhead import call
from bench.seed import SECRET_KEY
from clientgate.container import Services, build_services
from clientgate.settings import Settings
from core.accounts.model import Principal, PrincipalKind
from core.clients.model import ClientChanges
from core.storage.migrate import migrate
from core.storage.tables.clients import documents, points_entries
from graphql_api.app import GraphQLApp
from graphql_api.config import GraphQLConfig
from graphql_api.schema import build_schema

CLIENTS, DOCUMENTS, POINTS = 50, 4, 8
LEDGER_PAGE = """
query BenchLedger($first: Int!) {
  clients(first: $first) {
    edges { cursor node { databaseId code
      documents { id databaseId number emissionDate expirationDate totalAmount paidAmount
        amountOwed }
      pointsHistory(first: 5) { id operation points balance description createdAt }
      unpaidSummary(comparisonDate: "2024-01-01T00:00:00Z") { comparisonDate overdueDebt
        upcomingDebt totalDebt overdueDocuments { id number amountOwed }
        upcomingDocuments { id number amountOwed } }
    } }
  }
}"""


async def _seed(services: Services, caller: Principal) -> None:
    """``CLIENTS`` clients, each with ``DOCUMENTS`` documents (paid, partly paid, unpaid,
    expiring either side of the page's comparison date) and ``POINTS`` movements."""
    ids = []
    for i in range(CLIENTS):
        client = await services.clients.create(caller, ClientChanges({"first_name": f"C{i}"}))
        ids.append(client.id)
    account_id = caller.account_id
    async with services.uow() as uow:
        await uow.connection.execute(
            insert(documents),
            [
                {
                    "account_id": account_id,
                    "client_id": cid,
                    "name": "FACTURA",
                    "number": 10_000 * cid + n,
                    "emission_date": 1_690_000_000,
                    "expiration_date": 1_700_000_000 + n * 2_000_000,
                    "total_amount": Decimal("120.50"),
                    "paid_amount": Decimal(("120.50", "20", "0", "0")[n % 4]),
                }
                for cid in ids
                for n in range(DOCUMENTS)
            ],
        )
        await uow.connection.execute(
            insert(points_entries),
            [
                {
                    "account_id": account_id,
                    "client_id": cid,
                    "operation": n % 2,
                    "points": 5 + n,
                    "balance": 100.0 + n,
                    "description": f"move {n}",
                    "created_at": 1_700_000_000 + n,
                }
                for cid in ids
                for n in range(POINTS)
            ],
        )
        await uow.commit()


async def _measure(app: Any, body: bytes, headers: Any, requests: int) -> tuple[float, float]:
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(requests):
        status, _ = await call(app, "POST", "/graphql", headers, body)
        assert status == 200
    return (
        (time.process_time() - cpu) * 1000 / requests,
        (time.perf_counter() - wall) * 1000 / requests,
    )


async def run_backend(backend: str, rounds: int, requests: int, workdir: Path) -> str:
    async with fresh_database(backend, workdir, "ledger") as url:
        settings = Settings(
            database_url=url, secret_key=SECRET_KEY, migrate_on_start=False, var_dir=workdir
        )
        services = build_services(settings)
        try:
            await migrate(services.engine)
            created = await services.accounts.create_account(name="Bench", country="PE")
            await _seed(services, Principal(created.account, PrincipalKind.API_TOKEN, 0))
            planned_view = GraphQLApp(services, GraphQLConfig())
            stock_view = GraphQLApp(services, GraphQLConfig())
            stock_view.schema = build_schema(GraphQLConfig(), planner=False)
            apps = {
                name: Starlette(routes=[Route("/graphql", view, methods=["POST"])])
                for name, view in (("planned", planned_view), ("stock", stock_view))
            }
            body = json.dumps({"query": LEDGER_PAGE, "variables": {"first": CLIENTS}}).encode()
            headers = [
                (b"authorization", f"Bearer {created.token}".encode()),
                (b"content-type", b"application/json"),
            ]
            answers = {
                n: (await call(a, "POST", "/graphql", headers, body))[1] for n, a in apps.items()
            }
            planned_answer, stock_answer = (json.loads(answers[n]) for n in ("planned", "stock"))
            assert planned_answer == stock_answer, "the two paths answer differently"
            assert len(planned_answer["data"]["clients"]["edges"]) == CLIENTS
            for app in apps.values():  # warm-up
                await _measure(app, body, headers, max(1, requests // 4))
            figures: dict[str, list[tuple[float, float]]] = {"planned": [], "stock": []}
            for _ in range(rounds):
                for name, app in apps.items():
                    figures[name].append(await _measure(app, body, headers, requests))
        finally:
            await services.close()
    cpu = {n: statistics.median(c for c, _ in f) for n, f in figures.items()}
    wall = {n: statistics.median(w for _, w in f) for n, f in figures.items()}
    return (
        f"{backend:<10} page of {CLIENTS} with documents, pointsHistory, unpaidSummary "
        f"(answers equal): CPU ms/request planned {cpu['planned']:.2f}, stock "
        f"{cpu['stock']:.2f} (stock/planned {cpu['stock'] / cpu['planned']:.2f}x); wall "
        f"{wall['planned']:.2f} vs {wall['stock']:.2f} ms ({rounds} rounds x {requests})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    with tempfile.TemporaryDirectory() as tmp:
        for backend in backends:
            line = asyncio.run(run_backend(backend, args.rounds, args.requests, Path(tmp)))
            print(line, flush=True)


if __name__ == "__main__":
    main()
