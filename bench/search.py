"""``python -m bench.search``: client search on a large account, per backend, server side.

Seeds one account with N clients (default 1,000,000) whose names, e-mails, phones and RUCs
look like a Peruvian customer base (first names and two surnames drawn from lists with
accents, so a surname matches ~1.6% of the clients), through the real migrations (FTS5 table
and triggers on SQLite; the full-text GIN index on PostgreSQL, dropped during the COPY and
rebuilt after it, as a bulk load would). Then times, in process, what the GraphQL
``clients(search:)`` resolver asks of the service: the first page (25, by relevance) and the
bounded ``totalCount``, for each kind of query a person types, and prints p50/p99 per kind.

  flock /tmp/bench.lock .venv/bin/python -m bench.search                  # both, 1M
  flock /tmp/bench.lock .venv/bin/python -m bench.search --clients 100000 --backend sqlite
  flock /tmp/bench.lock .venv/bin/python -m bench.search --keep /tmp/cg-search  # seed once
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from bench.db import PG_ADMIN_URL, _pg_admin, fresh_database
from bench.seed import SECRET_KEY, client_code, pg_dsn, seed
from clientgate.container import build_services
from clientgate.settings import Settings
from core.accounts.model import Principal
from core.clients.model import ClientFilter, ClientSortField
from core.clients.search import client_keys

FIRST = [
    "Lucía",
    "María",
    "José",
    "Juan",
    "Carlos",
    "Luis",
    "Jorge",
    "Ana",
    "Rosa",
    "Carmen",
    "Elena",
    "Sofía",
    "Valentina",
    "Camila",
    "Mateo",
    "Santiago",
    "Sebastián",
    "Diego",
    "Andrés",
    "Martín",
    "Nicolás",
    "Gabriel",
    "Raúl",
    "Víctor",
    "Óscar",
    "Héctor",
    "Ángel",
    "Jesús",
    "Mónica",
    "Verónica",
    "Inés",
    "Beatriz",
    "Patricia",
    "Cecilia",
    "Gloria",
    "Julia",
    "Teresa",
    "Silvia",
    "Ramón",
    "Joaquín",
    "Fernando",
    "Ricardo",
    "Eduardo",
    "Alberto",
    "Manuel",
    "Pedro",
    "Pablo",
    "Tomás",
    "Iván",
    "Rubén",
    "Noemí",
    "Zoë",
    "Belén",
    "Marisol",
    "Yolanda",
    "Ximena",
    "Nayeli",
    "Abigaíl",
    "Efraín",
    "Germán",
]
LAST = [
    "Muñoz",
    "Pérez",
    "García",
    "López",
    "Rodríguez",
    "Sánchez",
    "Ramírez",
    "Flores",
    "Gómez",
    "Díaz",
    "Hernández",
    "Martínez",
    "González",
    "Fernández",
    "Torres",
    "Vásquez",
    "Rojas",
    "Castillo",
    "Chávez",
    "Quispe",
    "Mamani",
    "Huamán",
    "Gutiérrez",
    "Ruiz",
    "Jiménez",
    "Morales",
    "Ortiz",
    "Álvarez",
    "Romero",
    "Núñez",
    "Mendoza",
    "Cáceres",
    "Espinoza",
    "Salazar",
    "Paredes",
    "Córdova",
    "Cárdenas",
    "Aguilar",
    "Villanueva",
    "Ríos",
    "Ibáñez",
    "Peña",
    "Cruz",
    "Herrera",
    "Medina",
    "Vargas",
    "Castro",
    "Ramos",
    "Reyes",
    "Vega",
    "Silva",
    "Zúñiga",
    "Ordóñez",
    "Benítez",
    "Domínguez",
    "Acuña",
    "Montaño",
    "Carreño",
    "Yáñez",
    "Godoy",
    "Lázaro",
    "Echeverría",
    "Zapata",
    "Cornejo",
    "Bustamante",
    "Arévalo",
    "Solís",
    "Campos",
    "Palacios",
    "Valdivia",
    "Carrasco",
    "Alarcón",
    "Saavedra",
    "Velásquez",
    "Pizarro",
    "Tapia",
    "Figueroa",
    "Molina",
    "Navarro",
    "Olivares",
    "Fuentes",
    "Sepúlveda",
    "Contreras",
    "Araya",
    "Leiva",
    "Riquelme",
    "Valenzuela",
    "Sandoval",
    "Cáceres",
    "Muñante",
    "Ñique",
    "Ñahui",
    "Llontop",
    "Chumpitaz",
    "Ccori",
    "Apaza",
    "Condori",
    "Ticona",
    "Yupanqui",
    "Huanca",
    "Choque",
    "Calle",
    "Poma",
    "Inga",
    "Sulca",
    "Ccahuana",
    "Tello",
    "Loayza",
    "Ugarte",
    "Zegarra",
    "Barrios",
    "Aranda",
    "Bravo",
    "Lozano",
    "Meza",
    "Rivas",
    "Soto",
    "Bermúdez",
    "Pacheco",
    "Maldonado",
    "Ponce",
    "Acosta",
]
WORDS = [
    "Comercial",
    "Inversiones",
    "Distribuidora",
    "Ferretería",
    "Textil",
    "Agroindustrial",
    "Consultora",
    "Constructora",
    "Transportes",
    "Servicios",
    "Importaciones",
    "Panadería",
    "Bodega",
    "Farmacia",
    "Minera",
]
PAGE = 25


def _person(rng: random.Random, i: int) -> dict[str, Any]:
    first, last1, last2 = rng.choice(FIRST), rng.choice(LAST), rng.choice(LAST)
    row: dict[str, Any] = {
        "first_name": first,
        "last_name": f"{last1} {last2}",
        "email": f"{first}.{last1}{i}@correo.pe".lower(),
        "phone": f"+51 9{i % 100_000_000:08d}",
        "code": client_code(i),
        "company": f"{rng.choice(WORDS)} {last1} SAC" if i % 5 == 0 else None,
    }
    return row


def _rows(account_id: int, n: int) -> Iterator[dict[str, Any]]:
    rng = random.Random(7)
    for i in range(n):
        person = _person(rng, i)
        yield {
            "id": i + 1,
            "account_id": account_id,
            **person,
            **client_keys(person),
            "code_valid": True,
            "state": 0,
            "company_or_person": 0,
            "accumulate_points": 0,
            "points": 0.0,
            "send_dte": 0,
            "prestashop_client_id": 0,
            "created_at": 1_700_000_000 + i,
            "updated_at": 1_700_000_000 + i,
        }


COLUMNS = list(next(_rows(0, 1)))


def _load_sqlite(path: str, account_id: int, n: int) -> None:
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=OFF")
        db.execute("BEGIN")
        marks = ",".join("?" * len(COLUMNS))
        sql = f"INSERT INTO clients ({','.join(COLUMNS)}) VALUES ({marks})"
        # The FTS5 triggers index every row as it goes in, as the app's writes do.
        db.executemany(sql, (tuple(r[c] for c in COLUMNS) for r in _rows(account_id, n)))
        db.execute("INSERT INTO clients_fts(clients_fts) VALUES ('optimize')")
        db.execute("COMMIT")
        db.execute("ANALYZE")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()


async def _load_pg(url: str, account_id: int, n: int) -> None:
    import asyncpg

    conn = await asyncpg.connect(pg_dsn(url))
    try:
        await conn.execute("DROP INDEX ix_clients_search_tsv")
        await conn.execute("DROP INDEX ix_clients_name_trgm")
        batch: list[tuple[Any, ...]] = []
        for row in _rows(account_id, n):
            batch.append(tuple(row[c] for c in COLUMNS))
            if len(batch) == 100_000:
                await conn.copy_records_to_table("clients", records=batch, columns=COLUMNS)
                batch = []
        if batch:
            await conn.copy_records_to_table("clients", records=batch, columns=COLUMNS)
        await conn.execute("SET maintenance_work_mem = '512MB'")
        await conn.execute(
            "CREATE INDEX ix_clients_search_tsv ON clients "
            "USING gin (to_tsvector('simple'::regconfig, search_text))"
        )
        await conn.execute(
            "CREATE INDEX ix_clients_name_trgm ON clients USING gin (name_key gin_trgm_ops)"
        )
        await conn.execute(
            "SELECT setval(pg_get_serial_sequence('clients', 'id'), (SELECT max(id) FROM clients))"
        )
        await conn.execute("VACUUM ANALYZE clients")
    finally:
        await conn.close()


def queries(n: int, per_kind: int) -> dict[str, list[str]]:
    """Searches a person would type, drawn from the seeded rows so that they match."""
    rng = random.Random(11)
    replay = random.Random(7)
    people = [_person(replay, i) for i in range(min(n, 50_000))]
    picks = [rng.randrange(len(people)) for _ in range(per_kind)]
    kinds: dict[str, list[str]] = {
        "full name": [f"{people[i]['first_name']} {people[i]['last_name']}" for i in picks],
        "name, other order, no accents": [
            f"{people[i]['last_name'].split()[0]} {people[i]['first_name']}".upper()
            .replace("Ñ", "N")
            .replace("Á", "A")
            .replace("É", "E")
            .replace("Í", "I")
            .replace("Ó", "O")
            .replace("Ú", "U")
            for i in picks
        ],
        "surname (~1.6% of clients)": [people[i]["last_name"].split()[0] for i in picks],
        "surname prefix, 4 letters": [people[i]["last_name"][:4] for i in picks],
        "tax id with separators": [
            f"{people[i]['code'][:2]}-{people[i]['code'][2:10]}-{people[i]['code'][10:]}"
            for i in picks
        ],
        "phone, national digits": [people[i]["phone"][4:] for i in picks],
        "e-mail": [people[i]["email"] for i in picks],
    }
    return kinds


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _timed(call: Callable[[], Awaitable[Any]]) -> float:
    started = time.perf_counter()
    await call()
    return (time.perf_counter() - started) * 1000


async def measure(url: str, token: str, kinds: dict[str, list[str]], var_dir: Path) -> list[str]:
    settings = Settings(
        database_url=url, secret_key=SECRET_KEY, migrate_on_start=False, var_dir=var_dir
    )
    services = build_services(settings)
    lines: list[str] = []
    try:
        caller: Principal = await services.accounts.authenticate_token(token)
        svc = services.clients
        for kind, texts in kinds.items():
            page_ms: list[float] = []
            count_ms: list[float] = []
            counts: list[int] = []
            for round_ in range(2):  # the first round warms caches and is not recorded
                for text in texts:
                    flt = ClientFilter(search=text)

                    async def page(flt: ClientFilter = flt) -> Any:
                        return await svc.page(
                            caller, flt, ClientSortField.RELEVANCE, False, None, PAGE
                        )

                    async def count(flt: ClientFilter = flt, into: list[int] = counts) -> Any:
                        into.append(await svc.count(caller, flt))

                    p = await _timed(page)
                    c = await _timed(count)
                    if round_:
                        page_ms.append(p)
                        count_ms.append(c)
            lines.append(
                f"  {kind:32} page p50 {statistics.median(page_ms):7.2f} ms"
                f"  p99 {_percentile(page_ms, 0.99):7.2f} ms | count p50 "
                f"{statistics.median(count_ms):7.2f} ms  p99 {_percentile(count_ms, 0.99):7.2f} ms"
                f" | matches median {int(statistics.median(counts))} max {max(counts)}"
            )
            print(lines[-1], flush=True)
    finally:
        await services.close()
    return lines


async def _seeded(backend: str, url: str, n: int, workdir: Path) -> str:
    """Seed the database at ``url``; its bench token."""
    started = time.perf_counter()
    seeded = await seed(url, 0, workdir, full=False)
    if make_url(url).get_backend_name() == "sqlite":
        _load_sqlite(str(make_url(url).database), seeded.account_id, n)
    else:
        await _load_pg(url, seeded.account_id, n)
    print(f"{backend}: {n:,} clients seeded in {time.perf_counter() - started:.0f} s", flush=True)
    return seeded.token


def _kept_paths(backend: str, n: int, keep: Path) -> tuple[str, Path, str | None]:
    """Where a kept database lives, its marker file, and its token when already seeded."""
    keep.mkdir(parents=True, exist_ok=True)
    marker = keep / f"search-{backend}-{n}.json"
    if backend == "sqlite":
        url = f"sqlite+aiosqlite:///{keep / f'search-{n}.db'}"
    else:
        url = f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/clientgate_bench_search_{n}"
    token = str(json.loads(marker.read_text())["token"]) if marker.exists() else None
    return url, marker, token


async def _kept(backend: str, n: int, keep: Path) -> tuple[str, str]:
    """A seeded database kept in (or named after) ``keep`` between runs, and its token: a
    second run measures again without seeding 1,000,000 rows again."""
    url, marker, token = _kept_paths(backend, n, keep)
    if token is not None:
        return url, token
    if backend == "postgresql":
        name = url.rsplit("/", 1)[1]
        await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await _pg_admin(f'CREATE DATABASE "{name}"')
    token = await _seeded(backend, url, n, keep)
    marker.write_text(json.dumps({"url": url, "token": token}))
    return url, token


async def run_backend(backend: str, n: int, per_kind: int, keep: Path | None) -> list[str]:
    kinds = queries(n, per_kind)
    if keep is not None:
        url, token = await _kept(backend, n, keep)
        return await measure(url, token, kinds, keep)
    with tempfile.TemporaryDirectory(prefix="cg-search-bench-") as tmp:
        workdir = Path(tmp)
        async with fresh_database(backend, workdir, "search") as url:
            token = await _seeded(backend, url, n, workdir)
            return await measure(url, token, kinds, workdir)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=50, help="queries per kind")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument(
        "--keep",
        type=Path,
        help="keep the seeded databases (SQLite file and token in this directory, PostgreSQL "
        "database clientgate_bench_search_<N>) and reuse them on the next run",
    )
    args = parser.parse_args()
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    for backend in backends:
        print(f"{backend}:", flush=True)
        asyncio.run(run_backend(backend, args.clients, args.queries, args.keep))


if __name__ == "__main__":
    main()
