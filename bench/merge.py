"""``python -m bench.merge``: merging 2 clients with 100 documents each (and their payments,
a few contacts, addresses, attribute values and points entries), per backend, server side.

Each round seeds two fresh clients of one account (documents and payments inserted in bulk,
outside the timing), then times ``ClientService.merge`` in process: one unit of work that
locks both clients, moves every child row, writes the survivor and records the merge. Prints
p50 and max per backend.

  flock /tmp/bench.lock .venv/bin/python -m bench.merge              # both backends, 20 rounds
  flock /tmp/bench.lock .venv/bin/python -m bench.merge --rounds 5 --backend sqlite
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert, select

from bench.db import fresh_database
from bench.seed import SECRET_KEY
from clientgate.container import Services, build_services
from clientgate.settings import Settings
from core.accounts.model import Principal, PrincipalKind
from core.clients.model import AttributeInput, ClientChanges, PointsOperation
from core.storage.migrate import migrate
from core.storage.tables.clients import documents, payments

DOCUMENTS = 100


async def _client_with_documents(
    services: Services, caller: Principal, name: str, attr: int
) -> int:
    svc = services.clients
    client = await svc.create(
        caller,
        ClientChanges(
            {"first_name": name, "email": f"{name}@x.pe", "accumulate_points": 1},
            attributes=[AttributeInput(attr, name)],
        ),
    )
    for i in range(3):
        await svc.add_contact(caller, client.id, {"first_name": f"{name} {i}"})
        await svc.add_address(caller, client.id, {"address": f"{name} street {i}"})
        await svc.change_points(caller, client.id, PointsOperation.ADD, 10, "alta", None)
    account_id = caller.account_id
    async with services.uow() as uow:
        await uow.connection.execute(
            insert(documents),
            [
                {
                    "account_id": account_id,
                    "client_id": client.id,
                    "name": "FACTURA",
                    "number": n,
                    "emission_date": 1_700_000_000,
                    "expiration_date": 1_702_592_000,
                    "total_amount": Decimal(100),
                    "paid_amount": Decimal(40),
                }
                for n in range(DOCUMENTS)
            ],
        )
        ids = (
            await uow.connection.execute(
                select(documents.c.id).where(documents.c.client_id == client.id)
            )
        ).scalars()
        await uow.connection.execute(
            insert(payments),
            [
                {"account_id": account_id, "document_id": d, "amount": Decimal(40), "paid_at": 1}
                for d in ids
            ],
        )
        await uow.commit()
    return client.id


async def run_backend(backend: str, rounds: int, workdir: Path) -> str:
    async with fresh_database(backend, workdir, "merge") as url:
        settings = Settings(
            database_url=url, secret_key=SECRET_KEY, migrate_on_start=False, var_dir=workdir
        )
        services = build_services(settings)
        try:
            await migrate(services.engine)
            created = await services.accounts.create_account(name="Bench", country="PE")
            caller = Principal(created.account, PrincipalKind.API_TOKEN, 0)
            attr = (await services.clients.add_attribute_definition(caller, "segment")).id
            times: list[float] = []
            for r in range(rounds):
                a = await _client_with_documents(services, caller, f"a{r}", attr)
                b = await _client_with_documents(services, caller, f"b{r}", attr)
                start = time.perf_counter()
                planned, _ = await services.clients.merge(caller, a, [b])
                times.append((time.perf_counter() - start) * 1000)
                assert planned.counts.documents == DOCUMENTS
            docs = await services.clients.client_documents(caller, a)
            assert len(docs) == 2 * DOCUMENTS
        finally:
            await services.close()
    return (
        f"{backend:<10} merge of 2 clients x {DOCUMENTS} documents: "
        f"p50 {statistics.median(times):.1f} ms, max {max(times):.1f} ms ({rounds} rounds)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    with tempfile.TemporaryDirectory() as tmp:
        for backend in backends:
            print(asyncio.run(run_backend(backend, args.rounds, Path(tmp))), flush=True)


if __name__ == "__main__":
    main()
